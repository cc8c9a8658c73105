// Latency percentiles, and the best and median of repeated runs, for every section of the bench: one
// definition each.

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/**
 * p50, p99 and max of samples. A percentile q is the nearest rank: the smallest sample with at least a
 * share q of the samples at or below it (of 100 samples, p99 is the 99th); NaN for no samples.
 */
export function percentiles(samples: ArrayLike<number>): Percentiles {
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, samples: sorted.length };
}

export interface BestAndMedian {
  readonly best: number;
  readonly median: number;
}

/**
 * The best of repeated runs (the `highest` of throughputs, the `lowest` of times) and their median
 * (of an even number, the middle one on the best side).
 */
export function bestAndMedian(values: readonly number[], best: 'highest' | 'lowest'): BestAndMedian {
  const sorted = [...values].sort((a, b) => (best === 'highest' ? b - a : a - b));
  return { best: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)] };
}
