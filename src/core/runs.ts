// Decoding on a next-word distribution given as runs of words of equal probability, likeliest first,
// instead of a vector over the vocabulary: re-weighting (temperature, then top-k, then top-p, the
// order most libraries use), entropy and the draw. Every sum over the vocabulary is a sum over runs,
// each term counted as often as its run has words, so a decoding step costs O(runs), not O(|V|).
// The server, the command line and the webview all decode with this one module.
//
// Conventions. Words outside the support (p not > 0) are in no run. An empty support stays empty.
// T = 0 puts all the mass on the likeliest word (the lowest id among ties: a run's first word).

import type { UniformRandom } from './prng';
import type { Candidate, SamplingOptions, WeightedCandidate } from './types';

/** Relative slack when comparing a cumulative mass with top-p, so that 0.6 + 0.3 counts as reaching 0.9. */
export const NUCLEUS_TOLERANCE = 1e-9;

/** Temperature 1 and no filters: the distribution as it is. */
export const NO_REWEIGHTING: Required<SamplingOptions> = { temperature: 1, topK: 0, topP: 1 };

/**
 * A distribution as runs: run r holds size[r] words of probability probability[r] (a score for
 * stupid backoff), runs in descending probability, so the ranking is run by run.
 */
export interface Runs {
  readonly length: number;
  readonly probability: Float64Array;
  readonly size: ArrayLike<number>;
}

/**
 * A whole next-word distribution as runs that also name their words: every word with p > 0 is in
 * exactly one run, and no two runs have the same probability, so the ranking (probability
 * descending, ties by lower id) is run by run, then by id. Valid until the model changes.
 */
export interface ProbabilityRuns extends Runs {
  readonly size: Int32Array;
  /** The index-th word of run r (0 ≤ index < size[r]), lower ids first: the engine's ranking. */
  word(run: number, index: number): number;
  /** The run holding `word`, or -1 when its probability is 0 (or it was left out). */
  runOf(word: number): number;
}

/** How many words have a probability, their total (1 for a proper estimator), and the entropy in bits. */
export interface RunsSummary {
  readonly words: number;
  readonly total: number;
  readonly entropyBits: number;
}

export function summarizeRuns(runs: Runs): RunsSummary {
  let words = 0;
  let total = 0;
  for (let r = 0; r < runs.length; r++) {
    words += runs.size[r];
    total += runs.size[r] * runs.probability[r];
  }
  return { words, total, entropyBits: entropyOf(runs.probability, runs.size, runs.length, total) };
}

/** −Σ q log2 q over the words of the runs, q = value / total. */
function entropyOf(values: Float64Array, sizes: ArrayLike<number>, length: number, total: number): number {
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (let r = 0; r < length; r++) {
    const q = values[r] / total;
    // A share that underflowed to 0 (a weight far below the top at a small T) adds 0, not 0 · −∞.
    if (sizes[r] > 0 && q > 0) entropy -= sizes[r] * q * Math.log2(q);
  }
  // −0 and rounding just below zero both mean "no uncertainty".
  return Math.max(0, entropy);
}

/** A word drawn from runs: the `index`-th word of run `run`, and its chance after re-weighting. */
export interface RunDraw {
  readonly run: number;
  readonly index: number;
  readonly weight: number;
}

/**
 * The distribution sampling draws from, per run: each kept word's weight (not normalised) and how
 * many of the run's words survive top-k and top-p. Runs come likeliest first, so the filters keep a
 * prefix of the ranking: a word at rank i (0-based) is kept when i < `keptWords`.
 */
export class RunWeights {
  private readonly weight: Float64Array;
  private readonly kept: Float64Array;
  /** Σ kept words' weights: the softmax's denominator over the words that survive the filters. */
  private readonly total: number;
  /** ln p of the likeliest run: the weights are exp((ln p − maxLog) / T), so the largest is exactly 1. */
  private readonly maxLog: number;
  readonly keptWords: number;
  /** T = 0: the likeliest word takes everything, nothing is drawn. */
  readonly greedy: boolean;

  constructor(
    private readonly runs: Runs,
    private readonly sampling: SamplingOptions,
  ) {
    const { temperature } = sampling;
    if (!(temperature >= 0)) throw new RangeError(`temperature must be a number ≥ 0, got ${temperature}`);
    const length = runs.length;
    this.greedy = temperature === 0;
    this.weight = new Float64Array(length);
    this.kept = new Float64Array(length);
    this.maxLog = length === 0 ? -Infinity : Math.log(runs.probability[0]);
    for (let r = 0; r < length; r++) {
      const p = runs.probability[r];
      this.weight[r] = temperature === 1 ? p : this.greedy ? (r === 0 ? 1 : 0) : Math.exp((Math.log(p) - this.maxLog) / temperature);
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

  /** The chance of drawing a word of run `run` at rank `rank` in the ranking (0 when filtered out). */
  weightOf(run: number, rank: number): number {
    if (this.greedy) return rank === 0 && run >= 0 ? 1 : 0;
    if (run < 0 || rank >= this.keptWords || !(this.total > 0)) return 0;
    return this.weight[run] / this.total;
  }

  /** Entropy in bits of the distribution sampling draws from. */
  entropyBits(): number {
    return this.greedy ? 0 : entropyOf(this.weight, this.kept, this.runs.length, this.total);
  }

  /**
   * ln Σ_j exp(z_j / T) over the kept words, z_j = ln p_j: the softmax's denominator as a natural log,
   * finite even where every term underflows (small T). NaN at T = 0 (there is no softmax to print).
   */
  logPartition(): number {
    if (this.greedy) return NaN;
    if (!(this.total > 0)) return -Infinity;
    const temperature = this.sampling.temperature;
    // At T = 1 the weights are the probabilities themselves; otherwise they are scaled by exp(−maxLog / T).
    return (temperature === 1 ? 0 : this.maxLog / temperature) + Math.log(this.total);
  }

  /**
   * The word a uniform number in [0, 1) picks: the kept words laid end to end in rank order, each as
   * long as its weight, so the number is the draw's position on that line. Undefined when nothing can
   * be drawn.
   */
  draw(uniform: number): RunDraw | undefined {
    if (!(this.total > 0)) return undefined;
    const threshold = uniform * this.total;
    let mass = 0;
    let last: RunDraw | undefined;
    for (let r = 0; r < this.runs.length; r++) {
      const kept = this.kept[r];
      const weight = this.weight[r];
      if (kept === 0 || !(weight > 0)) continue;
      const runMass = kept * weight;
      if (threshold < mass + runMass) {
        return { run: r, index: Math.min(kept - 1, Math.floor((threshold - mass) / weight)), weight: weight / this.total };
      }
      mass += runMass;
      last = { run: r, index: kept - 1, weight: weight / this.total };
    }
    // Rounding can leave the running sum a hair below the total: the draw belongs to the last word.
    return last;
  }
}

/**
 * One decoding step over runs: the likeliest word at T = 0 (no draw consumed), otherwise one draw
 * from the re-weighted runs; -1 when nothing has a probability.
 */
export function chooseNext(runs: ProbabilityRuns, sampling: SamplingOptions, random: UniformRandom): number {
  if (runs.length === 0) return -1;
  if (sampling.temperature === 0) return runs.word(0, 0);
  const drawn = new RunWeights(runs, sampling).draw(random());
  return drawn === undefined ? -1 : runs.word(drawn.run, drawn.index);
}

/**
 * Candidates in the runs' ranking (`candidates[rank]`, as `NgramModel.candidates` lists them) with
 * their chance of being drawn after re-weighting.
 */
export function weighCandidates(candidates: readonly Candidate[], runs: ProbabilityRuns, weights: RunWeights): WeightedCandidate[] {
  return candidates.map((candidate, rank) => ({
    word: candidate.word,
    probability: candidate.probability,
    weight: weights.weightOf(runs.runOf(candidate.id), rank),
    count: candidate.count,
    contextCount: candidate.contextCount,
    order: candidate.order,
  }));
}

/** Runs of one word each, in the order given (for weights that are already a short list). */
export function singleWordRuns(probabilities: readonly number[]): Runs {
  return { length: probabilities.length, probability: Float64Array.from(probabilities), size: new Int32Array(probabilities.length).fill(1) };
}

/** The ids of the k likeliest words, in the engine's ranking (run by run, lower ids first within one). */
export function topOfRuns(runs: ProbabilityRuns, k: number): Int32Array {
  const top: number[] = [];
  const wanted = Math.max(0, Math.floor(k));
  for (let r = 0; r < runs.length && top.length < wanted; r++) {
    for (let i = 0; i < runs.size[r] && top.length < wanted; i++) top.push(runs.word(r, i));
  }
  return Int32Array.from(top);
}

/**
 * A probability vector (index = word id) as runs: for a model that answers with a vector (the ARPA
 * back-off model, the mixture with a base model). `leftOut` (an id, or -1) is in no run. The values are
 * sorted as a typed array (natively) and each word finds its run by bisection: O(|V| log |V|) without a
 * comparator call or a hash per word, fast whether the words share a few values or all differ.
 */
export function runsOfVector(probabilities: Float64Array, leftOut = -1): ProbabilityRuns {
  const kept = (id: number): boolean => probabilities[id] > 0 && id !== leftOut;
  let count = 0;
  for (let id = 0; id < probabilities.length; id++) if (kept(id)) count++;
  const sorted = new Float64Array(count);
  for (let id = 0, i = 0; id < probabilities.length; id++) if (kept(id)) sorted[i++] = probabilities[id];
  sorted.sort();
  // The distinct values, likeliest first.
  const values = new Float64Array(count);
  let length = 0;
  for (let i = count - 1; i >= 0; i--) if (length === 0 || sorted[i] !== values[length - 1]) values[length++] = sorted[i];
  const probability = values.slice(0, length);
  const runOf = new Int32Array(probabilities.length).fill(-1);
  const size = new Int32Array(length);
  for (let id = 0; id < probabilities.length; id++) {
    if (!kept(id)) continue;
    const p = probabilities[id];
    let low = 0;
    let high = length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (probability[middle] > p) low = middle + 1;
      else high = middle;
    }
    runOf[id] = low;
    size[low]++;
  }
  const start = new Int32Array(length + 1);
  for (let run = 0; run < length; run++) start[run + 1] = start[run] + size[run];
  // Filled in id order, so each run's words ascend: the engine's tie-break.
  const ids = new Int32Array(count);
  const filled = start.slice(0, length);
  for (let id = 0; id < probabilities.length; id++) if (runOf[id] >= 0) ids[filled[runOf[id]]++] = id;
  return {
    length,
    probability,
    size,
    word: (run, index) => ids[start[run] + index],
    runOf: (word) => (word >= 0 && word < runOf.length ? runOf[word] : -1),
  };
}
