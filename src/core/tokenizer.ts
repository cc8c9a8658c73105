// Text → tokens. A line is a sentence (lines end at \n, \r\n or \r, as in an editor); a line without
// tokens is not a sentence. Both tokenizers are single-pass scanners over the whole text that hand
// out one string per token, with no per-line arrays or regular expressions on the ASCII fast path,
// because the server tokenizes whole workspaces.
//
// `words` — the text is normalised to NFC (so `é` typed as e + ◌́ and as one code point is one word);
// a run of letters, digits, combining marks, `_` and the joiners ZWNJ/ZWJ is a word, split further
// by `Intl.Segmenter` (word granularity) where it holds a script written without spaces (Chinese,
// Japanese, Thai, Lao, Khmer, Myanmar), so those get words rather than whole lines; every other
// character that is not white space is a token of its own, whole with its grapheme cluster (an emoji
// joined by ZWJ, a flag, a skin tone, a symbol with combining marks is one token, never invisible pieces):
//   `total += items[i].price;`  →  total  +  =  items  [  i  ]  .  price  ;
//   `naïve café_au_lait → 42€`  →  naïve  café_au_lait  →  42  €
//   `我喜欢吃苹果`                →  我  喜欢  吃  苹果
//   `hi 👨‍👩‍👧!`                    →  hi  👨‍👩‍👧  !
// `whitespace` — split on runs of spaces and tabs only (KenLM's convention for text that is already
// tokenized, taken as it is: no normalisation): `a  b\tc+d` → a  b  c+d
//
// Literal markers: `<s>`, `</s>` and `<unk>` written in the text (a token of their own with `whitespace`;
// `words` splits them into `<` `s` `>`) are words like any other, kept apart from the sentence markers
// by a backslash: the token `<s>` is the word `\<s>`, and a written `\<s>` is `\\<s>` (one more), so
// no two spellings meet and nothing is dropped. Typing a word inserts its written form (`writtenForm`).

import type { TokenizerName } from './types';
import { BOS_TOKEN } from './vocabulary';

/** A marker's spelling after any number of backslashes: the tokens that take one more backslash. */
const MARKER_SPELLING = /^\\*<(?:s|\/s|unk)>$/;
const BACKSLASH = 0x5c;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;

/**
 * The word the token text[start, end) stands for when it spells a marker (after any backslashes): the
 * token with one more backslash in front; undefined for every other token (the token is the word).
 */
export function markerLiteralAt(text: string, start: number, end: number): string | undefined {
  const first = text.charCodeAt(start);
  if ((first !== LESS_THAN && first !== BACKSLASH) || text.charCodeAt(end - 1) !== GREATER_THAN) return undefined;
  const token = text.slice(start, end);
  return MARKER_SPELLING.test(token) ? `\\${token}` : undefined;
}

/** The text that types `word`: a literal marker's word loses the backslash it was given; every other word is its own text. */
export function writtenForm(word: string): string {
  return word.charCodeAt(0) === BACKSLASH && MARKER_SPELLING.test(word) ? word.slice(1) : word;
}

/** Receives each token, and the end of every line that produced at least one token. */
export interface TokenSink {
  token(text: string): void;
  endSentence(): void;
}

/** Like TokenSink, with each token as its [start, end) range in the text (no string made). */
export interface TokenRangeSink {
  range(start: number, end: number): void;
  /** Returns false to end the scan there (the rest of the text is not read). */
  endSentence(): boolean | void;
}

const enum CharClass {
  Space,
  Word,
  Symbol,
  LineBreak,
  /** A word character of a script written without spaces: its run is split by Intl.Segmenter. */
  SegmentedWord,
}

const LF = 0x0a;
const CR = 0x0d;

const ASCII_WORDS = buildAsciiTable(true);
const ASCII_WHITESPACE = buildAsciiTable(false);

function buildAsciiTable(words: boolean): Uint8Array {
  const table = new Uint8Array(128).fill(words ? CharClass.Symbol : CharClass.Word);
  for (const space of ' \t\v\f') table[space.charCodeAt(0)] = CharClass.Space;
  table[LF] = CharClass.LineBreak;
  table[CR] = CharClass.LineBreak;
  if (words) {
    for (let c = 0; c < 128; c++) {
      if (/[A-Za-z0-9_]/.test(String.fromCharCode(c))) table[c] = CharClass.Word;
    }
  }
  return table;
}

/** Word characters; ZWNJ and ZWJ join inside words (Persian, Indic scripts) rather than being invisible tokens. */
const WORD_CODE_POINT = /^[\p{L}\p{N}\p{M}_\u200c\u200d]$/u;
/**
 * Scripts whose words are not separated by spaces. Within a run of other word characters UAX #29 finds
 * no boundary, so only runs holding one of these need the segmenter.
 */
const UNSPACED_SCRIPT = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]$/u;
/** A fixed locale: the same text gives the same tokens on every machine. */
const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** Longer than any grapheme cluster text uses (a ZWJ family or a tag-sequence flag is under 16 units). */
const MAX_CLUSTER_UNITS = 64;
const SPACE_CODE_POINT = /^\s$/u;
/** Non-ASCII code points seen so far; text rarely uses more than a few hundred distinct ones. */
const nonAsciiClasses = new Map<number, CharClass>();

function classifyNonAscii(codePoint: number): CharClass {
  let charClass = nonAsciiClasses.get(codePoint);
  if (charClass === undefined) {
    const char = String.fromCodePoint(codePoint);
    charClass = WORD_CODE_POINT.test(char)
      ? UNSPACED_SCRIPT.test(char)
        ? CharClass.SegmentedWord
        : CharClass.Word
      : SPACE_CODE_POINT.test(char)
        ? CharClass.Space
        : CharClass.Symbol;
    nonAsciiClasses.set(codePoint, charClass);
  }
  return charClass;
}

/** Sends the word run [start, end), split by the word segmenter when it holds an unspaced script. */
function emitWordRun(text: string, start: number, end: number, segmented: boolean, sink: TokenRangeSink): void {
  if (!segmented) {
    sink.range(start, end);
    return;
  }
  for (const { index, segment } of wordSegmenter.segment(text.slice(start, end))) {
    sink.range(start + index, start + index + segment.length);
  }
}

/** The end of the grapheme cluster that starts at `start` (at most `end`). */
function clusterEnd(text: string, start: number, end: number): number {
  const first = graphemeSegmenter.segment(text.slice(start, Math.min(end, start + MAX_CLUSTER_UNITS)))[Symbol.iterator]().next();
  return start + (first.done === true ? 1 : first.value.segment.length);
}

function scanWords(text: string, end: number, sink: TokenRangeSink): void {
  let wordStart = -1;
  let wordSegmented = false;
  let lineHasTokens = false;
  let i = 0;
  while (i < end) {
    const code = text.charCodeAt(i);
    let width = 1;
    let charClass: CharClass;
    if (code < 128) {
      charClass = ASCII_WORDS[code] as CharClass;
    } else {
      // A surrogate pair cut by `end` counts as the lone high surrogate it leaves.
      const codePoint = i + 1 < end ? (text.codePointAt(i) as number) : code;
      if (codePoint > 0xffff) width = 2;
      charClass = classifyNonAscii(codePoint);
    }
    if (charClass === CharClass.Word || charClass === CharClass.SegmentedWord) {
      if (wordStart < 0) wordStart = i;
      if (charClass === CharClass.SegmentedWord) wordSegmented = true;
    } else {
      if (wordStart >= 0) {
        emitWordRun(text, wordStart, i, wordSegmented, sink);
        wordStart = -1;
        wordSegmented = false;
        lineHasTokens = true;
      }
      if (charClass === CharClass.Symbol) {
        // A symbol followed by anything beyond ASCII may be the start of a longer cluster (ZWJ, marks).
        if (i + width < end && text.charCodeAt(i + width) >= 128) width = clusterEnd(text, i, end) - i;
        sink.range(i, i + width);
        lineHasTokens = true;
      } else if (charClass === CharClass.LineBreak) {
        if (lineHasTokens && sink.endSentence() === false) return;
        lineHasTokens = false;
        if (code === CR && i + 1 < end && text.charCodeAt(i + 1) === LF) width = 2;
      }
    }
    i += width;
  }
  if (wordStart >= 0) {
    emitWordRun(text, wordStart, end, wordSegmented, sink);
    lineHasTokens = true;
  }
  if (lineHasTokens) sink.endSentence();
}

function scanWhitespace(text: string, end: number, sink: TokenRangeSink): void {
  let tokenStart = -1;
  let lineHasTokens = false;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const charClass = code < 128 ? (ASCII_WHITESPACE[code] as CharClass) : CharClass.Word;
    if (charClass === CharClass.Word) {
      if (tokenStart < 0) tokenStart = i;
      continue;
    }
    if (tokenStart >= 0) {
      sink.range(tokenStart, i);
      tokenStart = -1;
      lineHasTokens = true;
    }
    if (charClass === CharClass.LineBreak) {
      if (lineHasTokens && sink.endSentence() === false) return;
      lineHasTokens = false;
    }
  }
  if (tokenStart >= 0) {
    sink.range(tokenStart, end);
    lineHasTokens = true;
  }
  if (lineHasTokens) sink.endSentence();
}

/** Matches text that NFC could change: ASCII never changes, so most source files skip the normaliser. */
const BEYOND_ASCII = /[^\x00-\x7f]/;

/** The text as the tokenizer reads it: NFC for `words`, unchanged for `whitespace` (KenLM's input as it is). */
export function normalizeForTokenizer(tokenizer: TokenizerName, text: string): string {
  return tokenizer === 'words' && BEYOND_ASCII.test(text) ? text.normalize('NFC') : text;
}

/**
 * Streams the token ranges of `text` (its first `end` UTF-16 units) into `sink`, sentence by sentence.
 * The ranges are into `text` as given: pass it through `normalizeForTokenizer` first.
 */
export function scanTextRanges(tokenizer: TokenizerName, text: string, sink: TokenRangeSink, end = text.length): void {
  if (tokenizer === 'words') scanWords(text, end, sink);
  else scanWhitespace(text, end, sink);
}

/** Streams the tokens of `text` into `sink`, sentence by sentence. */
export function scanText(tokenizer: TokenizerName, text: string, sink: TokenSink): void {
  const normalized = normalizeForTokenizer(tokenizer, text);
  scanTextRanges(tokenizer, normalized, {
    range: (start, stop) => sink.token(markerLiteralAt(normalized, start, stop) ?? normalized.slice(start, stop)),
    endSentence: () => sink.endSentence(),
  });
}

/** The sentences of `text`: one token array per line that has tokens. */
export function tokenizeText(tokenizer: TokenizerName, text: string): string[][] {
  const sentences: string[][] = [];
  let current: string[] = [];
  scanText(tokenizer, text, {
    token: (token) => current.push(token),
    endSentence: () => {
      sentences.push(current);
      current = [];
    },
  });
  return sentences;
}

/** The tokens of one line (line breaks inside `line` are treated as ends of sentences and dropped). */
export function tokenizeLine(tokenizer: TokenizerName, line: string): string[] {
  const tokens: string[] = [];
  scanText(tokenizer, line, { token: (token) => tokens.push(token), endSentence: () => undefined });
  return tokens;
}

/**
 * The context for a prediction at a cursor: `<s>` followed by the tokens of the cursor's line before
 * `character` (a UTF-16 offset into `lineText`, as LSP positions count). The line is the sentence, so
 * at the start of a line the context is just `<s>`. A word the cursor is in the middle of counts
 * with the part before the cursor.
 */
export function contextBeforeCursor(tokenizer: TokenizerName, lineText: string, character: number): string[] {
  const end = Math.max(0, Math.min(character, lineText.length));
  const tokens = [BOS_TOKEN];
  scanText(tokenizer, lineText.slice(0, end), { token: (token) => tokens.push(token), endSentence: () => undefined });
  return tokens;
}
