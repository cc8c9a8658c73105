import { strict as assert } from 'node:assert';
import { contextBeforeCursor, tokenizeLine, tokenizeText, writtenForm } from '../../../src/core/tokenizer';

describe('tokenizer', () => {
  describe('words', () => {
    const words = (text: string): string[] => tokenizeLine('words', text);

    it('keeps runs of letters, digits and underscores together and splits every other character off', () => {
      assert.deepEqual(words('total += items[i].price;'), ['total', '+', '=', 'items', '[', 'i', ']', '.', 'price', ';']);
      assert.deepEqual(words('snake_case_2x camelCase99'), ['snake_case_2x', 'camelCase99']);
      assert.deepEqual(words('a->b'), ['a', '-', '>', 'b']);
    });

    it('treats Unicode letters, digits and combining marks as word characters', () => {
      assert.deepEqual(words('naïve café_au_lait → 42€'), ['naïve', 'café_au_lait', '→', '42', '€']);
      assert.deepEqual(words('Привет, мир! Γειά σου κόσμε'), ['Привет', ',', 'мир', '!', 'Γειά', 'σου', 'κόσμε']);
      assert.deepEqual(words('x٣=٤'), ['x٣', '=', '٤']);
    });

    it('normalises to NFC: é typed as e + U+0301 and as U+00E9 is the same word', () => {
      assert.deepEqual(words('cafe\u0301 ok'), ['caf\u00e9', 'ok']);
      assert.deepEqual(words('caf\u00e9'), words('cafe\u0301'));
      // Hangul typed as conjoining jamo becomes its syllables.
      assert.deepEqual(words('\u1112\u1161\u11ab\u1100\u1173\u11af'), ['한글']);
      assert.deepEqual(tokenizeText('words', 'Cafe\u0301\ncafe\u0301 noir'), [['Café'], ['café', 'noir']]);
    });

    it('segments Chinese, Japanese and Thai, written without spaces, into words (Intl.Segmenter)', () => {
      assert.deepEqual(words('我喜欢吃苹果。'), ['我', '喜欢', '吃', '苹果', '。']);
      assert.deepEqual(words('東京都に住んでいます'), ['東京', '都', 'に', '住', 'んで', 'い', 'ます']);
      assert.deepEqual(words('ฉันรักภาษาไทยมาก'), ['ฉัน', 'รัก', 'ภาษา', 'ไทย', 'มาก']);
      // Mixed with Latin and code, the other rules still hold around the segmented run.
      assert.deepEqual(words('print("你好世界")'), ['print', '(', '"', '你好', '世界', '"', ')']);
      assert.deepEqual(words('Unicode苹果'), ['Unicode', '苹果']);
    });

    it('keeps grapheme clusters whole: ZWJ emoji, flags, skin tones, symbols with combining marks', () => {
      assert.deepEqual(words('family 👨\u200d👩\u200d👧 here'), ['family', '👨\u200d👩\u200d👧', 'here']);
      assert.deepEqual(words('dev👩🏽\u200d💻!'), ['dev', '👩🏽\u200d💻', '!']);
      assert.deepEqual(words('🇫🇷🇯🇵'), ['🇫🇷', '🇯🇵']);
      assert.deepEqual(words('a→\u20d7b'), ['a', '→\u20d7', 'b']);
      assert.deepEqual(words('❤\ufe0f ok'), ['❤\ufe0f', 'ok']);
      // No token is an invisible piece (a lone ZWJ or variation selector).
      const tokens = words('👨\u200d👩\u200d👧\u200d👦 👍🏻 🏳\ufe0f\u200d🌈');
      assert.deepEqual(tokens, ['👨\u200d👩\u200d👧\u200d👦', '👍🏻', '🏳\ufe0f\u200d🌈']);
    });

    it('makes a symbol outside the BMP one token, not two halves of a surrogate pair', () => {
      assert.deepEqual(words('go🚀now'), ['go', '🚀', 'now']);
      assert.deepEqual(words('𝑥+1'), ['𝑥', '+', '1']);
    });

    it('splits on any Unicode white space', () => {
      assert.deepEqual(words('a\u00a0b\u3000c\td'), ['a', 'b', 'c', 'd']);
    });

    it('gives nothing for blank text', () => {
      assert.deepEqual(words(''), []);
      assert.deepEqual(words(' \t '), []);
    });
  });

  describe('whitespace', () => {
    it('splits on runs of spaces and tabs only', () => {
      assert.deepEqual(tokenizeLine('whitespace', 'a  b\tc+d  '), ['a', 'b', 'c+d']);
      assert.deepEqual(tokenizeLine('whitespace', 'x\u00a0y'), ['x\u00a0y']);
    });

    it('reads a literal <s>, </s> or <unk> as a word of its own, one backslash apart from the marker', () => {
      assert.deepEqual(tokenizeLine('whitespace', 'a <s> b </s> <unk>'), ['a', '\\<s>', 'b', '\\</s>', '\\<unk>']);
      // Written backslashes take one more, so no two spellings meet; anything else is its own word.
      assert.deepEqual(tokenizeLine('whitespace', '\\<s> \\\\</s> <s>x <S> <a> \\ \\x'), ['\\\\<s>', '\\\\\\</s>', '<s>x', '<S>', '<a>', '\\', '\\x']);
      assert.deepEqual(contextBeforeCursor('whitespace', 'see <unk> here', 14), ['<s>', 'see', '\\<unk>', 'here']);
    });

    it('types each word as it was written', () => {
      for (const written of ['<s>', '</s>', '<unk>', '\\<s>', '\\\\<unk>', 'plain', '\\', '<a>']) {
        const [word] = tokenizeLine('whitespace', written);
        assert.equal(writtenForm(word), written, word);
      }
      // The markers themselves are not text (the caller spells </s> as a line break).
      assert.equal(writtenForm('<s>'), '<s>');
    });
  });

  describe('sentences', () => {
    it('makes every line with tokens a sentence, whatever the line ending, and skips blank lines', () => {
      assert.deepEqual(tokenizeText('words', 'a b\r\n\r\nc;\rd\n  \n'), [['a', 'b'], ['c', ';'], ['d']]);
      assert.deepEqual(tokenizeText('whitespace', 'x y\n\nz'), [['x', 'y'], ['z']]);
      assert.deepEqual(tokenizeText('words', ''), []);
    });
  });

  describe('contextBeforeCursor', () => {
    it('starts with <s> and holds the tokens of the line before the cursor', () => {
      assert.deepEqual(contextBeforeCursor('words', 'const x = f(', 12), ['<s>', 'const', 'x', '=', 'f', '(']);
      assert.deepEqual(contextBeforeCursor('words', 'const x = f(', 7), ['<s>', 'const', 'x']);
    });

    it('is just <s> at a line start', () => {
      assert.deepEqual(contextBeforeCursor('words', 'anything', 0), ['<s>']);
      assert.deepEqual(contextBeforeCursor('words', '    ', 4), ['<s>']);
    });

    it('cuts a word the cursor is inside of, and clamps the cursor to the line', () => {
      assert.deepEqual(contextBeforeCursor('words', 'hello world', 8), ['<s>', 'hello', 'wo']);
      assert.deepEqual(contextBeforeCursor('whitespace', 'a b', 99), ['<s>', 'a', 'b']);
    });
  });
});
