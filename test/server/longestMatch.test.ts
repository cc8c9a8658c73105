// The longest-match estimator over the real server: the context runs across lines, so a word that
// only the line before decides is predicted, where an n-gram model sees the same line start twice.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readSnapshot, writeSnapshot } from '../../src/core/snapshot';
import { SNAPSHOT_FILE_NAME } from '../../src/protocol/lsp';
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

  it('generates from the lines before the context too, and reads on across the line ends it writes', async () => {
    const folder = tempDir('longest-match-generate');
    fs.writeFileSync(path.join(folder, 'a.txt'), 'alpha one\nbeta two\nend here\n');
    fs.writeFileSync(path.join(folder, 'b.txt'), 'gamma one\nbeta three\nend there\n');
    const generated = async (settings: Record<string, unknown>): Promise<string[][]> => {
      const session = await TestSession.start({ folders: [folder], settings });
      sessions.push(session);
      await session.whenReady();
      const runs: string[][] = [];
      for (const context of ['alpha one\nbeta', 'gamma one\nbeta']) {
        runs.push([...(await session.generate({ context, words: 4, mode: 'greedy', acrossLines: true })).tokens]);
      }
      return runs;
    };
    assert.deepEqual(await generated({}), [
      ['two', '</s>', 'end', 'here'],
      ['three', '</s>', 'end', 'there'],
    ]);
    // The control: Kneser-Ney reads the line, and a new line from `<s>`, so both runs are the same.
    const [first, second] = await generated({ smoothing: 'kneser-ney' });
    assert.deepEqual(second, first);
  });

  it('a place in an open document is predicted from the workspace without that document: the line being typed is not its own longest match', async () => {
    const folder = tempDir('longest-match-open');
    fs.writeFileSync(path.join(folder, 'a.txt'), 'alpha one\nbeta two\n');
    fs.writeFileSync(path.join(folder, 'b.txt'), 'gamma one\nbeta three\n');
    fs.writeFileSync(path.join(folder, 'c.txt'), 'notes\n');
    const session = await TestSession.start({ folders: [folder] });
    sessions.push(session);
    await session.whenReady();
    // Typed into c.txt, unsaved: the server learns the editor's text, the line being typed included.
    const text = 'notes\ngamma one\nbeta ';
    const uri = await session.open(path.join(folder, 'c.txt'), text);
    await session.waitForStatus((status) => status.tokens === 12);
    // Read as part of the workspace, the typed text is the longest match, and it ends the line there.
    assert.equal((await session.predict({ context: text, temperature: 0 })).chosen?.word, '</s>');
    const fromTheCursor = await session.predict({ context: text, document: uri, temperature: 0 });
    assert.equal(fromTheCursor.chosen?.word, 'three');
    assert.deepEqual(fromTheCursor.context, ['gamma', 'one', '</s>', 'beta']);
    const items = (await session.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 5 } })) as { label: string; detail: string }[];
    assert.equal(items[0].label, 'three');
    assert.match(items[0].detail, /, 4-token context\)$/);
    const evidence = await session.evidence({ context: text, document: uri, word: 'three' });
    assert.deepEqual(evidence.occurrences.map(({ file, line }) => [file, line]), [['b.txt', 1]]);
  });

  describe('its token index in the snapshot', () => {
    let folder: string;
    let storage: string;
    const contexts = ['alpha one\nbeta', 'gamma one\nbeta', 'row 7 of the long file says'];
    /** What the index answers: predictions across lines and the evidence for one of them. */
    const answers = async (session: TestSession): Promise<unknown[]> => [
      ...(await Promise.all(contexts.map((context) => session.argmax(context)))),
      { ...(await session.evidence({ context: 'gamma one\nbeta', word: 'three' })), status: undefined },
    ];
    let learned: unknown[];

    before(async () => {
      folder = tempDir('index-snapshot');
      storage = tempDir('index-snapshot-storage');
      fs.writeFileSync(path.join(folder, 'a.txt'), 'alpha one\nbeta two\n');
      fs.writeFileSync(path.join(folder, 'b.txt'), 'gamma one\nbeta three\n');
      // Enough tokens (about 80,000) for the index to be merged rather than read by its linear pass.
      const rows = Array.from({ length: 8_000 }, (_, i) => `row ${i % 101} of the long file says ${i % 7 === 0 ? 'seven' : 'other'} things`);
      fs.writeFileSync(path.join(folder, 'long.txt'), `${rows.join('\n')}\n`);
      const first = await TestSession.start({ folders: [folder], storagePath: storage });
      sessions.push(first);
      await first.whenReady();
      const merged = await first.waitForLog(/^Indexed [\d,]+ tokens/);
      // The snapshot written once the merge ended holds the merged index.
      await first.waitForLog(/^Saved the model/, first.logs.indexOf(merged));
      learned = await answers(first);
    });

    it('is restored with the model: a restart answers the same without indexing again', async () => {
      const restarted = await TestSession.start({ folders: [folder], storagePath: storage });
      sessions.push(restarted);
      assert.equal((await restarted.whenReady()).restoredFromSnapshot, true);
      assert.match(await restarted.waitForLog(/^Restored the model/), /^Restored the model and its token index from its snapshot/);
      assert.deepEqual(await answers(restarted), learned);
      assert.deepEqual(restarted.logs.filter((line) => /^Indexed|token index is not used/.test(line)), [], restarted.logs.join('\n'));
    });

    it('one saved without it (or that cannot be used) restores the model, says why and indexes again', async () => {
      const file = path.join(storage, SNAPSHOT_FILE_NAME);
      const saved = readSnapshot(fs.readFileSync(file));
      fs.writeFileSync(file, writeSnapshot(saved.model, saved.documents));
      const restarted = await TestSession.start({ folders: [folder], storagePath: storage });
      sessions.push(restarted);
      assert.equal((await restarted.whenReady()).restoredFromSnapshot, true);
      await restarted.waitForLog(/^The saved model's token index is not used \(saved without a token index\); indexing the workspace again in the background\.$/);
      await restarted.waitForLog(/^Indexed [\d,]+ tokens/);
      assert.deepEqual(await answers(restarted), learned);
    });
  });
});
