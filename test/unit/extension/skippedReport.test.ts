// Show Skipped Files' counts: files and folders apart, matching the lines under the heading, and files
// learned without their secret lines listed but not counted (it printed "0 files or folders are not
// learned:" with nothing skipped). The sentences around them are checked in the integration tests.
import assert from 'node:assert/strict';
import { countSkipped } from '../../../src/extension/skippedReport';

describe('Show Skipped Files counts', () => {
  it('are all zero when nothing is skipped', () => {
    assert.deepEqual(countSkipped([]), { files: 0, folders: 0, partly: 0 });
  });

  it('count files and folders apart', () => {
    const counts = countSkipped([
      { uri: 'file:///ws/.env', reason: 'secret', detail: 'never learned (matches .env)' },
      { uri: 'file:///ws/scratch/', reason: 'gitignore', detail: 'folder ignored by .gitignore' },
      { uri: 'file:///ws/big.log', reason: 'too large', detail: '2,048 KB > 1,024 KB' },
    ]);
    assert.deepEqual(counts, { files: 2, folders: 1, partly: 0 });
  });

  it('list files learned without their secret lines apart, not as skipped', () => {
    const partly = { uri: 'file:///ws/config.js', reason: 'secret lines' as const, detail: 'learned, 1 line withheld' };
    assert.deepEqual(countSkipped([partly]), { files: 0, folders: 0, partly: 1 });
    assert.deepEqual(countSkipped([partly, { uri: 'file:///ws/.env', reason: 'secret', detail: 'never learned' }]), { files: 1, folders: 0, partly: 1 });
  });
});
