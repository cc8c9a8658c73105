import { strict as assert } from 'node:assert';
import { FALLBACK_DISCOUNTS, kneserNeyDiscounts } from '../../../src/core/estimators';
import type { NgramModel } from '../../../src/core/model';
import { total, trained } from './helpers';

// The toy corpus of every hand computation below. With `<s>`/`</s>` the sentences are
//   <s> a b </s>   ·   <s> a c </s>   ·   <s> b a b </s>
// Raw counts: a 3, b 3, c 1, </s> 3 (10 tokens with </s>; <s> 3).
//   bigrams:  <s> a 2, <s> b 1, a b 2, a c 1, b a 1, b </s> 2, c </s> 1
//   trigrams: <s> a b 1, <s> a c 1, <s> b a 1, b a b 1, a b </s> 2, a c </s> 1
// V = {a, b, c, </s>, <unk>}: |V| = 5.
const CORPUS = ['a b', 'a c', 'b a b'];

function p(model: NgramModel, context: string[], word: string): number {
  return model.score(context, word).probability;
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

describe('estimators', () => {
  describe('Kneser-Ney discounts', () => {
    it('follow Chen & Goodman eq. 26 (t1..t4 = 10, 5, 3, 2)', () => {
      // Y = 10/(10 + 2·5) = 0.5; D1 = 1 − 2·0.5·5/10 = 0.5; D2 = 2 − 3·0.5·3/5 = 1.1; D3 = 3 − 4·0.5·2/3 = 5/3.
      const d = kneserNeyDiscounts(10, 5, 3, 2);
      assert.equal(d.fallback, false);
      assert.ok(Math.abs(d.d1 - 0.5) < 1e-7 && Math.abs(d.d2 - 1.1) < 1e-6 && Math.abs(d.d3 - 5 / 3) < 1e-6, JSON.stringify(d));
    });

    it('are computed in float32, as lmplz stores them', () => {
      const d = kneserNeyDiscounts(10, 5, 3, 2);
      assert.equal(d.d2, Math.fround(d.d2));
      assert.equal(d.d3, Math.fround(d.d3));
    });

    it('fall back to 0.5, 1, 1.5 when a count-of-count is 0 or a discount leaves [0, k]', () => {
      assert.deepEqual(kneserNeyDiscounts(4, 3, 0, 0), FALLBACK_DISCOUNTS);
      assert.deepEqual(kneserNeyDiscounts(0, 0, 0, 0), FALLBACK_DISCOUNTS);
      // D2 = 2 − 3·0.5·100/5 < 0.
      assert.deepEqual(kneserNeyDiscounts(10, 5, 100, 1), FALLBACK_DISCOUNTS);
      assert.deepEqual([FALLBACK_DISCOUNTS.d1, FALLBACK_DISCOUNTS.d2, FALLBACK_DISCOUNTS.d3], [0.5, 1, 1.5]);
    });

    it('of the toy corpus fall back at every order (too few distinct counts)', () => {
      const model = trained(CORPUS, 3);
      for (let n = 1; n <= 3; n++) assert.equal(model.discounts(n).fallback, true, `order ${n}`);
    });
  });

  describe('kneser-ney (interpolated, modified), order 2', () => {
    // Unigram level, adjusted counts = distinct left neighbours: a {<s>, b} 2, b {a, <s>} 2, c {a} 1,
    // </s> {b, c} 2; Σ = 7; N1 = 1, N2 = 3; D = 0.5, 1, 1.5 (fallback).
    //   γ0 = (0.5·1 + 1·3)/7 = 1/2;  p0(a) = p0(b) = p0(</s>) = (2 − 1)/7 + γ0/5 = 17/70;
    //   p0(c) = (1 − 0.5)/7 + 1/10 = 12/70;  p0(<unk>) = 1/10.
    // Context a: children b (2), c (1); Σ = 3; N1 = N2 = 1; γ = (0.5 + 1)/3 = 1/2.
    //   p(b|a) = (2 − 1)/3 + ½·17/70 = 191/420;  p(c|a) = 0.5/3 + ½·12/70 = 53/210;
    //   p(a|a) = p(</s>|a) = ½·17/70 = 17/140;  p(<unk>|a) = ½·1/10 = 1/20.
    const model = trained(CORPUS, 2);

    it('gives the hand-computed probabilities after a seen context', () => {
      near(p(model, ['a'], 'b'), 191 / 420, 'p(b|a)');
      near(p(model, ['a'], 'c'), 53 / 210, 'p(c|a)');
      near(p(model, ['a'], 'a'), 17 / 140, 'p(a|a)');
      near(p(model, ['a'], '</s>'), 17 / 140, 'p(</s>|a)');
      near(p(model, ['a'], 'never-seen'), 1 / 20, 'p(<unk>|a)');
    });

    it('interpolates the unigram level with the uniform distribution', () => {
      // An unknown context matches nothing: the unigram level answers.
      near(p(model, ['zzz'], 'a'), 17 / 70, 'p0(a)');
      near(p(model, ['zzz'], 'c'), 12 / 70, 'p0(c)');
      near(p(model, ['zzz'], '<unk>'), 1 / 10, 'p0(<unk>)');
      // A line start: <s> has children a (2), b (1): the same shape as context a.
      near(p(model, ['<s>'], 'a'), 191 / 420, 'p(a|<s>)');
    });

    it('gives <s> nothing and sums to 1 over V', () => {
      const distribution = model.distribution(['a']);
      assert.equal(distribution.probabilities[1], 0);
      near(total(distribution.probabilities), 1, 'Σ');
      assert.equal(distribution.isProbability, true);
      assert.equal(distribution.matchedContextLength, 1);
    });
  });

  describe('kneser-ney, order 3', () => {
    // Bigram adjusted counts (n-grams starting with <s> keep raw counts): <s> a 2, <s> b 1, a b 2
    // {<s>, b}, b </s> 1 {a}, a c 1 {<s>}, c </s> 1 {a}, b a 1 {<s>}. Unigrams as in order 2.
    // Context b (order 2): children </s> (1), a (1); Σ = 2; N1 = 2; γ = 0.5·2/2 = 1/2.
    //   p1(</s>|b) = (1 − 0.5)/2 + ½·17/70 = 13/35;  p1(a|b) = 13/35;  p1(b|b) = ½·17/70.
    // Context a b (order 3, raw counts): child </s> (2); Σ = 2; N2 = 1; γ = 1·1/2 = 1/2.
    //   p(</s>|a b) = (2 − 1)/2 + ½·13/35 = 24/35;  p(a|a b) = ½·13/35 = 13/70;
    //   p(b|a b) = ½·½·17/70 = 17/280;  p(c|a b) = ¼·12/70 = 3/70;  p(<unk>|a b) = ¼·1/10 = 1/40.
    //   Σ = (192 + 52 + 17 + 12 + 7)/280 = 1.
    const model = trained(CORPUS, 3);

    it('interpolates through every level', () => {
      near(p(model, ['a', 'b'], '</s>'), 24 / 35, 'p(</s>|a b)');
      near(p(model, ['a', 'b'], 'a'), 13 / 70, 'p(a|a b)');
      near(p(model, ['a', 'b'], 'b'), 17 / 280, 'p(b|a b)');
      near(p(model, ['a', 'b'], 'c'), 3 / 70, 'p(c|a b)');
      near(p(model, ['a', 'b'], '<unk>'), 1 / 40, 'p(<unk>|a b)');
    });

    it('reports the answering n-gram and its counts', () => {
      const [top] = model.candidates(['a', 'b'], 1);
      assert.deepEqual(top, { word: '</s>', id: 2, probability: top.probability, count: 2, contextCount: 2, order: 3 });
      assert.equal(model.score(['a', 'b'], 'a').ngramLength, 2);
      assert.equal(model.score(['a', 'b'], 'c').ngramLength, 1);
    });

    it('uses only the last order − 1 tokens of a longer context', () => {
      near(p(model, ['c', 'c', 'a', 'b'], '</s>'), 24 / 35, 'p(</s>|… a b)');
    });
  });

  describe('mle', () => {
    const model = trained(CORPUS, 2, { name: 'mle' });

    it('is c(h w)/c(h) at the longest seen context, 0 for unseen continuations', () => {
      near(p(model, ['a'], 'b'), 2 / 3, 'p(b|a)');
      near(p(model, ['a'], 'c'), 1 / 3, 'p(c|a)');
      assert.equal(p(model, ['a'], 'a'), 0);
      assert.equal(model.score(['a'], 'a').log10Prob, -Infinity);
    });

    it('is c(w)/N (N counting one </s> per sentence) when no context was seen', () => {
      near(p(model, ['zzz'], 'a'), 3 / 10, 'p(a)');
      near(p(model, ['zzz'], '</s>'), 3 / 10, 'p(</s>)');
      assert.equal(p(model, ['zzz'], '<unk>'), 0);
    });

    it('sums to 1 over V', () => {
      near(total(model.distribution(['a']).probabilities), 1, 'Σ after a');
      near(total(model.distribution([]).probabilities), 1, 'Σ unigram');
    });
  });

  describe('add-k', () => {
    it('is (c(h w) + k)/(c(h) + k·|V|) at the longest seen context (Laplace, k = 1)', () => {
      const model = trained(CORPUS, 2, { name: 'add-k' });
      // c(a) = 3, |V| = 5: b (2+1)/8, c 2/8, a, </s>, <unk> 1/8 each.
      near(p(model, ['a'], 'b'), 3 / 8, 'p(b|a)');
      near(p(model, ['a'], 'c'), 2 / 8, 'p(c|a)');
      near(p(model, ['a'], 'a'), 1 / 8, 'p(a|a)');
      near(p(model, ['a'], '<unk>'), 1 / 8, 'p(<unk>|a)');
      // No context seen: (c(w) + 1)/(10 + 5).
      near(p(model, [], 'a'), 4 / 15, 'p(a)');
      near(p(model, [], '<unk>'), 1 / 15, 'p(<unk>)');
      near(total(model.distribution(['a']).probabilities), 1, 'Σ');
    });

    it('takes any k > 0', () => {
      const model = trained(CORPUS, 2, { name: 'add-k', addK: 0.5 });
      near(p(model, ['a'], 'b'), 2.5 / 5.5, 'p(b|a), k = 0.5');
      assert.throws(() => model.setEstimator({ name: 'add-k', addK: 0 }), /k > 0/);
    });
  });

  describe('stupid-backoff', () => {
    const model = trained(CORPUS, 3, { name: 'stupid-backoff' });

    it('is c(h w)/c(h) at the longest context that has w, times 0.4 per level backed off', () => {
      near(p(model, ['a', 'b'], '</s>'), 2 / 2, 'S(</s>|a b)');
      // b a seen once, c(b) = 3: 0.4·1/3.
      near(p(model, ['a', 'b'], 'a'), 0.4 / 3, 'S(a|a b)');
      // Down to the unigram: 0.4²·c(c)/N = 0.16·1/10.
      near(p(model, ['a', 'b'], 'c'), 0.016, 'S(c|a b)');
      assert.equal(p(model, ['a', 'b'], '<unk>'), 0);
    });

    it('is a score, not a probability', () => {
      const distribution = model.distribution(['a', 'b']);
      assert.equal(distribution.isProbability, false);
      assert.ok(total(distribution.probabilities) > 1);
    });
  });

  it('switches estimators without recounting', () => {
    const model = trained(CORPUS, 2);
    model.setEstimator({ name: 'mle' });
    near(p(model, ['a'], 'b'), 2 / 3, 'mle');
    model.setEstimator({ name: 'kneser-ney' });
    near(p(model, ['a'], 'b'), 191 / 420, 'kneser-ney');
  });

  it('an empty model answers uniformly over V = {<unk>, </s>}', () => {
    for (const name of ['kneser-ney', 'mle', 'add-k'] as const) {
      const model = trained([], 3, { name });
      near(p(model, ['<s>'], '</s>'), 1 / 2, name);
      near(total(model.distribution(['<s>']).probabilities), 1, name);
    }
  });
});
