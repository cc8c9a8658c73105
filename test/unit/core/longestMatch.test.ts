import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { contextAcrossLines, LongestMatchModel } from '../../../src/core/longestMatch';
import { NgramModel } from '../../../src/core/model';
import { TokenIndex } from '../../../src/core/tokenIndex';

const WORDS = ['a', 'b', 'c', 'd', '(', ')'];
const documentArb = fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 8 }).map((lines) => lines.map((line) => line.join(' ')).join('\n'));

function build(documents: string[], order: number, minLength: number): LongestMatchModel {
  const ngram = new NgramModel({ order, tokenizer: 'whitespace' });
  const index = new TokenIndex();
  documents.forEach((text, i) => index.set(`doc${i}`, ngram.addText(text)));
  index.merge();
  return new LongestMatchModel(ngram, index, { maxContext: 16, minLength, beta: 1 });
}

describe('core/longestMatch', () => {
  it('contextAcrossLines: `</s>` after every line with tokens, `<s>` at the document start, `</s>` at another line start, the cursor line open', () => {
    assert.deepEqual(contextAcrossLines('whitespace', 'a b\n\n c\nd', true), ['<s>', 'a', 'b', '</s>', 'c', '</s>', 'd']);
    assert.deepEqual(contextAcrossLines('whitespace', 'x\n', false), ['</s>', 'x', '</s>']);
    assert.deepEqual(contextAcrossLines('words', 'f(x)\r\ny', false), ['</s>', 'f', '(', 'x', ')', '</s>', 'y']);
    // Literal markers are words (tokenizer.ts), as in the encoded documents.
    assert.deepEqual(contextAcrossLines('whitespace', '<s> a </s>\nb <unk>', false), ['</s>', '\\<s>', 'a', '\\</s>', '</s>', 'b', '\\<unk>']);
    assert.deepEqual(contextAcrossLines('whitespace', '\n\n', false), ['</s>']);
    assert.deepEqual(contextAcrossLines('whitespace', '', true), ['<s>']);
  });

  it('reads a cursor at the start of a line as a line start: the first words of lines, not the end of one', () => {
    // `</s>` is the likeliest token overall (every line ends with one), never the first of a line.
    const model = build(['a b\nc d\nc e\n', 'c f\n'], 3, 3);
    assert.equal(model.rank([], 1).candidates[0].word, '</s>', 'read as the middle of a line');
    for (const context of [contextAcrossLines('whitespace', '', false), contextAcrossLines('whitespace', 'zzz\n', false), contextAcrossLines('whitespace', '', true)]) {
      assert.equal(model.rank(context, 1).candidates[0].word, 'c', context.join(' '));
    }
  });

  it('is a distribution: runs hold every word once at its score, sum to 1, and candidates rank as the runs do', () => {
    fc.assert(
      fc.property(
        fc.array(documentArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'z', ' ', '\n'), maxLength: 24 }),
        fc.boolean(),
        (documents, order, minLength, text, atStart) => {
          const model = build(documents, order, minLength);
          const context = contextAcrossLines('whitespace', text, atStart);
          const { runs, answeringLength } = model.runs(context);
          let total = 0;
          const seen = new Set<number>();
          const ranking: number[] = [];
          for (let r = 0; r < runs.length; r++) {
            if (r > 0) assert.ok(runs.probability[r] < runs.probability[r - 1], 'runs descend strictly');
            for (let i = 0; i < runs.size[r]; i++) {
              const word = runs.word(r, i);
              if (i > 0) assert.ok(word > runs.word(r, i - 1), 'ids ascend within a run');
              assert.ok(!seen.has(word));
              seen.add(word);
              assert.equal(runs.runOf(word), r);
              ranking.push(word);
              const score = model.score(context, model.ngram.vocabulary.word(word));
              assert.ok(Math.abs(score.probability - runs.probability[r]) <= 1e-15, `p(${word})`);
            }
            total += runs.size[r] * runs.probability[r];
          }
          assert.ok(Math.abs(total - 1) < 1e-9, `sums to ${total}`);
          const { candidates, answeringLength: candidatesLength } = model.rank(context, 5);
          assert.deepEqual(candidates.map((candidate) => candidate.id), ranking.slice(0, 5));
          assert.deepEqual(model.rankedRuns(context, 5).candidates, candidates, 'read off the runs, the same words and counts');
          assert.equal(candidatesLength, answeringLength);
          const answer = model.answer(context);
          if (answer.lambda > 0) assert.equal(answeringLength, answer.match.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ranks a match with many continuations off the runs, as the runs rank them', () => {
    // "k" then one of 100 words at a line start: 100 continuations of the match.
    const model = build([Array.from({ length: 100 }, (_, i) => `k w${i % 50}${i < 3 ? ' x' : ''}\nk w${i}`).join('\n')], 3, 2);
    const context = contextAcrossLines('whitespace', 'z\nk', false);
    const answer = model.answer(context);
    assert.ok(answer.lambda > 0 && answer.match.words.length > 64, `${answer.match.words.length} continuations`);
    const { runs } = model.runs(context);
    const ranking = Array.from({ length: runs.length }, (_, r) => Array.from({ length: runs.size[r] }, (_, i) => runs.word(r, i))).flat();
    const { candidates } = model.rank(context, 10);
    assert.deepEqual(candidates.map((candidate) => candidate.id), ranking.slice(0, 10));
    for (const candidate of candidates) {
      const at = answer.match.words.indexOf(candidate.id);
      if (at >= 0) assert.deepEqual([candidate.count, candidate.contextCount], [answer.match.counts[at], answer.match.count], candidate.word);
    }
    assert.ok(candidates.some((candidate) => answer.match.words.includes(candidate.id)), 'continuations are among the likeliest');
  });

  it('a context spanning lines predicts the word only the longer context determines', () => {
    const model = build(['x = 1\ny = 2\n', 'x = 3\nz = 4\n', 'q = 1\ny = 5\n'], 3, 3);
    // Within the line, after "y =", 2 and 5 are equally likely; across lines, "x = 1 </s> y =" says 2.
    const context = contextAcrossLines('whitespace', 'x = 1\ny =', true);
    const { candidates, answeringLength } = model.rank(context, 2);
    assert.equal(candidates[0].word, '2');
    // `<s> x = 1 </s> y =`: seven tokens answered.
    assert.equal(answeringLength, 7);
    assert.equal(candidates[0].order, 8);
    const lineOnly = model.ngram.candidates(['<s>', 'y', '='], 2);
    assert.equal(lineOnly[0].probability, lineOnly[1].probability);
  });

  it('explain: the match, n, u, λ = n/(n + β·u) and the Kneser-Ney part give each probability, and the column sums to 1', () => {
    const model = build(['x = 1\ny = 2\n', 'x = 3\nz = 4\n', 'q = 1\ny = 5\n'], 3, 3);
    const context = contextAcrossLines('whitespace', 'x = 1\ny =', true);
    const explanation = model.explain(context, ['2', '5', '4', 'never']);
    assert.deepEqual(explanation.matchedContext, ['<s>', 'x', '=', '1', '</s>', 'y', '=']);
    // "<s> x = 1 </s> y =" occurs once, followed by 2.
    assert.equal(explanation.contextCount, 1);
    assert.equal(explanation.followers, 1);
    assert.equal(explanation.lambda, 1 / (1 + 1 * 1));
    for (const [i, word] of ['2', '5', '4', 'never'].entries()) {
      const { count, probability } = explanation.words[i];
      assert.equal(count, word === '2' ? 1 : 0, word);
      const kneserNey = explanation.kneserNey.words[i].probability;
      assert.ok(Math.abs(probability - (explanation.lambda * count / explanation.contextCount + (1 - explanation.lambda) * kneserNey)) < 1e-15, word);
      assert.equal(probability, model.score(context, word).probability, word);
    }
    assert.ok(Math.abs(explanation.total - 1) < 1e-9);
    // A match shorter than minLength leaves the n-gram model alone: λ = 0.
    const short = model.explain(contextAcrossLines('whitespace', 'q', false), ['=']);
    assert.equal(short.lambda, 0);
    assert.equal(short.words[0].probability, short.kneserNey.words[0].probability);
  });
});
