import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { applyTemperature, entropyBits } from '../../../src/core/decoding';
import { NgramModel } from '../../../src/core/model';
import { contextBeforeCursor } from '../../../src/core/tokenizer';
import type { EstimatorName } from '../../../src/core/types';
import type { CandidateView, PredictionView } from '../../../src/protocol/webview';
import { isToWebview } from '../../../src/protocol/webview';
import { toPredictionView } from '../../../src/extension/predictionView';
import { predict, restOfDistribution } from '../../../src/server/predictor';
import { expandDistribution, isApproximate, logSoftmaxDenominator } from '../../../webview/distribution';
import { formatExp } from '../../../webview/format';

const CORPUS = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'webview', 'corpus.txt'), 'utf8');

function corpusModel(estimator: EstimatorName, order = 2): NgramModel {
  const model = new NgramModel({ order, estimator: { name: estimator }, tokenizer: 'words' });
  model.addText(CORPUS);
  return model;
}


function panelPrediction(model: NgramModel, linePrefix: string, candidates: number): PredictionView {
  const result = predict(model, {
    linePrefix,
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

describe('webview distribution vector', () => {
  it('lists the candidates first, then spreads the lumped rest evenly over its words', () => {
    const vector = expandDistribution(prediction([candidate('cat', 0.5), candidate('dog', 0.3)], { words: 4, probability: 0.2 }));
    assert.deepEqual([...vector], [0.5, 0.3, 0.05, 0.05, 0.05, 0.05]);
  });

  it('has no rest entries when the candidates are the whole vocabulary', () => {
    const vector = expandDistribution(prediction([candidate('a', 0.75), candidate('b', 0.25)], { words: 0, probability: 0 }));
    assert.deepEqual([...vector], [0.75, 0.25]);
  });

  it('re-weights the whole distribution exactly: the top probabilities equal the core’s temperature over every word', () => {
    for (const estimator of ['kneser-ney', 'stupid-backoff', 'add-k', 'mle'] as const) {
      const model = corpusModel(estimator);
      for (const linePrefix of ['the', 'sat on', 'zebra', '']) {
        // Three bars: the rest carries most of the mass, so spreading it evenly would be far off.
        const prediction = panelPrediction(model, linePrefix, 3);
        const vector = expandDistribution(prediction);
        assert.equal(isApproximate(prediction), false);
        const full = model.distribution(contextBeforeCursor('words', linePrefix, linePrefix.length)).probabilities;
        const ids = prediction.candidates.map((candidate) => model.vocabulary.idOf(candidate.word));
        assert.equal(vector.length, full.filter((p) => p > 0).length, `${estimator} “${linePrefix}”: one entry per word with a probability`);
        for (const temperature of [0, 0.3, 1, 2.5, 10]) {
          const tempered = applyTemperature(vector, temperature);
          const exact = applyTemperature(full, temperature);
          const what = `${estimator} “${linePrefix}” T = ${temperature}`;
          ids.forEach((id, i) => close(tempered[i], exact[id], `${what}, ${prediction.candidates[i].word}`));
          close(entropyBits(tempered), entropyBits(exact), `${what}, entropy`);
          if (temperature > 0) close(logSoftmaxDenominator(vector, temperature), logSoftmaxDenominator(full, temperature), `${what}, Σ exp(z/T)`);
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

  it('gives the softmax denominator that the core’s temperature divides by', () => {
    const vector = Float64Array.from([0.5, 0.3, 0.15, 0.05]);
    for (const temperature of [0.3, 1, 2.5]) {
      const direct = vector.reduce((sum, p) => sum + Math.pow(p, 1 / temperature), 0);
      assert.ok(Math.abs(logSoftmaxDenominator(vector, temperature) - Math.log(direct)) < 1e-12);
      const tempered = applyTemperature(vector, temperature);
      const logDenominator = logSoftmaxDenominator(vector, temperature);
      vector.forEach((p, i) => assert.ok(Math.abs(Math.exp(Math.log(p) / temperature - logDenominator) - tempered[i]) < 1e-12));
    }
  });

  it('stays finite where every term of the sum underflows', () => {
    const vector = Float64Array.from([0.5, 0.3, 0.2]);
    const temperature = 0.0005;
    assert.equal(vector.reduce((sum, p) => sum + Math.exp(Math.log(p) / temperature), 0), 0);
    const logDenominator = logSoftmaxDenominator(vector, temperature);
    // Dominated by the top word: ln 0.5 / T.
    assert.ok(Math.abs(logDenominator - Math.log(0.5) / temperature) < 1e-9);
    assert.match(formatExp(logDenominator), /^\d\.\d\d×10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
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
