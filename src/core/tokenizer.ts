// Text → tokens. A line is a sentence (lines end at \n, \r\n or \r, as in an editor); a line without
// tokens is not a sentence. Both tokenizers are single-pass scanners over the whole text that hand
// out one string per token, with no per-line arrays or regular expressions on the ASCII fast path,
// because the server tokenizes whole workspaces.
//
// `words` — a run of letters, digits, combining marks and `_` (`[\p{L}\p{N}\p{M}_]+`) is one token;
// every other character that is not white space is a token of its own (one code point):
//   `total += items[i].price;`  →  total  +  =  items  [  i  ]  .  price  ;
//   `naïve café_au_lait → 42€`  →  naïve  café_au_lait  →  42  €
//   `x=="déjà vu"`              →  x  =  =  "  déjà  vu  "
// `whitespace` — split on runs of spaces and tabs only (KenLM's convention for text that is already
// tokenized): `a  b\tc+d` → a  b  c+d

import type { TokenizerName } from './types';
import { BOS_TOKEN } from './vocabulary';

/** Receives each token, and the end of every line that produced at least one token. */
export interface TokenSink {
  token(text: string): void;
  endSentence(): void;
}

/** Like TokenSink, with each token as its [start, end) range in the text (no string made). */
export interface TokenRangeSink {
  range(start: number, end: number): void;
  endSentence(): void;
}

const enum CharClass {
  Space,
  Word,
  Symbol,
  LineBreak,
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

const WORD_CODE_POINT = /^[\p{L}\p{N}\p{M}_]$/u;
const SPACE_CODE_POINT = /^\s$/u;
/** Non-ASCII code points seen so far; text rarely uses more than a few hundred distinct ones. */
const nonAsciiClasses = new Map<number, CharClass>();

function classifyNonAscii(codePoint: number): CharClass {
  let charClass = nonAsciiClasses.get(codePoint);
  if (charClass === undefined) {
    const char = String.fromCodePoint(codePoint);
    charClass = WORD_CODE_POINT.test(char) ? CharClass.Word : SPACE_CODE_POINT.test(char) ? CharClass.Space : CharClass.Symbol;
    nonAsciiClasses.set(codePoint, charClass);
  }
  return charClass;
}

function scanWords(text: string, end: number, sink: TokenRangeSink): void {
  let wordStart = -1;
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
    if (charClass === CharClass.Word) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (wordStart >= 0) {
        sink.range(wordStart, i);
        wordStart = -1;
        lineHasTokens = true;
      }
      if (charClass === CharClass.Symbol) {
        sink.range(i, i + width);
        lineHasTokens = true;
      } else if (charClass === CharClass.LineBreak) {
        if (lineHasTokens) sink.endSentence();
        lineHasTokens = false;
        if (code === CR && i + 1 < end && text.charCodeAt(i + 1) === LF) width = 2;
      }
    }
    i += width;
  }
  if (wordStart >= 0) {
    sink.range(wordStart, end);
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
      if (lineHasTokens) sink.endSentence();
      lineHasTokens = false;
    }
  }
  if (tokenStart >= 0) {
    sink.range(tokenStart, end);
    lineHasTokens = true;
  }
  if (lineHasTokens) sink.endSentence();
}

/** Streams the token ranges of `text` (its first `end` UTF-16 units) into `sink`, sentence by sentence. */
export function scanTextRanges(tokenizer: TokenizerName, text: string, sink: TokenRangeSink, end = text.length): void {
  if (tokenizer === 'words') scanWords(text, end, sink);
  else scanWhitespace(text, end, sink);
}

/** Streams the tokens of `text` (its first `end` UTF-16 units) into `sink`, sentence by sentence. */
export function scanText(tokenizer: TokenizerName, text: string, sink: TokenSink, end = text.length): void {
  scanTextRanges(tokenizer, text, { range: (start, stop) => sink.token(text.slice(start, stop)), endSentence: () => sink.endSentence() }, end);
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
  scanText(tokenizer, lineText, { token: (token) => tokens.push(token), endSentence: () => undefined }, end);
  return tokens;
}
