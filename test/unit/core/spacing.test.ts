// Tokens back to text: the spaces Predict Next Word types on both sides of the cursor, and the
// continuations the panel and the command line print, written as code and prose are written.

import assert from 'node:assert/strict';
import { detokenize, insertionText, spaceBetween, tokenSpacing } from '../../../src/core/spacing';
import { tokenizeLine } from '../../../src/core/tokenizer';

describe('spacing', () => {
  describe('insertionText', () => {
    const cases: [word: string, before: string, after: string, expected: string][] = [
      ['return', '', '', 'return'],
      ['return', '    ', '', 'return'],
      ['cat', 'the', '', ' cat'],
      ['cat', 'the ', '', 'cat'],
      ['.', 'console', '', '.'],
      ['(', 'greet', '', '('],
      [')', 'greet(name', '', ')'],
      [',', 'a', '', ','],
      [';', 'x = 1', '', ';'],
      ['log', 'console.', '', 'log'],
      ['name', 'greet(', '', 'name'],
      ['b', 'a,', '', ' b'],
      ['y', 'x =', '', ' y'],
      ['return', 'if (done)', '', ' return'],
      ['</s>', 'the cat sat', '', '\n'],
      ['café', 'un', '', ' café'],
      // The other side of the cursor: never glue onto the next word, never space before punctuation.
      ['table', 'draws the ', 'next word', 'table '],
      ['next', 'draws the', 'next', ' next '],
      ['const', '', '# Sampling', 'const '],
      ['sat', 'the cat', ', then', ' sat'],
      ['sat', 'the cat', '.', ' sat'],
      ['name', 'greet(', ')', 'name'],
      ['greet', '', '(name)', 'greet'],
      ['x', 'f(a, ', ')', 'x'],
      ['blue', 'the sky is', ' today', ' blue'],
      ['=', 'x', '1', ' = '],
      ['+', 'x ', '= 1', '+'],
    ];
    for (const [word, before, after, expected] of cases) {
      it(`types ${JSON.stringify(word)} between ${JSON.stringify(before)} and ${JSON.stringify(after)} as ${JSON.stringify(expected)}`, () => {
        assert.equal(insertionText(word, before, after, 'words'), expected);
      });
    }

    it('separates every token by a space with the whitespace tokenizer', () => {
      assert.equal(insertionText('.', 'console', '', 'whitespace'), ' .');
      assert.equal(insertionText('x', '', 'y', 'whitespace'), 'x ');
      assert.equal(insertionText('x', 'a\t', '', 'whitespace'), 'x');
    });
  });

  describe('detokenize', () => {
    const written = [
      'topK(candidates: readonly Candidate[]): number {',
      'const total = items[i].price + tax;',
      'x += 1;',
      'const n = (pairs.get(key) ?? 0) + 1;',
      'if (a == b) return f(x)(y);',
      'print("hello world", sep)',
      'Hello, world! It\'s the model.',
      'const f = (a) => a * 2;',
    ];
    for (const line of written) {
      it(`writes the tokens of ${JSON.stringify(line)} back as they were written`, () => {
        assert.equal(detokenize(tokenizeLine('words', line), 'words'), line);
      });
    }

    it('continues the text before it, and ends a line at </s>', () => {
      assert.equal(detokenize(['(', 'x', ')', '</s>', 'next'], 'words', 'greet'), '(x)\nnext');
      assert.equal(detokenize(['sky', 'is'], 'words', 'the '), 'sky is');
      assert.equal(detokenize(['a', '(', 'b'], 'whitespace'), 'a ( b');
    });

    it('tokenSpacing says which tokens a space precedes', () => {
      assert.deepEqual(tokenSpacing(['foo', '(', 'bar', ')', '</s>', 'baz'], 'words'), [false, false, false, false, false, false]);
      assert.deepEqual(tokenSpacing(['is', 'blue'], 'words', 'the sky'), [true, true]);
    });

    it('spaceBetween leaves alone text that already has a space on either side', () => {
      assert.equal(spaceBetween('a ', 'b', 'words'), false);
      assert.equal(spaceBetween('a', ' b', 'whitespace'), false);
      assert.equal(spaceBetween('', 'b', 'words'), false);
    });
  });
});
