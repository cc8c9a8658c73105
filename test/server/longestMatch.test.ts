// The longest-match estimator over the real server: the context runs across lines, so a word that
// only the line before decides is predicted, where an n-gram model sees the same line start twice.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestSession, removeTempDirs, tempDir } from './harness';

describe('longest match (the default estimator) in the server', function () {
  this.timeout(60_000);
  const sessions: TestSession[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.dispose();
  });
  after(removeTempDirs);

  const chosenAfter = async (settings: Record<string, unknown>, contexts: readonly string[]): Promise<(string | undefined)[]> => {
    const folder = tempDir('longest-match');
    // "beta" starts a line twice; only the line before says which word follows it.
    fs.writeFileSync(path.join(folder, 'a.txt'), 'alpha one\nbeta two\n');
    fs.writeFileSync(path.join(folder, 'b.txt'), 'gamma one\nbeta three\n');
    const session = await TestSession.start({ folders: [folder], settings });
    sessions.push(session);
    await session.whenReady();
    const chosen: (string | undefined)[] = [];
    for (const context of contexts) chosen.push((await session.predict({ context, temperature: 0 })).chosen?.word);
    return chosen;
  };

  it('a context spanning lines predicts the word only the longer context determines', async () => {
    const contexts = ['alpha one\nbeta', 'gamma one\nbeta'];
    assert.deepEqual(await chosenAfter({}, contexts), ['two', 'three']);
    // The control: Kneser-Ney reads only the line, the same `<s> beta` both times, so the same word.
    const [first, second] = await chosenAfter({ smoothing: 'kneser-ney' }, contexts);
    assert.ok(first === 'two' || first === 'three', String(first));
    assert.equal(second, first);
  });
});
