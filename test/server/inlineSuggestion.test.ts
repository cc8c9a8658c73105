// Ghost text from the server (nextWordLab/inlineSuggestion): the next words up to a natural break,
// the completion of a word being typed, drawn at the request's temperature, repeatable with a seed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { InlineSuggestionRequest, type InlineSuggestionParams, type InlineSuggestionResult } from '../../src/protocol/lsp';
import { TestSession, copyFixture, removeTempDirs } from './harness';

describe('language server: inline suggestions', () => {
  let session: TestSession;
  let folder: string;

  before(async () => {
    folder = copyFixture('basic');
    fs.writeFileSync(path.join(folder, 'notes', 'phrases.txt'), 'hello there, world\nhello there, world\n');
    // Maximum likelihood: on a corpus this small, Kneser-Ney's discounts rank words in ways a reader cannot check by eye.
    session = await TestSession.start({ folders: [folder], settings: { smoothing: 'mle' } });
    await session.whenReady();
  });
  after(async () => {
    await session.dispose();
    removeTempDirs();
  });

  const suggest = (params: InlineSuggestionParams): Promise<InlineSuggestionResult> =>
    session.client.sendRequest(InlineSuggestionRequest.type, params) as Promise<InlineSuggestionResult>;

  it('after a space: the likeliest words at T = 0, up to the line end', async () => {
    const result = await suggest({ context: 'the cat ', maxWords: 4, temperature: 0 });
    assert.deepEqual(result.words, ['sat', 'on', 'the', 'mat']);
    assert.equal(result.text, 'sat on the mat');
  });

  it('stops at maxWords, and at the end of the line before it', async () => {
    assert.deepEqual((await suggest({ context: 'the cat ', maxWords: 2, temperature: 0 })).words, ['sat', 'on']);
    assert.equal((await suggest({ context: 'the cat sat on the ', maxWords: 12, temperature: 0 })).text, 'mat');
  });

  it('stops after the punctuation that ends a phrase, spaced as typed', async () => {
    const uri = await session.open(path.join(folder, 'notes', 'scratch.txt'), 'hello world');
    const result = await suggest({ textDocument: { uri }, position: { line: 0, character: 6 }, maxWords: 6, temperature: 0 });
    assert.deepEqual(result.words, ['there', ',']);
    assert.equal(result.text, 'there,');
  });

  it('while a word is typed: its rest first, then the next words', async () => {
    const result = await suggest({ context: 'the cat s', maxWords: 3, temperature: 0 });
    assert.deepEqual(result.words, ['sat', 'on', 'the']);
    assert.equal(result.text, 'at on the');
    // Only words that extend the typed part: "d" after "the" is "dog" or "door", never "cat".
    for (let seed = 0; seed < 20; seed++) {
      const drawn = await suggest({ context: 'the d', maxWords: 1, temperature: 1.5, seed: String(seed) });
      assert.ok(['og', 'oor'].includes(drawn.text), drawn.text);
    }
    assert.equal((await suggest({ context: 'the zebra', maxWords: 3 })).text, '', 'no word extends "zebra"');
  });

  it('samples at the temperature: the same seed, the same suggestion; a blank line, none', async () => {
    const params = { context: 'the ', maxWords: 3, temperature: 2 };
    const a = await suggest({ ...params, seed: 'a' });
    assert.deepEqual(await suggest({ ...params, seed: 'a' }), a);
    const texts = new Set<string>();
    for (let seed = 0; seed < 30; seed++) texts.add((await suggest({ ...params, seed: String(seed) })).text);
    assert.ok(texts.size > 1, `T = 2 over 30 seeds drew only ${[...texts].join(' | ')}`);
    assert.equal((await suggest({ context: '   ', maxWords: 3 })).text, '');
  });
});
