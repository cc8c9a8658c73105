import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NgramModel } from '../../../src/core/model';
import { RunWeights, summarizeRuns } from '../../../src/core/runs';
import { contextBeforeCursor } from '../../../src/core/tokenizer';
import type { EstimatorName } from '../../../src/core/types';
import type { CandidateView, PredictionView } from '../../../src/protocol/webview';
import { isToWebview } from '../../../src/protocol/webview';
import { toPredictionView } from '../../../src/extension/predictionView';
import { predict, restOfDistribution } from '../../../src/server/predictor';
import { isApproximate, predictionRuns } from '../../../webview/distribution';
import { applyTemperature, entropyBits } from '../core/vectorDecoding';
import { formatExp } from '../../../webview/format';

const CORPUS = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'webview', 'corpus.txt'), 'utf8');

function corpusModel(estimator: EstimatorName, order = 2): NgramModel {
  const model = new NgramModel({ order, estimator: { name: estimator }, tokenizer: 'words' });
  model.addText(CORPUS);
  return model;
}


function panelPrediction(model: NgramModel, linePrefix: string, candidates: number): PredictionView {
  const result = predict(model, {
    textBefore: linePrefix,
    learned: true,
    candidates,
    insertableOnly: false,
    draws: 0,
    rest: true,
    sampling: { temperature: 1, topK: 0, topP: 1 },
    random: () => 0.5,
  });
  const view = toPredictionView(linePrefix, result);
  // The message crosses to the webview through its guard.
  assert.ok(isToWebview({ type: 'prediction', requestId: 1, prediction: view }));
  return view;
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `${what}: ${actual} ≠ ${expected}`);
}

const candidate = (word: string, probability: number): CandidateView => ({
  word,
  probability,
  weight: probability,
  count: 1,
  contextCount: 2,
  order: 2,
  insertText: ` ${word}`,
});

const prediction = (candidates: CandidateView[], others: { words: number; probability: number }): PredictionView => ({
  text: 'the',
  context: ['the'],
  matchedContextLength: 1,
  isProbability: true,
  candidates,
  others: { ...others, weight: others.probability },
  sampling: { temperature: 1, topK: 0, topP: 1 },
  chosen: null,
  histogram: null,
});

/** ln Σ_j exp(z_j / T) over a whole vector, by log-sum-exp: the reference for `logPartition`. */
function logSumExp(vector: Float64Array, temperature: number): number {
  let max = -Infinity;
  for (const p of vector) if (p > 0) max = Math.max(max, Math.log(p) / temperature);
  let total = 0;
  for (const p of vector) if (p > 0) total += Math.exp(Math.log(p) / temperature - max);
  return max + Math.log(total);
}

describe('webview distribution runs', () => {
  it('lists the candidates as one-word runs first, then the lumped rest spread evenly over its words', () => {
    const runs = predictionRuns(prediction([candidate('cat', 0.5), candidate('dog', 0.3)], { words: 4, probability: 0.2 }));
    assert.deepEqual([...runs.probability], [0.5, 0.3, 0.05]);
    assert.deepEqual([...Array.from({ length: runs.length }, (_r, r) => runs.size[r])], [1, 1, 4]);
  });

  it('has no rest run when the candidates are the whole vocabulary', () => {
    const runs = predictionRuns(prediction([candidate('a', 0.75), candidate('b', 0.25)], { words: 0, probability: 0 }));
    assert.equal(runs.length, 2);
  });

  it('re-weights the whole distribution exactly: the top probabilities equal the core’s temperature over every word', () => {
    for (const estimator of ['kneser-ney', 'stupid-backoff', 'add-k', 'mle'] as const) {
      const model = corpusModel(estimator);
      for (const linePrefix of ['the', 'sat on', 'zebra', '']) {
        // Three bars: the rest carries most of the mass, so spreading it evenly would be far off.
        const prediction = panelPrediction(model, linePrefix, 3);
        const runs = predictionRuns(prediction);
        assert.equal(isApproximate(prediction), false);
        const full = model.distribution(contextBeforeCursor('words', linePrefix, linePrefix.length)).probabilities;
        const ids = prediction.candidates.map((candidate) => model.vocabulary.idOf(candidate.word));
        assert.equal(summarizeRuns(runs).words, full.filter((p) => p > 0).length, `${estimator} “${linePrefix}”: every word with a probability`);
        for (const temperature of [0, 0.3, 1, 2.5, 10]) {
          const weights = new RunWeights(runs, { temperature });
          const exact = applyTemperature(full, temperature);
          const what = `${estimator} “${linePrefix}” T = ${temperature}`;
          ids.forEach((id, i) => close(weights.weightOf(i, i), exact[id], `${what}, ${prediction.candidates[i].word}`));
          close(weights.entropyBits(), entropyBits(exact), `${what}, entropy`);
          if (temperature > 0) close(weights.logPartition(), logSumExp(full, temperature), `${what}, Σ exp(z/T)`);
        }
      }
    }
  });

  it('spreads evenly only past the most words it lists, and says it is approximate', () => {
    const model = corpusModel('kneser-ney');
    const context = contextBeforeCursor('words', 'the', 3);
    const { runs } = model.runs(context);
    const shown = model.candidates(context, 3).map((candidate) => candidate.id);
    const complete = restOfDistribution(runs, shown, Number.MAX_SAFE_INTEGER);
    const words = complete.words.reduce((total, n) => total + n, 0);
    const capped = restOfDistribution(runs, shown, 10);
    assert.equal(complete.approximate, false);
    assert.equal(capped.approximate, true);
    assert.equal(capped.words.reduce((total, n) => total + n, 0), words, 'every word is still counted');
    assert.equal(capped.words.slice(0, -1).reduce((total, n) => total + n, 0), 10);
    const mass = (rest: typeof capped): number => rest.words.reduce((total, n, r) => total + n * rest.probabilities[r], 0);
    close(mass(capped), mass(complete), 'the rest’s mass');
    // The listed runs are the likeliest words, exactly.
    assert.deepEqual(capped.probabilities.slice(0, 2), complete.probabilities.slice(0, 2));
  });

  it('prints the softmax denominator where every term of the sum underflows', () => {
    const runs = predictionRuns(prediction([candidate('a', 0.5), candidate('b', 0.3), candidate('c', 0.2)], { words: 0, probability: 0 }));
    const logPartition = new RunWeights(runs, { temperature: 0.0005 }).logPartition();
    assert.match(formatExp(logPartition), /^\d\.\d\d×10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
  });
});

describe('webview number formatting', () => {
  it('prints e^x plainly when it is readable and in scientific notation otherwise', () => {
    assert.equal(formatExp(Math.log(0.25)), '0.250');
    assert.equal(formatExp(Math.log(3e-7)), '3.00×10⁻⁷');
    // e^-1000 is far below the smallest double, but its digits are known: 10^(-1000 / ln 10).
    assert.equal(formatExp(-1000), '5.08×10⁻⁴³⁵');
    assert.equal(formatExp(Math.log(2e5)), '2.00×10⁵');
  });
});
