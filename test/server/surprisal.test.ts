// The surprisal lens through the language server: an open document scored against the workspace
// model without its own counts, exactly as the engine scores it on a model that never learned it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LongestMatchModel } from '../../src/core/longestMatch';
import { NgramModel } from '../../src/core/model';
import { contextsBeforeLines, scoreLineAfter, scoreLines } from '../../src/core/surprisal';
import { TokenIndex } from '../../src/core/tokenIndex';
import { BOS_TOKEN } from '../../src/core/vocabulary';
import { SURPRISAL_SPAN_FIELDS, SurprisalRequest, SurprisalTokenRequest, type SurprisalResult } from '../../src/protocol/lsp';
import { TestSession, copyFixture, removeTempDirs } from './harness';

/** What the lens must show for `text`: every line scored on a model of the other files alone. */
function expectedLens(otherFiles: readonly string[], text: string): Pick<SurprisalResult, 'spans' | 'log10Probs' | 'tokens'> {
  const model = new NgramModel({ order: 3, tokenizer: 'words' });
  for (const other of otherFiles) model.addText(other);
  const spans: number[] = [];
  const log10Probs: number[] = [];
  let tokens = 0;
  scoreLines(model, text.split('\n')).forEach((scored, line) => {
    tokens += scored.length;
    for (const token of scored.slice(0, -1)) {
      spans.push(line, token.start, token.end, token.rank);
      log10Probs.push(token.log10Prob);
    }
  });
  return { spans, log10Probs, tokens };
}

/** The longest-match estimator of a workspace that holds only `otherFiles` (its n-gram part and its index). */
function longestMatchOf(otherFiles: readonly string[]): LongestMatchModel {
  const model = new NgramModel({ order: 3, tokenizer: 'words' });
  const index = new TokenIndex();
  otherFiles.forEach((other, i) => index.set(`other${i}`, model.addText(other)));
  index.merge();
  return new LongestMatchModel(model, index);
}

describe('language server: surprisal lens', () => {
  let session: TestSession | undefined;
  afterEach(async () => {
    await session?.dispose();
    session = undefined;
  });
  after(removeTempDirs);

  it('scores an open file without its own counts, follows its edits, and leaves predictions as they were', async () => {
    const folder = copyFixture('basic');
    session = await TestSession.start({ folders: [folder], settings: { smoothing: 'kneser-ney' } });
    await session.whenReady();
    const file = path.join(folder, 'notes', 'animals.txt');
    const other = fs.readFileSync(path.join(folder, 'src', 'greet.js'), 'utf8');
    const text = fs.readFileSync(file, 'utf8');
    const uri = await session.open(file, text);
    const before = await session.predict({ context: 'the cat', temperature: 0, candidates: 10 });

    const lens = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true });
    assert.ok(lens);
    assert.equal(lens.ownCountsLeftOut, true);
    assert.equal(lens.version, 1);
    const expected = expectedLens([other], text);
    assert.deepEqual(lens.spans, expected.spans);
    assert.deepEqual(lens.log10Probs, expected.log10Probs);
    assert.equal(lens.tokens, expected.tokens);
    assert.equal(lens.spans.length / SURPRISAL_SPAN_FIELDS, lens.log10Probs?.length);
    // The editor's lens colours by rank: without asking, the probabilities are not sent.
    const colours = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri } });
    assert.deepEqual(colours?.spans, lens.spans);
    assert.equal(colours?.log10Probs, undefined);
    // Without its own counts, "cat" after "the" is not what the model expects: the file does not predict itself.
    assert.ok(lens.spans[SURPRISAL_SPAN_FIELDS + 3] > 1, 'cat is not the top word after "the" once the file is left out');
    const after = await session.predict({ context: 'the cat', temperature: 0, candidates: 10 });
    assert.deepEqual(after.candidates, before.candidates, 'the shared model is exactly as it was');

    // An edit: the new line is scored, the others come from the same model without the file.
    await session.edit(uri, { start: [1, 0], end: [1, 0] }, 'the mat sat on the cat\n');
    const edited = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true });
    assert.ok(edited);
    assert.equal(edited.version, 2);
    const editedText = text.replace('\n', '\nthe mat sat on the cat\n');
    assert.deepEqual(edited.spans, expectedLens([other], editedText).spans);
    assert.deepEqual(edited.log10Probs, expectedLens([other], editedText).log10Probs);
  });

  it('explains a token: probability, rank, counts at the order that answered and the five likeliest words', async () => {
    const folder = copyFixture('basic');
    session = await TestSession.start({ folders: [folder], settings: { smoothing: 'kneser-ney' } });
    await session.whenReady();
    const file = path.join(folder, 'notes', 'animals.txt');
    const text = fs.readFileSync(file, 'utf8');
    // The other files plus a line of its own that teaches "the dog sat".
    fs.writeFileSync(path.join(folder, 'src', 'more.txt'), 'the dog sat on the mat\n');
    await session.fileEvent(path.join(folder, 'src', 'more.txt'), 'created');
    await session.waitForStatus((status) => status.state === 'ready' && status.filesLearned === 3);
    const uri = await session.open(file, text);

    const model = new NgramModel({ order: 3, tokenizer: 'words' });
    model.addText(fs.readFileSync(path.join(folder, 'src', 'greet.js'), 'utf8'));
    model.addText('the dog sat on the mat\n');
    // "sat" on line 0, characters 8–11, after "<s> the cat".
    const token = await session.client.sendRequest(SurprisalTokenRequest.type, { textDocument: { uri }, position: { line: 0, character: 9 } });
    assert.ok(token);
    const context = [BOS_TOKEN, 'the', 'cat'];
    assert.equal(token.word, 'sat');
    assert.deepEqual([token.start, token.end], [8, 11]);
    assert.equal(token.probability, model.score(context, 'sat').probability);
    assert.deepEqual(token.context, model.usedContext(context));
    assert.deepEqual({ count: token.count, contextCount: token.contextCount, order: token.order }, model.answering(context, 'sat'));
    // The five likeliest (ties are broken by word id, which differs between the two models).
    assert.deepEqual(
      token.alternatives.map((alternative) => alternative.probability),
      model.candidates(context, 5).map((candidate) => candidate.probability),
    );
    for (const { word, probability, count, contextCount, order } of token.alternatives) {
      assert.equal(probability, model.score(context, word).probability, word);
      assert.deepEqual({ count, contextCount, order }, model.answering(context, word), word);
    }
    assert.equal(token.rank, scoreLines(model, [text.split('\n')[0]])[0][2].rank);
    assert.equal(await session.client.sendRequest(SurprisalTokenRequest.type, { textDocument: { uri }, position: { line: 0, character: 3 } }), null, 'a space is no token');
  });

  it('builds the model without a large file and scores it in slices that a prediction is answered between, the shared model untouched', async () => {
    const folder = copyFixture('basic');
    const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'to', 'park', 'and', 'then', 'slept'];
    // 3,000 lines of 8 words drawn by a fixed linear congruential sequence: a file far larger than one slice.
    let state = 7;
    const draw = (): string => words[(state = (state * 1103515245 + 12345) % 2 ** 31) % words.length];
    const text = Array.from({ length: 3000 }, () => Array.from({ length: 8 }, draw).join(' ')).join('\n');
    const file = path.join(folder, 'notes', 'big.txt');
    fs.writeFileSync(file, text);
    session = await TestSession.start({ folders: [folder], settings: { smoothing: 'kneser-ney' } });
    await session.whenReady();
    const uri = await session.open(file, text);
    const before = await session.predict({ context: 'the cat', temperature: 0, candidates: 10 });

    const answered: string[] = [];
    const lens = session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true }).then((result) => (answered.push('lens'), result));
    const during = session.predict({ context: 'the cat', temperature: 0, candidates: 10 }).then((result) => (answered.push('predict'), result));
    const [scored, predicted] = await Promise.all([lens, during]);
    assert.deepEqual(answered, ['predict', 'lens'], 'the prediction is answered between the slices');
    assert.deepEqual(predicted.candidates, before.candidates, 'the prediction sees the shared model, the file counted');
    assert.ok(scored);
    const others = ['animals.txt', 'greet.js'].map((name) => fs.readFileSync(path.join(folder, name === 'greet.js' ? 'src' : 'notes', name), 'utf8'));
    const expected = expectedLens(others, text);
    assert.deepEqual(scored.spans, expected.spans);
    assert.deepEqual(scored.log10Probs, expected.log10Probs);
    const after = await session.predict({ context: 'the cat', temperature: 0, candidates: 10 });
    assert.deepEqual(after.candidates, before.candidates);
  });

  it('with the default longest-match estimator, scores across lines without the file in the index or the tables', async () => {
    const folder = copyFixture('basic');
    const file = path.join(folder, 'notes', 'animals.txt');
    const text = fs.readFileSync(file, 'utf8');
    // Another file holds two of its lines: the file's long contexts are found there, and only there.
    const copied = 'the cat sat by the door\nthe dog ran to the park\n';
    fs.writeFileSync(path.join(folder, 'src', 'copied.txt'), copied);
    session = await TestSession.start({ folders: [folder] });
    await session.whenReady();
    const uri = await session.open(file, text);
    const lens = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true });
    assert.ok(lens);
    assert.equal(lens.estimator, 'longest-match');
    assert.equal(lens.ownCountsLeftOut, true);

    const others = [fs.readFileSync(path.join(folder, 'src', 'greet.js'), 'utf8'), copied];
    const expected = longestMatchOf(others);
    const lines = text.split('\n');
    const before = contextsBeforeLines('words', lines, expected.options.maxContext);
    const spans: number[] = [];
    const log10Probs: number[] = [];
    lines.forEach((line, i) => {
      for (const token of scoreLineAfter(expected, line, before[i]).slice(0, -1)) {
        spans.push(i, token.start, token.end, token.rank);
        log10Probs.push(token.log10Prob);
      }
    });
    assert.deepEqual(lens.spans, spans);
    assert.deepEqual(lens.log10Probs, log10Probs);
    // "door" (line 2) follows `the cat sat by the` in the copy: a 6-gram of the longest match. With the
    // file in the index it would match longer, through the line before it (`… chair </s> the cat …`).
    const door = SURPRISAL_SPAN_FIELDS * (6 + 6 + 5);
    assert.deepEqual(lens.spans.slice(door, door + SURPRISAL_SPAN_FIELDS), [2, 19, 23, 1]);

    // The hover explains it with the match that answered and the same probability.
    const token = await session.client.sendRequest(SurprisalTokenRequest.type, { textDocument: { uri }, position: { line: 2, character: 20 } });
    assert.ok(token);
    assert.equal(token.word, 'door');
    const context = [...before[2], 'the', 'cat', 'sat', 'by', 'the'];
    const answer = expected.answer(context);
    assert.equal(token.probability, expected.scoreWith(answer, 'door').probability);
    assert.deepEqual(token.context, expected.usedContext(answer));
    assert.equal(token.order, answer.match.length + 1);
    assert.equal(token.order, 6);
    assert.deepEqual(
      token.alternatives.map((alternative) => [alternative.word, alternative.probability]),
      expected.rank(context, 5).candidates.map((candidate) => [candidate.word, candidate.probability]),
    );

    // Its evidence as the lens counts it (the hover's Show where…): the copy's place alone, not the file's own.
    const evidence = await session.evidence({ textDocument: { uri }, position: { line: 2, character: 19 }, word: 'door', leaveOutDocument: true });
    assert.deepEqual(evidence.context, token.context);
    assert.deepEqual([evidence.count, evidence.contextCount], [token.count, token.contextCount]);
    assert.deepEqual(
      evidence.occurrences.map(({ file, line, column }) => [file, line, column]),
      [['src/copied.txt', 1, 1]],
    );
    // Asked plainly with the text before the word (no document named, so nothing left out), the file itself is a place.
    const everywhere = await session.evidence({ context: `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 19)}`, word: 'door' });
    assert.ok(everywhere.occurrences.some(({ file }) => file === 'notes/animals.txt'), 'asked plainly, the file itself is a place');
  });

  it('answers the lines asked for at once, and after edits that add, remove and change lines every line reads as a fresh reading would', async () => {
    const folder = copyFixture('basic');
    const others = ['src/greet.js', 'notes/animals.txt'].map((name) => fs.readFileSync(path.join(folder, name), 'utf8'));
    // Longer than the estimator's 64-token context, so an edit's effect ends within the file.
    const animals = ['cat', 'dog', 'hen', 'fox', 'owl', 'cow'];
    const lines = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? '' : `the ${animals[i % 6]} sat by the ${animals[(i * 5) % 6]} and the door`));
    const file = path.join(folder, 'notes', 'farm.txt');
    fs.writeFileSync(file, lines.join('\n'));
    session = await TestSession.start({ folders: [folder] });
    await session.whenReady();
    const uri = await session.open(file, lines.join('\n'));
    const expected = longestMatchOf(others);
    /** The spans and per-token log10 p a fresh reading of `text` gives on lines `start` to `end`. */
    const fresh = (text: string, start: number, end: number) => {
      const all = text.split('\n');
      const before = contextsBeforeLines('words', all, expected.options.maxContext);
      const spans: number[] = [];
      const log10Probs: number[] = [];
      for (let i = start; i < end; i++) {
        for (const token of scoreLineAfter(expected, all[i], before[i]).slice(0, -1)) {
          spans.push(i, token.start, token.end, token.rank);
          log10Probs.push(token.log10Prob);
        }
      }
      return { spans, log10Probs };
    };
    const ask = (lines?: { start: number; end: number }) => session!.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true, lines });

    // Lines 20 to 24 first: nothing else is scored to answer them.
    const window = await ask({ start: 20, end: 25 });
    assert.ok(window);
    assert.deepEqual(window.lines, { start: 20, end: 25 });
    assert.equal(window.lineBits.length, 5);
    assert.deepEqual({ spans: window.spans, log10Probs: window.log10Probs }, fresh(lines.join('\n'), 20, 25));
    const whole = await ask();
    assert.ok(whole);
    assert.deepEqual(whole.lines, { start: 0, end: 40 });
    assert.deepEqual(whole.lineBits.slice(20, 25), window.lineBits, 'a line scores alike asked alone or with the file');
    // Past the end: clamped to the document. Not whole numbers: refused in one line.
    assert.deepEqual((await ask({ start: 38, end: 99 }))?.lines, { start: 38, end: 40 });
    await assert.rejects(ask({ start: 1.5, end: 3 }), /"lines" needs a start and an end, whole numbers from 0; got \{"start":1.5,"end":3\}/);

    let text = lines.join('\n');
    const edits: { at: [number, number]; to: [number, number]; insert: string }[] = [
      { at: [0, 4], to: [0, 7], insert: 'fox' }, // a word of the first line: every context after it within 64 tokens
      { at: [10, 0], to: [10, 0], insert: 'a new line of owl words\n' }, // a line added
      { at: [30, 0], to: [32, 0], insert: '' }, // two lines removed
      { at: [5, 9], to: [6, 3], insert: ' ' }, // two lines joined
      { at: [35, 0], to: [35, 0], insert: 'cow ' },
    ];
    for (const [n, edit] of edits.entries()) {
      await session.edit(uri, { start: edit.at, end: edit.to }, edit.insert);
      const all = text.split('\n');
      const offset = (line: number, character: number) => all.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + character;
      text = text.slice(0, offset(...edit.at)) + edit.insert + text.slice(offset(...edit.to));
      const lineCount = text.split('\n').length;
      const start = (7 * n) % lineCount;
      const part = await ask({ start, end: start + 4 });
      assert.ok(part);
      assert.deepEqual({ spans: part.spans, log10Probs: part.log10Probs }, fresh(text, start, Math.min(start + 4, lineCount)), `edit ${n}: lines ${start}–${start + 3}`);
      const all2 = await ask();
      assert.ok(all2);
      assert.deepEqual({ spans: all2.spans, log10Probs: all2.log10Probs }, fresh(text, 0, lineCount), `edit ${n}: the whole file`);
    }
  });
});
