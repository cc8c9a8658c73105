import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BOS, EOS, FIRST_WORD_ID, UNK, Vocabulary } from '../../../src/core/vocabulary';

describe('vocabulary', () => {
  it('reserves <unk> = 0, <s> = 1, </s> = 2 and numbers words densely from 3', () => {
    const vocabulary = new Vocabulary();
    assert.deepEqual([vocabulary.idOf('<unk>'), vocabulary.idOf('<s>'), vocabulary.idOf('</s>')], [UNK, BOS, EOS]);
    assert.equal(vocabulary.intern('hello'), FIRST_WORD_ID);
    assert.equal(vocabulary.intern('world'), FIRST_WORD_ID + 1);
    assert.equal(vocabulary.intern('hello'), FIRST_WORD_ID);
    assert.equal(vocabulary.idOf('never'), UNK);
    assert.equal(vocabulary.has('never'), false);
    assert.equal(vocabulary.has('<unk>'), true);
    assert.equal(vocabulary.word(FIRST_WORD_ID + 1), 'world');
    assert.throws(() => vocabulary.word(99), /no word with id 99/);
  });

  it('finds words by their range in a text, agreeing with whole strings, through any number of words', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6, unit: 'binary' }), { maxLength: 300 }), (words) => {
        const vocabulary = new Vocabulary();
        const ids = words.map((word) => vocabulary.intern(word));
        const text = `«${words.join('|')}»`;
        let start = 1;
        words.forEach((word, i) => {
          assert.equal(vocabulary.idOfRange(text, start, start + word.length), ids[i]);
          assert.equal(vocabulary.internRange(text, start, start + word.length), ids[i]);
          assert.equal(vocabulary.word(ids[i]), word);
          start += word.length + 1;
        });
        assert.equal(vocabulary.size, new Set(['<unk>', '<s>', '</s>', ...words]).size);
      }),
    );
  });

  it('round-trips through its word list and rejects a list that is not one', () => {
    const vocabulary = new Vocabulary();
    for (const word of ['a', 'é', '🚀']) vocabulary.intern(word);
    assert.deepEqual(Vocabulary.fromWords(vocabulary.allWords()).allWords(), vocabulary.allWords());
    assert.throws(() => Vocabulary.fromWords(['<s>', '<unk>', '</s>']), /must start with <unk>, <s>, <\/s>/);
    assert.throws(() => Vocabulary.fromWords(['<unk>', '<s>', '</s>', 'a', 'a']), /"a" appears twice/);
  });
});
