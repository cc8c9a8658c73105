// Counts → probabilities. Every estimator is a chain of levels over a uniform base
// (docs/engine.md, "Estimators"):
//
//   p_base(w) = 1/|V|,
//   p_j(w)    = num_j(w) / den_j + seen_j · p_{j−1}(w)   if the n-gram c_j·w was seen,
//             = unseen_j · p_{j−1}(w)                    otherwise,
//
// where c_j is the context's suffix of length j (c_0 = the empty context) and levels run from
// `firstLevel` to m, the longest suffix seen. One loop then serves every estimator for scoring, the
// full distribution and an exact top-k.

import type { NgramCounts } from './counts';
import type { ProbabilityRuns } from './runs';
import { EMPTY_RANKING, LevelStream, RootStream, RunsBuilder, UniformStream, type RankedContinuations, type RankedStream, type RankedWords, type RootRanking } from './ranking';
import { CHILD_SUM, COUNT, FIRST_CHILD, hashKey, N1, N2, N3, NONE, WORD } from './orderTable';
import type { EstimatorName, EstimatorOptions } from './types';
import { MAX_ORDER } from './types';
import { BOS, EOS, FIRST_WORD_ID, UNK } from './vocabulary';

/** Stupid backoff's α (Brants et al. 2007). */
export const STUPID_BACKOFF_ALPHA = 0.4;
/** lmplz's --discount_fallback defaults, used when the count-of-counts cannot give valid discounts. */
export const FALLBACK_DISCOUNTS: Discounts = { d1: 0.5, d2: 1, d3: 1.5, fallback: true };
export const DEFAULT_ADD_K = 1;
/** Levels 0..order−1, for orders up to MAX_ORDER. */
const MAX_LEVELS = MAX_ORDER;

/**
 * One level of the chain for one word: p_j(w) = (usedCount − discount) / denominator + lowerWeight · lower
 * when c_j·w was seen (usedCount > 0), lowerWeight · lower otherwise.
 */
export interface LevelArithmetic {
  /** The n-gram length: the context suffix c_j and the word (j + 1). */
  readonly order: number;
  /** c(c_j·w), how often the n-gram occurs in the text (0 = never). */
  readonly count: number;
  /**
   * The count the estimator uses: Kneser-Ney's adjusted count (below the top order and after `<s>`,
   * the continuation count: how many different words precede c_j·w), the raw count otherwise.
   */
  readonly usedCount: number;
  /** Kneser-Ney's discount D(usedCount); 0 for the other estimators. */
  readonly discount: number;
  /** The level's denominator: the sum of its used counts (c(c_j), plus k·|V| for add-k). */
  readonly denominator: number;
  /** The weight of the level below: Kneser-Ney's back-off weight γ(c_j), add-k's k·|V| / denominator, stupid backoff's α when unseen. */
  readonly lowerWeight: number;
  /** p_{j−1}(w), the level below's value (the uniform 1/|V| under the lowest level). */
  readonly lower: number;
  /** p_j(w). */
  readonly value: number;
}

/** Modified Kneser-Ney discounts of one order: for adjusted counts 1, 2 and 3+. */
export interface Discounts {
  readonly d1: number;
  readonly d2: number;
  readonly d3: number;
  /** Whether the count-of-counts were unusable and the fallback defaults apply. */
  readonly fallback: boolean;
}

const f32 = Math.fround;

/**
 * Chen & Goodman's eq. 26 as lmplz computes it (float32): Y = t1/(t1 + 2·t2),
 * D_k = k − (k+1)·Y·t_{k+1}/t_k. Falls back when a t_k (k ≤ 3) is 0 or a D_k leaves [0, k].
 */
export function kneserNeyDiscounts(t1: number, t2: number, t3: number, t4: number): Discounts {
  if (t1 === 0 || t2 === 0 || t3 === 0) return FALLBACK_DISCOUNTS;
  const t = [0, t1, t2, t3, t4];
  const y = f32(f32(t1) / f32(t1 + 2 * t2));
  const d = [0, 0, 0, 0];
  for (let k = 1; k <= 3; k++) {
    d[k] = f32(k - f32(f32(f32(f32(k + 1) * y) * f32(t[k + 1])) / f32(t[k])));
    if (!(d[k] >= 0 && d[k] <= k)) return FALLBACK_DISCOUNTS;
  }
  return { d1: d[1], d2: d[2], d3: d[3], fallback: false };
}

/** A context resolved against the tables: nodes[j] is the node of its suffix of length j, j ≤ length. */
export interface ContextChain {
  readonly nodes: Int32Array;
  /** m: the longest suffix that was seen (and has continuations). */
  length: number;
}

const enum Kind {
  KneserNey,
  StupidBackoff,
  AddK,
  Mle,
}

const KINDS: Record<EstimatorName, Kind> = {
  // The n-gram part of longest-match (the index's part is core/longestMatch.ts).
  'longest-match': Kind.KneserNey,
  'kneser-ney': Kind.KneserNey,
  'stupid-backoff': Kind.StupidBackoff,
  'add-k': Kind.AddK,
  mle: Kind.Mle,
};

/** Tokens `scoreBlock` scores at a time: enough lookups to overlap, few enough to stay in cache. */
export const SCORE_BLOCK = 512;

/** A row of `scoreBlock`'s n-gram nodes: the token before the block, then the block's. */
const BLOCK_SPAN = SCORE_BLOCK + 1;

/** What `scoreBlock` writes per token of its block. */
export interface BlockScores {
  readonly probabilities: Float64Array;
  /** The length of the longest n-gram ending at the token that was seen (0: not even its unigram). */
  readonly matched: Uint8Array;
}

const SENTENCE_START = [BOS];

/** How much the per-word query marks grow when the vocabulary outgrows them. */
const STAMP_GROWTH = 1.5;

/**
 * Above every value an estimator gives: each is at most 1 (a probability, or a stupid-backoff score),
 * computed in a few dozen roundings at most, so it exceeds 1 by a few ulps at worst.
 */
const VALUE_CEILING = 1 + 1e-9;

/** Counts below this are tallied in an array while ranking; the few larger ones in a map. */
const DENSE_COUNTS = 4096;

export class Estimator {
  readonly name: EstimatorName;
  readonly isProbability: boolean;
  private readonly kind: Kind;
  private readonly addK: number;

  /** Level parameters of the current query: 1/den, seen and unseen weights per level. */
  private inverse = new Float64Array(MAX_LEVELS);
  private seenWeight = new Float64Array(MAX_LEVELS);
  private unseenWeight = new Float64Array(MAX_LEVELS);
  /** Discount per order n and adjusted count bucket k at [4n + k]; [4n] = 1 marks a fallback. */
  private discounts = new Float64Array(0);
  private discountsVersion = -1;
  private ranking: RootRanking = EMPTY_RANKING;
  /** Per level, which words are children of c_j in the current top-k query. */
  private readonly levelStamps: Uint32Array[] = [];
  /** Per level, p_j of the children of c_j in the current top-k query (valid where stamped). */
  private readonly levelValues: Float64Array[] = [];
  /** Per level, the children's ids, probabilities and heap of the current top-k query. */
  private readonly childBuffers: { ids: Int32Array; probs: Float64Array; heap: Int32Array }[] = [];
  /** Which words are continuations of some level in the current `runs` query. */
  private continuationStamps = new Uint32Array(0);
  private stamp = 0;
  /** The n-gram length the last `scoreAndAdvance` matched (0 when even its unigram was unseen). */
  lastMatched = 0;
  /** `scoreBlock`'s n-gram nodes per length and token, and its lookups' first slots. */
  private readonly blockGrams = new Int32Array((MAX_LEVELS + 1) * BLOCK_SPAN);
  private readonly blockHomes = new Int32Array(SCORE_BLOCK);
  private readonly blockSlots = new Int32Array(SCORE_BLOCK);
  private readonly blockHashes = new Int32Array(SCORE_BLOCK);
  /** The length of the last block scored, and whether it ended a sentence. */
  private blockWords: Int32Array = new Int32Array(0);
  private blockLength = 0;
  private blockStartsSentence = true;
  private blockEndedSentence = true;
  private blockBos = NONE;
  private readonly sentenceStart: ContextChain = { nodes: new Int32Array(MAX_LEVELS), length: 0 };
  private readonly scanChain: ContextChain = { nodes: new Int32Array(MAX_LEVELS), length: 0 };
  private readonly scanNext: ContextChain = { nodes: new Int32Array(MAX_LEVELS), length: 0 };

  constructor(
    private readonly counts: NgramCounts,
    options: EstimatorOptions,
  ) {
    const kind = KINDS[options.name];
    if (kind === undefined) throw new Error(`unknown estimator ${JSON.stringify(options.name)}`);
    const addK = options.addK ?? DEFAULT_ADD_K;
    if (kind === Kind.AddK && !(addK > 0 && Number.isFinite(addK))) throw new Error(`add-k needs k > 0, got ${addK}`);
    this.name = options.name;
    this.kind = kind;
    this.addK = addK;
    this.isProbability = kind !== Kind.StupidBackoff;
  }

  /** |V|: the words with a non-zero count plus `<unk>` and `</s>` (never `<s>`). */
  vocabularySize(): number {
    return this.counts.liveWords + 2;
  }

  /** Whether `word` is in V (can be predicted): `<unk>`, `</s>` and every word with a count. */
  inVocabulary(word: number): boolean {
    return word === UNK || word === EOS || (word >= FIRST_WORD_ID && this.counts.unigramCount(word) > 0);
  }

  /** The lowest level that takes part: all of them with backoff and interpolation, only m otherwise. */
  firstLevel(m: number): number {
    return this.kind === Kind.KneserNey || this.kind === Kind.StupidBackoff ? 0 : m;
  }

  /** The KN discounts of order n (1..order) under the current counts. */
  discountsOf(n: number): Discounts {
    const table = this.knDiscounts();
    return { d1: table[4 * n + 1], d2: table[4 * n + 2], d3: table[4 * n + 3], fallback: table[4 * n] === 1 };
  }

  private knDiscounts(): Float64Array {
    const counts = this.counts;
    if (this.discountsVersion !== counts.version) {
      const table = new Float64Array(4 * (counts.order + 1));
      for (let n = 1; n <= counts.order; n++) {
        const d = kneserNeyDiscounts(counts.countOfCount(n, 1), counts.countOfCount(n, 2), counts.countOfCount(n, 3), counts.countOfCount(n, 4));
        table[4 * n] = d.fallback ? 1 : 0;
        table[4 * n + 1] = d.d1;
        table[4 * n + 2] = d.d2;
        table[4 * n + 3] = d.d3;
      }
      this.discounts = table;
      this.discountsVersion = counts.version;
    }
    return this.discounts;
  }

  /** Computes level j's parameters for context node `node` into slot `j` of the level arrays. */
  private prepareLevel(j: number, node: number): void {
    const counts = this.counts;
    const kind = this.kind;
    let denominator: number;
    let seen = 0;
    let unseen = 0;
    if (kind === Kind.KneserNey) {
      const discounts = this.knDiscounts();
      let n1: number, n2: number, n3: number;
      if (j === 0) {
        const root = counts.root;
        denominator = root.childSum;
        n1 = root.n1;
        n2 = root.n2;
        n3 = root.n3;
      } else {
        const table = counts.tables[j - 1];
        const base = node * table.stride;
        denominator = table.data[base + CHILD_SUM];
        n1 = table.data[base + N1];
        n2 = table.data[base + N2];
        n3 = table.data[base + N3];
      }
      const d = 4 * (j + 1);
      seen = unseen = (discounts[d + 1] * n1 + discounts[d + 2] * n2 + discounts[d + 3] * n3) / denominator;
    } else {
      denominator = counts.contextCount(j, node);
      if (kind === Kind.StupidBackoff) {
        unseen = j === 0 ? 0 : STUPID_BACKOFF_ALPHA;
      } else if (kind === Kind.AddK) {
        const smoothing = this.addK * this.vocabularySize();
        denominator += smoothing;
        seen = unseen = smoothing / denominator;
      }
    }
    if (denominator > 0) {
      this.inverse[j] = 1 / denominator;
      this.seenWeight[j] = seen;
      this.unseenWeight[j] = unseen;
    } else {
      // Nothing counted yet (an empty model): the level passes the lower one through.
      this.inverse[j] = 0;
      this.seenWeight[j] = 1;
      this.unseenWeight[j] = 1;
    }
  }

  private prepare(chain: ContextChain, first: number): void {
    for (let j = first; j <= chain.length; j++) this.prepareLevel(j, chain.nodes[j]);
  }

  /** The count the estimator uses for a child of order j+1: adjusted for KN, raw otherwise. */
  private childCount(j: number, child: number): number {
    const table = this.counts.tables[j];
    return table.data[child * table.stride + (this.kind === Kind.KneserNey ? table.adjustedField : COUNT)];
  }

  /** num_j for a child count: a − D(a) for KN (discounts of order j+1), the count otherwise. */
  private numerator(j: number, count: number): number {
    if (this.kind !== Kind.KneserNey) return count;
    return count - this.discounts[4 * (j + 1) + (count >= 3 ? 3 : count)];
  }

  /** p_j from p_{j−1} for a child count (0 = unseen), with level j's prepared parameters. */
  private step(j: number, count: number, lower: number): number {
    return count > 0 ? this.numerator(j, count) * this.inverse[j] + this.seenWeight[j] * lower : this.unseenWeight[j] * lower;
  }

  /**
   * Resolves context ids (the last `order − 1` matter) into `chain`: the longest suffix that was
   * seen followed by something.
   */
  resolve(context: ArrayLike<number>, chain: ContextChain): void {
    const counts = this.counts;
    const tables = counts.tables;
    const maxLength = Math.min(context.length, counts.order - 1);
    const end = context.length;
    chain.nodes[0] = 0;
    let m = 0;
    for (let j = 1; j <= maxLength; j++) {
      let node = context[end - j];
      if (counts.unigramCount(node) === 0) break;
      // Walk the suffix's words from its first: the node after word i has order i − (end − j) + 1.
      for (let i = end - j + 1; i < end && node !== NONE; i++) node = tables[i - end + j].find(node, context[i]);
      if (node === NONE || tables[j - 1].get(node, FIRST_CHILD) === NONE) break;
      chain.nodes[j] = node;
      m = j;
    }
    chain.length = m;
  }

  /** The node of c_j·word (order j+1), or NONE. */
  private childOf(chain: ContextChain, j: number, word: number): number {
    if (j === 0) return this.counts.unigramCount(word) > 0 ? word : NONE;
    return this.counts.tables[j].find(chain.nodes[j], word);
  }

  /**
   * How P(word | chain) is reached, level by level from the lowest that takes part to m: the raw and
   * the used count, the discount, the denominator and the weight the level below gets, with each
   * level's value. The last level's value is `scoreAndAdvance`'s answer (the same arithmetic, `step`).
   */
  explain(chain: ContextChain, word: number): LevelArithmetic[] {
    const m = chain.length;
    const known = this.inVocabulary(word);
    const levels: LevelArithmetic[] = [];
    let lower = 1 / this.vocabularySize();
    let matched = true;
    for (let j = this.firstLevel(m); j <= m; j++) {
      const child: number = matched && known ? this.childOf(chain, j, word) : NONE;
      // Once c_j·w is unseen, so is every longer one (its suffix would have been counted).
      matched = child !== NONE;
      this.prepareLevel(j, chain.nodes[j]);
      const usedCount = child === NONE ? 0 : this.childCount(j, child);
      const table = this.counts.tables[j];
      const value = known ? this.step(j, usedCount, lower) : 0;
      levels.push({
        order: j + 1,
        count: child === NONE ? 0 : table.data[child * table.stride + COUNT],
        usedCount,
        discount: usedCount > 0 ? usedCount - this.numerator(j, usedCount) : 0,
        denominator: this.inverse[j] > 0 ? 1 / this.inverse[j] : 0,
        lowerWeight: usedCount > 0 ? this.seenWeight[j] : this.unseenWeight[j],
        lower,
        value,
      });
      lower = value;
    }
    return levels;
  }

  /**
   * P(word | chain), then moves `next` to the context that follows `word` (the state of a left-to-
   * right scan, as KenLM's query keeps it); `lastMatched` tells the n-gram length that matched.
   * A word outside V scores 0 here: callers score it as `<unk>`.
   */
  scoreAndAdvance(chain: ContextChain, word: number, next: ContextChain): number {
    const counts = this.counts;
    const topContext = counts.order - 1;
    const m = chain.length;
    const first = this.firstLevel(m);
    const known = this.inVocabulary(word);
    let p = 1 / this.vocabularySize();
    let matched = 0;
    for (let j = 0; j <= m; j++) {
      // Once c_j·w is unseen, so is every longer c_j'·w (its suffix would have been counted).
      let child = NONE;
      if (matched === j && known) {
        child = this.childOf(chain, j, word);
        if (child !== NONE) {
          matched = j + 1;
          if (j < topContext) next.nodes[j + 1] = child;
        }
      }
      if (j < first) continue;
      this.prepareLevel(j, chain.nodes[j]);
      p = this.step(j, child === NONE ? 0 : this.childCount(j, child), p);
    }
    this.lastMatched = matched;
    this.settleNext(next, matched);
    return known ? p : 0;
  }

  /**
   * P of each token of a block of a left-to-right scan, as `scoreAndAdvance` gives them one by one
   * (for Kneser-Ney the same arithmetic computed an n-gram length at a time, so the same bits).
   * `words` holds the block's ids, each `<unk>` or in V; a sentence starts after `</s>` and at the
   * text's start (`continues` false). Writes each token's probability and matched n-gram length, and
   * keeps the block's n-grams for `blockContext` and the next block.
   */
  scoreBlock(words: Int32Array, length: number, continues: boolean, scores: BlockScores): void {
    const grams = this.blockGrams;
    const order = this.counts.order;
    // grams[k · BLOCK_SPAN + 1 + i]: the node of the k-gram ending at token i (NONE if unseen); at
    // + 0, the k-grams ending at the token before the block (the last block's last token).
    if (continues) for (let k = 1; k <= order; k++) grams[k * BLOCK_SPAN] = grams[k * BLOCK_SPAN + this.blockLength];
    this.blockStartsSentence = !continues || this.blockEndedSentence;
    this.blockWords = words;
    this.blockLength = length;
    this.blockEndedSentence = words[length - 1] === EOS;
    this.blockBos = this.sentenceStartNode();
    if (this.kind === Kind.KneserNey) this.scoreBlockKneserNey(scores);
    else this.scoreBlockInTurn(scores);
  }

  /** Fills `chain` with the context token i of the last block was scored after. */
  blockContext(i: number, chain: ContextChain): void {
    const m = this.blockContextLength(i);
    chain.nodes[0] = 0;
    for (let j = 1; j <= m; j++) chain.nodes[j] = this.blockContextNode(i, j);
    chain.length = m;
  }

  private blockStartsAt(i: number): boolean {
    return i === 0 ? this.blockStartsSentence : this.blockWords[i - 1] === EOS;
  }

  /** The node of token i's context of length j (≤ its context length). */
  private blockContextNode(i: number, j: number): number {
    return this.blockStartsAt(i) ? this.blockBos : this.blockGrams[j * BLOCK_SPAN + i];
  }

  /** Token i's context length: the longest n-gram ending at the token before that has continuations. */
  private blockContextLength(i: number): number {
    const topContext = this.counts.order - 1;
    if (this.blockStartsAt(i)) return this.blockBos !== NONE && topContext > 0 ? 1 : 0;
    const grams = this.blockGrams;
    const tables = this.counts.tables;
    let m = topContext;
    while (m > 0 && (grams[m * BLOCK_SPAN + i] === NONE || tables[m - 1].data[grams[m * BLOCK_SPAN + i] * tables[m - 1].stride + FIRST_CHILD] === NONE)) m--;
    return m;
  }

  /** `scoreBlock` for estimators other than Kneser-Ney: token by token. */
  private scoreBlockInTurn(scores: BlockScores): void {
    const { probabilities, matched } = scores;
    const grams = this.blockGrams;
    const words = this.blockWords;
    const topContext = this.counts.order - 1;
    const chain = this.scanChain;
    const next = this.scanNext;
    for (let i = 0; i < this.blockLength; i++) {
      this.blockContext(i, chain);
      probabilities[i] = this.scoreAndAdvance(chain, words[i], next);
      matched[i] = this.lastMatched;
      for (let k = 1; k <= topContext + 1; k++) grams[k * BLOCK_SPAN + 1 + i] = k <= Math.min(this.lastMatched, topContext) ? next.nodes[k] : NONE;
    }
  }

  /**
   * `scoreBlock` for Kneser-Ney: the lookups of one n-gram length are independent across the block's
   * tokens, so the processor overlaps their cache misses, which a token-by-token scan (each context
   * found by the last lookup) cannot; then per token `step`'s arithmetic over `prepareLevel`'s
   * parameters, kept in locals.
   */
  private scoreBlockKneserNey(scores: BlockScores): void {
    const counts = this.counts;
    const order = counts.order;
    const tables = counts.tables;
    const discounts = this.knDiscounts();
    const grams = this.blockGrams;
    const words = this.blockWords;
    const length = this.blockLength;
    const bos = this.blockBos;
    const unigrams = tables[0];
    for (let i = 0; i < length; i++) {
      const word = words[i];
      grams[BLOCK_SPAN + 1 + i] = word < unigrams.size && unigrams.data[word * unigrams.stride + COUNT] > 0 ? word : NONE;
    }
    const homes = this.blockHomes;
    const firstSlots = this.blockSlots;
    const hashes = this.blockHashes;
    for (let k = 2; k <= order; k++) {
      const table = tables[k - 1];
      const slots = table.slots;
      const prefixes = (k - 1) * BLOCK_SPAN;
      const row = k * BLOCK_SPAN + 1;
      // The first slot of every lookup, read before any is resolved.
      for (let i = 0; i < length; i++) {
        const prefix = this.blockStartsAt(i) ? (k === 2 ? bos : NONE) : grams[prefixes + i];
        grams[row + i] = prefix === NONE || grams[BLOCK_SPAN + 1 + i] === NONE ? NONE : prefix;
        if (grams[row + i] === NONE) continue;
        const hash = hashKey(prefix, words[i]);
        const home = table.homeOf(hash);
        hashes[i] = hash;
        homes[i] = home;
        firstSlots[i] = slots[home];
      }
      for (let i = 0; i < length; i++) {
        const prefix = grams[row + i];
        if (prefix !== NONE) grams[row + i] = table.findFrom(homes[i], firstSlots[i], hashes[i], prefix, words[i]);
      }
    }
    const root = counts.root;
    const uniform = 1 / (counts.liveWords + 2);
    const rootInverse = 1 / root.childSum;
    const rootGamma = (discounts[5] * root.n1 + discounts[6] * root.n2 + discounts[7] * root.n3) / root.childSum;
    const { probabilities, matched } = scores;
    for (let i = 0; i < length; i++) {
      const word = words[i];
      const m = this.blockContextLength(i);
      let longest = grams[BLOCK_SPAN + 1 + i] === NONE ? 0 : 1;
      let p = uniform;
      if (root.childSum > 0) {
        const a = longest === 1 ? unigrams.data[word * unigrams.stride + unigrams.adjustedField] : 0;
        p = a > 0 ? (a - discounts[4 + (a >= 3 ? 3 : a)]) * rootInverse + rootGamma * p : rootGamma * p;
      }
      for (let j = 1; j <= m; j++) {
        const contextTable = tables[j - 1];
        const contextData = contextTable.data;
        const base = this.blockContextNode(i, j) * contextTable.stride;
        const denominator = contextData[base + CHILD_SUM];
        const d = 4 * (j + 1);
        const inverse = 1 / denominator;
        const gamma = (discounts[d + 1] * contextData[base + N1] + discounts[d + 2] * contextData[base + N2] + discounts[d + 3] * contextData[base + N3]) / denominator;
        let a = 0;
        const child = grams[(j + 1) * BLOCK_SPAN + 1 + i];
        if (child !== NONE) {
          longest = j + 1;
          const childTable = tables[j];
          a = childTable.data[child * childTable.stride + childTable.adjustedField];
        }
        p = a > 0 ? (a - discounts[d + (a >= 3 ? 3 : a)]) * inverse + gamma * p : gamma * p;
      }
      probabilities[i] = p;
      matched[i] = longest;
    }
  }

  /** The context at a sentence's start: `<s>`, or NONE when nothing has followed it. */
  private sentenceStartNode(): number {
    this.resolve(SENTENCE_START, this.sentenceStart);
    return this.sentenceStart.length > 0 ? this.sentenceStart.nodes[1] : NONE;
  }

  /** Sets the length of the context after a word that matched an n-gram of length `matched`. */
  private settleNext(next: ContextChain, matched: number): void {
    const tables = this.counts.tables;
    next.nodes[0] = 0;
    let length = Math.min(matched, this.counts.order - 1);
    // A suffix without continuations (one ending in `</s>`) is no context.
    while (length > 0 && tables[length - 1].get(next.nodes[length], FIRST_CHILD) === NONE) length--;
    next.length = length;
  }

  /**
   * The unigram level ranked (see RootRanking), rebuilt on the first query after a change: two passes
   * over the unigram records and a sort of the few distinct counts, without a per-word allocation.
   * p_0 is a function of the count the level uses, though not always an increasing one (KN's a − D(a)
   * can fall from a = 1 to a = 2), so the counts are ranked by p_0, not by size.
   */
  private rootRanking(): RootRanking {
    const counts = this.counts;
    if (this.ranking.version === counts.version) return this.ranking;
    this.prepareLevel(0, 0);
    const unigrams = counts.tables[0];
    const data = unigrams.data;
    const stride = unigrams.stride;
    const countField = this.kind === Kind.KneserNey ? unigrams.adjustedField : COUNT;
    const size = unigrams.size;
    // The count a word of V is ranked by, or NONE outside V (`<s>`, words whose count fell to 0).
    const rankedCount = (word: number): number => {
      const base = word * stride;
      return word === BOS || (word >= FIRST_WORD_ID && data[base + COUNT] === 0) ? NONE : data[base + countField];
    };
    const denseTally = new Int32Array(DENSE_COUNTS);
    const sparseTally = new Map<number, number>();
    for (let word = 0; word < size; word++) {
      const count = rankedCount(word);
      if (count === NONE) continue;
      if (count < DENSE_COUNTS) denseTally[count]++;
      else sparseTally.set(count, (sparseTally.get(count) ?? 0) + 1);
    }
    const uniform = 1 / this.vocabularySize();
    const distinct: { count: number; words: number; value: number }[] = [];
    const addCount = (count: number, words: number): void => {
      // The unigram level over the uniform base: the same `step` scoring and distributions take.
      const value = this.step(0, count, uniform);
      if (value > 0) distinct.push({ count, words, value });
    };
    for (let count = 0; count < DENSE_COUNTS; count++) if (denseTally[count] > 0) addCount(count, denseTally[count]);
    for (const [count, words] of sparseTally) addCount(count, words);
    distinct.sort((a, b) => b.value - a.value);
    // Counts of equal p_0 share a class, so their words interleave by id.
    const classValue = new Float64Array(distinct.length);
    const classStart = new Int32Array(distinct.length + 1);
    const denseClass = new Int32Array(DENSE_COUNTS).fill(NONE);
    const sparseClass = new Map<number, number>();
    let classes = 0;
    for (const { count, words, value } of distinct) {
      if (classes === 0 || value !== classValue[classes - 1]) classValue[classes++] = value;
      classStart[classes] += words;
      if (count < DENSE_COUNTS) denseClass[count] = classes - 1;
      else sparseClass.set(count, classes - 1);
    }
    for (let c = 0; c < classes; c++) classStart[c + 1] += classStart[c];
    // A counting sort of the words by class; id order within a class comes free.
    const next = classStart.slice(0, classes);
    const words = new Int32Array(classStart[classes]);
    const classOf = new Int32Array(size).fill(NONE);
    for (let word = 0; word < size; word++) {
      const count = rankedCount(word);
      if (count === NONE) continue;
      const c = count < DENSE_COUNTS ? denseClass[count] : (sparseClass.get(count) ?? NONE);
      if (c === NONE) continue;
      classOf[word] = c;
      words[next[c]++] = word;
    }
    this.ranking = { version: counts.version, classes, classValue: classValue.subarray(0, classes), classStart: classStart.subarray(0, classes + 1), words, classOf };
    return this.ranking;
  }

  /** The distribution over ids 0..size−1 (`<s>` and words without counts get 0). */
  distribution(chain: ContextChain, size: number): Float64Array {
    const m = chain.length;
    const first = this.firstLevel(m);
    const out = new Float64Array(size);
    if (first === 0) {
      const { classOf, classValue } = this.rootRanking();
      const ranked = Math.min(size, classOf.length);
      for (let word = 0; word < ranked; word++) {
        const c = classOf[word];
        if (c !== NONE) out[word] = classValue[c];
      }
    } else {
      const uniform = 1 / this.vocabularySize();
      for (let word = 0; word < size; word++) if (this.inVocabulary(word)) out[word] = uniform;
    }
    this.prepare(chain, first);
    for (let j = Math.max(first, 1); j <= m; j++) this.applyLevel(chain, j, out);
    return out;
  }

  /** p_j from p_{j−1} in place, for every id. */
  private applyLevel(chain: ContextChain, j: number, out: Float64Array): void {
    const tables = this.counts.tables;
    const childTable = tables[j];
    const data = childTable.data;
    const stride = childTable.stride;
    const words: number[] = [];
    const values: number[] = [];
    for (let child = tables[j - 1].get(chain.nodes[j], FIRST_CHILD); child !== NONE; child = childTable.nextSibling(child)) {
      const word = data[child * stride + WORD];
      words.push(word);
      values.push(this.step(j, this.childCount(j, child), out[word]));
    }
    const unseen = this.unseenWeight[j];
    if (unseen !== 1) for (let word = 0; word < out.length; word++) out[word] = unseen * out[word];
    for (let i = 0; i < words.length; i++) out[words[i]] = values[i];
  }

  /**
   * The k likeliest ids after `chain` with p > 0, ranked (descending, ties by lower id), as
   * `distribution` would rank them, without scoring the whole vocabulary: a stream per level
   * (see LevelStream) over the ranking of the unigram level, or over V in id order for estimators
   * that use the longest context alone. Each level's children are walked once and their p_j kept by
   * word id, so p_{j−1} of the next level's children needs no lookups.
   */
  topK(chain: ContextChain, k: number): RankedWords {
    const m = chain.length;
    const first = this.firstLevel(m);
    const ranking = this.rootRanking();
    this.prepare(chain, first);
    const size = Math.max(this.counts.tables[0].size, FIRST_WORD_ID);
    let stream: RankedStream =
      first === 0
        ? new RootStream(ranking)
        : new UniformStream(1 / this.vocabularySize(), size, (word) => this.inVocabulary(word));
    const stamp = this.nextStamp(size);
    for (let j = Math.max(first, 1); j <= m; j++) {
      const children = this.scoreChildren(chain, first, j, stamp, ranking);
      const buffers = this.childBuffers[j];
      stream = new LevelStream(buffers.ids, buffers.probs, buffers.heap, children, stream, this.unseenWeight[j], this.levelStamps[j], stamp);
    }
    const ids = new Int32Array(k);
    const probs = new Float64Array(k);
    let length = 0;
    for (; length < k && stream.id !== NONE && stream.prob > 0; stream.advance()) {
      ids[length] = stream.id;
      probs[length++] = stream.prob;
    }
    return { ids, probs, length };
  }

  /**
   * The whole distribution after `chain` as runs of words of equal probability, likeliest first,
   * without scoring every word. A word that continues no seen suffix of the context gets its unigram
   * class's p_0 (or the uniform base) times the unseen weight of every level, so it shares a run with
   * the rest of its class; only the continuations are scored one by one. O(continuations + classes).
   * `leftOut` (a word id, or NONE) is left out, as if its probability were 0.
   */
  runs(chain: ContextChain, leftOut: number): ProbabilityRuns {
    const m = chain.length;
    const first = this.firstLevel(m);
    const ranking = this.rootRanking();
    this.prepare(chain, first);
    const size = Math.max(this.counts.tables[0].size, FIRST_WORD_ID);
    const stamp = this.nextStamp(size);
    // Words the class runs leave out: the continuations (scored one by one) and `leftOut`.
    const excluded = new Uint8Array(size);
    if (leftOut >= 0 && leftOut < size) excluded[leftOut] = 1;
    const found: number[] = [];
    for (let j = Math.max(first, 1); j <= m; j++) {
      const children = this.scoreChildren(chain, first, j, stamp, ranking);
      const ids = this.childBuffers[j].ids;
      for (let i = 0; i < children; i++) {
        if (excluded[ids[i]] === 1) continue;
        excluded[ids[i]] = 1;
        found.push(ids[i]);
      }
    }
    const continuations = this.rankContinuations(Int32Array.from(found).sort(), first, m, stamp, ranking);

    // Every other word of a class: the class's base, scaled level by level as `distribution` scales it.
    const outside = new Int32Array(ranking.classes);
    for (let c = 0; c < ranking.classes; c++) outside[c] = ranking.classStart[c + 1] - ranking.classStart[c];
    for (const word of leftOut === NONE ? found : [...found, leftOut]) {
      const c = word < ranking.classOf.length ? ranking.classOf[word] : NONE;
      if (c !== NONE) outside[c]--;
    }
    const uniform = 1 / this.vocabularySize();
    const builder = new RunsBuilder(ranking, excluded, continuations);
    let g = 0;
    for (let c = 0; c < ranking.classes; c++) {
      let value = first === 0 ? ranking.classValue[c] : uniform;
      for (let j = Math.max(first, 1); j <= m; j++) value = this.unseenWeight[j] * value;
      if (outside[c] === 0 || !(value > 0)) continue;
      for (; g < continuations.values.length && continuations.values[g] >= value; g++) builder.continuations(g);
      builder.rankClass(c, value, outside[c]);
    }
    for (; g < continuations.values.length; g++) builder.continuations(g);
    return builder.build();
  }

  /**
   * The continuations (ids ascending) grouped by probability, groups descending, ids ascending within
   * a group: the distinct probabilities are sorted natively and each word bucketed by its value's
   * rank (a counting sort, no comparison of words). Words at probability 0 are dropped.
   */
  private rankContinuations(ids: Int32Array, first: number, m: number, stamp: number, ranking: RootRanking): RankedContinuations {
    const probs = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) probs[i] = this.levelProbability(first, m, ids[i], stamp, ranking);
    const sorted = Float64Array.from(probs).sort().reverse();
    let distinct = 0;
    for (let i = 0; i < sorted.length; i++) if (sorted[i] > 0 && (distinct === 0 || sorted[i] !== sorted[distinct - 1])) sorted[distinct++] = sorted[i];
    const values = sorted.slice(0, distinct);
    const groupOf = new Int32Array(ids.length);
    const start = new Int32Array(distinct + 1);
    for (let i = 0; i < ids.length; i++) {
      // The rank of the word's value among the distinct values (descending), by binary search.
      let low = 0;
      let high = distinct;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (values[middle] > probs[i]) low = middle + 1;
        else high = middle;
      }
      groupOf[i] = probs[i] > 0 ? low : NONE;
      if (probs[i] > 0) start[low + 1]++;
    }
    for (let group = 0; group < distinct; group++) start[group + 1] += start[group];
    const next = start.slice(0, distinct);
    const words = new Int32Array(start[distinct]);
    for (let i = 0; i < ids.length; i++) if (groupOf[i] !== NONE) words[next[groupOf[i]]++] = ids[i];
    return { ids, groupOf, values, start, words };
  }

  /** p_j(word) of the current query, for levels whose children are stamped with `stamp`. */
  private levelProbability(first: number, j: number, word: number, stamp: number, ranking: RootRanking): number {
    if (j < first) return 1 / this.vocabularySize();
    if (j === 0) {
      const c = ranking.classOf[word];
      return c === NONE ? 0 : ranking.classValue[c];
    }
    if (this.levelStamps[j][word] === stamp) return this.levelValues[j][word];
    return this.unseenWeight[j] * this.levelProbability(first, j - 1, word, stamp, ranking);
  }

  /**
   * Scores the children of c_j (level j, whose lower levels are already stamped): their ids and p_j
   * into level j's buffers, stamped and kept by word id. Returns how many there are.
   */
  private scoreChildren(chain: ContextChain, first: number, j: number, stamp: number, ranking: RootRanking): number {
    const tables = this.counts.tables;
    const childTable = tables[j];
    const data = childTable.data;
    const stride = childTable.stride;
    const countField = this.kind === Kind.KneserNey ? childTable.adjustedField : COUNT;
    const node = chain.nodes[j];
    const contextTable = tables[j - 1];
    const childCount = contextTable.get(node, N1) + contextTable.get(node, N2) + contextTable.get(node, N3);
    const buffers = this.levelBuffers(j, childCount);
    const stamps = this.levelStamps[j];
    const values = this.levelValues[j];
    let i = 0;
    for (let child = contextTable.get(node, FIRST_CHILD); child !== NONE; child = childTable.nextSibling(child)) {
      const base = child * stride;
      const word = data[base + WORD];
      const p = this.step(j, data[base + countField], this.levelProbability(first, j - 1, word, stamp, ranking));
      stamps[word] = stamp;
      values[word] = p;
      buffers.ids[i] = word;
      buffers.probs[i++] = p;
    }
    return i;
  }

  /**
   * How many words of V are strictly likelier than `probability` after `chain` (a word's rank is
   * one more: words of equal probability share the best rank). Level by level, as `distribution`
   * builds p_m from the levels below: the words whose p_m is γ_m·p_{m−1} are counted at level m−1
   * (with its threshold carried through the γs) minus the children of c_m, whose own p_m is counted
   * instead. Each level's children are scored once per model version and context node and kept
   * sorted, so a count costs O(levels² · log children) after the first query of its contexts.
   * The γs are applied to each compared value exactly as scoring applies them, so ties are exact.
   */
  countLikelier(chain: ContextChain, probability: number): number {
    // No word is likelier than 1 (the longest-match estimator asks about thresholds above it).
    if (probability >= VALUE_CEILING) return 0;
    if (this.likelierVersion !== this.counts.version) {
      for (const cache of this.likelierCache) cache?.clear();
      this.likelierVersion = this.counts.version;
    }
    const m = chain.length;
    const first = this.firstLevel(m);
    const ranking = this.rootRanking();
    this.prepare(chain, first);
    const unseen = this.unseenWeight;
    // A value of level j as it reaches level m when no higher level has seen its word.
    const lift = (j: number, value: number): number => {
      for (let k = j + 1; k <= m; k++) value = unseen[k] * value;
      return value;
    };
    let likelier = 0;
    if (first === 0) {
      // Classes are ranked by p_0, so the likelier ones are a prefix, and classStart counts their words.
      likelier += ranking.classStart[countWhile(ranking.classValue, (value) => lift(0, value) > probability)];
    } else if (lift(first - 1, 1 / this.vocabularySize()) > probability) {
      likelier += this.vocabularySize();
    }
    for (let j = Math.max(first, 1); j <= m; j++) {
      const level = this.likelierLevel(chain, first, j, ranking);
      likelier += countWhile(level.own, (value) => lift(j, value) > probability);
      likelier -= countWhile(level.lower, (value) => lift(j - 1, value) > probability);
    }
    return likelier;
  }

  /** Per level, by context node: its children's p_j and p_{j−1}, each sorted descending (for `countLikelier`). */
  private readonly likelierCache: (Map<number, { own: Float64Array; lower: Float64Array }> | undefined)[] = [];
  private likelierVersion = -1;

  private likelierLevel(chain: ContextChain, first: number, j: number, ranking: RootRanking): { own: Float64Array; lower: Float64Array } {
    const cache = (this.likelierCache[j] ??= new Map());
    const node = chain.nodes[j];
    const cached = cache.get(node);
    if (cached) return cached;
    const tables = this.counts.tables;
    const childTable = tables[j];
    const data = childTable.data;
    const stride = childTable.stride;
    const countField = this.kind === Kind.KneserNey ? childTable.adjustedField : COUNT;
    const contextTable = tables[j - 1];
    const children = contextTable.get(node, N1) + contextTable.get(node, N2) + contextTable.get(node, N3);
    const own = new Float64Array(children);
    const lower = new Float64Array(children);
    let i = 0;
    for (let child = contextTable.get(node, FIRST_CHILD); child !== NONE; child = childTable.nextSibling(child), i++) {
      const word = data[child * stride + WORD];
      // p_{j−1}(word): the same levels, in the same order, as scoring walks them.
      let value = first === 0 ? (ranking.classOf[word] === NONE ? 0 : ranking.classValue[ranking.classOf[word]]) : 1 / this.vocabularySize();
      for (let k = Math.max(first, 1); k < j; k++) {
        const below = tables[k].find(chain.nodes[k], word);
        value = this.step(k, below === NONE ? 0 : this.childCount(k, below), value);
      }
      lower[i] = value;
      own[i] = this.step(j, data[child * stride + countField], value);
    }
    const level = { own: own.sort().reverse(), lower: lower.sort().reverse() };
    cache.set(node, level);
    return level;
  }

  /** Level j's reusable child buffers, grown to hold `count` children. */
  private levelBuffers(j: number, count: number): { ids: Int32Array; probs: Float64Array; heap: Int32Array } {
    let buffers = this.childBuffers[j];
    if (!buffers || buffers.ids.length < count) {
      const capacity = Math.max(count, 64, 2 * (buffers?.ids.length ?? 0));
      buffers = { ids: new Int32Array(capacity), probs: new Float64Array(capacity), heap: new Int32Array(capacity) };
      this.childBuffers[j] = buffers;
    }
    return buffers;
  }

  /**
   * A fresh stamp for the per-level child marks, sized for `size` ids. They grow with room to spare:
   * while a workspace is learned the vocabulary grows between almost every two queries.
   */
  private nextStamp(size: number): number {
    const levels = this.counts.order;
    if (this.levelStamps.length < levels || this.continuationStamps.length < size || this.stamp === 0xffffffff) {
      const capacity = Math.max(size, Math.ceil(this.continuationStamps.length * STAMP_GROWTH));
      this.levelStamps.length = 0;
      this.levelValues.length = 0;
      for (let j = 0; j < levels; j++) {
        this.levelStamps.push(new Uint32Array(capacity));
        this.levelValues.push(new Float64Array(capacity));
      }
      this.continuationStamps = new Uint32Array(capacity);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** How many leading values of `sorted` (descending) satisfy `test`, which holds for a prefix of them. */
function countWhile(sorted: Float64Array, test: (value: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (test(sorted[middle])) low = middle + 1;
    else high = middle;
  }
  return low;
}
