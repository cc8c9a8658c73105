import { strict as assert } from 'node:assert';
import { evidenceFor, locateSpans } from '../../../src/core/evidence';
import { NgramModel } from '../../../src/core/model';
import { TokenIndex } from '../../../src/core/tokenIndex';
import { EOS } from '../../../src/core/vocabulary';

describe('core/evidence', () => {
  const model = new NgramModel({ order: 3, tokenizer: 'words' });
  const learned = 'the café opens\n\nthe café closes\nthe café opens late\n';
  const index = new TokenIndex();
  index.set('a.md', model.addText(learned));
  index.merge();
  const ids = (words: string[]) => Int32Array.from(words, (word) => (word === '</s>' ? EOS : model.vocabulary.idOf(word)));

  it('places each span at its first token: line, column and line text, across blank lines and line ends', () => {
    const evidence = evidenceFor(model, index, ['<s>', 'the', 'café'], 'opens');
    assert.equal(evidence.total, 2);
    const spans = evidence.places.map(({ offset }) => ({ offset, ids: evidence.placeIds }));
    assert.deepEqual(locateSpans('words', model.vocabulary, learned, spans), [
      { line: 1, column: 1, text: 'the café opens' },
      { line: 4, column: 1, text: 'the café opens late' },
    ]);
    // A span starting at a line end: `</s>` stands just after the line's last token.
    assert.deepEqual(locateSpans('words', model.vocabulary, learned, [{ offset: 3, ids: ids(['</s>', 'the']) }]), [{ line: 1, column: 15, text: 'the café opens' }]);
  });

  it('lists nothing the text no longer holds: a changed word, a span past the end', () => {
    const edited = 'the café opens\n\nthe bar closes\n';
    const spans = [
      { offset: 4, ids: ids(['the', 'café', 'closes']) },
      { offset: 8, ids: ids(['the', 'café']) },
    ];
    assert.deepEqual(locateSpans('words', model.vocabulary, edited, spans), [undefined, undefined]);
    assert.deepEqual(locateSpans('words', model.vocabulary, learned, spans.slice(0, 1)), [{ line: 3, column: 1, text: 'the café closes' }]);
  });

  it('gives columns in the text as written when the tokenizer read it normalised (NFC)', () => {
    // "cafe\u0301" is "café" decomposed: the tokenizer reads it composed, one unit shorter.
    const written = 'cafe\u0301 the café opens\n';
    const [location] = locateSpans('words', model.vocabulary, written, [{ offset: 1, ids: ids(['the', 'café', 'opens']) }]);
    assert.deepEqual(location, { line: 1, column: 7, text: written.slice(0, -1) });
  });
});
