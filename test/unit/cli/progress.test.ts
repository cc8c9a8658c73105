import { strict as assert } from 'node:assert';
import { Progress } from '../../../src/cli/progress';

function recorder(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe('CLI progress', () => {
  it('stays quiet for the first second, then logs a line at most every five seconds off a terminal', () => {
    let clock = 0;
    const { stream, written } = recorder(false);
    const progress = new Progress(true, stream, () => clock);
    let built = 0;
    const message = () => `step ${++built}`;
    progress.update(message);
    clock = 999;
    progress.update(message);
    assert.deepEqual(written, []);
    assert.equal(built, 0, 'messages are only built when shown');
    clock = 1000;
    progress.update(message);
    clock = 5999;
    progress.update(message);
    clock = 6000;
    progress.update(message);
    assert.deepEqual(written, ['step 1\n', 'step 2\n']);
    progress.done();
    assert.equal(written.length, 2, 'nothing to clear off a terminal');
  });

  it('rewrites one line in place on a terminal and clears it when done', () => {
    let clock = 0;
    const { stream, written } = recorder(true);
    const progress = new Progress(true, stream, () => clock);
    clock = 1500;
    progress.update(() => 'a');
    clock = 1550;
    progress.update(() => 'too soon');
    clock = 1600;
    progress.update(() => 'b');
    progress.done();
    assert.deepEqual(written, ['\r\x1b[Ka', '\r\x1b[Kb', '\r\x1b[K']);
  });

  it('prints nothing when disabled (--quiet)', () => {
    const { stream, written } = recorder(true);
    const progress = new Progress(false, stream, () => 10_000);
    progress.update(() => 'x');
    progress.done();
    assert.deepEqual(written, []);
  });
});
