import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { evidenceFor, LocatableText, locateSpans } from '../../../src/core/evidence';
import { NgramModel } from '../../../src/core/model';
import { TokenIndex } from '../../../src/core/tokenIndex';
import { scanTextRanges } from '../../../src/core/tokenizer';
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

  it('locates any span as a scan of the whole text does, across blank lines and any line ends, again and again from the same kept text', () => {
    const lineArb = fc.oneof(
      fc.array(fc.constantFrom('the', 'café', 'opens', '(', ');', 'x1', '<s>'), { minLength: 1, maxLength: 6 }).map((words) => words.join(' ')),
      fc.constantFrom('', '   ', '\t'),
    );
    const textArb = fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\r')), { minLength: 1, maxLength: 12 }).map((lines) => lines.map(([line, end]) => line + end).join(''));
    fc.assert(
      fc.property(textArb, fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 6 }), (text, picks) => {
        const tokens = new NgramModel({ order: 3, tokenizer: 'words' });
        const encoded = tokens.addText(text);
        // The whole text scanned from its start: each token's offset in the text (a `</s>` just after its line's last token).
        const positions: number[] = [];
        let lastEnd = 0;
        scanTextRanges('words', text, {
          range: (start, end) => {
            positions.push(start);
            lastEnd = end;
          },
          endSentence: () => void positions.push(lastEnd),
        });
        const breaks = [...text.matchAll(/\r\n|\r|\n/g)].map((match) => match.index + match[0].length);
        const expected = (offset: number, length: number, changed: boolean): unknown => {
          if (changed || offset + length > encoded.length) return undefined;
          const position = positions[offset];
          const line = breaks.filter((start) => start <= position).length;
          const lineStart = line === 0 ? 0 : breaks[line - 1];
          return { line: line + 1, column: position - lineStart + 1, text: text.slice(lineStart).split(/\r\n|\r|\n/)[0] };
        };
        const kept = new LocatableText('words', text);
        for (const subset of [picks, picks.slice().reverse(), picks.slice(1)]) {
          const spans = subset.map(([at, length, changed]) => {
            const offset = at % Math.max(1, encoded.length);
            const ids = Int32Array.from({ length }, (_, k) => encoded[offset + k] ?? EOS);
            if (changed) ids[length - 1] = ids[length - 1] === EOS ? tokens.vocabulary.idOf('the') : EOS;
            return { offset, ids };
          });
          assert.deepEqual(
            kept.locate(tokens.vocabulary, spans),
            subset.map(([, length, changed], i) => expected(spans[i].offset, length, changed)),
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});
