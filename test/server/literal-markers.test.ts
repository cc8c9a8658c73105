// A literal `<s>`, `</s>` or `<unk>` in workspace text (a word of its own with the whitespace
// tokenizer) is learned as a word like any other, one backslash apart from the markers (`\<s>`), as the
// command line learns it (test/unit/cli/hardening.test.ts): nothing dropped, no n-gram invented across
// it; predictions, evidence and completions name it, and typing it inserts the text as written.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { TestSession, removeTempDirs, tempDir } from './harness';

describe('literal markers in workspace text', function () {
  this.timeout(60_000);
  let session: TestSession;
  let folder: string;

  before(async () => {
    folder = tempDir('markers');
    fs.writeFileSync(path.join(folder, 'a.txt'), 'the cat <s> sat\nuse <unk> here\na </s> b\n');
    session = await TestSession.start({ folders: [folder], settings: { tokenizer: 'whitespace', smoothing: 'kneser-ney' } });
    await session.whenReady();
  });
  after(async () => {
    await session.dispose();
    removeTempDirs();
  });

  it('learns them as words: predicted after their context, followed by what follows them, no n-gram across them', async () => {
    const afterCat = await session.predict({ context: 'the cat', candidates: 3 });
    assert.deepEqual([afterCat.candidates[0].word, afterCat.candidates[0].count, afterCat.candidates[0].order], ['\\<s>', 1, 3]);
    assert.equal(afterCat.candidates[0].insertText, ' <s>', 'typed as written');
    const afterMarker = await session.predict({ context: 'the cat <s>', candidates: 1 });
    assert.deepEqual([afterMarker.candidates[0].word, afterMarker.candidates[0].order], ['sat', 3]);
    const afterA = await session.predict({ context: 'a', candidates: 1 });
    assert.equal(afterA.candidates[0].word, '\\</s>', 'a is followed by the literal </s>, never by b');
    assert.equal((await session.whenReady()).tokens, 10, 'every word learned, the literal markers included');
  });

  it('shows where a literal marker was written', async () => {
    const evidence = await session.evidence({ context: 'use', word: '\\<unk>' });
    assert.deepEqual([evidence.count, evidence.total], [1, 1]);
    assert.deepEqual(
      evidence.occurrences.map(({ line, column, text }) => [line, column, text]),
      [[2, 1, 'use <unk> here']],
    );
  });

  it('offers it as a completion that inserts the text as written', async () => {
    const file = path.join(folder, 'b.txt');
    await session.open(file, 'the cat ');
    const items = (await session.client.sendRequest(CompletionRequest.type, {
      textDocument: { uri: pathToFileURL(file).href },
      position: { line: 0, character: 8 },
    })) as CompletionItem[];
    const first = items[0];
    assert.deepEqual([first.label, first.insertText], ['<s>', '<s>']);
  });
});
