// Evidence for a prediction: the places in the learned text where the context that answered was
// followed by the word, read from the TokenIndex, and where such a place is in its text.

import type { LongestMatchModel } from './longestMatch';
import type { NgramModel } from './model';
import type { TokenIndex } from './tokenIndex';
import { scanTextRanges } from './tokenizer';
import type { TokenizerName } from './types';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN } from './vocabulary';

/** Occurrences listed at most, by default (the total is always exact). */
export const EVIDENCE_LIMIT = 50;

/** One place: the document and the index, in its encoded sentences, of the first word of context·word. */
export interface EvidencePlace {
  readonly key: string;
  readonly offset: number;
}

export interface Evidence {
  /** The n-gram that answered, context then word (`<s>` = a line start, `</s>` = a line break). */
  readonly ngram: readonly string[];
  /** How often it occurs in the learned text: the count the prediction came from. */
  readonly total: number;
  /** The first `limit` places, in document order (keys ascending, then offsets). */
  readonly places: readonly EvidencePlace[];
}

/** Where one token is in a text: 1-based line and column (UTF-16 units), and the line's text. */
export interface TextLocation {
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

/**
 * Where context·word occurs. `lineStart`: the pattern's first token is the n-gram model's `<s>`,
 * which stands for any line start — a document's start (`<s>` in the index) or a line break before
 * it (`</s>`) — so both are counted. Offsets name the first token of the pattern that is a word (a
 * line start or break is not a place in the text), or its last token when none is.
 */
export function findEvidence(index: TokenIndex, pattern: Int32Array, lineStart: boolean, limit = EVIDENCE_LIMIT): { total: number; places: EvidencePlace[] } {
  let firstWord = 0;
  while (firstWord < pattern.length - 1 && (pattern[firstWord] === BOS || pattern[firstWord] === EOS)) firstWord++;
  const variants = lineStart && pattern[0] === BOS ? [pattern, Int32Array.from(pattern, (id, i) => (i === 0 ? EOS : id))] : [pattern];
  let total = 0;
  const places: EvidencePlace[] = [];
  for (const variant of variants) {
    const found = index.occurrences(variant, limit);
    total += found.total;
    for (const { key, offset } of found.occurrences) places.push({ key, offset: offset + firstWord });
  }
  places.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.offset - b.offset));
  return { total, places: places.slice(0, limit) };
}

/**
 * The evidence for `word` after `context` (tokens across lines, as the longest-match estimator
 * takes them): the n-gram that answered — the index's match when the longest-match estimator gave
 * it weight and the word follows it, else the n-gram model's answering n-gram within the line.
 */
export function evidenceFor(model: LongestMatchModel | NgramModel, index: TokenIndex, context: readonly string[], word: string, limit = EVIDENCE_LIMIT): Evidence {
  const ngram = 'ngram' in model ? model.ngram : model;
  const vocabulary = ngram.vocabulary;
  const wordId = word === EOS_TOKEN ? EOS : vocabulary.idOf(word);
  if ('ngram' in model) {
    const answer = model.answer(context);
    const { match } = answer;
    if (answer.lambda > 0 && match.words.includes(wordId)) {
      const pattern = Int32Array.from([...answer.contextIds.subarray(answer.contextIds.length - match.length), wordId]);
      return { ngram: Array.from(pattern, (id) => vocabulary.word(id)), ...findEvidence(index, pattern, false, limit) };
    }
    return ngramEvidence(ngram, index, answer.lineContext, word, wordId, limit);
  }
  return ngramEvidence(ngram, index, context, word, wordId, limit);
}

/** The n-gram model's answering n-gram for `word` after a line context, and where it occurs. */
function ngramEvidence(ngram: NgramModel, index: TokenIndex, lineContext: readonly string[], word: string, wordId: number, limit: number): Evidence {
  const { ngramLength } = ngram.score(lineContext, word);
  const used = lineContext.slice(Math.max(0, lineContext.length - (ngramLength - 1)));
  const ids = used.map((token) => (token === BOS_TOKEN ? BOS : ngram.vocabulary.idOf(token)));
  const pattern = Int32Array.from([...ids, wordId]);
  return { ngram: [...used, word], ...findEvidence(index, pattern, true, limit) };
}

/**
 * Where the tokens at `offsets` of `text`'s encoded sentences are (as `NgramModel.encodeText` numbers
 * them: words, and `</s>` at the end of each line with tokens), in the order given; undefined past the
 * end. A `</s>` is placed just after its line's last token. One scan of the text for all of them: a
 * word met thousands of times in a big file lists its places without reading the file once per place.
 */
export function locateTokens(tokenizer: TokenizerName, text: string, offsets: readonly number[]): (TextLocation | undefined)[] {
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
  const found = new Array<number>(offsets.length).fill(-1);
  let next = 0;
  let index = 0;
  let lastEnd = 0;
  const reach = (position: number): void => {
    while (next < order.length && offsets[order[next]] === index) found[order[next++]] = position;
    index++;
  };
  scanTextRanges(tokenizer, text, {
    range: (start, end) => {
      reach(start);
      lastEnd = end;
    },
    endSentence: () => reach(lastEnd),
  });
  // Lines counted as the text is walked once, in the order of the places found (`\r\n`, `\r`, `\n` end a line).
  const locations = new Array<TextLocation | undefined>(offsets.length);
  let line = 1;
  let lineStart = 0;
  let walked = 0;
  for (const i of order) {
    const position = found[i];
    if (position < 0) continue;
    for (; walked < position; walked++) {
      const c = text.charCodeAt(walked);
      if (c === 0x0a || (c === 0x0d && text.charCodeAt(walked + 1) !== 0x0a)) {
        line++;
        lineStart = walked + 1;
      }
    }
    let lineEnd = position;
    while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    locations[i] = { line, column: position - lineStart + 1, text: text.slice(lineStart, lineEnd) };
  }
  return locations;
}
