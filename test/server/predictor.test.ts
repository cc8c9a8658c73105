// The predictor re-weights, sums and draws over the model's runs of equal probability; the engine's
// decoding functions do the same over the full probability vector. The two must agree.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generate, type NextWordModel } from '../../src/core/decoding';
import { NgramModel } from '../../src/core/model';
import { createRandom } from '../../src/core/prng';
import { runsOfVector } from '../../src/core/runs';
import { contextBeforeCursor } from '../../src/core/tokenizer';
import { ESTIMATOR_NAMES, type EstimatorOptions, type Reweighting } from '../../src/core/types';
import { UNK } from '../../src/core/vocabulary';
import { generateAfter, predict } from '../../src/server/predictor';
import { rankedIds, reweight } from '../unit/core/vectorDecoding';

const WORDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const corpusArb = fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 15 });
const prefixArb = fc.array(fc.constantFrom(...WORDS, 'unknown'), { maxLength: 4 }).map((words) => words.join(' '));
const estimatorArb: fc.Arbitrary<EstimatorOptions> = fc.oneof(
  fc.constantFrom(...ESTIMATOR_NAMES).map((name) => ({ name })),
  fc.double({ min: 0.05, max: 3, noNaN: true }).map((addK) => ({ name: 'add-k' as const, addK })),
);
const samplingArb: fc.Arbitrary<Reweighting> = fc.record({
  temperature: fc.oneof(fc.constantFrom(0, 0.3, 1, 2.5, 10), fc.double({ min: 0.01, max: 20, noNaN: true })),
  topK: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
  // Round values: a p within rounding of a partial sum (p·(1 + 1e-9) = 0.75 + 1e-16) may keep one word
  // more or less depending on the order the masses were added in, which is no disagreement.
  topP: fc.constantFrom(1, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99),
});

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `${what}: ${actual} ≠ ${expected}`);
}

/** What decoding.ts gives for the same question over the full vector. */
function reference(model: NgramModel, linePrefix: string, insertableOnly: boolean, sampling: Reweighting) {
  const context = contextBeforeCursor(model.tokenizer, linePrefix, linePrefix.length);
  const probabilities = model.distribution(context).probabilities.slice();
  if (insertableOnly) probabilities[UNK] = 0;
  return { probabilities, weights: reweight(probabilities, sampling) };
}

describe('predictor', () => {
  it('re-weights and sums exactly as the reference does over the whole vocabulary', () => {
    fc.assert(
      fc.property(
        corpusArb,
        fc.integer({ min: 1, max: 4 }),
        estimatorArb,
        prefixArb,
        samplingArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 12 }),
        (corpus, order, estimator, linePrefix, sampling, insertableOnly, shown) => {
          const model = new NgramModel({ order, estimator, tokenizer: 'whitespace' });
          model.addText(corpus.map((line) => line.join(' ')).join('\n'));
          const { probabilities, weights } = reference(model, linePrefix, insertableOnly, sampling);
          const result = predict(model, { textBefore: linePrefix, learned: true, candidates: shown, insertableOnly, draws: 0, sampling, random: () => 0.5 });

          const support = probabilities.filter((p) => p > 0);
          const total = support.reduce((sum, p) => sum + p, 0);
          assert.equal(result.candidates.length, Math.min(shown, support.length));
          for (const candidate of result.candidates) {
            const id = model.vocabulary.idOf(candidate.word);
            assert.equal(candidate.probability, probabilities[id]);
            close(candidate.weight, weights[id], `weight of ${candidate.word}`);
          }
          assert.equal(result.others.words, support.length - result.candidates.length);
          close(result.others.probability, Math.max(0, total - result.candidates.reduce((sum, c) => sum + c.probability, 0)), 'others');
          const chosen = result.chosen;
          assert.ok(chosen !== null);
          const chosenId = model.vocabulary.idOf(chosen.word);
          assert.ok(weights[chosenId] > 0, `${chosen.word} cannot be drawn`);
          close(chosen.weight, weights[chosenId], 'chosen weight');
          assert.equal(chosen.probability, probabilities[chosenId]);
          assert.equal(chosen.rank, result.candidates.findIndex((candidate) => candidate.word === chosen.word));
          if (sampling.temperature > 0 && chosen.rank >= 0) {
            // The draw's number lies in the chosen word's stretch of the chances laid end to end in rank order.
            const start = result.candidates.slice(0, chosen.rank).reduce((sum, candidate) => sum + candidate.weight, 0);
            assert.equal(chosen.draw, 0.5);
            assert.ok(start - 1e-9 <= 0.5 && 0.5 < start + chosen.weight + 1e-9, `0.5 outside [${start}, ${start + chosen.weight})`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('draws each word as often as its weight says', () => {
    // Uniform numbers spread evenly over [0, 1): each word is drawn for a share of them equal to its
    // weight, give or take one draw at each end of its slice.
    fc.assert(
      fc.property(corpusArb, fc.integer({ min: 1, max: 3 }), estimatorArb, prefixArb, samplingArb, (corpus, order, estimator, linePrefix, sampling) => {
        fc.pre(sampling.temperature > 0);
        const model = new NgramModel({ order, estimator, tokenizer: 'whitespace' });
        model.addText(corpus.map((line) => line.join(' ')).join('\n'));
        const { weights } = reference(model, linePrefix, true, sampling);
        const draws = 1_000;
        const counts = new Map<string, number>();
        for (let i = 0; i < draws; i++) {
          const uniform = (i + 0.5) / draws;
          const result = predict(model, { textBefore: linePrefix, learned: true, candidates: 0, insertableOnly: true, draws: 0, sampling, random: () => uniform });
          const word = result.chosen?.word ?? '';
          counts.set(word, (counts.get(word) ?? 0) + 1);
        }
        for (const [id, weight] of weights.entries()) {
          const drawn = counts.get(model.vocabulary.word(id)) ?? 0;
          assert.ok(Math.abs(drawn - weight * draws) <= 1, `${model.vocabulary.word(id)}: ${drawn} draws for weight ${weight}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('generates over the runs as the engine does over the vector: the same greedy words, sampled words it could draw', () => {
    fc.assert(
      fc.property(corpusArb, fc.integer({ min: 1, max: 4 }), estimatorArb, prefixArb, samplingArb, fc.boolean(), (corpus, order, estimator, linePrefix, sampling, greedy) => {
        const model = new NgramModel({ order, estimator, tokenizer: 'whitespace' });
        model.addText(corpus.map((line) => line.join(' ')).join('\n'));
        const random = createRandom(`${linePrefix}|${order}`);
        const result = generateAfter(model, { textBefore: linePrefix, words: 12, greedy, acrossLines: true, sampling, random });
        const start = contextBeforeCursor(model.tokenizer, linePrefix, linePrefix.length);
        if (greedy) {
          // The same decoder over runs laid out from the full vector: the model's own runs must rank alike.
          const overVector: NextWordModel = {
            order: model.order,
            vocabulary: model.vocabulary,
            runs: (context, { withoutUnknown }) => ({ runs: runsOfVector(model.distribution(context).probabilities, withoutUnknown ? UNK : -1) }),
            candidates: (context, k) => rankedIds(model.distribution(context).probabilities).slice(0, k).map((id) => ({ id })),
          };
          const expected = generate(overVector, start, { tokens: 12, sampling: { temperature: 0 }, random, acrossLines: true, stopAtLoop: true });
          assert.deepEqual(result.tokens, expected.tokens);
          return;
        }
        // Each sampled word had a chance under the engine's re-weighting of the context it followed.
        let context = start;
        for (const word of result.tokens) {
          const probabilities = model.distribution(context).probabilities.slice();
          probabilities[UNK] = 0;
          assert.ok(reweight(probabilities, sampling)[model.vocabulary.idOf(word)] > 0, `${word} after ${context.join(' ')}`);
          context = word === '</s>' ? ['<s>'] : [...context, word].slice(-Math.max(1, order - 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an empty model shows its two entries but chooses nothing', () => {
    const model = new NgramModel({ order: 3, tokenizer: 'whitespace' });
    const result = predict(model, {
      textBefore: 'a',
      learned: false,
      candidates: 10,
      insertableOnly: false,
      draws: 0,
      sampling: { temperature: 0.7, topK: 0, topP: 1 },
      random: () => 0.5,
    });
    assert.deepEqual(result.candidates.map((candidate) => [candidate.word, candidate.probability]), [['<unk>', 0.5], ['</s>', 0.5]]);
    assert.equal(result.chosen, null);
  });
});
