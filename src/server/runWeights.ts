// The engine's re-weighting (`reweight` in src/core/decoding.ts: temperature, then top-k, then top-p),
// its entropy and its draw, computed on a distribution given as runs of words of equal probability
// (`NgramModel.runs`) instead of a vector over the vocabulary: every sum over the vocabulary becomes a
// sum over runs, each term counted as often as its run has words. A prediction then costs
// O(continuations + unigram classes), not O(|V|) per pass. Same conventions as decoding.ts: an empty
// support stays empty, T = 0 puts all the mass on the likeliest word (the lowest id among ties).

import { NUCLEUS_TOLERANCE } from '../core/decoding';
import type { ProbabilityRuns } from '../core/model';
import type { SamplingOptions } from '../core/types';

/** How many words have a probability, their total (1 for a proper estimator), and the entropy in bits. */
export interface RunsSummary {
  readonly words: number;
  readonly total: number;
  readonly entropyBits: number;
}

export function summarizeRuns(runs: ProbabilityRuns): RunsSummary {
  let words = 0;
  let total = 0;
  for (let r = 0; r < runs.length; r++) {
    words += runs.size[r];
    total += runs.size[r] * runs.probability[r];
  }
  return { words, total, entropyBits: entropyOf(runs.probability, runs.size, runs.length, total) };
}

/** −Σ q log2 q over the words of the runs, q = value / total (as decoding.ts's `entropyBits`). */
function entropyOf(values: Float64Array, sizes: ArrayLike<number>, length: number, total: number): number {
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (let r = 0; r < length; r++) {
    if (sizes[r] === 0) continue;
    const q = values[r] / total;
    entropy -= sizes[r] * q * Math.log2(q);
  }
  // −0 and rounding just below zero both mean "no uncertainty".
  return Math.max(0, entropy);
}

/**
 * The distribution sampling draws from, per run: each kept word's weight (not normalised) and how
 * many of the run's words survive top-k and top-p. Runs come likeliest first, so the filters keep a
 * prefix of the ranking: a word at rank i (0-based, the engine's ranking) is kept when i < `keptWords`.
 */
export class RunWeights {
  private readonly weight: Float64Array;
  private readonly kept: Float64Array;
  /** Σ kept words' weights: the softmax's denominator over the words that survive the filters. */
  private readonly total: number;
  readonly keptWords: number;
  /** T = 0: the likeliest word takes everything, nothing is drawn. */
  readonly greedy: boolean;

  constructor(
    private readonly runs: ProbabilityRuns,
    sampling: SamplingOptions,
  ) {
    const length = runs.length;
    this.greedy = sampling.temperature === 0;
    this.weight = new Float64Array(length);
    this.kept = new Float64Array(length);
    if (length === 0) {
      this.total = 0;
      this.keptWords = 0;
      return;
    }
    const temperature = sampling.temperature;
    // Runs are likeliest first: run 0 holds the maximum, whose weight is exactly 1 (as applyTemperature).
    const maxLog = Math.log(runs.probability[0]);
    for (let r = 0; r < length; r++) {
      const p = runs.probability[r];
      this.weight[r] = temperature === 1 ? p : this.greedy ? (r === 0 ? 1 : 0) : Math.exp((Math.log(p) - maxLog) / temperature);
      this.kept[r] = this.greedy ? (r === 0 ? 1 : 0) : runs.size[r];
    }
    const topK = sampling.topK ?? 0;
    if (topK > 0) this.keepFirst(topK);
    const topP = sampling.topP ?? 1;
    if (topP < 1) this.keepNucleus(topP);
    let total = 0;
    let keptWords = 0;
    for (let r = 0; r < length; r++) {
      total += this.kept[r] * this.weight[r];
      keptWords += this.kept[r];
    }
    this.total = total;
    this.keptWords = keptWords;
  }

  /** Top-k: the k likeliest words (ties: the run's first words, the engine's lower ids). */
  private keepFirst(k: number): void {
    let left = k;
    for (let r = 0; r < this.runs.length; r++) {
      this.kept[r] = Math.min(this.kept[r], left);
      left -= this.kept[r];
    }
  }

  /** Top-p: the fewest likeliest words whose weight reaches p of the kept total (at least one). */
  private keepNucleus(p: number): void {
    let total = 0;
    for (let r = 0; r < this.runs.length; r++) total += this.kept[r] * this.weight[r];
    const target = p * total * (1 - NUCLEUS_TOLERANCE);
    let mass = 0;
    let reached = false;
    for (let r = 0; r < this.runs.length; r++) {
      if (reached) {
        this.kept[r] = 0;
        continue;
      }
      const weight = this.weight[r];
      const runMass = this.kept[r] * weight;
      if (this.kept[r] > 0 && mass + runMass >= target) {
        // The words of a run weigh the same: the first `needed` of them reach the target.
        const needed = Math.max(1, Math.ceil((target - mass) / weight));
        this.kept[r] = Math.min(this.kept[r], needed);
        reached = true;
      }
      mass += runMass;
    }
  }

  /** The chance of drawing a word of run `run` at rank `rank` in the engine's ranking (0 when filtered out). */
  weightOf(run: number, rank: number): number {
    if (this.greedy) return rank === 0 && run >= 0 ? 1 : 0;
    if (run < 0 || rank >= this.keptWords || !(this.total > 0)) return 0;
    return this.weight[run] / this.total;
  }

  /** Entropy in bits of the distribution sampling draws from. */
  entropyBits(): number {
    return entropyOf(this.weight, this.kept, this.runs.length, this.total);
  }

  /**
   * The word a uniform number in [0, 1) picks: the kept words laid end to end in rank order, each as
   * long as its weight. Undefined when nothing can be drawn.
   */
  draw(uniform: number): { readonly word: number; readonly weight: number } | undefined {
    if (!(this.total > 0)) return undefined;
    const threshold = uniform * this.total;
    let mass = 0;
    let last: { word: number; weight: number } | undefined;
    for (let r = 0; r < this.runs.length; r++) {
      const kept = this.kept[r];
      if (kept === 0) continue;
      const weight = this.weight[r];
      const runMass = kept * weight;
      if (threshold < mass + runMass) {
        const index = Math.min(kept - 1, Math.floor((threshold - mass) / weight));
        return { word: this.runs.word(r, index), weight: weight / this.total };
      }
      mass += runMass;
      last = { word: this.runs.word(r, kept - 1), weight: weight / this.total };
    }
    // Rounding can leave the running sum a hair below the total: the draw belongs to the last word.
    return last;
  }
}
