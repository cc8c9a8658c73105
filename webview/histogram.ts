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
