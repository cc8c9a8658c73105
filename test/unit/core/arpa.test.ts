import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArpaModel, MISSING_UNK_LOG10_PROB, queryArpa, readArpa, writeArpa } from '../../../src/core/arpa';
import { NgramModel } from '../../../src/core/model';
import { crc32 } from '../../../src/core/snapshot';
import { tokenizeText } from '../../../src/core/tokenizer';

const fixtures = path.join(__dirname, '../../fixtures/cli');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

function closeTo(actual: number, expected: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} is not ${expected}`);
}

describe('ARPA reading', () => {
  describe('a hand-written bigram model', () => {
    const model = readArpa(fixture('tiny-bigram.arpa'));

    it('reads the header, the vocabulary and the reserved ids', () => {
      assert.equal(model.order, 2);
      assert.deepEqual(model.ngramCounts, [5, 4]);
      assert.deepEqual(model.vocabulary.allWords(), ['<unk>', '<s>', '</s>', 'a', 'b']);
    });

    it('answers a listed bigram with its own probability', () => {
      const score = model.score(['<s>'], 'a');
      closeTo(score.log10Prob, -0.2, 'log10 p(a | <s>)');
      closeTo(score.probability, 10 ** -0.2, 'p(a | <s>)');
      assert.equal(score.ngramLength, 2);
      assert.equal(score.inVocabulary, true);
    });

    it('backs off with the context weight when the bigram is not listed', () => {
      const score = model.score(['<s>'], 'b');
      closeTo(score.log10Prob, -0.5 + -0.7, 'γ(<s>) · p(b)');
      assert.equal(score.ngramLength, 1);
      closeTo(model.score(['a'], '</s>').log10Prob, -0.3 + -0.5, 'γ(a) · p(</s>)');
    });

    it('scores an unknown word as <unk> and ignores context beyond order − 1', () => {
      const score = model.score(['<s>', 'b', 'a'], 'never-seen');
      closeTo(score.log10Prob, -0.3 + -1.0, 'γ(a) · p(<unk>)');
      assert.equal(score.inVocabulary, false);
      assert.equal(score.ngramLength, 1);
      closeTo(model.score(['never-seen'], 'a').log10Prob, -0.6, 'p(a | <unk>)');
    });

    it('builds the whole distribution by the back-off rule', () => {
      const dist = model.distribution(['<s>', 'b']);
      assert.deepEqual(dist.context, ['b']);
      assert.equal(dist.matchedContextLength, 1);
      assert.equal(dist.isProbability, true);
      const expected = [10 ** (-0.7 + -1.0), 0, 10 ** -1.0, 10 ** -0.1, 10 ** (-0.7 + -0.7)];
      expected.forEach((p, id) => closeTo(dist.probabilities[id], p, `p(${model.vocabulary.word(id)} | b)`));
      const unseen = model.distribution(['never-seen']);
      assert.equal(unseen.matchedContextLength, 0);
      assert.deepEqual(unseen.context, ['<unk>']);
      closeTo(unseen.probabilities[3], 10 ** -0.6, 'unigram p(a)');
    });

    it('agrees between score and distribution for every word', () => {
      for (const context of [['<s>'], ['a'], ['b'], ['<unk>']]) {
        const dist = model.distribution(context);
        for (const word of ['<unk>', '</s>', 'a', 'b']) {
          closeTo(dist.probabilities[model.vocabulary.idOf(word)], model.score(context, word).probability, `${word} | ${context}`);
        }
      }
    });

    it('lists the likeliest candidates with the order that answered', () => {
      const candidates = model.candidates(['b'], 3);
      assert.deepEqual(
        candidates.map((c) => [c.word, c.order, c.count]),
        [
          ['a', 2, 0],
          ['</s>', 2, 0],
          ['b', 1, 0],
        ],
      );
      closeTo(candidates[0].probability, 10 ** -0.1, 'p(a | b)');
    });
    it('scores text token by token as KenLM query does, OOVs as <unk> kept in the context', () => {
      const sentences = model.encodeForScoring('a b\nzz a\n\n');
      assert.deepEqual([...sentences], [3, 4, 2, 0, 3, 2]);
      const visited: [number, number, number, boolean][] = [];
      const totals = model.scoreSentences(sentences, (_i, word, log10Prob, ngramLength, inVocabulary) =>
        visited.push([word, Math.round(log10Prob * 1e9) / 1e9, ngramLength, inVocabulary]),
      );
      assert.deepEqual(visited, [
        [3, -0.2, 2, true], // p(a | <s>)
        [4, -0.4, 2, true], // p(b | a)
        [2, -1.0, 2, true], // p(</s> | b)
        [0, -1.5, 1, false], // γ(<s>) p(<unk>)
        [3, -0.6, 1, true], // p(a | <unk>): <unk> has no bigrams and γ = 1
        [2, -0.8, 1, true], // γ(a) p(</s>)
      ]);
      assert.equal(totals.tokens, 6);
      assert.equal(totals.oov, 1);
      closeTo(totals.log10ProbTotal, -4.5, 'total');
      closeTo(totals.knownLog10ProbTotal, -3.0, 'in-vocabulary total');
    });
  });

  describe('queryArpa', () => {
    it("reports KenLM query's per-token numbers and perplexities for a text", () => {
      const result = queryArpa(fixture('tiny-bigram.arpa'), 'a b\nzz a\n');
      assert.deepEqual(
        result.sentences?.map((line) => line.map((t) => [t.word, Math.round(t.log10Prob * 1e9) / 1e9, t.ngramLength, t.inVocabulary])),
        [
          [['a', -0.2, 2, true], ['b', -0.4, 2, true], ['</s>', -1.0, 2, true]],
          [['zz', -1.5, 1, false], ['a', -0.6, 1, true], ['</s>', -0.8, 1, true]],
        ],
      );
      closeTo(result.perplexity.perplexity, 10 ** (4.5 / 6), 'perplexity');
      closeTo(result.perplexity.perplexityExcludingOov, 10 ** (3.0 / 5), 'perplexity without OOVs');
    });
  });

  describe('an SRILM-style trigram model with a dropped context', () => {
    const model = readArpa(fixture('srilm-style-trigram.arpa'));

    it('adds <unk> with KenLM default when the file does not list it', () => {
      assert.equal(model.score(['<s>'], 'zzz').log10Prob, -0.2 + MISSING_UNK_LOG10_PROB);
      assert.deepEqual(model.ngramCounts, [5, 2, 2]);
    });

    it('sums the back-off weights of every longer context that misses', () => {
      closeTo(model.score(['<s>', 'a'], 'b').log10Prob, -0.1, 'listed trigram');
      closeTo(model.score(['a', 'a'], 'b').log10Prob, -0.2, 'bigram, context "a a" unlisted');
      closeTo(model.score(['<s>', 'a'], 'a').log10Prob, -0.5 + -0.05 + -0.5, 'γ(<s> a) γ(a) p(a)');
      assert.equal(model.score(['<s>', 'a'], 'a').ngramLength, 1);
    });

    it('recreates the missing context "b a" with γ = 1 and no probability of its own', () => {
      const score = model.score(['b', 'a'], 'b');
      closeTo(score.log10Prob, -0.25, 'trigram under a recreated context');
      assert.equal(score.ngramLength, 3);
      closeTo(model.score(['b', 'a'], '</s>').log10Prob, -0.5 + -0.4, 'γ(b a) = 1');
      // "b a" exists only as a context: as a bigram it is not listed, so p(a | b) backs off.
      const bigram = model.score(['b'], 'a');
      closeTo(bigram.log10Prob, -0.3 + -0.5, 'γ(b) p(a)');
      assert.equal(bigram.ngramLength, 1);
      assert.equal(model.distribution(['b']).matchedContextLength, 0);
    });
  });

  describe('bad input', () => {
    const tiny = fixture('tiny-bigram.arpa');
    const lines = tiny.split('\n');
    const edited = (lineNumber: number, replacement: string) =>
      lines.map((line, i) => (i === lineNumber - 1 ? replacement : line)).join('\n');
    const cases: [string, string, RegExp][] = [
      ['an empty file', '\n\n', /^ARPA line 3: the file is empty, not an ARPA model$/],
      ['a foreign file', '{"model": 1}\n', /^ARPA line 1: expected "\\data\\" to begin an ARPA model, found "{"model": 1}"$/],
      ['binary bytes', 'PK\u0003\u0004\u0000\u0000', /^ARPA line 1: expected "\\data\\"/],
      ['a bad count line', edited(3, 'ngram two=4'), /^ARPA line 3: expected "ngram N=count" in the \\data\\ header, found "ngram two=4"$/],
      ['counts out of order', edited(2, 'ngram 2=5'), /^ARPA line 2: expected the count of 1-grams, found 2-grams$/],
      ['a word that is no probability', edited(9, 'abc\ta\t-0.3'), /^ARPA line 9: "abc" is not a log10 probability$/],
      ['a positive log10 probability', edited(9, '0.5\ta\t-0.3'), /^ARPA line 9: log10 probability 0.5 is above 0$/],
      ['a bad back-off', edited(9, '-0.6\ta\tx'), /^ARPA line 9: "x" is not a log10 back-off$/],
      ['a back-off at the top order', edited(14, '-0.4\ta b\t-0.1'), /^ARPA line 14: a 2-gram line has a log10 probability and 2 word\(s\) \(no back-off at the top order\); found 4 fields/],
      ['a word missing from the 1-grams', edited(14, '-0.4\ta c'), /^ARPA line 14: the word "c" is not among the 1-grams$/],
      ['a duplicate 1-gram', edited(10, '-0.7\ta\t-0.2'), /^ARPA line 10: the 1-gram "a" is listed twice$/],
      ['a duplicate 2-gram', edited(16, '-0.1\ta b'), /^ARPA line 16: the 2-gram "a b" is listed twice$/],
      ['fewer n-grams than announced', edited(2, 'ngram 1=6'), /^ARPA line 11: the \\1-grams: section ends after 5 of the 6 n-grams the header announced$/],
      ['more n-grams than announced', edited(3, 'ngram 2=3'), /^ARPA line 16: expected "\\end\\": more than the 3 2-grams the header announced$/],
      ['a missing </s>', edited(8, '-0.5\tc\t0'), /^ARPA line 12: the 1-grams do not list <\/s>$/],
      ['a section the header did not announce', edited(18, '\\3-grams:'), /^ARPA line 18: expected "\\end\\": "\\3-grams:" is not announced in the header$/],
      ['a file cut inside a section', lines.slice(0, 14).join('\n'), /^ARPA line 15: the file ends after 2 of the 4 2-grams the header announced \(truncated\?\)$/],
      ['a file cut before \\end\\', lines.slice(0, 17).join('\n'), /^ARPA line 17: the file ends before "\\end\\" \(truncated\?\)$/],
      ['a file cut in the header', lines.slice(0, 3).join('\n'), /^ARPA line 4: the file ends inside the \\data\\ header \(truncated\?\)$/],
    ];
    for (const [what, text, message] of cases) {
      it(`names the line and the problem: ${what}`, () => {
        assert.throws(() => readArpa(text), { message });
      });
    }

    it('accepts CRLF line ends, space separators and -inf', () => {
      const windows = tiny.replace(/\n/g, '\r\n').replace(/\t/g, ' ').replace('-1.0 <unk> 0', '-inf <unk> 0');
      const model = readArpa(windows);
      assert.equal(model.score(['a'], 'zzz').log10Prob, -Infinity);
      closeTo(model.score(['<s>'], 'a').log10Prob, -0.2, 'p(a | <s>)');
    });
  });
});

describe('ARPA writing', () => {
  const corpus = fixture('corpus.txt');
  const test = fixture('test.txt');

  function trained(order: number, name: 'kneser-ney' | 'mle' | 'stupid-backoff' | 'add-k', text = corpus): NgramModel {
    const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
    model.addText(text);
    return model;
  }

  /** Every prefix of every line of both files, plus contexts with unseen words. */
  function contexts(model: NgramModel): string[][] {
    const all: string[][] = [['<s>'], ['never'], ['never', 'seen'], ['the', 'never'], ['never', 'the']];
    for (const line of tokenizeText('whitespace', `${corpus}\n${test}`)) {
      for (let i = 0; i <= line.length; i++) all.push(['<s>', ...line.slice(0, i)].slice(-(model.order - 1 || 1)));
    }
    return all;
  }

  /** The section lines of an ARPA text, as [log10 p, words, log10 backoff | undefined]. */
  function entries(arpa: string): Map<string, [number, number | undefined]> {
    const map = new Map<string, [number, number | undefined]>();
    for (const line of arpa.split('\n')) {
      const fields = line.split('\t');
      if (fields.length >= 2) map.set(fields[1], [Number(fields[0]), fields[2] === undefined ? undefined : Number(fields[2])]);
    }
    return map;
  }

  it('writes the back-off weight of interpolated Kneser-Ney as worked out by hand', () => {
    // Corpus "a b", "a b", "a c". Bigram counts: <s> a 3, a b 2, b </s> 2, a c 1, c </s> 1, so
    // t1 = 2, t2 = 2, t3 = 1, t4 = 0, Y = 2 / (2 + 2·2) = 1/3, D1 = 1 − 2Y·t2/t1 = 1/3 and
    // D2 = 2 − 3Y·t3/t2 = 3/2. Context a: N1 = 1 (c), N2 = 1 (b), Σ = 3, so γ(a) = (1/3 + 3/2)/3 = 11/18.
    // Unigram adjusted counts (distinct left neighbours): a 1, b 1, c 1, </s> 2; t3 = 0 gives the
    // fallback discounts 0.5, 1, 1.5, so γ0 = (0.5·3 + 1·1)/5 = 1/2 and, with |V| = 5
    // (a b c <unk> </s>), p(b) = (1 − 0.5)/5 + (1/2)/5 = 1/5. Then p(b | a) = (2 − 3/2)/3 + γ(a)·p(b) = 26/90.
    const model = trained(2, 'kneser-ney', 'a b\na b\na c\n');
    const table = entries(writeArpa(model));
    // The discounts are float32 (as lmplz computes them), hence the looser tolerance.
    const near = (log10: number | undefined, expected: number, what: string) =>
      assert.ok(Math.abs(10 ** (log10 ?? NaN) - expected) < 1e-6, `${what}: ${10 ** (log10 ?? NaN)} is not ${expected}`);
    near(table.get('a')?.[1], 11 / 18, 'γ(a)');
    near(table.get('b')?.[0], 1 / 5, 'p(b)');
    near(table.get('a b')?.[0], 26 / 90, 'p(b | a)');
    // Context <s>: one child (a, count 3) and D3 = 3 − 4Y·t4/t3 = 3, so γ(<s>) = 3·1/3 = 1 and
    // p(a | <s>) = (3 − 3)/3 + 1·p(a) = 1/5.
    near(table.get('<s>')?.[1], 1, 'γ(<s>)');
    near(table.get('<s> a')?.[0], 1 / 5, 'p(a | <s>)');
  });

  it('lists every n-gram with a count, <s> at −99, <unk> and </s> included, no back-off at the top order', () => {
    const model = trained(3, 'kneser-ney');
    const arpa = writeArpa(model);
    const lines = arpa.split('\n');
    assert.equal(lines[0], '\\data\\');
    // The model counts n-grams with a count; the file also lists <unk> (count 0) as KenLM does.
    const declared = model.stats().ngrams.map((count, i) => (i === 0 ? count + 1 : count));
    declared.forEach((count, i) => assert.equal(lines[i + 1], `ngram ${i + 1}=${count}`));
    assert.equal(lines.at(-2), '\\end\\');
    const table = entries(arpa);
    assert.equal(table.get('<s>')?.[0], -99);
    assert.ok(table.has('<unk>') && table.has('</s>'));
    const top = lines.slice(lines.indexOf('\\3-grams:') + 1).filter((line) => line.includes('\t'));
    assert.equal(top.length, declared[2]);
    for (const line of top) assert.equal(line.split('\t').length, 2, line);
  });

  for (const order of [1, 2, 3, 4]) {
    it(`round-trips Kneser-Ney of order ${order}: the imported file gives the model's log10 p for every word and context`, () => {
      const model = trained(order, 'kneser-ney');
      const imported = readArpa(writeArpa(model));
      assert.deepEqual(imported.ngramCounts, model.stats().ngrams.map((count, i) => (i === 0 ? count + 1 : count)));
      const vocabulary = model.vocabulary.allWords().filter((word) => word !== '<s>');
      for (const context of contexts(model)) {
        for (const word of [...vocabulary, 'never-seen']) {
          const expected = model.score(context, word);
          const actual = imported.score(context, word);
          // Nine significant digits are written: the round trip is exact to that precision.
          assert.ok(Math.abs(actual.log10Prob - expected.log10Prob) < 1e-8, `${word} | ${context.join(' ')}: ${actual.log10Prob} vs ${expected.log10Prob}`);
          assert.equal(actual.ngramLength, expected.ngramLength, `n-gram length of ${word} | ${context.join(' ')}`);
        }
        const sum = imported.distribution(context).probabilities.reduce((total, p) => total + p, 0);
        assert.ok(Math.abs(sum - 1) < 1e-7, `distribution after ${context.join(' ')} sums to ${sum}`);
      }
      const ours = model.scoreSentences(model.encodeForScoring(test));
      const theirs = imported.scoreSentences(imported.encodeForScoring(test));
      assert.equal(theirs.tokens, ours.tokens);
      assert.equal(theirs.oov, ours.oov);
      assert.ok(Math.abs(theirs.log10ProbTotal - ours.log10ProbTotal) < 1e-6);
    });
  }

  it('round-trips MLE: seen n-grams exactly, unseen continuations of a seen context at 10^−99', () => {
    const model = trained(3, 'mle');
    const imported = readArpa(writeArpa(model));
    for (const context of contexts(model)) {
      for (const word of model.vocabulary.allWords().filter((w) => w !== '<s>')) {
        const expected = model.score(context, word).probability;
        const actual = imported.score(context, word).probability;
        if (expected === 0) assert.ok(actual < 1e-90, `${word} | ${context.join(' ')} should be ~0, got ${actual}`);
        else assert.ok(Math.abs(Math.log10(actual) - Math.log10(expected)) < 1e-8, `${word} | ${context.join(' ')}`);
      }
    }
  });

  it('keeps words with non-ASCII spaces whole (fields are split on spaces and tabs only)', () => {
    const model = trained(2, 'kneser-ney', 'x\u00a0y z\nz x\u00a0y\n');
    const imported = readArpa(writeArpa(model));
    assert.ok(imported.vocabulary.has('x\u00a0y'));
    assert.ok(Math.abs(imported.score(['z'], 'x\u00a0y').log10Prob - model.score(['z'], 'x\u00a0y').log10Prob) < 1e-8);
  });

  it('refuses estimators without a back-off form', () => {
    assert.throws(() => writeArpa(trained(3, 'stupid-backoff')), { message: /^stupid-backoff gives scores, not probabilities/ });
    assert.throws(() => writeArpa(trained(2, 'add-k')), { message: /^add-k gives every unseen word the same share/ });
    const unigrams = trained(1, 'add-k');
    const imported = readArpa(writeArpa(unigrams));
    assert.ok(Math.abs(imported.score([], 'the').log10Prob - unigrams.score([], 'the').log10Prob) < 1e-8);
  });
});

describe('back-off model bytes', () => {
  const corpus = fixture('corpus.txt');

  function exported(order: number): ArpaModel {
    const model = new NgramModel({ order, tokenizer: 'whitespace' });
    model.addText(corpus);
    return readArpa(writeArpa(model));
  }

  it('round-trip exactly: same vocabulary, counts, scores and distributions', () => {
    for (const original of [exported(3), readArpa(fixture('srilm-style-trigram.arpa'), 'words')]) {
      const bytes = original.toBytes();
      // At an odd offset inside a larger buffer, as a file read may hand it over.
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const copy = ArpaModel.fromBytes(shifted.subarray(3));
      assert.deepEqual(copy.vocabulary.allWords(), original.vocabulary.allWords());
      assert.deepEqual(copy.ngramCounts, original.ngramCounts);
      assert.equal(copy.tokenizer, original.tokenizer);
      for (const context of [['<s>'], ['<s>', 'the'], ['the', 'next'], ['b', 'a'], ['never', 'seen']]) {
        assert.deepEqual(copy.distribution(context), original.distribution(context));
        for (const word of ['the', 'model', 'b', '</s>', 'zzz']) assert.deepEqual(copy.score(context, word), original.score(context, word));
      }
    }
  });

  it('refuse anything else, saying what is wrong', () => {
    const bytes = exported(2).toBytes();
    const corrupted = bytes.slice();
    corrupted[corrupted.length - 5] ^= 0xff;
    const cases: [Uint8Array, RegExp][] = [
      [bytes.subarray(0, 10), /^not a readable back-off model: 10 bytes is shorter than the header$/],
      [new TextEncoder().encode('\\data\\\nngram 1=3\n'), /^not a readable back-off model: the file starts with "\\\\dat", not "NWLA"$/],
      [bytes.subarray(0, bytes.length - 8), /^not a readable back-off model: the header announces \d+ bytes of data, \d+ are present$/],
      [corrupted, /^not a readable back-off model: its checksum does not match its data$/],
    ];
    for (const [input, message] of cases) assert.throws(() => ArpaModel.fromBytes(input), { message });
  });

  it('refuse a well-checksummed file whose n-grams point nowhere', () => {
    const model = exported(2);
    const bytes = model.toBytes();
    // The documented layout: header 16, then order/tokenizer/vocabulary length (16) and the padded
    // vocabulary, the unigram block (8 + 24·V, padded), then the bigram count (8), its log10 p and
    // back-offs (16 per bigram), and its parent nodes.
    const align = (n: number) => Math.ceil(n / 8) * 8;
    const view = new DataView(bytes.buffer);
    const vocabularyBytes = view.getUint32(16 + 8, true);
    const bigrams = 16 + 16 + align(vocabularyBytes) + 8 + align(24 * model.vocabulary.size);
    const firstParent = bigrams + 8 + 16 * view.getUint32(bigrams, true);
    view.setInt32(firstParent, 1_000_000, true);
    view.setUint32(12, crc32(bytes.subarray(16)), true);
    assert.throws(() => ArpaModel.fromBytes(bytes), { message: 'not a readable back-off model: a 2-gram has context node 1000000' });
  });
});
