// The text Predict Next Word types: spacing follows the tokenizer, so the server computes it.

import assert from 'node:assert/strict';
import { insertTextFor } from '../../src/server/predictor';

describe('insert text', () => {
  const cases: [word: string, linePrefix: string, expected: string][] = [
    ['return', '', 'return'],
    ['return', '    ', 'return'],
    ['cat', 'the', ' cat'],
    ['cat', 'the ', 'cat'],
    ['.', 'console', '.'],
    ['(', 'greet', '('],
    [')', 'greet(name', ')'],
    [',', 'a', ','],
    [';', 'x = 1', ';'],
    ['log', 'console.', 'log'],
    ['name', 'greet(', 'name'],
    ['b', 'a,', ' b'],
    ['y', 'x =', ' y'],
    ['return', 'if (done)', ' return'],
    ['</s>', 'the cat sat', '\n'],
    ['café', 'un', ' café'],
  ];
  for (const [word, linePrefix, expected] of cases) {
    it(`types ${JSON.stringify(word)} after ${JSON.stringify(linePrefix)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(insertTextFor(word, linePrefix, 'words'), expected);
    });
  }

  it('separates every token by a space with the whitespace tokenizer', () => {
    assert.equal(insertTextFor('.', 'console', 'whitespace'), ' .');
    assert.equal(insertTextFor('x', '', 'whitespace'), 'x');
    assert.equal(insertTextFor('x', 'a\t', 'whitespace'), 'x');
  });
});
