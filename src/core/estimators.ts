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
import { NONE } from './counts';
import type { EstimatorName, EstimatorOptions } from './types';
import { BOS, EOS, FIRST_WORD_ID, UNK } from './vocabulary';

/** Stupid backoff's α (Brants et al. 2007). */
export const STUPID_BACKOFF_ALPHA = 0.4;
/** lmplz's --discount_fallback defaults, used when the count-of-counts cannot give valid discounts. */
export const FALLBACK_DISCOUNTS: Discounts = { d1: 0.5, d2: 1, d3: 1.5, fallback: true };
export const DEFAULT_ADD_K = 1;

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

/** Words ranked by probability (descending, ties by lower id). */
interface RankedList {
  ids: Int32Array;
  probs: Float64Array;
  length: number;
}

const enum Kind {
  KneserNey,
  StupidBackoff,
  AddK,
  Mle,
}

const KINDS: Record<EstimatorName, Kind> = {
  'kneser-ney': Kind.KneserNey,
  'stupid-backoff': Kind.StupidBackoff,
  'add-k': Kind.AddK,
  mle: Kind.Mle,
};

export class Estimator {
  readonly name: EstimatorName;
  readonly isProbability: boolean;
  private readonly kind: Kind;
  private readonly addK: number;

  /** Level parameters of the current query: 1/den, seen and unseen weights per level. */
  private inverse = new Float64Array(8);
  private seenWeight = new Float64Array(8);
  private unseenWeight = new Float64Array(8);
  /** Discount per order n and adjusted count bucket k at [4n + k]. */
  private discounts = new Float64Array(0);
  private discountsVersion = -1;
  private rootProbs = new Float64Array(0);
  private rootVersion = -1;
  private rootRanked: RankedList = { ids: new Int32Array(0), probs: new Float64Array(0), length: 0 };
  private rankedVersion = -1;
  /** The p_0 array `rootRanked` was sorted from. */
  private rankedFrom: Float64Array = new Float64Array(0);
  private stamps = new Uint32Array(0);
  private stamp = 0;

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

  /** Fills the level parameters for levels first..m of `chain`. */
  private prepare(chain: ContextChain, first: number): void {
    const m = chain.length;
    if (this.inverse.length <= m) {
      this.inverse = new Float64Array(m + 1);
      this.seenWeight = new Float64Array(m + 1);
      this.unseenWeight = new Float64Array(m + 1);
    }
    const counts = this.counts;
    const kind = this.kind;
    const discounts = kind === Kind.KneserNey ? this.knDiscounts() : this.discounts;
    for (let j = first; j <= m; j++) {
      const node = chain.nodes[j];
      let denominator: number;
      let seen = 0;
      let unseen = 0;
      if (kind === Kind.KneserNey) {
        let n1: number, n2: number, n3: number;
        if (j === 0) {
          const root = counts.root;
          denominator = root.childSum;
          n1 = root.n1;
          n2 = root.n2;
          n3 = root.n3;
        } else {
          const table = counts.tables[j - 1];
          denominator = table.childSum[node];
          n1 = table.n1[node];
          n2 = table.n2[node];
          n3 = table.n3[node];
        }
        const base = 4 * (j + 1);
        seen = unseen = (discounts[base + 1] * n1 + discounts[base + 2] * n2 + discounts[base + 3] * n3) / denominator;
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
  }

  /** The count the estimator uses for child (of order j+1): adjusted for KN, raw otherwise. */
  private childCount(j: number, child: number): number {
    if (j === 0 && child === BOS) return 0;
    const table = this.counts.tables[j];
    return this.kind === Kind.KneserNey ? table.adjusted[child] : table.count[child];
  }

  private numerator(j: number, count: number): number {
    if (this.kind !== Kind.KneserNey) return count;
    const base = 4 * (j + 1);
    return count - this.discounts[base + (count >= 3 ? 3 : count)];
  }

  /**
   * Resolves context ids (the last `order − 1` matter) into `chain`: the longest suffix that was
   * seen followed by something.
   */
  resolve(context: ArrayLike<number>, chain: ContextChain): void {
    const counts = this.counts;
    const maxLength = Math.min(context.length, counts.order - 1);
    const end = context.length;
    chain.nodes[0] = 0;
    let m = 0;
    for (let j = 1; j <= maxLength; j++) {
      let node = context[end - j];
      if (counts.unigramCount(node) === 0) break;
      for (let i = end - j + 1; i < end && node !== NONE; i++) node = counts.tables[i - end + j].find(node, context[i]);
      if (node === NONE || counts.tables[j - 1].firstChild[node] === NONE) break;
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

  /** p(word | chain) over levels first..upTo; `word` must be in V. */
  private probabilityUpTo(chain: ContextChain, first: number, upTo: number, word: number): number {
    let p = 1 / this.vocabularySize();
    for (let j = first; j <= upTo; j++) {
      const child = this.childOf(chain, j, word);
      const count = child === NONE ? 0 : this.childCount(j, child);
      p = count > 0 ? this.numerator(j, count) * this.inverse[j] + this.seenWeight[j] * p : this.unseenWeight[j] * p;
    }
    return p;
  }

  /** P(word | chain); 0 for a word outside V (`<s>`, or a word without a count). */
  probability(chain: ContextChain, word: number): number {
    if (!this.inVocabulary(word)) return 0;
    const first = this.firstLevel(chain.length);
    this.prepare(chain, first);
    return this.probabilityUpTo(chain, first, chain.length, word);
  }

  /** The n-gram length the last `scoreAndAdvance` matched (0 when even its unigram was unseen). */
  lastMatched = 0;

  /**
   * P(word | chain), then moves `next` to the context that follows `word` (the state of a left-to-
   * right scan, as KenLM's query keeps it); `lastMatched` tells the n-gram length that matched.
   * A word outside V scores 0 here: callers score it as `<unk>`.
   */
  scoreAndAdvance(chain: ContextChain, word: number, next: ContextChain): number {
    const counts = this.counts;
    const m = chain.length;
    const first = this.firstLevel(m);
    this.prepare(chain, first);
    const known = this.inVocabulary(word);
    let p = 1 / this.vocabularySize();
    let matched = 0;
    for (let j = 0; j <= m; j++) {
      // Once c_j·w is unseen, so is every longer c_j'·w (its suffix would have been counted).
      const child = matched === j && known ? this.childOf(chain, j, word) : NONE;
      if (child !== NONE) {
        matched = j + 1;
        if (j < counts.order - 1) next.nodes[j + 1] = child;
      }
      if (j < first) continue;
      const count = child === NONE ? 0 : this.childCount(j, child);
      p = count > 0 ? this.numerator(j, count) * this.inverse[j] + this.seenWeight[j] * p : this.unseenWeight[j] * p;
    }
    this.lastMatched = matched;
    next.nodes[0] = 0;
    let length = Math.min(matched, counts.order - 1);
    // A suffix without continuations (one ending in `</s>`) is no context.
    while (length > 0 && counts.tables[length - 1].firstChild[next.nodes[length]] === NONE) length--;
    next.length = length;
    return known ? p : 0;
  }

  /** p_0 for every id (the unigram level over the uniform base), cached per model version. */
  private rootLevel(): Float64Array {
    const counts = this.counts;
    const size = counts.tables[0].size;
    if (this.rootVersion !== counts.version || this.rootProbs.length !== size) {
      const chain: ContextChain = { nodes: new Int32Array(1), length: 0 };
      this.prepare(chain, 0);
      const probs = new Float64Array(size);
      for (let word = 0; word < size; word++) {
        if (this.inVocabulary(word)) probs[word] = this.probabilityUpTo(chain, 0, 0, word);
      }
      this.rootProbs = probs;
      this.rootVersion = counts.version;
    }
    return this.rootProbs;
  }

  /** All words with p_0 > 0, ranked; cached per model version. */
  private rankedRoot(): RankedList {
    const counts = this.counts;
    const probs = this.rootLevel();
    if (this.rankedVersion !== counts.version || this.rankedFrom !== probs) {
      const ids: number[] = [];
      for (let word = 0; word < probs.length; word++) if (probs[word] > 0) ids.push(word);
      ids.sort((a, b) => probs[b] - probs[a] || a - b);
      const ranked = Int32Array.from(ids);
      const rankedProbs = new Float64Array(ranked.length);
      for (let i = 0; i < ranked.length; i++) rankedProbs[i] = probs[ranked[i]];
      this.rootRanked = { ids: ranked, probs: rankedProbs, length: ranked.length };
      this.rankedVersion = counts.version;
      this.rankedFrom = probs;
    }
    return this.rootRanked;
  }

  /** The distribution over all ids (index = id; `<s>` and words without counts get 0). */
  distribution(chain: ContextChain, size: number): Float64Array {
    const m = chain.length;
    const first = this.firstLevel(m);
    const out = new Float64Array(size);
    let from = first;
    if (first === 0) {
      const root = this.rootLevel();
      out.set(root.length > size ? root.subarray(0, size) : root);
      from = 1;
    } else {
      const uniform = 1 / this.vocabularySize();
      for (let word = 0; word < size; word++) if (this.inVocabulary(word)) out[word] = uniform;
    }
    this.prepare(chain, first);
    for (let j = from; j <= m; j++) this.applyLevel(chain, j, out);
    return out;
  }

  /** p_j from p_{j−1} in place, for every id. */
  private applyLevel(chain: ContextChain, j: number, out: Float64Array): void {
    const tables = this.counts.tables;
    const childTable = tables[j];
    const inverse = this.inverse[j];
    const seen = this.seenWeight[j];
    const unseen = this.unseenWeight[j];
    const words: number[] = [];
    const values: number[] = [];
    for (let child = tables[j - 1].firstChild[chain.nodes[j]]; child !== NONE; child = childTable.next[child]) {
      const word = childTable.keys[2 * child + 1];
      words.push(word);
      values.push(this.numerator(j, this.childCount(j, child)) * inverse + seen * out[word]);
    }
    if (unseen !== 1) for (let word = 0; word < out.length; word++) out[word] = unseen * out[word];
    for (let i = 0; i < words.length; i++) out[words[i]] = values[i];
  }

  /**
   * The k likeliest ids after `chain` with p > 0, ranked (descending, ties by lower id), computed
   * level by level: the children of c_j are scored exactly and merged with the ranked list of
   * level j−1 minus those children, scaled by unseen_j (scaling keeps that list's order). Level j−1
   * must therefore supply k plus as many entries as all higher levels have children.
   */
  topK(chain: ContextChain, k: number): RankedList {
    const m = chain.length;
    const first = this.firstLevel(m);
    this.prepare(chain, first);
    const needed = new Int32Array(m + 2);
    needed[m] = k;
    for (let j = m; j > first; j--) needed[j - 1] = needed[j] + this.childrenOf(chain, j);
    let list: RankedList;
    let from: number;
    if (first === 0) {
      list = this.rankedRoot();
      from = 1;
    } else {
      list = this.uniformList(needed[first] + this.childrenOf(chain, first));
      from = first;
    }
    for (let j = from; j <= m; j++) list = this.mergeLevel(chain, first, j, list, needed[j]);
    return { ids: list.ids, probs: list.probs, length: Math.min(list.length, k) };
  }

  /** Number of continuations of c_j (each has an adjusted count ≥ 1, so it is in one bucket). */
  private childrenOf(chain: ContextChain, j: number): number {
    const table = this.counts.tables[j - 1];
    const node = chain.nodes[j];
    return table.n1[node] + table.n2[node] + table.n3[node];
  }

  /** The first `length` words of V by id, all at 1/|V|. */
  private uniformList(length: number): RankedList {
    const uniform = 1 / this.vocabularySize();
    const ids = new Int32Array(length);
    const size = this.counts.tables[0].size;
    let filled = 0;
    for (let word = 0; word < Math.max(size, FIRST_WORD_ID) && filled < length; word++) {
      if (this.inVocabulary(word)) ids[filled++] = word;
    }
    return { ids, probs: new Float64Array(filled).fill(uniform), length: filled };
  }

  private mergeLevel(chain: ContextChain, first: number, j: number, lower: RankedList, needed: number): RankedList {
    const tables = this.counts.tables;
    const childTable = tables[j];
    const inverse = this.inverse[j];
    const seen = this.seenWeight[j];
    const unseen = this.unseenWeight[j];
    const rootProbs = j - 1 === 0 && first === 0 ? this.rootLevel() : undefined;
    const uniform = 1 / this.vocabularySize();
    const stamp = this.nextStamp();
    const stamps = this.stamps;
    const childIds: number[] = [];
    const childProbs: number[] = [];
    for (let child = tables[j - 1].firstChild[chain.nodes[j]]; child !== NONE; child = childTable.next[child]) {
      const word = childTable.keys[2 * child + 1];
      stamps[word] = stamp;
      const below = j - 1 < first ? uniform : rootProbs ? rootProbs[word] : this.probabilityUpTo(chain, first, j - 1, word);
      const p = this.numerator(j, this.childCount(j, child)) * inverse + seen * below;
      if (p > 0) {
        childIds.push(word);
        childProbs.push(p);
      }
    }
    const childOrder = topIndices(childIds, childProbs, needed);
    const ids = new Int32Array(needed);
    const probs = new Float64Array(needed);
    let length = 0;
    let c = 0;
    let l = 0;
    const skipStamped = (): void => {
      while (l < lower.length && stamps[lower.ids[l]] === stamp) l++;
    };
    skipStamped();
    while (length < needed) {
      const hasChild = c < childOrder.length;
      const hasLower = unseen > 0 && l < lower.length;
      if (!hasChild && !hasLower) break;
      let takeChild = hasChild;
      if (hasChild && hasLower) {
        const childP = childProbs[childOrder[c]];
        const lowerP = unseen * lower.probs[l];
        takeChild = childP > lowerP || (childP === lowerP && childIds[childOrder[c]] < lower.ids[l]);
      }
      if (takeChild) {
        ids[length] = childIds[childOrder[c]];
        probs[length++] = childProbs[childOrder[c++]];
      } else {
        const p = unseen * lower.probs[l];
        if (!(p > 0)) break;
        ids[length] = lower.ids[l];
        probs[length++] = p;
        l++;
        skipStamped();
      }
    }
    return { ids, probs, length };
  }

  private nextStamp(): number {
    const size = this.counts.tables[0].size;
    if (this.stamps.length < size || this.stamp === 0xffffffff) {
      this.stamps = new Uint32Array(Math.max(size, FIRST_WORD_ID));
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** Indices of the `limit` largest probs (ties by lower id), ranked. */
function topIndices(ids: readonly number[], probs: readonly number[], limit: number): number[] {
  const order = Array.from(ids.keys());
  const before = (a: number, b: number): number => probs[b] - probs[a] || ids[a] - ids[b];
  if (order.length <= 4 * limit) return order.sort(before).slice(0, limit);
  // Many continuations, few needed: keep a min-heap of the best `limit`.
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => before(a, b) > 0;
  for (const index of order) {
    if (heap.length < limit) {
      heap.push(index);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (limit > 0 && worse(heap[0], index)) {
      heap[0] = index;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let worst = i;
        if (left < heap.length && worse(heap[left], heap[worst])) worst = left;
        if (right < heap.length && worse(heap[right], heap[worst])) worst = right;
        if (worst === i) break;
        [heap[i], heap[worst]] = [heap[worst], heap[i]];
        i = worst;
      }
    }
  }
  return heap.sort(before);
}
