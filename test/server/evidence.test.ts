// nextWordLab/evidence over the real server: where the learned text shows the answering context
// followed by the word, with workspace-relative files, 1-based lines and columns, the lines' text and
// the counts; capped with the total; only learned text (never a secret or a skipped file); and, as a
// property over random workspaces, every listed place re-read from its file holds context·word and
// their number equals the count under the cap.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { tokenizeLine, tokenizeText } from '../../src/core/tokenizer';
import { MAX_EVIDENCE_OCCURRENCES, type EvidenceOccurrence, type EvidenceResult } from '../../src/protocol/lsp';
import { readySessions, tempDir } from './harness';

function writeWorkspace(files: Record<string, string>): string {
  const folder = tempDir('evidence');
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    fs.writeFileSync(path.join(folder, relative), content);
  }
  return folder;
}

/**
 * The tokens from a listed place on, read again from the file: the rest of its line, the line break
 * (`</s>`: the place's line has tokens), then the next lines' tokens each ended by `</s>`.
 */
function tokensAt(folder: string, occurrence: EvidenceOccurrence, count: number): string[] {
  const text = fs.readFileSync(path.join(folder, occurrence.file), 'utf8');
  const lines = text.split(/\r\n|\r|\n/);
  assert.equal(lines[occurrence.line - 1], occurrence.text, `${occurrence.file}:${occurrence.line} text`);
  const rest = tokenizeLine('words', lines[occurrence.line - 1].slice(occurrence.column - 1));
  const next = tokenizeText('words', lines.slice(occurrence.line).join('\n')).flatMap((sentence) => [...sentence, '</s>']);
  return [...rest, '</s>', ...next].slice(0, count);
}

/** Checks each listed place against the file and the counts against each other. */
function assertExact(folder: string, result: EvidenceResult): void {
  const atLineStart = result.context[0] === '<s>';
  const expected = [...result.context.filter((token) => token !== '<s>'), result.word];
  for (const occurrence of result.occurrences) {
    assert.deepEqual(tokensAt(folder, occurrence, expected.length), expected, `${occurrence.file}:${occurrence.line}:${occurrence.column}`);
    if (atLineStart) assert.match(occurrence.text.slice(0, occurrence.column - 1), /^\s*$/u, 'a `<s>` context starts its line');
  }
  assert.equal(result.total, result.count, 'the search finds exactly what the model counted');
  assert.equal(result.occurrences.length, Math.min(result.count, MAX_EVIDENCE_OCCURRENCES));
}

describe('evidence (nextWordLab/evidence)', function () {
  this.timeout(60_000);
  const start = readySessions();

  it('lists each place with its workspace-relative file, 1-based line and column and the line, with the counts that answered', async () => {
    const folder = writeWorkspace({
      'src/greet.js': '\nfunction greet(name) {\n  return hello(name);\n}\n\n    return hello(world);\n',
      'notes/a.txt': 'return hello there\n',
    });
    // Kneser-Ney: the context is the line's (longest match would answer with the line break before it too).
    const session = await start(folder, { smoothing: 'kneser-ney' });
    const result = await session.evidence({ context: 'x = 1;\n  return hello', word: '(' });
    assert.deepEqual(result.context, ['return', 'hello']);
    assert.equal(result.count, 2);
    assert.equal(result.contextCount, 3, 'return hello is followed by "(" twice and by "there" once');
    assert.equal(result.total, 2);
    assert.deepEqual(result.occurrences, [
      { uri: result.occurrences[0].uri, file: 'src/greet.js', line: 3, column: 3, text: '  return hello(name);' },
      { uri: result.occurrences[1].uri, file: 'src/greet.js', line: 6, column: 5, text: '    return hello(world);' },
    ]);
    assert.equal(result.occurrences[0].uri, new URL(`file://${path.join(folder, 'src/greet.js')}`).href);
    assertExact(folder, result);
  });

  it('reads a file again once it changed on disk: a place its text no longer holds is not listed', async () => {
    const folder = writeWorkspace({ 'a.js': 'return hello(name);\nreturn hello(world);\n' });
    const session = await start(folder, { smoothing: 'kneser-ney' });
    const before = await session.evidence({ context: 'return hello', word: '(' });
    assert.deepEqual(before.occurrences.map((place) => place.line), [1, 2]);
    // Changed behind the server's back (no file event): the model still counts what it learned.
    fs.writeFileSync(path.join(folder, 'a.js'), 'return goodbye(name);\nreturn hello(world);\n');
    const after = await session.evidence({ context: 'return hello', word: '(' });
    assert.equal(after.count, 2);
    assert.deepEqual(after.occurrences.map((place) => [place.line, place.text]), [[2, 'return hello(world);']]);
  });

  it('screens a file changed on disk again: a secret pasted on the line of a place never shows', async () => {
    const folder = writeWorkspace({ 'a.js': 'return hello(name);\nreturn hello(world);\n' });
    const session = await start(folder, { smoothing: 'kneser-ney' });
    assert.equal((await session.evidence({ context: 'return hello', word: '(' })).occurrences.length, 2);
    // The place's tokens are still there; the line now ends in a key (an AWS access key's shape).
    fs.writeFileSync(path.join(folder, 'a.js'), 'return hello(name); const key = "AKIACANARY7AWS000001";\nreturn hello(world);\n');
    const after = await session.evidence({ context: 'return hello', word: '(' });
    assert.deepEqual(after.occurrences.map((place) => [place.line, place.text]), [[2, 'return hello(world);']]);
  });

  it('answers a line-start context with the places where the word starts a line', async () => {
    const folder = writeWorkspace({ 'a.txt': 'the cat\n  the dog\na the cow\n' });
    // Kneser-Ney: a line start is `<s>` (longest match reads an empty context as no context at all).
    const session = await start(folder, { smoothing: 'kneser-ney' });
    const result = await session.evidence({ context: '', word: 'the' });
    assert.deepEqual(result.context, ['<s>']);
    assert.equal(result.count, 2);
    assert.equal(result.contextCount, 3, 'three lines start');
    assert.deepEqual(
      result.occurrences.map(({ line, column }) => [line, column]),
      [
        [1, 1],
        [2, 3],
      ],
    );
    assertExact(folder, result);
  });

  it('backs off as the prediction does: an unseen context answers with the shorter one that was seen', async () => {
    const folder = writeWorkspace({ 'a.txt': 'the cat sat\nthe dog sat\n' });
    const session = await start(folder);
    const result = await session.evidence({ context: 'a zebra', word: 'sat' });
    assert.deepEqual(result.context, [], 'the unigram answered');
    assert.equal(result.count, 2);
    assert.equal(result.contextCount, (await session.predict({ context: 'a zebra', candidates: 1 })).candidates[0].contextCount);
    assertExact(folder, result);
    const unseen = await session.evidence({ context: 'the', word: 'zebra' });
    assert.equal(unseen.count, 0);
    assert.deepEqual(unseen.occurrences, []);
  });

  it('gives columns in the text as written, when the tokenizer read it normalised (NFC)', async () => {
    // "été" spelled with combining accents (NFD): the model learns the NFC word, the editor shows the NFD text.
    const nfd = 'e\u0301te\u0301';
    const folder = writeWorkspace({ 'n.txt': `${nfd} x\nle\u0301 ${nfd} x\n` });
    const session = await start(folder);
    const result = await session.evidence({ context: 'zzz été', word: 'x' });
    assert.deepEqual(
      result.occurrences.map(({ line, column, text }) => [line, column, text]),
      [
        [1, 1, `${nfd} x`],
        [2, 5, `le\u0301 ${nfd} x`],
      ],
    );
    assertExact(folder, result);
  });

  it('lists at most 50 places and gives the total', async () => {
    const folder = writeWorkspace({ 'many.txt': 'alpha beta\n'.repeat(70), 'more.txt': 'alpha beta\n'.repeat(5) });
    const session = await start(folder);
    const result = await session.evidence({ context: 'alpha', word: 'beta' });
    assert.equal(result.count, 75);
    assert.equal(result.total, 75);
    assert.equal(result.occurrences.length, MAX_EVIDENCE_OCCURRENCES);
    assert.deepEqual(
      result.occurrences.slice(0, 3).map(({ file, line }) => [file, line]),
      [
        ['many.txt', 1],
        ['many.txt', 2],
        ['many.txt', 3],
      ],
    );
    const fewer = await session.evidence({ context: 'alpha', word: 'beta', limit: 4 });
    assert.equal(fewer.occurrences.length, 4);
    assert.equal(fewer.total, 75);
  });

  it('never shows a secret or a skipped file, even one open in an editor', async () => {
    const folder = writeWorkspace({
      'a.txt': 'the cat sat\n',
      '.env': 'the cat sat\nthe cat sat\n',
      'keys/server.pem': 'the cat sat\n',
      'skipped/b.txt': 'the cat sat\n',
    });
    const session = await start(folder, { exclude: ['**/skipped/**'], include: ['**/*'] });
    await session.open(path.join(folder, '.env'), 'the cat sat\n');
    const result = await session.evidence({ context: 'the cat', word: 'sat' });
    assert.deepEqual(
      result.occurrences.map((occurrence) => occurrence.file),
      ['a.txt'],
    );
    assert.equal(result.total, 1);
  });

  it('follows an open editor: places come from its unsaved text', async () => {
    const folder = writeWorkspace({ 'a.txt': 'the cat sat\n' });
    const session = await start(folder);
    const uri = await session.open(path.join(folder, 'a.txt'), 'the cat sat\n');
    await session.edit(uri, { start: [0, 0], end: [0, 0] }, 'one line\n\nthe cat ran\n');
    const ran = await session.evidence({ context: 'the cat', word: 'ran' });
    assert.deepEqual(
      ran.occurrences.map(({ line, column, text }) => [line, column, text]),
      [[3, 1, 'the cat ran']],
    );
    const sat = await session.evidence({ context: 'the cat', word: 'sat' });
    assert.deepEqual(
      sat.occurrences.map(({ line }) => line),
      [4],
    );
    // Asked again after another edit: the text kept from the last request is not the editor's any more.
    await session.edit(uri, { start: [0, 0], end: [0, 0] }, 'the dog\n');
    const moved = await session.evidence({ context: 'the cat', word: 'sat' });
    assert.deepEqual(
      moved.occurrences.map(({ line, text }) => [line, text]),
      [[5, 'the cat sat']],
    );
  });

  it('is exact on random workspaces: every place re-read from its file holds context·word, their number is the count', async () => {
    const words = ['a', 'b', 'c', 'd', '(', ')', ';'];
    const line = fc.array(fc.constantFrom(...words), { minLength: 0, maxLength: 8 }).map((tokens) => `${' '.repeat(tokens.length % 3)}${tokens.join(' ')}`);
    const file = fc.array(line, { minLength: 1, maxLength: 30 }).map((lines) => lines.join('\n'));
    const workspaces = fc.sample(fc.array(file, { minLength: 1, maxLength: 4 }), { numRuns: 3, seed: 7 });
    const queries = fc.sample(fc.tuple(fc.array(fc.constantFrom(...words), { maxLength: 4 }), fc.constantFrom(...words, '</s>')), { numRuns: 40, seed: 11 });
    for (const [index, texts] of workspaces.entries()) {
      const folder = writeWorkspace(Object.fromEntries(texts.map((text, i) => [`f${i}.txt`, text])));
      const session = await start(folder, { order: 2 + index });
      for (const [context, word] of queries) {
        const result = await session.evidence({ context: context.join(' '), word });
        assertExact(folder, result);
        const candidate = (await session.predict({ context: context.join(' '), candidates: 200 })).candidates.find((c) => c.word === word);
        if (candidate !== undefined) {
          assert.equal(result.count, candidate.count, `${context.join(' ')} · ${word}: the quick pick's count`);
          assert.equal(result.contextCount, candidate.contextCount);
          assert.equal(result.context.length + 1, candidate.order);
        }
      }
    }
  });
});
