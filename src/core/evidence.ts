// Evidence for a prediction: the places in the learned text where the context that answered was
// followed by the word, read from the TokenIndex, and where such a place is in its text. The server's
// `nextWordLab/evidence` and the command line's `predict --why` both answer with these.

import type { LongestMatchModel } from './longestMatch';
import type { NgramModel } from './model';
import type { TokenIndex } from './tokenIndex';
import { markerLiteralAt, normalizeForTokenizer, scanTextRanges } from './tokenizer';
import type { TokenizerName } from './types';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN, UNK, type Vocabulary } from './vocabulary';

/** Occurrences listed at most, by default (the total is always exact). */
export const EVIDENCE_LIMIT = 50;

/** One place: the document and the index, in its encoded sentences, of the first word of context·word. */
export interface EvidencePlace {
  readonly key: string;
  readonly offset: number;
}

/** The n-gram that answered for a word after a context, with its counts. */
export interface AnsweringNgram {
  /** Context then word (`<s>` = a line start, `</s>` = a line break). */
  readonly ngram: readonly string[];
  /** c(context · word) and c(context) as the estimator counted them at the length that answered. */
  readonly count: number;
  readonly contextCount: number;
}

export interface Evidence extends AnsweringNgram {
  /** How often the n-gram occurs in the learned text (equal to `count`: both are exact). */
  readonly total: number;
  /** The first `limit` places, in document order (keys ascending, then offsets). */
  readonly places: readonly EvidencePlace[];
  /** The ids every place holds from its offset on (the n-gram without a leading line start or break). */
  readonly placeIds: Int32Array;
}

/** What to look for in the index: the n-gram's ids, whether a leading `<s>` is any line start, documents that are no evidence. */
interface Search {
  readonly pattern: Int32Array;
  readonly lineStart: boolean;
  readonly leftOut: ReadonlySet<string> | undefined;
}

export interface EvidenceOptions {
  readonly limit?: number;
  /**
   * Documents the n-gram model's counts do not hold (not counted yet, or left out of the model that
   * answered): their places are not evidence for an n-gram answer. An answer of the index leaves out
   * what its estimator left out (`LongestMatchModel.leftOut`).
   */
  readonly notCounted?: ReadonlySet<string>;
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
function findEvidence(index: TokenIndex, { pattern, lineStart, leftOut }: Search, limit: number): Pick<Evidence, 'total' | 'places' | 'placeIds'> {
  let firstWord = 0;
  while (firstWord < pattern.length - 1 && (pattern[firstWord] === BOS || pattern[firstWord] === EOS)) firstWord++;
  const variants = lineStart && pattern[0] === BOS ? [pattern, Int32Array.from(pattern, (id, i) => (i === 0 ? EOS : id))] : [pattern];
  let total = 0;
  const places: EvidencePlace[] = [];
  for (const variant of variants) {
    const found = index.occurrences(variant, limit, leftOut);
    total += found.total;
    for (const { key, offset } of found.occurrences) places.push({ key, offset: offset + firstWord });
  }
  places.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.offset - b.offset));
  return { total, places: places.slice(0, limit), placeIds: pattern.slice(firstWord) };
}

/** The evidence for `word` after `context`: the n-gram that answered (see `answeringNgram`) and where it occurs. */
export function evidenceFor(model: LongestMatchModel | NgramModel, index: TokenIndex, context: readonly string[], word: string, options: EvidenceOptions = {}): Evidence {
  const { search, ...answering } = answeringSearch(model, context, word, options.notCounted);
  if (search === null) return { ...answering, total: 0, places: [], placeIds: new Int32Array(0) };
  return { ...answering, ...findEvidence(index, search, options.limit ?? EVIDENCE_LIMIT) };
}

/**
 * The n-gram that answered for `word` after `context` (tokens across lines, as the longest-match
 * estimator takes them): the index's match when the longest-match estimator gave it weight and the
 * word follows it, else the n-gram model's answering n-gram within the line.
 */
export function answeringNgram(model: LongestMatchModel | NgramModel, context: readonly string[], word: string): AnsweringNgram {
  const { ngram, count, contextCount } = answeringSearch(model, context, word, undefined);
  return { ngram, count, contextCount };
}

function answeringSearch(model: LongestMatchModel | NgramModel, context: readonly string[], word: string, notCounted: ReadonlySet<string> | undefined): AnsweringNgram & { search: Search | null } {
  const ngram = 'ngram' in model ? model.ngram : model;
  const vocabulary = ngram.vocabulary;
  const wordId = word === EOS_TOKEN ? EOS : vocabulary.idOf(word);
  if (!('ngram' in model)) return ngramAnswer(ngram, context, word, wordId, notCounted);
  const answer = model.answer(context);
  const { match } = answer;
  const at = answer.lambda > 0 && wordId !== UNK ? match.words.indexOf(wordId) : -1;
  if (at < 0) return ngramAnswer(ngram, answer.lineContext, word, wordId, notCounted);
  const pattern = Int32Array.from([...answer.contextIds.subarray(answer.contextIds.length - match.length), wordId]);
  return {
    ngram: Array.from(pattern, (id) => vocabulary.word(id)),
    count: match.counts[at],
    contextCount: match.count,
    search: { pattern, lineStart: false, leftOut: model.leftOut === undefined ? undefined : new Set([model.leftOut]) },
  };
}

/** The n-gram model's answering n-gram for `word` after a line context. */
function ngramAnswer(ngram: NgramModel, lineContext: readonly string[], word: string, wordId: number, notCounted: ReadonlySet<string> | undefined): AnsweringNgram & { search: Search | null } {
  const { count, contextCount, order } = ngram.answering(lineContext, word);
  const used = ngram.usedContext(lineContext);
  const answering = [...used.slice(used.length - (order - 1)), word];
  // An unseen word, or `<s>` (never a next word: its count as a unigram is the line starts'): nothing to find.
  if (count === 0 || wordId === UNK || wordId === BOS) return { ngram: answering, count: 0, contextCount, search: null };
  const pattern = Int32Array.from(answering, (token, i) => (i === answering.length - 1 ? wordId : token === BOS_TOKEN ? BOS : token === EOS_TOKEN ? EOS : ngram.vocabulary.idOf(token)));
  return { ngram: answering, count, contextCount, search: { pattern, lineStart: true, leftOut: notCounted } };
}

/** A place to find in a text: the offset of its first token in the text's encoded sentences, and the ids learned from there. */
export interface TokenSpan {
  readonly offset: number;
  readonly ids: ArrayLike<number>;
}

/**
 * Where each span of `text`'s encoded sentences is (as `NgramModel.encodeText` numbers them: words,
 * and `</s>` at the end of each line with tokens): the line and column of its first token (a `</s>`
 * is placed just after its line's last token) and the line's text. Undefined when the text no longer
 * holds the span's ids there (it changed since it was learned): nothing is listed that the model did
 * not learn.
 */
export function locateSpans(tokenizer: TokenizerName, vocabulary: Vocabulary, text: string, spans: readonly TokenSpan[]): (TextLocation | undefined)[] {
  return new LocatableText(tokenizer, text).locate(vocabulary, spans);
}

/** Where a text's lines start, and which token of its encoded sentences each line's first one is. */
interface LineTable {
  /** Offsets in the text, and in its normalised form, where each line starts (`\r\n`, `\r`, `\n` end a line). */
  readonly starts: Int32Array;
  readonly normalizedStarts: Int32Array;
  /** The index of each line's first token (a line without tokens: the next line's). */
  readonly firstTokens: Int32Array;
}

/**
 * A learned text to locate spans in. Its first `locate` reads it whole once, to number each line's
 * first token; every span after that is found by reading only its own lines, so a text kept for the
 * next requests (the server keeps a file's) answers them without reading it again. Spans whose lines
 * meet are read in one scan: a word met thousands of times in one big file lists its places in one
 * reading of it.
 */
export class LocatableText {
  private readonly normalized: string;
  private lines: LineTable | undefined;

  constructor(
    private readonly tokenizer: TokenizerName,
    readonly text: string,
  ) {
    this.normalized = normalizeForTokenizer(tokenizer, text);
  }

  locate(vocabulary: Vocabulary, spans: readonly TokenSpan[]): (TextLocation | undefined)[] {
    const lines = (this.lines ??= this.lineTable());
    const locations = new Array<TextLocation | undefined>(spans.length).fill(undefined);
    const order = spans.map((_, i) => i).sort((a, b) => spans[a].offset - spans[b].offset);
    const spanEnd = (i: number): number => spans[i].offset + spans[i].ids.length;
    for (let first = 0; first < order.length; ) {
      let end = spanEnd(order[first]);
      let last = first + 1;
      while (last < order.length && lineOf(lines.firstTokens, spans[order[last]].offset) <= lineOf(lines.firstTokens, end - 1) + 1) end = Math.max(end, spanEnd(order[last++]));
      this.scan(vocabulary, lines, order.slice(first, last), spans, locations);
      first = last;
    }
    return locations;
  }

  /** One scan for `cluster` (indexes of `spans` in order of their offsets), from the line of the first. */
  private scan(vocabulary: Vocabulary, lines: LineTable, cluster: readonly number[], spans: readonly TokenSpan[], locations: (TextLocation | undefined)[]): void {
    const normalized = this.normalized;
    const firstLine = lineOf(lines.firstTokens, spans[cluster[0]].offset);
    const from = lines.normalizedStarts[firstLine];
    const spansEnd = cluster.reduce((last, i) => Math.max(last, spans[i].offset + spans[i].ids.length), 0);
    const found = new Int32Array(cluster.length).fill(-1);
    const holds = new Uint8Array(cluster.length).fill(1);
    // Spans that have started and not ended: cluster[active .. next).
    let active = 0;
    let next = 0;
    let index = lines.firstTokens[firstLine];
    let lastEnd = from;
    const reach = (position: number, id: () => number): void => {
      while (next < cluster.length && spans[cluster[next]].offset === index) found[next++] = position;
      while (active < next && spans[cluster[active]].offset + spans[cluster[active]].ids.length <= index) active++;
      if (active < next) {
        const tokenId = id();
        for (let k = active; k < next; k++) {
          const span = spans[cluster[k]];
          const at = index - span.offset;
          if (at < span.ids.length && span.ids[at] !== tokenId) holds[k] = 0;
        }
      }
      index++;
    };
    scanTextRanges(this.tokenizer, normalized.slice(from), {
      range: (start, end) => {
        reach(from + start, () => {
          const literal = markerLiteralAt(normalized, from + start, from + end);
          return literal === undefined ? vocabulary.idOfRange(normalized, from + start, from + end) : vocabulary.idOf(literal);
        });
        lastEnd = from + end;
      },
      endSentence: () => {
        reach(lastEnd, () => EOS);
        return index < spansEnd;
      },
    });
    cluster.forEach((i, k) => {
      // A span running past the text's end never met all its ids.
      if (found[k] < 0 || holds[k] === 0 || spans[i].offset + spans[i].ids.length > index) return;
      // Normalisation never moves a line break: the line is the same in the text as written.
      const line = lineOf(lines.normalizedStarts, found[k]);
      const lineText = this.lineText(lines, line);
      const column = found[k] - lines.normalizedStarts[line];
      locations[i] = { line: line + 1, column: (normalized === this.text ? column : originalColumn(this.tokenizer, lineText, column)) + 1, text: lineText };
    });
  }

  private lineTable(): LineTable {
    const normalizedStarts = lineStarts(this.normalized);
    const starts = this.normalized === this.text ? normalizedStarts : lineStarts(this.text);
    const firstTokens = new Int32Array(normalizedStarts.length);
    let line = 0;
    let index = 0;
    scanTextRanges(this.tokenizer, this.normalized, {
      range: (start) => {
        while (line + 1 < normalizedStarts.length && normalizedStarts[line + 1] <= start) firstTokens[++line] = index;
        index++;
      },
      endSentence: () => {
        index++;
      },
    });
    while (line + 1 < normalizedStarts.length) firstTokens[++line] = index;
    return { starts, normalizedStarts, firstTokens };
  }

  private lineText(lines: LineTable, line: number): string {
    const start = lines.starts[line];
    let end = start;
    while (end < this.text.length && this.text[end] !== '\n' && this.text[end] !== '\r') end++;
    return this.text.slice(start, end);
  }
}

/** Where each line of `text` starts: `\r\n`, `\r` and `\n` end a line, as the tokenizer reads them. */
function lineStarts(text: string): Int32Array {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
  }
  return Int32Array.from(starts);
}

/** The last line whose start (in `starts`, ascending) is at most `position`. */
function lineOf(starts: Int32Array, position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The offset in `line` whose normalised prefix is `normalizedOffset` long (code point by code point). */
function originalColumn(tokenizer: TokenizerName, line: string, normalizedOffset: number): number {
  let offset = 0;
  while (offset < line.length && normalizeForTokenizer(tokenizer, line.slice(0, offset)).length < normalizedOffset) {
    offset += line.codePointAt(offset)! > 0xffff ? 2 : 1;
  }
  return offset;
}
