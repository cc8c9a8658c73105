import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { LongestMatchModel } from '../../../src/core/longestMatch';
import { NgramModel } from '../../../src/core/model';
import { contextsBeforeLines, scoreLineAfter, scoreLines } from '../../../src/core/surprisal';
import { TokenIndex } from '../../../src/core/tokenIndex';
import { tokenizeLine } from '../../../src/core/tokenizer';
import { ESTIMATOR_NAMES, type EstimatorOptions } from '../../../src/core/types';
import { BOS_TOKEN, EOS_TOKEN } from '../../../src/core/vocabulary';
import { trained } from './helpers';

const WORDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const corpusArb = fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 15 });
const textArb = fc.array(fc.array(fc.constantFrom(...WORDS, 'unknown'), { maxLength: 6 }), { minLength: 1, maxLength: 4 });
const estimatorArb: fc.Arbitrary<EstimatorOptions> = fc.oneof(
  fc.constantFrom(...ESTIMATOR_NAMES).map((name) => ({ name })),
  fc.double({ min: 0.01, max: 5, noNaN: true }).map((addK) => ({ name: 'add-k' as const, addK })),
);

describe('surprisal', () => {
  it("ranks every token as the full distribution does: 1 + the words strictly likelier, for every estimator and order", () => {
    fc.assert(
      fc.property(corpusArb, textArb, estimatorArb, fc.integer({ min: 1, max: 5 }), (corpus, text, estimator, order) => {
        const model = trained(corpus.map((line) => line.join(' ')), order, estimator);
        const lines = text.map((line) => line.join(' '));
        const scored = scoreLines(model, lines);
        lines.forEach((line, index) => {
          const words = tokenizeLine('whitespace', line);
          assert.equal(scored[index].length, words.length === 0 ? 0 : words.length + 1);
          scored[index].forEach((token, i) => {
            const word = i < words.length ? words[i] : EOS_TOKEN;
            const context = [BOS_TOKEN, ...words.slice(0, i)];
            const expected = model.score(context, word);
            assert.equal(token.log10Prob, expected.log10Prob);
            assert.equal(token.ngramLength, expected.ngramLength);
            const probabilities = model.distribution(context).probabilities;
            const likelier = probabilities.filter((p) => p > expected.probability).length;
            assert.equal(token.rank, likelier + 1, `rank of "${word}" after "${context.join(' ')}"`);
            if (i < words.length) assert.equal(line.slice(token.start, token.end), word);
            else assert.deepEqual([token.start, token.end], [line.length, line.length]);
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ranks exact across changes to the model and compaction', () => {
    const model = trained(['a b c a b', 'b c d', 'a b d e'], 3);
    const before = scoreLines(model, ['a b c d']);
    model.addText('a b e\nc d e f');
    model.compact();
    const after = scoreLines(model, ['a b c d']);
    const words = ['a', 'b', 'c', 'd'];
    after[0].forEach((token, i) => {
      const context = [BOS_TOKEN, ...words.slice(0, i)];
      const p = model.score(context, words[i] ?? EOS_TOKEN).probability;
      assert.equal(token.rank, model.distribution(context).probabilities.filter((q) => q > p).length + 1);
    });
    assert.notDeepEqual(after, before);
  });

  it('scores a copy with a document taken out exactly as a model that never learned it, and leaves the original as it was', () => {
    const others = ['a b c a b', 'b c d', 'a b d e', 'c a b c'];
    const lines = ['a b c d', 'e d c b a', 'b b b', 'a b c d e'];
    for (const estimator of [{ name: 'kneser-ney' }, { name: 'stupid-backoff' }, { name: 'add-k', addK: 0.5 }, { name: 'mle' }] as const) {
      const model = trained(others, 3, estimator);
      const document = model.addText('a b c d e\nd e a b');
      const before = scoreLines(model, lines);
      const copy = model.copy();
      copy.removeSentences(document);
      assert.deepEqual(scoreLines(copy, lines), scoreLines(trained(others, 3, estimator), lines), estimator.name);
      assert.deepEqual(scoreLines(model, lines), before, `${estimator.name}: the original still counts the document`);
      model.removeSentences(document);
      assert.notDeepEqual(scoreLines(copy, lines), before);
      assert.deepEqual(scoreLines(model, lines), scoreLines(copy, lines), `${estimator.name}: both without the document`);
    }
  });

  it('longest match: scores a document left out of the index and the tables exactly as a model of the other documents, ranks over every word', () => {
    const documentArb = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 6 }), { minLength: 1, maxLength: 6 }).map((lines) => lines.map((line) => line.join(' ')));
    fc.assert(
      fc.property(
        fc.array(documentArb, { minLength: 1, maxLength: 3 }),
        documentArb,
        fc.constantFrom('base', 'fresh', 'edited'),
        fc.integer({ min: 1, max: 3 }),
        (others, document, state, minLength) => {
          const options = { maxContext: 8, minLength, beta: 1 };
          // The workspace: the other documents and this one, in the index and the tables.
          const ngram = new NgramModel({ order: 3, tokenizer: 'whitespace' });
          const index = new TokenIndex();
          others.forEach((lines, i) => index.set(`other${i}`, ngram.addText(lines.join('\n'))));
          const encoded = ngram.addText(document.join('\n'));
          if (state === 'fresh') index.merge();
          index.set('document', state === 'edited' ? ngram.encodeText('d d c') : encoded);
          if (state !== 'fresh') index.merge();
          if (state === 'edited') index.set('document', encoded);
          const without = ngram.copy();
          without.removeSentences(encoded);
          const leftOut = new LongestMatchModel(without, index, options, 'document');
          // A workspace that never held the document.
          const reference = new NgramModel({ order: 3, tokenizer: 'whitespace' });
          const referenceIndex = new TokenIndex();
          others.forEach((lines, i) => referenceIndex.set(`other${i}`, reference.addText(lines.join('\n'))));
          referenceIndex.merge();
          const expected = new LongestMatchModel(reference, referenceIndex, options);
          const vocabulary = ['<unk>', '</s>', ...['a', 'b', 'c', 'd'].filter((word) => reference.score([], word).inVocabulary)];
          const contexts = contextsBeforeLines('whitespace', document, options.maxContext);
          document.forEach((line, i) => {
            const scored = scoreLineAfter(leftOut, line, contexts[i]);
            assert.deepEqual(scored, scoreLineAfter(expected, line, contexts[i]), `line ${i}`);
            const words = [...tokenizeLine('whitespace', line), EOS_TOKEN];
            scored.forEach((token, k) => {
              const context = [...contexts[i], ...words.slice(0, k)];
              const answer = expected.answer(context);
              const p = expected.scoreWith(answer, words[k]).probability;
              assert.equal(token.log10Prob, Math.log10(p));
              const likelier = vocabulary.filter((word) => expected.scoreWith(answer, word).probability > p).length;
              assert.equal(token.rank, 1 + likelier, `rank of ${words[k]} after ${context.join(' ')}`);
            });
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('longest match: a whole document read by one reader scores every token as a fresh search per token does, through left-out documents and unmerged changes', () => {
    const linesArb = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 7 }), { minLength: 1, maxLength: 8 }).map((lines) => lines.map((line) => line.join(' ')));
    fc.assert(
      fc.property(
        fc.array(linesArb, { minLength: 1, maxLength: 4 }),
        linesArb,
        fc.constantFrom('base', 'fresh', 'edited', 'absent'),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(4),
        // Unmerged documents read by a pass, or (but the latest) searched through suffix arrays of their own.
        fc.constantFrom(undefined, 0),
        (others, document, state, minLength, maxContext, unmerged, sortFreshAbove) => {
          const options = { maxContext, minLength, beta: 1 };
          const ngram = new NgramModel({ order: 3, tokenizer: 'whitespace' });
          const index = new TokenIndex(sortFreshAbove);
          // Some of the other documents are merged, the rest (`unmerged` of them) are changes since the merge.
          const merged = others.length - Math.min(unmerged, others.length);
          others.slice(0, merged).forEach((lines, i) => index.set(`other${i}`, ngram.addText(lines.join('\n'))));
          const encoded = ngram.encodeText(document.join('\n'));
          if (state === 'base' || state === 'edited') index.set('document', state === 'edited' ? ngram.encodeText('e d c') : encoded);
          index.merge();
          others.slice(merged).forEach((lines, i) => index.set(`other${merged + i}`, ngram.addText(lines.join('\n'))));
          if (state === 'edited') index.delete('other0');
          if (state === 'fresh' || state === 'edited') index.set('document', encoded);
          const model = new LongestMatchModel(ngram, index, options, 'document');
          const contexts = contextsBeforeLines('whitespace', document, maxContext);
          const reader = model.reader(contexts[0]);
          document.forEach((line, i) => {
            const scored = scoreLineAfter(model, line, contexts[i], reader);
            const words = [...tokenizeLine('whitespace', line), EOS_TOKEN];
            assert.equal(scored.length, words.length === 1 ? 0 : words.length);
            scored.forEach((token, k) => {
              // The straightforward path: the whole context searched afresh for this token.
              const context = [...contexts[i], ...words.slice(0, k)];
              const answer = model.answer(context);
              const { probability, log10Prob, ngramLength } = model.scoreWith(answer, words[k]);
              assert.deepEqual(
                [token.log10Prob, token.ngramLength, token.rank],
                [log10Prob, ngramLength, model.countLikelier(answer, probability) + 1],
                `${words[k]} after ${context.join(' ')}`,
              );
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the contexts of a window of lines are those of the whole document, reading back only as far as the first one reaches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 5 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.nat(),
        (words, maxContext, a, b) => {
          // Distinct texts (a blank line is i spaces, a line ends in its number), so a line read is known by its text.
          const lines = words.map((line, i) => (line.length === 0 ? ' '.repeat(i) : [...line, `n${i}`].join(' ')));
          const from = a % (lines.length + 1);
          const to = from + (b % (lines.length - from + 1));
          const read = new Set<number>();
          const window = contextsBeforeLines('whitespace', lines, maxContext, (line) => {
            read.add(lines.indexOf(line));
            return tokenizeLine('whitespace', line);
          }, from, to);
          assert.deepEqual(window, contextsBeforeLines('whitespace', lines, maxContext).slice(from, to));
          let tokensBetween = 0;
          for (let line = from - 1; line >= 0; line--) {
            if (tokensBetween >= maxContext) assert.ok(!read.has(line), `line ${line} is beyond the first context, yet read`);
            const count = tokenizeLine('whitespace', lines[line]).length;
            if (count > 0) tokensBetween += count + 1;
          }
          for (let line = to; line < lines.length; line++) assert.ok(!read.has(line), `line ${line} is after the window, yet read`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a literal `<s>` in the text is the word `\\<s>` it was learned as, at its place in the line (n-gram and longest match)', () => {
    const ngram = new NgramModel({ order: 3, tokenizer: 'whitespace' });
    const index = new TokenIndex();
    index.set('other', ngram.addText('x <s> y'));
    index.merge();
    const model = new LongestMatchModel(ngram, index, { maxContext: 8, minLength: 1, beta: 1 });
    const scored = scoreLineAfter(model, 'x <s> y', contextsBeforeLines('whitespace', ['x <s> y'], 8)[0]);
    assert.deepEqual(scored.map((token) => [token.start, token.end, token.inVocabulary]), [[0, 1, true], [2, 5, true], [6, 7, true], [7, 7, true]]);
    assert.equal(scored[1].log10Prob, model.score(['<s>', 'x'], '\\<s>').log10Prob);
    assert.deepEqual(scoreLines(ngram, ['x <s> y'])[0].map((token) => [token.start, token.end, token.inVocabulary]), [[0, 1, true], [2, 5, true], [6, 7, true], [7, 7, true]]);
  });

  it('gives offsets into the line as written when the tokenizer normalises it', () => {
    const model = trained(['café au lait'], 2, { name: 'kneser-ney' }, { tokenizer: 'words' });
    const line = 'un cafe\u0301 noir';
    const [tokens] = scoreLines(model, [line]);
    assert.deepEqual(
      tokens.slice(0, -1).map((token) => line.slice(token.start, token.end)),
      ['un', 'cafe\u0301', 'noir'],
    );
    assert.equal(tokens[1].inVocabulary, true);
  });
});
