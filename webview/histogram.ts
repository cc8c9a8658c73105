// Lesson step 5: many draws, counted per word, beside the probabilities they should converge to.
import type { CandidateView, HistogramView } from '../src/protocol/webview';

export interface HistogramBin {
  /** The word, or null for the bin that gathers every word not shown on its own. */
  readonly word: string | null;
  readonly draws: number;
  /** Share of all draws. */
  readonly frequency: number;
  /** The chance each draw had of landing in this bin. */
  readonly expected: number;
}

/**
 * One bin for each of the first `shown` candidates and a last "other" bin for all later candidates
 * and the words beyond them; the "other" bin is present only when it could have been drawn or was.
 */
export function binHistogram(
  histogram: HistogramView,
  candidates: readonly CandidateView[],
  othersWeight: number,
  shown: number,
): HistogramBin[] {
  const total = histogram.draws;
  const share = (count: number): number => (total === 0 ? 0 : count / total);
  const bins: HistogramBin[] = candidates.slice(0, shown).map((candidate, i) => ({
    word: candidate.word,
    draws: histogram.counts[i] ?? 0,
    frequency: share(histogram.counts[i] ?? 0),
    expected: candidate.weight,
  }));
  const otherDraws = histogram.counts.slice(shown).reduce((sum, count) => sum + count, histogram.others);
  const otherExpected = candidates.slice(shown).reduce((sum, candidate) => sum + candidate.weight, othersWeight);
  if (otherDraws > 0 || otherExpected > 0) {
    bins.push({ word: null, draws: otherDraws, frequency: share(otherDraws), expected: otherExpected });
  }
  return bins;
}

/** Draws from the same distribution (the same candidates in the same order) counted together. */
export function addHistograms(before: HistogramView | null, more: HistogramView): HistogramView {
  if (before === null) return more;
  return {
    counts: more.counts.map((count, i) => count + (before.counts[i] ?? 0)),
    others: before.others + more.others,
    draws: before.draws + more.draws,
  };
}

/**
 * How far the draws' shares are from the chances: half the sum over the bins of |share − chance|, the
 * total variation distance (0: the shares are the chances; 1: they share nothing). It shrinks as the
 * draws add up.
 */
export function histogramGap(bins: readonly HistogramBin[]): number {
  return bins.reduce((sum, bin) => sum + Math.abs(bin.frequency - bin.expected), 0) / 2;
}
