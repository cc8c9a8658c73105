import { strict as assert } from 'node:assert';
import v8 from 'node:v8';
import vm from 'node:vm';
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

  it('keeps a new word without the text it was found in (a long substring is a slice of its text in V8)', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const vocabulary = new Vocabulary();
    gc();
    const before = process.memoryUsage().heapUsed;
    // 200 texts of 100,000 characters (20 MB), each bringing one new 26-character word.
    for (let i = 0; i < 200; i++) {
      const text = `${'x '.repeat(50_000)}identifier_${String(i).padStart(15, '0')}`;
      vocabulary.internRange(text, 100_000, text.length);
    }
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    assert.ok(kept < 2_000_000, `${kept} bytes kept for 200 words`);
    assert.equal(vocabulary.idOf(`identifier_${String(7).padStart(15, '0')}`), FIRST_WORD_ID + 7);
  });

  it('round-trips through its word list and rejects a list that is not one', () => {
    const vocabulary = new Vocabulary();
    for (const word of ['a', 'é', '🚀']) vocabulary.intern(word);
    assert.deepEqual(Vocabulary.fromWords(vocabulary.allWords()).allWords(), vocabulary.allWords());
    assert.throws(() => Vocabulary.fromWords(['<s>', '<unk>', '</s>']), /must start with <unk>, <s>, <\/s>/);
    assert.throws(() => Vocabulary.fromWords(['<unk>', '<s>', '</s>', 'a', 'a']), /"a" appears twice/);
  });
});
