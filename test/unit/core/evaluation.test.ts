import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateText } from '../../../src/core/evaluation';
import { NgramModel } from '../../../src/core/model';
import { ESTIMATOR_NAMES } from '../../../src/core/types';
import { trained } from './helpers';

const FIXTURES = path.join(__dirname, '../../fixtures/core/kenlm');

interface Golden {
  readonly discounts: { readonly D1: number; readonly D2: number; readonly 'D3+': number }[];
  readonly lines: { readonly line: string; readonly tokens: [string, number, number, boolean][] }[];
}

describe('evaluation', () => {
  // The toy corpus of estimators.test.ts at order 2, where p0(a) = p0(</s>) = 17/70,
  // p(a|<s>) = 191/420, p(c|a) = 53/210, p(<unk>|a) = 1/20, and after c (one child, </s>, seen
  // once: γ = 1/2) p(</s>|c) = 0.5/1 + ½·17/70 = 87/140.
  const model = trained(['a b', 'a c', 'b a b'], 2);

  it('scores every word and one </s> per sentence, an OOV word as <unk> that resets the context', () => {
    const { sentences, perplexity } = evaluateText(model, 'a c\n\na zzz', { perToken: true });
    const expected = [
      [['a', Math.log10(191 / 420), 2, true], ['c', Math.log10(53 / 210), 2, true], ['</s>', Math.log10(87 / 140), 2, true]],
      // After the OOV word nothing longer than the unigram matches.
      [['a', Math.log10(191 / 420), 2, true], ['zzz', Math.log10(1 / 20), 1, false], ['</s>', Math.log10(17 / 70), 1, true]],
    ];
    assert.equal(sentences?.length, 2);
    sentences?.forEach((tokens, s) =>
      tokens.forEach((token, t) => {
        const [word, log10Prob, ngramLength, inVocabulary] = expected[s][t];
        assert.equal(token.word, word);
        assert.ok(Math.abs(token.log10Prob - (log10Prob as number)) < 1e-12, `${word}: ${token.log10Prob}`);
        assert.deepEqual([token.ngramLength, token.inVocabulary], [ngramLength, inVocabulary]);
      }),
    );
    const sum = expected.flat().reduce((s, token) => s + (token[1] as number), 0);
    assert.equal(perplexity.tokens, 6);
    assert.equal(perplexity.oov, 1);
    assert.ok(Math.abs(perplexity.log10ProbTotal - sum) < 1e-12);
    assert.ok(Math.abs(perplexity.perplexity - 10 ** (-sum / 6)) < 1e-9);
    assert.ok(Math.abs(perplexity.perplexityExcludingOov - 10 ** (-(sum - Math.log10(1 / 20)) / 5)) < 1e-9);
    assert.ok(Math.abs(perplexity.crossEntropyBits - (-sum / 6) * Math.log2(10)) < 1e-12);
    // Without per-token detail the totals are the same (summed as logs of products, to rounding).
    const fast = evaluateText(model, 'a c\n\na zzz').perplexity;
    assert.deepEqual([fast.tokens, fast.oov], [perplexity.tokens, perplexity.oov]);
    assert.ok(Math.abs(fast.log10ProbTotal - perplexity.log10ProbTotal) < 1e-12);
    assert.ok(Math.abs(fast.perplexityExcludingOov - perplexity.perplexityExcludingOov) < 1e-9);
  });

  it('scores a text in blocks exactly as each token is scored alone after its sentence so far, with its rank', () => {
    const WORDS = ['a', 'b', 'c', 'd', 'e'];
    const sentenceArb = fc.array(fc.constantFrom(...WORDS, 'unknown', '<s>', '</s>'), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }), { maxLength: 12 }),
        fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }), { maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(...ESTIMATOR_NAMES),
        // Up to 400 lines: texts of several blocks, sentences across their edges.
        fc.array(sentenceArb, { minLength: 1, maxLength: 400, size: 'max' }),
        (kept, removed, compacted, order, name, lines) => {
          // Counts left by a removal (nodes at 0) and tables laid out or not.
          const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
          model.addText(kept.map((line) => line.join(' ')).join('\n'));
          model.removeSentences(model.addText(removed.map((line) => line.join(' ')).join('\n')));
          if (compacted) model.compact();
          const text = lines.map((line) => line.join(' ')).join('\n');
          const expected: { word: string; log10Prob: number; ngramLength: number; likelier: number }[] = [];
          for (const line of lines) {
            // The tokenizer reads a written marker as a word of its own (`\<s>`), which no model has.
            const tokens = line.map((token) => (token.startsWith('<') ? `\\${token}` : token));
            [...tokens, '</s>'].forEach((word, t) => {
              const context = ['<s>', ...tokens.slice(0, t)];
              const score = model.score(context, word);
              expected.push({ word, log10Prob: score.log10Prob, ngramLength: score.ngramLength, likelier: model.countLikelier(context, score.probability) });
            });
          }
          const seen: typeof expected = [];
          model.scoreSentences(model.encodeForScoring(text), (index, _word, log10Prob, ngramLength, _known, likelier) => {
            assert.equal(index, seen.length);
            seen.push({ word: expected[index].word, log10Prob, ngramLength, likelier });
          }, { ranks: true });
          assert.deepEqual(seen, expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gives infinite perplexity when an estimator gives a token 0', () => {
    const mle = trained(['a b'], 2, { name: 'mle' });
    assert.equal(evaluateText(mle, 'b a').perplexity.perplexity, Infinity);
  });

  it('keeps the perplexity without OOVs finite when an OOV word has probability 0 (MLE)', () => {
    // p(a|<s>) = 1, p(b|a) = 1, p(</s>|b) = 1 (seen), p(<unk>) = 0 for "zzz", p(</s>|<unk>) = p(</s>) = 1/3.
    const mle = trained(['a b'], 2, { name: 'mle' });
    for (const perToken of [false, true]) {
      const { perplexity } = evaluateText(mle, 'a b\nzzz', { perToken });
      assert.deepEqual([perplexity.tokens, perplexity.oov, perplexity.perplexity], [5, 1, Infinity]);
      assert.ok(Math.abs(perplexity.perplexityExcludingOov - 10 ** (-Math.log10(1 / 3) / 4)) < 1e-12, `${perplexity.perplexityExcludingOov}`);
    }
  });

  for (const order of [3, 5]) {
    it(`matches KenLM (lmplz -o ${order} + query) to 1e-6 per token, with the same n-gram lengths and discounts`, () => {
      const golden = JSON.parse(readFileSync(path.join(FIXTURES, `golden-o${order}.json`), 'utf8')) as Golden;
      const kenlm = new NgramModel({ order, tokenizer: 'whitespace' });
      kenlm.addText(readFileSync(path.join(FIXTURES, 'code-small.train.txt'), 'utf8'));
      golden.discounts.forEach((expected, i) => {
        const d = kenlm.discounts(i + 1);
        // The goldens print 6 significant digits.
        for (const [actual, printed] of [[d.d1, expected.D1], [d.d2, expected.D2], [d.d3, expected['D3+']]]) {
          assert.ok(Math.abs(actual - printed) <= 5e-6 * printed, `order ${i + 1}: ${actual} vs ${printed}`);
        }
      });
      const { sentences } = evaluateText(kenlm, golden.lines.map((line) => line.line).join('\n'), { perToken: true });
      let compared = 0;
      golden.lines.forEach((line, s) =>
        line.tokens.forEach(([word, log10Prob, ngramLength, inVocabulary], t) => {
          const token = sentences?.[s][t];
          assert.ok(token && token.word === word, `line ${s} token ${t}`);
          assert.ok(Math.abs(token.log10Prob - log10Prob) <= 1e-6, `line ${s} ${word}: ${token.log10Prob} vs ${log10Prob}`);
          assert.deepEqual([token.ngramLength, token.inVocabulary], [ngramLength, inVocabulary], `line ${s} ${word}`);
          compared++;
        }),
      );
      assert.ok(compared > 500);
    });
  }
});
