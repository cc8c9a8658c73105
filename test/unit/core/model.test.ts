import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { NgramModel } from '../../../src/core/model';
import { BOS } from '../../../src/core/vocabulary';
import { ESTIMATOR_NAMES, type EstimatorOptions } from '../../../src/core/types';
import { statistics, total, trained } from './helpers';

const WORDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const corpusArb = fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 }), { minLength: 0, maxLength: 15 });
/** Contexts mix known words, an unknown one, and sometimes start at a line start. */
const contextArb = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom(...WORDS, 'unknown'), { maxLength: 6 }))
  .map(([lineStart, words]) => (lineStart ? ['<s>', ...words] : words));
const estimatorArb: fc.Arbitrary<EstimatorOptions> = fc.oneof(
  fc.constantFrom(...ESTIMATOR_NAMES).map((name) => ({ name })),
  fc.double({ min: 0.01, max: 5, noNaN: true }).map((addK) => ({ name: 'add-k' as const, addK })),
);
const orderArb = fc.integer({ min: 1, max: 6 });

function build(corpus: string[][], order: number, estimator: EstimatorOptions): NgramModel {
  return trained(
    corpus.map((sentence) => sentence.join(' ')),
    order,
    estimator,
  );
}

/** Brute force: every id with p > 0, ranked by p descending, then by id. */
function ranked(probabilities: Float64Array): number[] {
  const ids = [...probabilities.keys()].filter((id) => probabilities[id] > 0);
  return ids.sort((x, y) => probabilities[y] - probabilities[x] || x - y);
}

describe('NgramModel', () => {
  it('every proper estimator gives a distribution over V that sums to 1, for any corpus, order and context', () => {
    fc.assert(
      fc.property(corpusArb, orderArb, estimatorArb, contextArb, (corpus, order, estimator, context) => {
        const model = build(corpus, order, estimator);
        const distribution = model.distribution(context);
        assert.equal(distribution.probabilities[1], 0, '<s> is never predicted');
        for (const p of distribution.probabilities) assert.ok(p >= 0 && Number.isFinite(p));
        if (estimator.name !== 'stupid-backoff') {
          assert.ok(Math.abs(total(distribution.probabilities) - 1) < 1e-9, `Σ = ${total(distribution.probabilities)}`);
        }
        assert.ok(distribution.context.length <= order - 1);
        assert.ok(distribution.matchedContextLength <= Math.min(order - 1, context.length));
      }),
      { numRuns: 400 },
    );
  });

  it('copies in steps a table larger than one step, into a model that answers as the original and changes apart from it', () => {
    const model = new NgramModel({ order: 3, tokenizer: 'whitespace' });
    // About 60,000 distinct trigrams: more records than a copy step takes.
    const lines = Array.from({ length: 6_000 }, (_, i) => Array.from({ length: 10 }, (_, k) => `w${(i * 31 + k * 17 + ((i * k) % 7)) % 997}`).join(' '));
    model.addText(lines.join('\n'));
    const steps = model.copyInSteps();
    let taken = 0;
    let step = steps.next();
    for (; step.done !== true; step = steps.next()) taken++;
    assert.ok(taken > 1, `${taken} steps`);
    const copy = step.value;
    for (const context of [['w1', 'w18'], ['<s>'], ['w996'], ['nothing']]) assert.deepEqual(copy.candidates(context, 10), model.candidates(context, 10));
    copy.addText('w1 w18 brand new');
    assert.equal(model.score(['w18'], 'brand').inVocabulary, false, 'the original does not see what the copy learns');
    assert.equal(copy.score(['w18'], 'brand').inVocabulary, true);
  });

  it('candidates are exactly the top of the distribution, and score agrees with it', () => {
    fc.assert(
      fc.property(corpusArb, orderArb, estimatorArb, contextArb, fc.integer({ min: 0, max: 12 }), (corpus, order, estimator, context, k) => {
        const model = build(corpus, order, estimator);
        const probabilities = model.distribution(context).probabilities;
        const candidates = model.candidates(context, k);
        assert.deepEqual(
          candidates.map((candidate) => candidate.id),
          ranked(probabilities).slice(0, k),
        );
        for (const candidate of candidates) {
          assert.equal(candidate.probability, probabilities[candidate.id]);
          assert.equal(candidate.word, model.vocabulary.word(candidate.id));
        }
        for (const word of [...WORDS, '</s>', '<unk>']) {
          const id = model.vocabulary.idOf(word);
          const expected = model.score(context, word).probability;
          if (model.tables.unigramCount(id) > 0 || word === '</s>' || word === '<unk>') assert.equal(expected, probabilities[id], word);
        }
        // By ids, the context read once: what `score` gives each word, `<s>` (never predicted) 0.
        const ids = [...WORDS, '</s>', '<unk>', '<s>'].map((word) => (word === '<s>' ? BOS : model.vocabulary.idOf(word)));
        assert.deepEqual(
          Array.from(model.probabilitiesOf(context, ids)),
          [...WORDS, '</s>', '<unk>', '<s>'].map((word) => model.score(context, word).probability),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('runs hold every word of the distribution once, at its exact probability, likeliest run first', () => {
    fc.assert(
      fc.property(corpusArb, orderArb, estimatorArb, contextArb, fc.boolean(), fc.boolean(), (corpus, order, estimator, context, withoutUnknown, changed) => {
        const model = build(corpus, order, estimator);
        // A change after the first query: the unigram ranking must follow it.
        model.distribution(context);
        if (changed) model.addText('a b\nf f f');
        const probabilities = model.distribution(context).probabilities;
        const { runs, context: used, matchedContextLength } = model.runs(context, { withoutUnknown });
        assert.deepEqual(used, model.distribution(context).context);
        assert.equal(matchedContextLength, model.distribution(context).matchedContextLength);
        const fromRuns = new Float64Array(probabilities.length);
        const seen = new Set<number>();
        for (let r = 0; r < runs.length; r++) {
          assert.ok(runs.size[r] > 0 && runs.probability[r] > 0);
          if (r > 0) assert.ok(runs.probability[r] < runs.probability[r - 1], 'runs are likeliest first, one per probability');
          for (let i = 0; i < runs.size[r]; i++) {
            const word = runs.word(r, i);
            if (i > 0) assert.ok(word > runs.word(r, i - 1), 'a run lists its words by id');
            assert.ok(!seen.has(word), `word ${word} is in two runs`);
            seen.add(word);
            fromRuns[word] = runs.probability[r];
            assert.equal(runs.runOf(word), r);
          }
        }
        const expected = probabilities.slice();
        if (withoutUnknown) expected[0] = 0;
        // Run by run, then by id, the words come in the engine's ranking.
        const inRunOrder: number[] = [];
        for (let r = 0; r < runs.length; r++) for (let i = 0; i < runs.size[r]; i++) inRunOrder.push(runs.word(r, i));
        assert.deepEqual(inRunOrder, ranked(expected));
        assert.deepEqual(fromRuns, expected);
        for (let id = 0; id < probabilities.length; id++) if (!(expected[id] > 0)) assert.equal(runs.runOf(id), -1);
      }),
      { numRuns: 400 },
    );
  });

  it('candidates report the longest seen n-gram and its counts', () => {
    const model = trained(['x y z', 'x y w', 'q y z'], 3);
    const byWord = new Map(model.candidates(['<s>', 'x', 'y'], 10).map((candidate) => [candidate.word, candidate]));
    // c(x y z) = 1 of c(x y) = 2.
    assert.deepEqual([byWord.get('z')?.order, byWord.get('z')?.count, byWord.get('z')?.contextCount], [3, 1, 2]);
    // x never follows y: the unigram answers, c(x) = 2 of 12 tokens (9 words and 3 </s>).
    assert.deepEqual([byWord.get('x')?.order, byWord.get('x')?.count, byWord.get('x')?.contextCount], [1, 2, 12]);
    // <unk> was never seen.
    assert.deepEqual([byWord.get('<unk>')?.order, byWord.get('<unk>')?.count], [1, 0]);
  });

  it('a word seen only as a unigram can outrank every seen continuation, and top-k says so', () => {
    // After "k", twenty words were seen once each; "the" never follows "k" but follows forty
    // different words, so its unigram (continuation) probability, backed off, beats them all.
    const lines = [...Array.from({ length: 20 }, (_, i) => `k w${i}`), ...Array.from({ length: 40 }, (_, i) => `s${i} the`)];
    const model = trained(lines, 2);
    const probabilities = model.distribution(['k']).probabilities;
    const top = model.candidates(['k'], 3);
    assert.deepEqual(
      top.map((candidate) => candidate.id),
      ranked(probabilities).slice(0, 3),
    );
    assert.deepEqual(
      top.map((candidate) => [candidate.word, candidate.order]),
      [['the', 1], ['</s>', 1], ['w0', 2]],
    );
  });

  it('ranks the unigram level right when the KN numerator a − D(a) falls from a = 1 to a = 2', () => {
    // Continuation counts: p, y0..y8 have one left neighbour (t1 = 10), x0..x99 two (<s> and p:
    // t2 = 100), z three (t3 = 1). Y = 10/210, D1 = Y ≈ 0.048, D2 = 2 − 3·Y·1/100 ≈ 1.9986: a word
    // seen after one context outranks a word seen after two.
    const lines = [
      ...Array.from({ length: 100 }, (_, i) => [`x${i}`, `p x${i}`]).flat(),
      ...Array.from({ length: 9 }, (_, i) => `y${i}`),
      'z',
      'p z',
      'y0 z',
    ];
    const model = trained(lines, 2);
    const d = model.discounts(1);
    assert.ok(!d.fallback && d.d2 - d.d1 > 1, JSON.stringify(d));
    const probabilities = model.distribution(['unknown']).probabilities;
    const top = model.candidates(['unknown'], 30);
    assert.deepEqual(
      top.map((candidate) => candidate.id),
      ranked(probabilities).slice(0, 30),
    );
    assert.deepEqual(top.slice(0, 12).map((candidate) => candidate.word), ['</s>', 'p', ...Array.from({ length: 9 }, (_, i) => `y${i}`), 'x0']);
  });

  it('scores unknown words as <unk>, and says they are not in the vocabulary', () => {
    const model = trained(['a b', 'a c'], 2);
    const score = model.score(['a'], 'never-seen');
    assert.equal(score.inVocabulary, false);
    assert.equal(score.ngramLength, 1);
    assert.equal(score.probability, model.score(['a'], '<unk>').probability);
    model.score(['a'], 'b');
    assert.deepEqual([model.score(['a'], '<s>').probability, model.score(['a'], '<s>').ngramLength], [0, 1]);
  });

  it('reports the context it used: the last order − 1 tokens, unknown words as <unk>', () => {
    const model = trained(['a b c'], 3);
    const distribution = model.distribution(['<s>', 'a', 'zz', 'b']);
    assert.deepEqual(distribution.context, ['zz', 'b'].map((word) => (word === 'zz' ? '<unk>' : word)));
    assert.equal(distribution.matchedContextLength, 1);
    assert.deepEqual(model.distribution(['<s>']).context, ['<s>']);
    assert.equal(model.distribution(['<s>']).matchedContextLength, 1);
  });

  it('a word whose every occurrence was removed is unknown again', () => {
    const model = trained(['a b'], 2);
    const extra = model.addText('a zebra');
    assert.equal(model.score(['a'], 'zebra').inVocabulary, true);
    model.removeSentences(extra);
    assert.equal(model.score(['a'], 'zebra').inVocabulary, false);
    assert.equal(model.distribution(['a']).probabilities[model.vocabulary.idOf('zebra')], 0);
    // a, b, <unk>, </s>.
    assert.equal(model.stats().vocabularySize, 4);
  });

  it('recounts at another order from kept sentences, keeping word ids', () => {
    const model = trained([], 3);
    const documents = [model.addText('a b c\nc b a'), model.addText('b b')];
    const recounted = model.recount(5, documents);
    assert.equal(recounted.order, 5);
    assert.deepEqual(statistics(recounted), statistics(trained(['a b c', 'c b a', 'b b'], 5)));
    assert.equal(recounted.vocabulary.idOf('c'), model.vocabulary.idOf('c'));
  });

  it('stats describe the model', () => {
    const stats = trained(['a b a', 'b'], 2, { name: 'mle' }).stats();
    assert.deepEqual(
      { ...stats, modelBytes: 0 },
      // Unigrams a, b, <s>, </s>; bigrams <s> a, a b, b a, a </s>, <s> b, b </s>.
      { order: 2, estimator: 'mle', tokenizer: 'whitespace', sentences: 2, tokens: 4, vocabularySize: 4, ngrams: [4, 6], modelBytes: 0 },
    );
    assert.ok(stats.modelBytes > 0);
  });

  it('rejects an order outside 1–6 and an unknown estimator', () => {
    assert.throws(() => new NgramModel({ order: 7 }), /order must be an integer from 1 to 6/);
    assert.throws(() => new NgramModel({ order: 0 }), /order must be/);
    assert.throws(() => new NgramModel({ estimator: { name: 'witten-bell' as 'mle' } }), /unknown estimator/);
  });

  it('learns literal <s>, </s> and <unk> in text as words apart from the markers (no bigram across them)', () => {
    const model = new NgramModel({ order: 2, tokenizer: 'whitespace' });
    const encoded = model.encodeText('a </s> b\n<s>\nc <unk>');
    assert.deepEqual(Array.from(encoded, (id) => model.vocabulary.word(id)), ['a', '\\</s>', 'b', '</s>', '\\<s>', '</s>', 'c', '\\<unk>', '</s>']);
    model.addText('a </s> b\n<s>\nc <unk>');
    assert.equal(model.answering(['<s>', 'a'], 'b').order, 1, 'a and b never met: the unigram answers');
    assert.deepEqual(model.answering(['<s>', 'a'], '\\</s>'), { count: 1, contextCount: 1, order: 2 });
    assert.deepEqual(model.answering(['<s>'], '\\<s>'), { count: 1, contextCount: 3, order: 2 }, 'a line holding only <s> is a sentence of one word');
    // Scoring reads them the same way: the literal <unk> is a known word, not the unknown one.
    assert.equal(model.score(['<s>', 'c'], '\\<unk>').inVocabulary, true);
  });
});
