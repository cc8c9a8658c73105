import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { NgramModel } from '../../../src/core/model';
import { verifyStatistics } from '../../../src/core/countsCheck';
import { statistics, trained } from './helpers';

type Sentence = readonly string[];

/**
 * Every statistic of `sentences` at `order`, computed from scratch by the definitions (KenLM's
 * adjust_counts), independently of the incremental tables: the oracle the tables must equal.
 */
function oracle(sentences: readonly Sentence[], order: number): Record<string, unknown> {
  const raw: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const key = (words: readonly string[]): string => words.join(' ');
  let tokens = 0;
  for (const sentence of sentences) {
    const padded = ['<s>', ...sentence, '</s>'];
    tokens += sentence.length;
    raw[0].set('<s>', (raw[0].get('<s>') ?? 0) + 1);
    for (let end = 1; end < padded.length; end++) {
      for (let n = 1; n <= Math.min(order, end + 1); n++) {
        const gram = key(padded.slice(end - n + 1, end + 1));
        raw[n - 1].set(gram, (raw[n - 1].get(gram) ?? 0) + 1);
      }
    }
  }
  const adjusted = (n: number, gram: string): number => {
    if (gram === '<s>') return 0;
    if (n === order || gram.startsWith('<s> ')) return raw[n - 1].get(gram) ?? 0;
    let leftExtensions = 0;
    for (const longer of raw[n].keys()) if (longer.slice(longer.indexOf(' ') + 1) === gram) leftExtensions++;
    return leftExtensions;
  };
  const childrenStats = (n: number, prefix: string | null): number[] => {
    let sum = 0;
    const buckets = [0, 0, 0];
    for (const gram of raw[n].keys()) {
      const words = gram.split(' ');
      if (prefix !== null && key(words.slice(0, -1)) !== prefix) continue;
      if (gram === '<s>') continue;
      const a = adjusted(n + 1, gram);
      sum += a;
      buckets[Math.min(a, 3) - 1]++;
    }
    return [sum, ...buckets];
  };
  const orders = raw.map((grams, index) => {
    const n = index + 1;
    const entries = [...grams.keys()].sort().map((gram): [string, number[]] => {
      const count = grams.get(gram) ?? 0;
      return [gram, n === order ? [count] : [count, adjusted(n, gram), ...childrenStats(n, gram)]];
    });
    return Object.fromEntries(entries);
  });
  const countOfCounts = new Array<number>((order + 1) * 5).fill(0);
  raw.forEach((grams, index) => {
    for (const gram of grams.keys()) {
      const a = adjusted(index + 1, gram);
      if (a >= 1 && a <= 4) countOfCounts[(index + 1) * 5 + a]++;
    }
  });
  const [childSum, n1, n2, n3] = childrenStats(0, null);
  const words = [...raw[0].keys()].filter((word) => word !== '<s>' && word !== '</s>');
  return {
    orders,
    root: { childSum, n1, n2, n3, rawTotal: tokens + sentences.length },
    countOfCounts,
    sentences: sentences.length,
    tokens,
    liveWords: words.length,
    ngrams: raw.map((grams) => grams.size),
  };
}

const WORDS = ['a', 'b', 'c', 'd', 'e'];
const sentenceArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 });
const corpusArb = fc.array(sentenceArb, { maxLength: 12 });
/** Documents of another corpus, with words the base corpus may not have. */
const documentArb = fc.array(fc.array(fc.constantFrom(...WORDS, 'x', 'y'), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });
const orderArb = fc.integer({ min: 1, max: 6 });

const text = (sentences: readonly Sentence[]): string => sentences.map((sentence) => sentence.join(' ')).join('\n');

describe('counts', () => {
  it('hold raw counts, KN adjusted counts, context sums, N1/N2/N3+ and count-of-counts exactly as defined', () => {
    // The worked example of estimators.test.ts, order 3 (fields: count, adjusted, Σ children's
    // adjusted, N1, N2, N3+): a b has left neighbours {<s>, b} → 2 and one child </s> (2); b </s> has
    // {a} → 1; <s> a keeps its raw 2 and has children b, c (1 each); <s> has children a (2), b (1).
    const stats = statistics(trained(['a b', 'a c', 'b a b'], 3)) as { orders: Record<string, number[]>[] };
    assert.deepEqual(stats.orders[1]['a b'], [2, 2, 2, 0, 1, 0]);
    assert.deepEqual(stats.orders[1]['b </s>'], [2, 1, 0, 0, 0, 0]);
    assert.deepEqual(stats.orders[1]['<s> a'], [2, 2, 2, 2, 0, 0]);
    assert.deepEqual(stats.orders[0]['<s>'], [3, 0, 3, 1, 1, 0]);
    fc.assert(
      fc.property(corpusArb, orderArb, (corpus, order) => {
        assert.deepEqual(statistics(trained(corpus.map((s) => s.join(' ')), order)), oracle(corpus, order));
      }),
      { numRuns: 150 },
    );
  });

  it('removing documents restores every statistic exactly', () => {
    fc.assert(
      fc.property(corpusArb, fc.array(documentArb, { minLength: 1, maxLength: 4 }), orderArb, fc.boolean(), (base, documents, order, compactFirst) => {
        const model = new NgramModel({ order, tokenizer: 'whitespace' });
        model.addText(text(base));
        const before = statistics(model);
        const encoded = documents.map((document) => model.addText(text(document)));
        verifyStatistics(model.tables);
        if (compactFirst) model.compact();
        // Remove in another order than added.
        for (const sentences of encoded.reverse()) {
          model.removeSentences(sentences);
          verifyStatistics(model.tables);
        }
        assert.deepEqual(statistics(model), before);
        assert.deepEqual(before, oracle(base, order));
      }),
      { numRuns: 150 },
    );
  });

  it('removing everything leaves an empty model, and it can learn again', () => {
    const model = new NgramModel({ order: 4, tokenizer: 'whitespace' });
    const encoded = model.addText('a b c\nb c d\na a a a');
    model.removeSentences(encoded);
    assert.deepEqual(statistics(model), oracle([], 4));
    assert.deepEqual(model.stats().ngrams, [0, 0, 0, 0]);
    model.addText('c d');
    assert.deepEqual(statistics(model), oracle([['c', 'd']], 4));
  });

  it('compaction keeps every statistic and answer, and later changes still count exactly', () => {
    fc.assert(
      fc.property(corpusArb, documentArb, orderArb, (corpus, extra, order) => {
        const model = trained(corpus.map((s) => s.join(' ')), order);
        const distribution = model.distribution(['<s>', 'a']).probabilities;
        model.compact();
        assert.deepEqual(statistics(model), oracle(corpus, order));
        assert.deepEqual(model.distribution(['<s>', 'a']).probabilities, distribution);
        const encoded = model.addText(text(extra));
        assert.deepEqual(statistics(model), oracle([...corpus, ...extra], order));
        model.removeSentences(encoded);
        assert.deepEqual(statistics(model), oracle(corpus, order));
      }),
      { numRuns: 100 },
    );
  });

  it('says a compaction is due once a quarter of the n-grams are new since the last one', () => {
    const model = new NgramModel({ order: 3, tokenizer: 'whitespace' });
    assert.equal(model.compactionDue, false, 'an empty model');
    model.addText('a b c d e f\ng h i j k l');
    assert.equal(model.compactionDue, true, 'everything is new');
    model.compact();
    assert.equal(model.compactionDue, false);
    // 26 n-grams of orders 2 and 3 (7 + 6 per line); "a c" adds 4 of them: 4 of 30 is under a quarter.
    model.addText('a c');
    assert.equal(model.compactionDue, false);
    // "m n o p" adds 5 + 4: 13 new of 39.
    model.addText('m n o p');
    assert.equal(model.compactionDue, true);
  });

  it('verify() recomputes the derived statistics and catches a wrong one', () => {
    const model = trained(['a b c', 'b c', 'c c c'], 3);
    verifyStatistics(model.tables);
    model.tables.root.n1++;
    assert.throws(() => verifyStatistics(model.tables), /do not match its counts: unigram sums/);
  });

  it('rejects sentences that were never added, leaving the tables untouched', () => {
    const model = trained(['a b c'], 3);
    const before = statistics(model);
    const other = new NgramModel({ order: 3, tokenizer: 'whitespace' }, model.vocabulary);
    const foreign = other.encodeText('c b a');
    assert.throws(() => model.removeSentences(foreign), /never added/);
    assert.deepEqual(statistics(model), before);
  });

  it('rejects removing more copies of a sentence than were added, leaving the tables untouched', () => {
    const model = trained(['a b c', 'b c'], 3);
    const before = statistics(model);
    const once = model.encodeText('a b c');
    const twice = model.encodeText('a b c\na b c');
    assert.throws(() => model.removeSentences(twice), /never added/);
    assert.deepEqual(statistics(model), before);
    // Each n-gram of "b c" alone is there twice, but the sentence <s> b c </s> only once.
    assert.throws(() => model.removeSentences(model.encodeText('b c\nb c')), /never added/);
    assert.deepEqual(statistics(model), before);
    model.removeSentences(once);
    assert.deepEqual(statistics(model), oracle([['b', 'c']], 3));
  });

  it('a removal either subtracts exactly what was asked or changes nothing', () => {
    // Removal requests drawn from the added sentences, with repeats: some are possible, some not.
    const requestArb = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(corpusArb, requestArb, orderArb, fc.boolean(), (corpus, picks, order, compactFirst) => {
        fc.pre(corpus.length > 0);
        const model = new NgramModel({ order, tokenizer: 'whitespace' });
        model.addText(text(corpus));
        if (compactFirst) model.compact();
        const before = statistics(model);
        const removed = picks.map((pick) => corpus[pick % corpus.length]);
        const remaining = [...corpus];
        let possible = true;
        for (const sentence of removed) {
          const index = remaining.findIndex((candidate) => candidate.join(' ') === sentence.join(' '));
          if (index < 0) possible = false;
          else remaining.splice(index, 1);
        }
        let threw = false;
        try {
          model.removeSentences(model.encodeText(text(removed)));
        } catch (error) {
          threw = true;
          assert.match(String(error), /never added/);
        }
        verifyStatistics(model.tables);
        if (threw) {
          assert.deepEqual(statistics(model), before);
          assert.ok(!possible, 'a removal of sentences that were all added was refused');
        } else if (possible) {
          assert.deepEqual(statistics(model), oracle(remaining, order));
        }
        // A request of sentences that were not all added can still pass at low orders, when each of
        // its n-grams was counted often enough: the tables then stay consistent (verify above).
      }),
      { numRuns: 300 },
    );
  });

  it('rejects malformed encoded sentences', () => {
    const model = trained(['a b'], 2);
    assert.throws(() => model.addSentences(Int32Array.of(3, 4)), /must end with <\/s>/);
    assert.throws(() => model.addSentences(Int32Array.of(2)), /empty sentence/);
    assert.throws(() => model.addSentences(Int32Array.of(3, 1, 2)), /reserved id 1/);
    assert.throws(() => model.addSentences(Int32Array.of(99, 2)), /not in the vocabulary/);
  });
});
