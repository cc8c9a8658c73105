import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decodingLoop, findRepetition, generate, type NextWordModel } from '../../../src/core/decoding';
import { createRandom } from '../../../src/core/prng';
import { runsOfVector } from '../../../src/core/runs';
import { UNK } from '../../../src/core/vocabulary';
import { applyTemperature, argmax, chooseNext, entropyBits, normalize, rankedIds, reweight, sample, topK, topP } from './vectorDecoding';

/** Probability-like vectors with zeros, repeated values and extreme magnitudes. */
const weights = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.constant(0.25),
    // Subnormals aside (as 0): one divided by a total near 2 underflows to 0, so renormalising could
    // not keep it in the support (fast-check found [5e-324, 0.5, 0.25, 0.25, 0.99…, 0]).
    fc.double({ min: 0, max: 1, noNaN: true }).map((p) => (p < Number.MIN_VALUE * 2 ** 52 ? 0 : p)),
    fc.double({ min: 1e-300, max: 1e-200, noNaN: true }),
  ),
  { minLength: 1, maxLength: 40 },
);
const vector = weights.map((w) => Float64Array.from(w));
const nonEmptyVector = vector.filter((v) => v.some((p) => p > 0));
const temperature = fc.oneof(
  fc.constant(0),
  fc.constant(1e6),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 0, max: 1e-3, noNaN: true }),
);

function sum(v: Float64Array): number {
  return v.reduce((s, x) => s + x, 0);
}

function support(v: Float64Array): number[] {
  return [...v.keys()].filter((i) => v[i] > 0);
}

function closeTo(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);
}

describe('decoding over a vector (the reference runs.ts is tested against)', () => {
  describe('temperature', () => {
    it('never produces NaN or Infinity, keeps zeros at zero and sums to 1, for any T in [0, 1e6]', () => {
      fc.assert(
        fc.property(vector, temperature, (probs, t) => {
          const out = applyTemperature(probs, t);
          for (let i = 0; i < out.length; i++) {
            assert.ok(Number.isFinite(out[i]) && out[i] >= 0 && out[i] <= 1, `entry ${i} = ${out[i]} at T=${t}`);
            if (!(probs[i] > 0)) assert.equal(out[i], 0);
          }
          if (support(probs).length > 0) closeTo(sum(out), 1, 1e-9, 'sum');
          else assert.equal(sum(out), 0);
        }),
      );
    });

    it('T = 0 is the exact argmax, ties going to the lowest id', () => {
      fc.assert(
        fc.property(nonEmptyVector, (probs) => {
          const out = applyTemperature(probs, 0);
          const max = Math.max(...probs);
          const expected = probs.indexOf(max);
          assert.equal(out[expected], 1);
          assert.equal(sum(out), 1);
        }),
      );
      assert.deepEqual([...applyTemperature(Float64Array.of(0.2, 0.4, 0.4), 0)], [0, 1, 0]);
    });

    it('T → 0 shares all the mass equally between the tied maxima', () => {
      fc.assert(
        fc.property(nonEmptyVector, (probs) => {
          const max = Math.max(...probs);
          // Below 0.999 of the maximum, a weight (p/max)^(1/T) at T = 1e-6 underflows to exactly 0.
          fc.pre(!probs.some((p) => p !== max && p > max * 0.999));
          const ties = support(probs).filter((i) => probs[i] === max);
          const out = applyTemperature(probs, 1e-6);
          for (let i = 0; i < probs.length; i++) {
            if (probs[i] === max) closeTo(out[i], 1 / ties.length, 1e-12, `tied maximum ${i}`);
            else assert.equal(out[i], 0, `entry ${i}`);
          }
        }),
      );
    });

    it('T = 1 leaves the distribution unchanged', () => {
      fc.assert(
        fc.property(nonEmptyVector, (probs) => {
          const total = sum(probs);
          const out = applyTemperature(probs, 1);
          for (let i = 0; i < probs.length; i++) closeTo(out[i], probs[i] / total, 1e-15, `entry ${i}`);
        }),
      );
      const dist = Float64Array.of(0.5, 0.3, 0, 0.2);
      assert.deepEqual(applyTemperature(dist, 1), dist);
    });

    it('matches p^(1/T) / Σ p^(1/T) where that is computable directly', () => {
      const probs = Float64Array.of(0.5, 0.3, 0.15, 0.05, 0);
      for (const t of [0.2, 0.5, 2, 10]) {
        const direct = [...probs].map((p) => p ** (1 / t));
        const total = direct.reduce((s, x) => s + x, 0);
        const out = applyTemperature(probs, t);
        direct.forEach((x, i) => closeTo(out[i], x / total, 1e-12, `T=${t} entry ${i}`));
      }
    });

    it('T → ∞ is uniform over the support', () => {
      fc.assert(
        fc.property(nonEmptyVector, (probs) => {
          const ids = support(probs);
          for (const t of [1e6, Infinity]) {
            const out = applyTemperature(probs, t);
            // log p spans at most ~745 nats, so at T = 1e6 each weight is within 1e-3 of the others.
            for (const i of ids) closeTo(out[i], 1 / ids.length, t === Infinity ? 1e-15 : 1e-3 / ids.length, `T=${t}`);
          }
        }),
      );
    });

    it('rejects negative and NaN temperatures', () => {
      assert.throws(() => applyTemperature(Float64Array.of(1), -0.1), /temperature must be a number ≥ 0, got -0.1/);
      assert.throws(() => applyTemperature(Float64Array.of(1), NaN), /temperature must be a number ≥ 0, got NaN/);
    });

    it('lowers the entropy below T = 1 and raises it above', () => {
      const probs = Float64Array.of(0.6, 0.25, 0.1, 0.05);
      const h = (t: number) => entropyBits(applyTemperature(probs, t));
      assert.ok(h(0.2) < h(0.5) && h(0.5) < h(1) && h(1) < h(2) && h(2) < h(100));
      assert.equal(h(0), 0);
      closeTo(h(1e9), 2, 1e-6, 'entropy at huge T');
    });
  });

  describe('top-k and top-p', () => {
    /** Every kept id ranks above every dropped id (higher probability, or equal and lower id). */
    function isRankPrefix(probs: Float64Array, kept: number[]): boolean {
      const keptSet = new Set(kept);
      const dropped = support(probs).filter((i) => !keptSet.has(i));
      return kept.every((k) => dropped.every((d) => probs[k] > probs[d] || (probs[k] === probs[d] && k < d)));
    }

    it('top-k keeps exactly the k likeliest ids (ties by lower id), renormalised', () => {
      fc.assert(
        fc.property(vector, fc.nat({ max: 45 }), (probs, k) => {
          const out = topK(probs, k);
          const kept = support(out);
          const inSupport = support(probs).length;
          assert.equal(kept.length, k === 0 ? inSupport : Math.min(k, inSupport));
          assert.ok(isRankPrefix(probs, kept));
          const keptMass = kept.reduce((s, i) => s + probs[i], 0);
          for (const i of kept) closeTo(out[i], probs[i] / keptMass, 1e-12);
        }),
      );
      assert.deepEqual(support(topK(Float64Array.of(0.1, 0.3, 0.3, 0.3), 2)), [1, 2]);
    });

    it('top-p keeps the smallest likeliest set whose mass reaches p', () => {
      fc.assert(
        fc.property(nonEmptyVector, fc.double({ min: 0, max: 1, noNaN: true }), (probs, p) => {
          const out = topP(probs, p);
          const kept = support(out);
          assert.ok(isRankPrefix(probs, kept), 'kept ids are the likeliest');
          const total = sum(probs);
          const keptMass = kept.reduce((s, i) => s + probs[i], 0) / total;
          const smallest = Math.min(...kept.map((i) => probs[i])) / total;
          assert.ok(keptMass >= p - 1e-9, `kept mass ${keptMass} < p ${p}`);
          // Minimal: without its least likely member, the set falls short of p.
          if (kept.length > 1) assert.ok(keptMass - smallest < p + 1e-9, `set is not minimal for p ${p}`);
          closeTo(sum(out), 1, 1e-9);
        }),
      );
    });

    it('top-p counts 0.6 + 0.3 as reaching 0.9 despite rounding; p = 0 keeps one word; p = 1 keeps all', () => {
      const probs = Float64Array.of(0.3, 0.6, 0.1);
      assert.deepEqual(support(topP(probs, 0.9)), [0, 1]);
      assert.deepEqual(support(topP(probs, 0)), [1]);
      assert.deepEqual(support(topP(probs, 1)), [0, 1, 2]);
      assert.throws(() => topP(probs, 1.5), /top-p must be a number in \[0, 1\], got 1.5/);
      assert.throws(() => topK(probs, 1.5), /top-k must be an integer ≥ 0, got 1.5/);
    });

    it('reweight applies temperature, then top-k, then top-p', () => {
      const probs = Float64Array.of(0.05, 0.5, 0.3, 0.15);
      // At T = 1e6 the four are nearly uniform, so top-p 0.5 needs two of them: the two likeliest.
      assert.deepEqual(support(reweight(probs, { temperature: 1e6, topP: 0.5 })), [1, 2]);
      assert.deepEqual(support(reweight(probs, { temperature: 1, topP: 0.5 })), [1]);
      assert.deepEqual(support(reweight(probs, { temperature: 2, topK: 3, topP: 1 })), [1, 2, 3]);
      assert.deepEqual([...reweight(probs, { temperature: 1, topK: 0, topP: 1 })], [...normalize(probs)]);
    });
  });

  describe('sampling', () => {
    it('draws each id about as often as its probability (chi-square, fixed seed)', () => {
      const probs = Float64Array.of(0, 0.5, 0.25, 0, 0.15, 0.07, 0.03);
      const n = 50_000;
      const random = createRandom('chi-square');
      const counts = new Array<number>(probs.length).fill(0);
      for (let i = 0; i < n; i++) counts[sample(probs, random)]++;
      assert.equal(counts[0] + counts[3], 0, 'ids with probability 0 are never drawn');
      let chiSquare = 0;
      for (const i of support(probs)) chiSquare += (counts[i] - n * probs[i]) ** 2 / (n * probs[i]);
      // The 0.999 quantile of chi-square with 4 degrees of freedom is 18.47.
      assert.ok(chiSquare < 18.47, `chi-square ${chiSquare}`);
    });

    it('repeats the same draws for the same seed', () => {
      fc.assert(
        fc.property(nonEmptyVector, fc.string(), (probs, seed) => {
          const run = () => {
            const random = createRandom(seed);
            return Array.from({ length: 30 }, () => sample(probs, random));
          };
          const first = run();
          assert.deepEqual(run(), first);
          for (const id of first) assert.ok(probs[id] > 0);
        }),
      );
    });

    it('refuses an empty distribution', () => {
      assert.throws(() => sample(new Float64Array(3), createRandom(1)), /cannot sample from an empty distribution/);
    });

    it('chooseNext is argmax at T = 0 without consuming a draw, and -1 when nothing is left', () => {
      let drawsTaken = 0;
      const counting = () => {
        drawsTaken++;
        return 0.5;
      };
      assert.equal(chooseNext(Float64Array.of(0.2, 0.5, 0.3), { temperature: 0 }, counting), 1);
      assert.equal(drawsTaken, 0);
      assert.equal(chooseNext(Float64Array.of(0.2, 0.5, 0.3), { temperature: 1 }, counting), 1);
      assert.equal(drawsTaken, 1);
      assert.equal(chooseNext(new Float64Array(2), { temperature: 1 }, counting), -1);
    });
  });

  describe('entropy, argmax, ranking', () => {
    it('entropy is log2 of the support size for uniform vectors and 0 for one word', () => {
      closeTo(entropyBits(Float64Array.of(0.25, 0.25, 0.25, 0.25)), 2, 1e-12);
      closeTo(entropyBits(Float64Array.of(1, 1, 0, 1, 1, 1, 1, 1, 1)), 3, 1e-12);
      assert.equal(entropyBits(Float64Array.of(0, 3, 0)), 0);
      assert.equal(entropyBits(new Float64Array(3)), 0);
      closeTo(entropyBits(Float64Array.of(0.5, 0.25, 0.25)), 1.5, 1e-12);
    });

    it('argmax and rankedIds break ties by the lower id and skip the zeros', () => {
      assert.equal(argmax(Float64Array.of(0, 0.4, 0.2, 0.4)), 1);
      assert.equal(argmax(new Float64Array(4)), -1);
      assert.deepEqual(rankedIds(Float64Array.of(0.1, 0, 0.4, 0.1, 0.4)), [2, 4, 0, 3]);
    });
  });

  describe('findRepetition', () => {
    it('finds where the loop starts and its period', () => {
      const words = 'x y the model is the model is the model is the'.split(' ');
      assert.deepEqual(findRepetition(words), { start: 2, period: 3 });
      assert.deepEqual(findRepetition([1, 1, 1, 1]), { start: 0, period: 1 });
      assert.deepEqual(findRepetition([7, 1, 2, 1, 2]), { start: 1, period: 2 });
    });

    it('reports nothing for a sequence that does not end in a loop', () => {
      assert.equal(findRepetition('a b a b c'.split(' ')), undefined);
      assert.equal(findRepetition([1, 2, 3, 4]), undefined);
      assert.equal(findRepetition([]), undefined);
      assert.equal(findRepetition([1, 2, 1, 2], 3), undefined);
    });

    it('finds the earliest loop, shortest period first', () => {
      // [2, 3, 3] twice: the whole sequence is a loop of period 3, earlier than the [3, 3] at the end.
      assert.deepEqual(findRepetition([2, 3, 3, 2, 3, 3]), { start: 0, period: 3 });
    });

    it('finds the loop of any prefix repeated at least twice', () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat({ max: 3 }), { maxLength: 8 }),
          fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 2, max: 5 }),
          (prefix, cycle, repeats) => {
            const sequence = [...prefix, ...Array.from({ length: repeats }, () => cycle).flat()];
            const found = findRepetition(sequence);
            assert.ok(found, 'a loop is found');
            // The reported loop is real and starts no later than the planted one; a longer period is
            // only reported for a loop that starts earlier (the prefix itself may begin a longer loop).
            for (let i = found.start; i + found.period < sequence.length; i++) assert.equal(sequence[i], sequence[i + found.period]);
            assert.ok(sequence.length - found.start >= 2 * found.period);
            assert.ok(found.start <= prefix.length);
            assert.ok(found.start < prefix.length || found.period <= cycle.length);
          },
        ),
      );
    });
  });
});

describe('generation', () => {
  const words = ['<unk>', '<s>', '</s>', 'x', 'y', 'z'];
  /** A bigram table: the distribution depends on the last token only. */
  function bigramModel(next: Record<string, number[]>): NextWordModel {
    return {
      order: 2,
      vocabulary: { word: (id) => words[id] },
      runs: (context, { withoutUnknown }) => ({ runs: runsOfVector(Float64Array.from(next[context[context.length - 1]]), withoutUnknown ? UNK : -1) }),
      candidates: (context, k) => rankedIds(Float64Array.from(next[context[context.length - 1]])).slice(0, k).map((id) => ({ id })),
    };
  }
  //                     <unk>  <s>  </s>   x    y    z
  const lines = bigramModel({
    '<s>': [0.5, 0, 0, 0.3, 0.1, 0.1],
    x: [0, 0, 0.1, 0, 0.6, 0.3],
    y: [0, 0, 0.7, 0.1, 0, 0.2],
    z: [0.2, 0, 0.2, 0.3, 0.3, 0],
  });
  const greedy = { temperature: 0 };
  const noDraws = () => assert.fail('greedy decoding must not draw');

  it('greedy stops at </s> by default and never picks <unk>', () => {
    const result = generate(lines, ['<s>'], { tokens: 10, sampling: greedy, random: noDraws });
    assert.deepEqual(result.tokens, ['x', 'y', '</s>']);
    assert.deepEqual(result.ids, [3, 4, 2]);
    assert.equal(result.loop, undefined);
  });

  it('picks <unk> only when asked to keep it', () => {
    const result = generate(lines, ['<s>'], { tokens: 1, sampling: greedy, random: noDraws, excludeUnknown: false });
    assert.deepEqual(result.tokens, ['<unk>']);
  });

  it('continues on a new line across </s> and finds the loop it falls into', () => {
    const result = generate(lines, ['<s>'], { tokens: 10, sampling: greedy, random: noDraws, acrossLines: true });
    assert.deepEqual(result.tokens, ['x', 'y', '</s>', 'x', 'y', '</s>', 'x', 'y', '</s>', 'x']);
    assert.deepEqual(result.loop, { start: 0, period: 3 });
    const stopped = generate(lines, ['<s>'], { tokens: 10, sampling: greedy, random: noDraws, acrossLines: true, stopAtLoop: true });
    assert.deepEqual(stopped.tokens, ['x', 'y', '</s>', 'x', 'y', '</s>']);
  });

  it('samples reproducibly for a seed, only among words the model allows', () => {
    const run = (seed: string) =>
      generate(lines, ['<s>'], { tokens: 40, sampling: { temperature: 1.5 }, random: createRandom(seed), acrossLines: true }).tokens;
    const first = run('seed');
    assert.deepEqual(run('seed'), first);
    assert.notDeepEqual(run('other seed'), first);
    assert.equal(first.length, 40);
    let previous = '<s>';
    for (const token of first) {
      assert.notEqual(token, '<unk>');
      const allowed = { '<s>': ['x', 'y', 'z'], x: ['</s>', 'y', 'z'], y: ['</s>', 'x', 'z'], z: ['</s>', 'x', 'y'] }[previous];
      assert.ok(allowed?.includes(token), `${token} after ${previous}`);
      previous = token === '</s>' ? '<s>' : token;
    }
  });

  it('stops when nothing but <unk> is left', () => {
    const stuck = bigramModel({ '<s>': [1, 0, 0, 0, 0, 0] });
    assert.deepEqual(generate(stuck, ['<s>'], { tokens: 5, sampling: { temperature: 1 }, random: createRandom(1) }).tokens, []);
  });

  it('decodingLoop waits until the whole context has come round', () => {
    // Period 2 seen twice, but an order-4 model's three-token context has not repeated yet.
    assert.equal(decodingLoop(['a', 'b', 'a', 'b'], 4), undefined);
    assert.deepEqual(decodingLoop(['a', 'b', 'a', 'b', 'a'], 4), { start: 0, period: 2 });
    assert.deepEqual(decodingLoop(['a', 'b', 'a', 'b'], 2), { start: 0, period: 2 });
  });
});
