// The longest-match estimator (an "∞-gram", Liu et al. 2024, "Infini-gram: Scaling Unbounded n-gram
// Language Models to a Trillion Tokens"): the next word's distribution read from the longest suffix
// of the context that the workspace holds followed by something, however long, across lines,
// interpolated with the n-gram model's Kneser-Ney distribution so every word keeps a probability:
//
//   m = the longest suffix h_m of the context with n = Σ_w c(h_m w) > 0 (counted in the TokenIndex)
//   if m < minLength:  P(w | h) = P_KN(w | line context)                    (the n-gram model alone)
//   else:              P(w | h) = λ · c(h_m w) / n + (1 − λ) · P_KN(w | line context)
//                      λ = n / (n + β · u),  u = the distinct words that follow h_m
//
// λ is Witten-Bell's weight with a tunable β: a context seen often with few different followers is
// trusted, one followed by something new nearly every time is not. minLength, β and the context bound
// were chosen on held-out text (docs/engine.md). P_KN sums to 1 and λ + (1 − λ) = 1, so P does.

import type { EstimatorExplanation, ProbabilityRuns, RunDistribution, WordScore } from './model';
import { NgramModel } from './model';
import { summarizeRuns, topOfRuns } from './runs';
import type { IndexMatch, TokenIndex } from './tokenIndex';
import { scanText } from './tokenizer';
import type { Candidate, TokenizerName } from './types';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN, UNK } from './vocabulary';

export interface LongestMatchOptions {
  /** Context tokens looked at, at most (the rest is too far back to match). */
  readonly maxContext: number;
  /** The shortest match the index answers; shorter ones are the n-gram model's (which sees them too). */
  readonly minLength: number;
  /** β of λ = n / (n + β·u). */
  readonly beta: number;
}

/** Chosen by held-out measurement on the reference corpus (docs/engine.md, "Longest match"). */
export const DEFAULT_LONGEST_MATCH: LongestMatchOptions = { maxContext: 64, minLength: 3, beta: 1 };

/** The longest match behind one prediction. */
export interface LongestMatchAnswer {
  /** The context's ids (last `maxContext` tokens; `<unk>` for unknown words). */
  readonly contextIds: Int32Array;
  /** The n-gram model's context: the line's tokens, `<s>` first when the line starts in the context. */
  readonly lineContext: string[];
  readonly match: IndexMatch;
  /** The weight of the match's relative frequencies (0: the n-gram model answers alone). */
  readonly lambda: number;
}

/** How the longest-match estimator reaches P(word | context): the match, its weight and the Kneser-Ney part. */
export interface LongestMatchExplanation {
  /** The match's tokens: the longest suffix of the context the workspace holds followed by something (m of them). */
  readonly matchedContext: readonly string[];
  /** n: how often the match occurs followed by a token. */
  readonly contextCount: number;
  /** u: how many different tokens follow it. */
  readonly followers: number;
  /** The shortest match the index answers (shorter: λ = 0, the n-gram model alone). */
  readonly minLength: number;
  readonly beta: number;
  /** λ = n / (n + β·u), or 0 when the match is shorter than `minLength`. */
  readonly lambda: number;
  /** The Kneser-Ney part, over the cursor line's context (its own level-by-level arithmetic). */
  readonly kneserNey: EstimatorExplanation;
  readonly words: readonly {
    readonly word: string;
    /** c(match · word): how often the match is followed by the word. */
    readonly count: number;
    /** λ · count / n + (1 − λ) · P_KN(word). */
    readonly probability: number;
  }[];
  /** Σ over the vocabulary: 1 up to rounding. */
  readonly total: number;
}

/** `RunDistribution` plus the length of the context that answered. */
export interface LongestMatchRuns extends RunDistribution {
  /** Tokens of context that answered: the index's match, or the n-gram model's matched context. */
  readonly answeringLength: number;
}

/** A context read on a token at a time (`LongestMatchModel.reader`). */
export interface LongestMatchReader {
  /** The answer for the context read so far. */
  readonly answer: LongestMatchAnswer;
  /** Reads one more token of the context (a word, or `</s>` at a line's end). */
  push(word: string): void;
}

/** The k likeliest words after a context, the answer and the whole distribution they were read from. */
export interface LongestMatchRanking {
  readonly answer: LongestMatchAnswer;
  readonly answeringLength: number;
  readonly candidates: Candidate[];
  readonly distribution: LongestMatchRuns;
}

/**
 * The tokens before a cursor across lines, as the longest-match estimator reads them: every line
 * that has tokens ends with `</s>` (the cursor's line, before the cursor, does not). `text` starts at
 * the start of a line: `<s>` comes first when that is the start of the document, otherwise `</s>`
 * (a line before it ended there), so the n-gram part still reads the first line as a line (`<s>` and
 * its words) and a cursor at the start of a line is not read as the middle of one (where every
 * word's unigram share, and `</s>` first of all, would answer). A literal `<s>` in the text is the
 * word `\<s>`, as in the encoded documents (tokenizer.ts).
 */
export function contextAcrossLines(tokenizer: TokenizerName, text: string, atDocumentStart: boolean): string[] {
  const tokens: string[] = [atDocumentStart ? BOS_TOKEN : EOS_TOKEN];
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  const sink = (sentences: boolean) => ({
    token: (token: string) => tokens.push(token),
    endSentence: () => {
      if (sentences && tokens[tokens.length - 1] !== EOS_TOKEN && tokens[tokens.length - 1] !== BOS_TOKEN) tokens.push(EOS_TOKEN);
    },
  });
  scanText(tokenizer, text.slice(0, lastBreak + 1), sink(true));
  scanText(tokenizer, text.slice(lastBreak + 1), sink(false));
  return tokens;
}

/** The n-gram model's context within `context`: the tokens after the last `</s>`, `<s>` first when the line's start is in it. */
export function lineContextOf(context: readonly string[]): string[] {
  const lineStart = context.lastIndexOf(EOS_TOKEN);
  if (lineStart >= 0) return [BOS_TOKEN, ...context.slice(lineStart + 1)];
  return context[0] === BOS_TOKEN ? [...context] : context.slice();
}

// A double's bits as two 32-bit halves (without BigInt, which allocates at every step).
const bitsValue = new Float64Array(1);
const halves = new Uint32Array(bitsValue.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/** The next double above a non-negative `x`. */
function nextUp(x: number): number {
  bitsValue[0] = x;
  if (halves[LOW] === 0xffffffff) {
    halves[LOW] = 0;
    halves[HIGH]++;
  } else halves[LOW]++;
  return bitsValue[0];
}

/** The next double below a positive `x`. */
function nextDown(x: number): number {
  bitsValue[0] = x;
  if (halves[LOW] === 0) {
    halves[LOW] = 0xffffffff;
    halves[HIGH]--;
  } else halves[LOW]--;
  return bitsValue[0];
}

/** The index of `word` in ids (ascending), or −1. */
function findSorted(ids: Int32Array, word: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle] < word) low = middle + 1;
    else high = middle;
  }
  return low < ids.length && ids[low] === word ? low : -1;
}

/** Matches with more continuations than this are ranked off the runs (`rank`). */
const SEARCHED_CONTINUATIONS = 64;

/** Matches with this many continuations keep their n-gram probabilities (`continuationsUnder`), for so many n-gram contexts each. */
const KEPT_CONTINUATIONS = 64;
const KEPT_CONTEXTS = 16;

export class LongestMatchModel {
  /** By the index's continuation array (kept while the index keeps it), then by the n-gram context used. */
  private readonly continuationProbabilities = new WeakMap<Int32Array, Map<string, Float64Array>>();

  constructor(
    /** The Kneser-Ney model it interpolates with (its estimator is used as it is). */
    readonly ngram: NgramModel,
    readonly index: TokenIndex,
    readonly options: LongestMatchOptions = DEFAULT_LONGEST_MATCH,
    /** A document of the index to answer without, as if it had been deleted (with `ngram` not counting it either). */
    readonly leftOut?: string,
  ) {}

  /** Generation's loop proof: a choice depends on the last `maxContext` tokens, across lines. */
  get order(): number {
    return this.options.maxContext + 1;
  }

  get vocabulary(): NgramModel['vocabulary'] {
    return this.ngram.vocabulary;
  }

  get tokenizer(): NgramModel['tokenizer'] {
    return this.ngram.tokenizer;
  }

  /** The context read on after `word`: across a line end too (`</s>` is the line break), its last `maxContext` tokens. */
  extend(context: readonly string[], word: string): string[] {
    return [...context.slice(Math.max(0, context.length + 1 - this.options.maxContext)), word];
  }

  /** The context's ids: its last `maxContext` tokens, `<s>`/`</s>` as themselves, unknown words `<unk>`. */
  contextIds(context: readonly string[]): Int32Array {
    const used = context.slice(Math.max(0, context.length - this.options.maxContext));
    return Int32Array.from(used, (token) => this.idOf(token));
  }

  /** A context token's id: `<s>`/`</s>` as themselves, an unknown word `<unk>`. */
  idOf(token: string): number {
    if (token === BOS_TOKEN) return BOS;
    if (token === EOS_TOKEN) return EOS;
    return this.ngram.vocabulary.idOf(token);
  }

  /**
   * The index's longest match for `context` and the weight it gets. `atMost` bounds the match's
   * length when the caller knows one, one more than the match of the context one token shorter
   * (which it mostly reaches: it is tried first).
   */
  answer(context: readonly string[], atMost?: number): LongestMatchAnswer {
    return this.answerWith(this.contextIds(context), lineContextOf(context), atMost);
  }

  /** `answer` for a context already read: its ids (`contextIds`) and its line context (`lineContextOf`). */
  answerWith(contextIds: Int32Array, lineContext: string[], atMost?: number): LongestMatchAnswer {
    const match = this.index.longestMatch(contextIds, Math.min(atMost ?? contextIds.length, contextIds.length), this.leftOut, atMost !== undefined);
    return this.answerOf(contextIds, lineContext, match);
  }

  private answerOf(contextIds: Int32Array, lineContext: string[], match: IndexMatch): LongestMatchAnswer {
    const { minLength, beta } = this.options;
    const lambda = match.length >= minLength && match.count > 0 ? match.count / (match.count + beta * match.words.length) : 0;
    return { contextIds, lineContext, match, lambda };
  }

  /**
   * A context read on a token at a time, its `answer` at each step equal to `answer` of the context
   * so far (the surprisal lens reads a whole document so): the index's match is carried from token
   * to token (`TokenIndex.walk`) instead of searched afresh. An answer's line context holds the last
   * order − 1 tokens of the line, all the n-gram model reads; its context ids are valid until the
   * next `push`.
   */
  reader(context: readonly string[]): LongestMatchReader {
    const { maxContext } = this.options;
    const window = Math.max(1, this.ngram.order - 1);
    // The context's last ids, the newest at `end`; moved to the front when the buffer is full.
    const ids = new Int32Array(2 * maxContext + 1);
    let end = 0;
    const initial = this.contextIds(context);
    ids.set(initial);
    end = initial.length;
    const walk = this.index.walk(initial, maxContext, this.leftOut);
    let lineContext = lineContextOf(context).slice(-window);
    let answer = this.answerOf(initial, lineContext, walk.match);
    return {
      get answer() {
        return answer;
      },
      push: (word) => {
        const id = this.idOf(word);
        if (end === ids.length) {
          ids.copyWithin(0, end - maxContext, end);
          end = maxContext;
        }
        ids[end++] = id;
        lineContext = word === EOS_TOKEN ? [BOS_TOKEN] : [...lineContext.slice(Math.max(0, lineContext.length + 1 - window)), word];
        answer = this.answerOf(ids.subarray(Math.max(0, end - maxContext), end), lineContext, walk.push(id));
      },
    };
  }

  /** P(word | context), the n-gram length that answered it, as `NgramModel.score` reports. */
  score(context: readonly string[], word: string): WordScore {
    return this.scoreWith(this.answer(context), word);
  }

  scoreWith(answer: LongestMatchAnswer, word: string): WordScore {
    const base = this.ngram.score(answer.lineContext, word);
    if (answer.lambda === 0) return base;
    const { match, lambda } = answer;
    const id = word === EOS_TOKEN ? EOS : this.ngram.vocabulary.idOf(word);
    const at = id === UNK ? -1 : findSorted(match.words, id);
    const probability = (at >= 0 ? (lambda * match.counts[at]) / match.count : 0) + (1 - lambda) * base.probability;
    return { ...base, probability, log10Prob: Math.log10(probability), ngramLength: at >= 0 ? match.length + 1 : base.ngramLength };
  }

  /**
   * How many words of V are strictly likelier than `probability` after the answer's context, as
   * `scoreWith` scores them (a word's rank is one more). A word that does not continue the match
   * scores fl((1 − λ)·P_KN), which grows with P_KN: it is likelier exactly when P_KN exceeds t, the
   * largest double with fl((1 − λ)·t) ≤ probability, so the n-gram model counts those; the match's
   * continuations are then taken out of that count and counted by their own interpolated value.
   */
  countLikelier(answer: LongestMatchAnswer, probability: number): number {
    const { lambda, match, lineContext } = answer;
    if (lambda === 0) return this.ngram.countLikelier(lineContext, probability);
    const scale = 1 - lambda;
    let threshold = probability / scale;
    while (threshold > 0 && scale * threshold > probability) threshold = nextDown(threshold);
    while (scale * nextUp(threshold) <= probability) threshold = nextUp(threshold);
    let likelier = this.ngram.countLikelier(lineContext, threshold);
    const bases = this.continuationsUnder(lineContext, match.words);
    for (let i = 0; i < match.words.length; i++) {
      const base = bases[i];
      if (scale * base > probability) likelier--;
      if ((lambda * match.counts[i]) / match.count + scale * base > probability) likelier++;
    }
    return likelier;
  }

  /**
   * P_KN of each of a match's continuations after a line context. The index keeps the continuations
   * of a common context as one array until its next merge, and a file read by the lens meets that
   * context again and again (at every line start, the same n-gram context): thousands of
   * probabilities, computed once per n-gram context.
   */
  private continuationsUnder(lineContext: readonly string[], words: Int32Array): Float64Array {
    if (words.length < KEPT_CONTINUATIONS) return this.ngram.probabilitiesOf(lineContext, words);
    const key = this.ngram.usedContext(lineContext).join('\n');
    let byContext = this.continuationProbabilities.get(words);
    if (byContext === undefined) this.continuationProbabilities.set(words, (byContext = new Map()));
    let probabilities = byContext.get(key);
    if (probabilities === undefined) {
      probabilities = this.ngram.probabilitiesOf(lineContext, words);
      if (byContext.size >= KEPT_CONTEXTS) byContext.delete(byContext.keys().next().value as string);
      byContext.set(key, probabilities);
    }
    return probabilities;
  }

  /**
   * The whole distribution as runs of equal probability (see `NgramModel.runs`): the n-gram model's
   * runs scaled by 1 − λ, with the match's continuations taken out of them and put back at their
   * interpolated probability.
   */
  runs(context: readonly string[], options: { readonly withoutUnknown?: boolean } = {}): LongestMatchRuns {
    return this.runsOf(this.answer(context), options);
  }

  private runsOf(answer: LongestMatchAnswer, options: { readonly withoutUnknown?: boolean }): LongestMatchRuns {
    const ngramRuns = this.ngram.runs(answer.lineContext, options);
    const { match, lambda } = answer;
    if (lambda === 0) return { ...ngramRuns, answeringLength: ngramRuns.matchedContextLength };
    const base = ngramRuns.runs;
    const scale = 1 - lambda;
    const values = new Float64Array(match.words.length);
    for (let i = 0; i < values.length; i++) {
      const run = base.runOf(match.words[i]);
      values[i] = (lambda * match.counts[i]) / match.count + scale * (run >= 0 ? base.probability[run] : 0);
    }
    return {
      ...ngramRuns,
      context: this.usedContext(answer),
      runs: overlayRuns(base, scale, match.words, values),
      answeringLength: match.length,
    };
  }

  /**
   * The arithmetic behind P(word | context) for each of `words`: the match, n, u, λ, c(match · word),
   * and the Kneser-Ney part's own levels; each probability equals `score`'s.
   */
  explain(context: readonly string[], words: readonly string[]): LongestMatchExplanation {
    const answer = this.answer(context);
    const { match, lambda } = answer;
    const kneserNey = this.ngram.explain(answer.lineContext, words);
    const vocabulary = this.ngram.vocabulary;
    return {
      matchedContext: Array.from(answer.contextIds.subarray(answer.contextIds.length - match.length), (id) => vocabulary.word(id)),
      contextCount: match.count,
      followers: match.words.length,
      minLength: this.options.minLength,
      beta: this.options.beta,
      lambda,
      kneserNey,
      words: kneserNey.words.map(({ word }) => {
        const id = word === EOS_TOKEN ? EOS : vocabulary.idOf(word);
        const at = id === UNK ? -1 : findSorted(match.words, id);
        return { word, count: at >= 0 ? match.counts[at] : 0, probability: this.scoreWith(answer, word).probability };
      }),
      total: summarizeRuns(this.runs(context).runs).total,
    };
  }

  /** The context as the answer used it: the match's tokens, or the n-gram model's when the match has no weight. */
  usedContext(answer: LongestMatchAnswer): string[] {
    if (answer.lambda === 0) return this.ngram.usedContext(answer.lineContext);
    const ids = answer.contextIds.subarray(answer.contextIds.length - answer.match.length);
    return Array.from(ids, (id) => this.ngram.vocabulary.word(id));
  }

  /** The k likeliest next words, ranked as `runs` ranks them (see `rank`). */
  candidates(context: readonly string[], k: number): Candidate[] {
    return this.rank(context, k).candidates;
  }

  /**
   * The k likeliest next words with the answer behind them, ranked as `runs` ranks them. A match with
   * few continuations is searched without the whole distribution: a continuation w scores
   * λ·c(w)/n + (1 − λ)·P_KN(w) ≤ λ·c(w)/n + (1 − λ)·max P_KN, so continuations are scored by count
   * descending until that bound falls below the k-th score found, and the other words keep the n-gram
   * model's ranking, scaled. With more (after a common context such as "if (" there are thousands,
   * and most of the n-gram model's likeliest words are among them) the words are read off the runs.
   */
  rank(context: readonly string[], k: number): { answer: LongestMatchAnswer; answeringLength: number; candidates: Candidate[] } {
    const answer = this.answer(context);
    const { match, lambda } = answer;
    const wanted = Math.max(0, Math.floor(k));
    if (lambda === 0) {
      return { answer, answeringLength: this.ngram.matchedContextLength(answer.lineContext), candidates: this.ngram.candidates(answer.lineContext, wanted) };
    }
    if (match.words.length > SEARCHED_CONTINUATIONS) return this.rankedOff(answer, wanted, {});
    const scale = 1 - lambda;
    const vocabulary = this.ngram.vocabulary;
    // The n-gram model's likeliest words that continue nothing: enough of them that k are left.
    const continuation = new Set(match.words);
    let fetched = wanted + Math.min(match.words.length, 2 * wanted + 2);
    let ngramTop = this.ngram.candidates(answer.lineContext, fetched);
    while (ngramTop.length === fetched && ngramTop.filter((candidate) => !continuation.has(candidate.id)).length < wanted && fetched < wanted + match.words.length) {
      fetched = Math.min(wanted + match.words.length, 2 * fetched);
      ngramTop = this.ngram.candidates(answer.lineContext, fetched);
    }
    const pool: Candidate[] = [];
    for (const candidate of ngramTop) if (!continuation.has(candidate.id)) pool.push({ ...candidate, probability: scale * candidate.probability });
    const ngramMax = ngramTop.length > 0 ? ngramTop[0].probability : 0;
    const byCount = Array.from(match.words.keys()).sort((a, b) => match.counts[b] - match.counts[a] || match.words[a] - match.words[b]);
    const scored: number[] = [];
    for (const i of byCount) {
      const share = (lambda * match.counts[i]) / match.count;
      if (scored.length >= wanted && share + scale * ngramMax < scored[wanted - 1]) break;
      const word = vocabulary.word(match.words[i]);
      const probability = share + scale * this.ngram.score(answer.lineContext, word).probability;
      pool.push({ word, id: match.words[i], probability, count: match.counts[i], contextCount: match.count, order: match.length + 1 });
      scored.push(probability);
      scored.sort((a, b) => b - a);
    }
    const ranked = pool.filter((candidate) => candidate.probability > 0).sort((a, b) => b.probability - a.probability || a.id - b.id);
    return { answer, answeringLength: match.length, candidates: ranked.slice(0, wanted) };
  }

  /** The whole distribution (`runs`) and its k likeliest words read off it, from one answer: what a prediction shows. */
  rankedRuns(context: readonly string[], k: number, options: { readonly withoutUnknown?: boolean } = {}): LongestMatchRanking {
    return this.rankedOff(this.answer(context), k, options);
  }

  /** The k likeliest words read off the runs, with the counts each came from: the match's for its continuations, the n-gram model's for the others. */
  private rankedOff(answer: LongestMatchAnswer, k: number, options: { readonly withoutUnknown?: boolean }): LongestMatchRanking {
    const distribution = this.runsOf(answer, options);
    const { match, lambda } = answer;
    const { runs } = distribution;
    const vocabulary = this.ngram.vocabulary;
    const candidates = Array.from(topOfRuns(runs, k), (id): Candidate => {
      const word = vocabulary.word(id);
      const at = lambda > 0 ? findSorted(match.words, id) : -1;
      const counts = at >= 0 ? { count: match.counts[at], contextCount: match.count, order: match.length + 1 } : this.ngram.answering(answer.lineContext, word);
      return { word, id, probability: runs.probability[runs.runOf(id)], ...counts };
    });
    return { answer, answeringLength: distribution.answeringLength, candidates, distribution };
  }
}

/**
 * `base` scaled by `scale`, with `words` (ids ascending) taken out of their runs and given `values`
 * instead; runs of equal value merge so that, as in every ProbabilityRuns, no two runs share a value.
 */
export function overlayRuns(base: ProbabilityRuns, scale: number, words: Int32Array, values: Float64Array): ProbabilityRuns {
  interface Part {
    value: number;
    /** A base run (−1: none) and the indexes within it of the words taken out, ascending. */
    baseRun: number;
    excluded: number[];
    /** Or the words themselves, ascending. */
    explicit: Int32Array | null;
    size: number;
  }
  const excludedOf = new Map<number, number[]>();
  for (let i = 0; i < words.length; i++) {
    const run = base.runOf(words[i]);
    if (run < 0) continue;
    // The word's index in its run: a run's words ascend, so bisect.
    let low = 0;
    let high = base.size[run];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (base.word(run, middle) < words[i]) low = middle + 1;
      else high = middle;
    }
    const list = excludedOf.get(run) ?? [];
    list.push(low);
    excludedOf.set(run, list);
  }
  const parts: Part[] = [];
  for (let run = 0; run < base.length; run++) {
    const excluded = (excludedOf.get(run) ?? []).sort((a, b) => a - b);
    const size = base.size[run] - excluded.length;
    const value = scale * base.probability[run];
    if (size > 0 && value > 0) parts.push({ value, baseRun: run, excluded, explicit: null, size });
  }
  const order = Array.from(words.keys()).filter((i) => values[i] > 0).sort((a, b) => values[b] - values[a] || words[a] - words[b]);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const explicit = Int32Array.from(order.slice(start, end), (i) => words[i]).sort();
    parts.push({ value: values[order[start]], baseRun: -1, excluded: [], explicit, size: explicit.length });
    start = end;
  }
  parts.sort((a, b) => b.value - a.value);

  const wordsOf = (part: Part): Int32Array => {
    if (part.explicit) return part.explicit;
    const out = new Int32Array(part.size);
    for (let i = 0; i < part.size; i++) out[i] = wordInPart(part, i);
    return out;
  };
  const wordInPart = (part: Part, index: number): number => {
    if (part.explicit) return part.explicit[index];
    let j = index;
    for (const e of part.excluded) {
      if (e <= j) j++;
      else break;
    }
    return base.word(part.baseRun, j);
  };

  // Parts of equal value become one run: its words listed explicitly, merged in id order.
  const runs: Part[] = [];
  for (let start = 0; start < parts.length; ) {
    let end = start + 1;
    while (end < parts.length && parts[end].value === parts[start].value) end++;
    if (end - start === 1) runs.push(parts[start]);
    else {
      const merged = Int32Array.from(parts.slice(start, end).flatMap((part) => Array.from(wordsOf(part)))).sort();
      runs.push({ value: parts[start].value, baseRun: -1, excluded: [], explicit: merged, size: merged.length });
    }
    start = end;
  }

  const probability = Float64Array.from(runs, (part) => part.value);
  const size = Int32Array.from(runs, (part) => part.size);
  const runOfBase = new Int32Array(base.length).fill(-1);
  const runOfWord = new Map<number, number>();
  runs.forEach((part, r) => {
    if (part.explicit) for (const word of part.explicit) runOfWord.set(word, r);
    else runOfBase[part.baseRun] = r;
  });
  const overridden = new Set(words);
  return {
    length: runs.length,
    probability,
    size,
    word: (run, index) => wordInPart(runs[run], index),
    runOf: (word) => {
      const explicit = runOfWord.get(word);
      if (explicit !== undefined) return explicit;
      if (overridden.has(word)) return -1;
      const run = base.runOf(word);
      return run < 0 ? -1 : runOfBase[run];
    },
  };
}
