// Checks that the counter gives the probabilities we expect on a tiny text.

import { strict as assert } from 'node:assert';
import { BigramCounter } from './counter';

describe('BigramCounter', () => {
  it('counts the next word after a context', () => {
    const counter = new BigramCounter();
    counter.addText('the cat sat on the mat\nthe cat ate the fish');
    assert.equal(counter.count('the', 'cat'), 2);
    assert.equal(counter.contextCount('the'), 4);
    assert.equal(counter.probability('the', 'cat'), 0.5);
  });

  it('forgets a sentence it was given', () => {
    const counter = new BigramCounter();
    counter.addText('the cat sat on the mat');
    counter.removeSentence(['<s>', 'the', 'cat', 'sat', 'on', 'the', 'mat', '</s>']);
    assert.equal(counter.contextCount('the'), 0);
    assert.equal(counter.probability('the', 'cat'), 0);
  });

  it('lists the most likely next words first', () => {
    const counter = new BigramCounter();
    counter.addText('the cat sat\nthe cat ran\nthe dog sat');
    const words = counter.candidates('the', 5).map((candidate) => candidate.word);
    assert.deepEqual(words, ['cat', 'dog']);
  });
});
