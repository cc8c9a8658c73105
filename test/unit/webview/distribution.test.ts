import * as assert from 'node:assert/strict';
import { applyTemperature } from '../../../src/core/decoding';
import type { CandidateView, PredictionView } from '../../../src/protocol/webview';
import { expandDistribution, logSoftmaxDenominator } from '../../../webview/distribution';
import { formatExp } from '../../../webview/format';

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
