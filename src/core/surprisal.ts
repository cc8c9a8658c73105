// The surprisal lens's maths: every token of a text scored as evaluation scores it (a line is a
// sentence `<s> w1 … wk </s>`, an unknown word as `<unk>`), with where it stands in the line and how
// the model ranked it among every word it could have predicted there.

import type { LongestMatchModel, LongestMatchReader } from './longestMatch';
import type { MixtureModel } from './mixture';
import { encodeSentences, type NgramModel } from './model';
import { markerLiteralAt, normalizeForTokenizer, tokenizeLine } from './tokenizer';
import type { TokenizerName } from './types';
import { BOS_TOKEN, EOS_TOKEN } from './vocabulary';

/** One scored token of a line. `</s>` (the line's end) is the last, with start = end = the line's length. */
export interface TokenSurprisal {
  /** UTF-16 offsets into the line as given. */
  readonly start: number;
  readonly end: number;
  /** log10 P(token | the words before it on its line); −Infinity when the estimator gives it nothing. */
  readonly log10Prob: number;
  /** The n-gram length that answered (1 for an unknown word). */
  readonly ngramLength: number;
  readonly inVocabulary: boolean;
  /** 1 + the number of words the model found strictly likelier in this context. */
  readonly rank: number;
}

export type LineSurprisal = readonly TokenSurprisal[];

/**
 * Scores each line as a sentence (a blank line has no tokens). Lines are independent, so a caller
 * may keep the result of a line for as long as the model does not change.
 */
export function scoreLines(model: NgramModel, lines: readonly string[]): LineSurprisal[] {
  return lines.map((line) => scoreLine(model, line));
}

function scoreLine(model: NgramModel, line: string): LineSurprisal {
  const ranges: number[] = [];
  const sentences = model.encodeForScoring(line, ranges);
  if (sentences.length === 0) return [];
  const toOriginal = offsetMap(line, normalizeForTokenizer(model.tokenizer, line));
  const tokens: TokenSurprisal[] = [];
  model.scoreSentences(
    sentences,
    (index, _word, log10Prob, ngramLength, inVocabulary, likelier) => {
      const word = 2 * index < ranges.length;
      const start = word ? toOriginal(ranges[2 * index]) : line.length;
      const end = word ? toOriginal(ranges[2 * index + 1]) : line.length;
      tokens.push({ start, end, log10Prob, ngramLength, inVocabulary, rank: likelier + 1 });
    },
    { ranks: true },
  );
  return tokens;
}

/**
 * For each line of a document from `from` to `to` (excluded), the tokens before it as an estimator
 * that reads across lines sees them (the last `maxContext`): `<s>` at the document's start, then
 * every earlier line's tokens and its `</s>` (a blank line has none), as eval's accuracy walk reads a
 * text. Only the lines before `from` that the first context reaches are read. `wordsOf` reads a
 * line's words (`tokenizeLine`; a caller may keep them per line).
 */
export function contextsBeforeLines(
  tokenizer: TokenizerName,
  lines: readonly string[],
  maxContext: number,
  wordsOf: (line: string) => readonly string[] = (line) => tokenizeLine(tokenizer, line),
  from = 0,
  to = lines.length,
): string[][] {
  let first = from;
  for (let reached = 0; first > 0 && reached < maxContext; ) {
    const words = wordsOf(lines[--first]).length;
    if (words > 0) reached += words + 1;
  }
  let running = first === 0 ? [BOS_TOKEN] : [];
  const contexts: string[][] = [];
  for (let line = first; line < to; line++) {
    if (line >= from) contexts.push(running.slice(Math.max(0, running.length - maxContext)));
    const words = wordsOf(lines[line]);
    if (words.length > 0) {
      running.push(...words, EOS_TOKEN);
      if (running.length > 2 * maxContext) running = running.slice(running.length - maxContext);
    }
  }
  return contexts;
}

/**
 * Scores a line with the longest-match estimator, each token after `before` (see
 * `contextsBeforeLines`) and the line's tokens before it; ranked as the estimator ranks every word.
 * `reader` reads the tokens on from `before` (a caller scoring the next line passes the one that
 * read this line, which has read on to that line's `before`).
 */
export function scoreLineAfter(model: LongestMatchModel, line: string, before: readonly string[], reader: LongestMatchReader = model.reader(before)): LineSurprisal {
  return scoreTokensAfter(model.ngram.tokenizer, line, before, (_context, word) => {
    const { answer } = reader;
    const { probability, log10Prob, ngramLength, inVocabulary } = model.scoreWith(answer, word);
    const rank = model.countLikelier(answer, probability) + 1;
    reader.push(word);
    return { log10Prob, ngramLength, inVocabulary, rank };
  });
}

/**
 * Scores a line with the mixture of a base model and the workspace's model, each token after `before`
 * (`[<s>]` for the n-gram estimators, `contextsBeforeLines` for longest match) and the line's tokens
 * before it; ranked among every word of the union vocabulary (O(|V|) per token).
 */
export function scoreLineMixed(model: MixtureModel, line: string, before: readonly string[]): LineSurprisal {
  return scoreTokensAfter(model.tokenizer, line, before, (context, word) => {
    const { probability, log10Prob, ngramLength, inVocabulary } = model.score(context, word);
    return { log10Prob, ngramLength, inVocabulary, rank: model.countLikelier(context, probability) + 1 };
  });
}

/** Each token of the line (then its `</s>`) scored by `score` after `before` and the line's tokens before it. */
function scoreTokensAfter(
  tokenizer: TokenizerName,
  line: string,
  before: readonly string[],
  score: (context: readonly string[], word: string) => Omit<TokenSurprisal, 'start' | 'end'>,
): LineSurprisal {
  const ranges: number[] = [];
  if (encodeSentences(tokenizer, line, () => 0, (start, end) => ranges.push(start, end)).length === 0) return [];
  const normalized = normalizeForTokenizer(tokenizer, line);
  const toOriginal = offsetMap(line, normalized);
  const context = [...before];
  const tokens: TokenSurprisal[] = [];
  const words = ranges.length / 2;
  for (let i = 0; i <= words; i++) {
    const word = i < words ? (markerLiteralAt(normalized, ranges[2 * i], ranges[2 * i + 1]) ?? normalized.slice(ranges[2 * i], ranges[2 * i + 1])) : EOS_TOKEN;
    const start = i < words ? toOriginal(ranges[2 * i]) : line.length;
    const end = i < words ? toOriginal(ranges[2 * i + 1]) : line.length;
    const { log10Prob, ngramLength, inVocabulary, rank } = score(context, word);
    // One shape for every token object (a spread's objects would not share it with scoreLine's).
    tokens.push({ start, end, log10Prob, ngramLength, inVocabulary, rank });
    context.push(word);
  }
  return tokens;
}

/**
 * Maps an offset into the tokenizer's (NFC) form of a line back to the line as given. NFC changes
 * only runs of a starter and its combining marks, so the line is normalised run by run.
 */
function offsetMap(line: string, normalized: string): (offset: number) => number {
  if (normalized === line) return (offset) => offset;
  const normalizedStarts: number[] = [0];
  const originalStarts: number[] = [0];
  for (const run of line.match(/\P{M}\p{M}*|\p{M}+/gu) ?? []) {
    normalizedStarts.push(normalizedStarts[normalizedStarts.length - 1] + run.normalize('NFC').length);
    originalStarts.push(originalStarts[originalStarts.length - 1] + run.length);
  }
  return (offset) => {
    let low = 0;
    let high = normalizedStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (normalizedStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return Math.min(line.length, originalStarts[low] + (offset - normalizedStarts[low]));
  };
}
