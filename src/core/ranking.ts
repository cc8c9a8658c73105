// The next-word ranking (probability descending, ties by the lower id) as streams the estimator
// merges level by level for an exact top-k, and the runs of equal probability a whole distribution is
// laid out as (estimators.ts builds both from the counts; runs.ts decodes on the runs).

import { NONE } from './orderTable';
import type { ProbabilityRuns } from './runs';

/** Words ranked by probability (descending, ties by lower id). */
export interface RankedWords {
  readonly ids: Int32Array;
  readonly probs: Float64Array;
  readonly length: number;
}

/** Whether (pa, ia) ranks before (pb, ib): higher probability, then lower id. */
export function ranksBefore(pa: number, ia: number, pb: number, ib: number): boolean {
  return pa > pb || (pa === pb && ia < ib);
}

/** A ranked sequence of words consumed front to back; `id` is NONE once it is exhausted. */
export interface RankedStream {
  id: number;
  prob: number;
  advance(): void;
}

/**
 * The unigram level ranked. p_0 depends on a word's count alone, so the words of V with p_0 > 0 fall
 * into a few classes of equal p_0: classes ranked by p_0 (descending), the words of a class in id
 * order, which is the ranking's tie-break.
 */
export interface RootRanking {
  /** The counts' version it was built for. */
  readonly version: number;
  readonly classes: number;
  /** p_0 of class c (descending in c). */
  readonly classValue: Float64Array;
  /** Class c's words are words[classStart[c]] … words[classStart[c + 1] − 1]. */
  readonly classStart: Int32Array;
  readonly words: Int32Array;
  /** The class of each id below the unigram table's size; NONE outside V or at p_0 = 0. */
  readonly classOf: Int32Array;
}

export const EMPTY_RANKING: RootRanking = {
  version: -1,
  classes: 0,
  classValue: new Float64Array(0),
  classStart: new Int32Array(1),
  words: new Int32Array(0),
  classOf: new Int32Array(0),
};

/** The unigram level's ranking, front to back. */
export class RootStream implements RankedStream {
  id = NONE;
  prob = 0;
  private index = -1;
  private rankClass = 0;

  constructor(private readonly ranking: RootRanking) {
    this.advance();
  }

  advance(): void {
    const ranking = this.ranking;
    this.index++;
    if (this.index >= ranking.words.length) {
      this.id = NONE;
      this.prob = 0;
      return;
    }
    while (ranking.classStart[this.rankClass + 1] <= this.index) this.rankClass++;
    this.id = ranking.words[this.index];
    this.prob = ranking.classValue[this.rankClass];
  }
}

/** Every word of V in id order, all at the same probability. */
export class UniformStream implements RankedStream {
  id = NONE;
  private next = 0;

  constructor(
    readonly prob: number,
    private readonly size: number,
    private readonly inVocabulary: (word: number) => boolean,
  ) {
    this.advance();
  }

  advance(): void {
    while (this.next < this.size && !this.inVocabulary(this.next)) this.next++;
    this.id = this.next < this.size ? this.next++ : NONE;
  }
}

/**
 * Level j's ranking: the children of c_j (scored exactly, in a max-heap) merged with level j−1's
 * stream minus those children, scaled by the unseen weight (scaling keeps that stream's order).
 */
export class LevelStream implements RankedStream {
  id = NONE;
  prob = 0;
  private heapSize: number;
  private fromHeap = false;

  constructor(
    private readonly childIds: Int32Array,
    private readonly childProbs: Float64Array,
    private readonly heap: Int32Array,
    childCount: number,
    private readonly lower: RankedStream,
    private readonly unseen: number,
    private readonly stamps: Uint32Array,
    private readonly stamp: number,
  ) {
    this.heapSize = childCount;
    for (let i = 0; i < childCount; i++) heap[i] = i;
    for (let i = (childCount >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.settle();
  }

  private better(a: number, b: number): boolean {
    return ranksBefore(this.childProbs[a], this.childIds[a], this.childProbs[b], this.childIds[b]);
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const size = this.heapSize;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const best = right < size && this.better(heap[right], heap[left]) ? right : left;
      if (!this.better(heap[best], heap[i])) return;
      const swap = heap[i];
      heap[i] = heap[best];
      heap[best] = swap;
      i = best;
    }
  }

  /** Points id/prob at the better of the heap's top and the lower stream's next non-child. */
  private settle(): void {
    const lower = this.lower;
    while (lower.id !== NONE && this.stamps[lower.id] === this.stamp) lower.advance();
    const lowerProb = lower.id === NONE ? 0 : this.unseen * lower.prob;
    const hasLower = lowerProb > 0;
    if (this.heapSize === 0 && !hasLower) {
      this.id = NONE;
      this.prob = 0;
      return;
    }
    const top = this.heap[0];
    this.fromHeap = this.heapSize > 0 && (!hasLower || ranksBefore(this.childProbs[top], this.childIds[top], lowerProb, lower.id));
    this.id = this.fromHeap ? this.childIds[top] : lower.id;
    this.prob = this.fromHeap ? this.childProbs[top] : lowerProb;
  }

  advance(): void {
    if (this.fromHeap) {
      this.heap[0] = this.heap[--this.heapSize];
      this.siftDown(0);
    } else {
      this.lower.advance();
    }
    this.settle();
  }
}

/** The continuations of a `runs` query, grouped by probability (see `rankContinuations`). */
export interface RankedContinuations {
  /** Every continuation, ascending. */
  readonly ids: Int32Array;
  /** The group of ids[i], or NONE at probability 0. */
  readonly groupOf: Int32Array;
  /** Each group's probability, descending. */
  readonly values: Float64Array;
  /** Group g's words are words[start[g]] … words[start[g + 1] − 1], ascending. */
  readonly start: Int32Array;
  readonly words: Int32Array;
}

/**
 * Collects runs in rank order (see `Estimator.runs`): a run is a group of continuations, one or more
 * classes of the unigram ranking, or both when their probabilities are equal.
 */
export class RunsBuilder {
  private readonly probability: number[] = [];
  private readonly size: number[] = [];
  /** The continuation group in a run, or NONE. */
  private readonly group: number[] = [];
  /** The classes classFrom[r] … classTo[r] − 1 are in run r. */
  private readonly classFrom: number[] = [];
  private readonly classTo: number[] = [];

  constructor(
    private readonly ranking: RootRanking,
    /** Words the classes' runs leave out (continuations and a left-out word), by id. */
    private readonly excluded: Uint8Array,
    private readonly ranked: RankedContinuations,
  ) {}

  continuations(group: number): void {
    const r = this.runFor(this.ranked.values[group]);
    this.group[r] = group;
    this.size[r] += this.ranked.start[group + 1] - this.ranked.start[group];
  }

  rankClass(c: number, probability: number, words: number): void {
    const r = this.runFor(probability);
    if (this.classFrom[r] === this.classTo[r]) this.classFrom[r] = c;
    this.classTo[r] = c + 1;
    this.size[r] += words;
  }

  /** The last run if it has this probability (equal probabilities rank by id, whatever their source), else a new one. */
  private runFor(probability: number): number {
    const last = this.probability.length - 1;
    if (last >= 0 && this.probability[last] === probability) return last;
    this.probability.push(probability);
    this.size.push(0);
    this.group.push(NONE);
    this.classFrom.push(0);
    this.classTo.push(0);
    return last + 1;
  }

  build(): ProbabilityRuns {
    const { ranking, excluded, ranked, group, classFrom, classTo } = this;
    const length = this.probability.length;
    const runOfGroup = new Int32Array(ranked.values.length).fill(NONE);
    const runOfClass = new Int32Array(ranking.classes).fill(NONE);
    for (let r = 0; r < length; r++) {
      if (group[r] !== NONE) runOfGroup[group[r]] = r;
      for (let c = classFrom[r]; c < classTo[r]; c++) runOfClass[c] = r;
    }
    const classWords = function* (c: number): Generator<number> {
      for (let i = ranking.classStart[c]; i < ranking.classStart[c + 1]; i++) if (excluded[ranking.words[i]] === 0) yield ranking.words[i];
    };
    // A run of several sources lists its words in id order the first time one is asked for.
    const merged = new Map<number, Int32Array>();
    const mergedWords = (r: number): Int32Array => {
      let words = merged.get(r);
      if (words === undefined) {
        const parts: number[] = group[r] === NONE ? [] : Array.from(ranked.words.subarray(ranked.start[group[r]], ranked.start[group[r] + 1]));
        for (let c = classFrom[r]; c < classTo[r]; c++) parts.push(...classWords(c));
        words = Int32Array.from(parts).sort();
        merged.set(r, words);
      }
      return words;
    };
    return {
      length,
      probability: Float64Array.from(this.probability),
      size: Int32Array.from(this.size),
      word(run, index) {
        const classes = classTo[run] - classFrom[run];
        if (classes === 0) return ranked.words[ranked.start[group[run]] + index];
        if (classes > 1 || group[run] !== NONE) return mergedWords(run)[index];
        let seen = 0;
        for (const word of classWords(classFrom[run])) if (seen++ === index) return word;
        throw new RangeError(`run ${run} has no word ${index}`);
      },
      runOf(word) {
        if (word < 0 || word >= ranking.classOf.length) return NONE;
        if (excluded[word] === 0) return ranking.classOf[word] === NONE ? NONE : runOfClass[ranking.classOf[word]];
        // A continuation (or the left-out word, which is in no run): found among the sorted ids.
        let low = 0;
        let high = ranked.ids.length;
        while (low < high) {
          const middle = (low + high) >> 1;
          if (ranked.ids[middle] < word) low = middle + 1;
          else high = middle;
        }
        return ranked.ids[low] === word && ranked.groupOf[low] !== NONE ? runOfGroup[ranked.groupOf[low]] : NONE;
      },
    };
  }
}
