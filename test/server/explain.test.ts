// nextWordLab/explain over the real server: the compared estimators for one context on the model's
// counts, each word's number equal to what that estimator predicts, each column summing to 1 (stupid
// backoff's scores excepted), maximum likelihood as the plain count fraction, and the longest-match
// column with its match, λ and Kneser-Ney part.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMPARED_ESTIMATORS, type ExplainResult } from '../../src/protocol/lsp';
import { readySessions, tempDir, type TestSession } from './harness';

const TEXT = ['some people like tennis', 'people like football', 'many people like tennis', 'people like neither', 'they like cake'].join('\n');
const WORDS = ['tennis', 'football', 'neither', 'cake', 'unheard'];

describe('estimators side by side (nextWordLab/explain)', function () {
  this.timeout(60_000);
  const ready = readySessions();
  const start = async (settings: Record<string, unknown>): Promise<TestSession> => {
    const folder = tempDir('explain');
    fs.writeFileSync(path.join(folder, 'a.txt'), `${TEXT}\n`);
    return ready(folder, settings);
  };

  const sum = (result: ExplainResult, i: number): number => result.columns[i].total;

  it('answers every compared estimator for the same context, each number the one that estimator predicts', async () => {
    const session = await start({ smoothing: 'kneser-ney', order: 3 });
    const result = await session.explain({ context: 'I think people like', words: WORDS });
    assert.deepEqual(result.columns.map((column) => column.estimator.name), [...COMPARED_ESTIMATORS]);
    for (const [i, column] of result.columns.entries()) {
      assert.deepEqual(column.context, ['people', 'like']);
      assert.equal(column.matchedContextLength, 2);
      assert.deepEqual(column.words.map((w) => w.word), WORDS);
      if (column.isProbability) assert.ok(Math.abs(sum(result, i) - 1) < 1e-9, `${column.estimator.name} sums to ${sum(result, i)}`);
      else assert.ok(sum(result, i) > 1, 'stupid backoff: scores, not probabilities');
      // The same number the estimator gives when it is the model's.
      await session.updateSettings({ smoothing: column.estimator.name, addK: column.estimator.addK });
      await session.waitForStatus((status) => status.estimator === column.estimator.name);
      const predicted = await session.predict({ context: 'I think people like', candidates: 50 });
      for (const { word, probability } of column.words) {
        const candidate = predicted.candidates.find((c) => c.word === word);
        if (candidate !== undefined) assert.ok(Math.abs(candidate.probability - probability) < 1e-12, `${column.estimator.name} ${word}`);
      }
    }
    const mle = result.columns[0].words;
    // "people like" occurs 4 times: tennis twice, football and neither once.
    assert.deepEqual(mle.map((w) => w.levels.at(-1)?.count), [2, 1, 1, 0, 0]);
    assert.deepEqual(mle.map((w) => w.probability), [2 / 4, 1 / 4, 1 / 4, 0, 0]);
  });

  it('the longest-match column: the match, λ = n/(n + β·u), and its Kneser-Ney part', async () => {
    const session = await start({ smoothing: 'longest-match', order: 3 });
    const result = await session.explain({ context: 'many people like', words: WORDS });
    const longest = result.longestMatch;
    assert.ok(longest !== null);
    // Read from a line start: the line break before it is part of the match.
    assert.deepEqual(longest.matchedContext, ['</s>', 'many', 'people', 'like']);
    assert.equal(longest.contextCount, 1);
    assert.equal(longest.followers, 1);
    assert.equal(longest.lambda, 1 / (1 + longest.beta));
    assert.equal(longest.words[0].count, 1);
    assert.ok(Math.abs(longest.total - 1) < 1e-9);
    const predicted = await session.predict({ context: 'many people like', candidates: 50 });
    for (const { word, probability } of longest.words) {
      const candidate = predicted.candidates.find((c) => c.word === word);
      if (candidate !== undefined) assert.ok(Math.abs(candidate.probability - probability) < 1e-12, word);
    }
  });

  it('has no longest-match column when the model’s n-gram estimator is not Kneser-Ney, and refuses bad words', async () => {
    const session = await start({ smoothing: 'add-k', order: 3 });
    const result = await session.explain({ context: 'people like', words: ['tennis'] });
    assert.equal(result.longestMatch, null);
    await assert.rejects(session.explain({ context: 'people like', words: Array.from({ length: 21 }, () => 'x') }), /at most 20/);
  });
});
