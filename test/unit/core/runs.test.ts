import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { chooseNext, NO_REWEIGHTING, RunWeights, runsOfVector, singleWordRuns, summarizeRuns } from '../../../src/core/runs';
import { createRandom } from '../../../src/core/prng';
import { applyTemperature, argmax, entropyBits, rankedIds, reweight } from './vectorDecoding';

/** Vectors with ties (so runs hold several words), zeros and tiny magnitudes. */
const vector = fc
  .array(
    fc.oneof(fc.constant(0), fc.constant(0.25), fc.constant(0.125), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-300, max: 1e-200, noNaN: true })),
    { minLength: 1, maxLength: 40 },
  )
  .map((w) => Float64Array.from(w))
  .filter((v) => v.some((p) => p > 0));
const sampling = fc.record({
  temperature: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(1e6), fc.double({ min: 1e-3, max: 100, noNaN: true })),
  topK: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 45 })),
  topP: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
});

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `${what}: ${actual} ≠ ${expected}`);
}

describe('run-based decoding', () => {
  it('lays a vector out as runs: likeliest first, ties in one run by id, every word of the support once', () => {
    const runs = runsOfVector(Float64Array.from([0.1, 0, 0.3, 0.1, 0.3, 0.2]), 3);
    assert.deepEqual([...runs.probability], [0.3, 0.2, 0.1]);
    assert.deepEqual([...runs.size], [2, 1, 1]);
    assert.deepEqual([runs.word(0, 0), runs.word(0, 1), runs.word(1, 0), runs.word(2, 0)], [2, 4, 5, 0]);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((id) => runs.runOf(id)), [2, -1, 0, -1, 0, 1, -1]);
  });

  it('re-weights, filters and measures entropy exactly as the vector reference, word by word', () => {
    fc.assert(
      fc.property(vector, sampling, (probabilities, options) => {
        const runs = runsOfVector(probabilities);
        const weights = new RunWeights(runs, options);
        const reference = reweight(probabilities, options);
        rankedIds(probabilities).forEach((id, rank) => close(weights.weightOf(runs.runOf(id), rank), reference[id], `word ${id}`));
        close(weights.entropyBits(), entropyBits(reference), 'entropy');
        close(summarizeRuns(runs).entropyBits, entropyBits(probabilities), 'model entropy');
      }),
    );
  });

  it('draws the word whose stretch of the re-weighted line, laid out in rank order, holds the number', () => {
    fc.assert(
      fc.property(vector, sampling, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (probabilities, options, uniform) => {
        fc.pre(options.temperature > 0);
        const runs = runsOfVector(probabilities);
        const drawn = new RunWeights(runs, options).draw(uniform);
        assert.ok(drawn !== undefined);
        const reference = reweight(probabilities, options);
        let start = 0;
        const ranked = rankedIds(probabilities).filter((other) => reference[other] > 0);
        const id = runs.word(drawn.run, drawn.index);
        for (const other of ranked) {
          if (other === id) break;
          start += reference[other];
        }
        close(drawn.weight, reference[id], 'the drawn word’s chance');
        // A hair of rounding at the stretch's edges is allowed.
        assert.ok(uniform >= start - 1e-9 && uniform < start + reference[id] + 1e-9, `${uniform} outside [${start}, ${start + reference[id]})`);
      }),
      // Found by a run: two probabilities a double apart whose logarithms round to one value.
      { examples: [[Float64Array.from([1e-300, 1.0000000000000002e-300]), { temperature: 0.001, topK: 1, topP: 1 }, 0.5]] },
    );
  });

  it('chooses the argmax at T = 0 without a draw, and nothing from an empty support', () => {
    fc.assert(
      fc.property(vector, (probabilities) => {
        assert.equal(chooseNext(runsOfVector(probabilities), { temperature: 0 }, () => assert.fail('no draw at T = 0')), argmax(probabilities));
      }),
    );
    assert.equal(chooseNext(runsOfVector(new Float64Array(3)), { temperature: 1 }, createRandom(1)), -1);
  });

  it('gives the softmax denominator ln Σ exp(ln p / T), finite where every term underflows', () => {
    const probabilities = Float64Array.from([0.5, 0.3, 0.15, 0.05]);
    const runs = runsOfVector(probabilities);
    for (const temperature of [0.3, 1, 2.5]) {
      const direct = probabilities.reduce((sum, p) => sum + Math.pow(p, 1 / temperature), 0);
      close(new RunWeights(runs, { temperature }).logPartition(), Math.log(direct), `T = ${temperature}`);
      const tempered = applyTemperature(probabilities, temperature);
      const logPartition = new RunWeights(runs, { temperature }).logPartition();
      probabilities.forEach((p, i) => close(Math.exp(Math.log(p) / temperature - logPartition), tempered[i], `p_${i}`));
    }
    const temperature = 0.0005;
    assert.equal(probabilities.reduce((sum, p) => sum + Math.exp(Math.log(p) / temperature), 0), 0);
    // Dominated by the top word: ln 0.5 / T.
    assert.ok(Math.abs(new RunWeights(runs, { temperature }).logPartition() - Math.log(0.5) / temperature) < 1e-9);
  });

  it('draws buckets of given chances in their own order', () => {
    const buckets = new RunWeights(singleWordRuns([0.2, 0.5, 0.3]), NO_REWEIGHTING);
    assert.deepEqual([0, 0.19, 0.2, 0.69, 0.7, 0.99].map((u) => buckets.draw(u)?.run), [0, 0, 1, 1, 2, 2]);
  });

  it('rejects negative and NaN temperatures', () => {
    const runs = runsOfVector(Float64Array.from([0.5, 0.5]));
    assert.throws(() => new RunWeights(runs, { temperature: -1 }), RangeError);
    assert.throws(() => new RunWeights(runs, { temperature: NaN }), RangeError);
  });
});
