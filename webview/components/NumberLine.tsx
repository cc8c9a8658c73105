// The probabilities laid end to end on a line from 0 to 1, likeliest first, and the dart: the draw's
// uniform number is a place on this line, and the slice it lands in is the word drawn (lesson step 5).
import type { Ref } from 'preact';
import type { CandidateView, DrawView, PredictionView } from '../../src/protocol/webview';
import { displayInlineToken, formatPercent } from '../format';

/** Words with their own slice (and their own histogram bin); the rest share one. */
export const SHOWN_WORDS = 8;
/** A slice this wide (of the whole line) has room for its word. */
const LABELLED_SLICE = 0.07;

export interface Slice {
  readonly key: string;
  readonly label: string;
  readonly start: number;
  readonly weight: number;
}

/** Sampling the model as learned: temperature 1, no top-k or top-p. */
export const AS_LEARNED = { temperature: 1, topK: 0, topP: 1 } as const;

/**
 * Each candidate's chance and the others' at the draws' re-weighting: the answer's own weights when it
 * was computed with it, else (the model as learned) the probabilities over their total, which is 1
 * except for stupid backoff's scores.
 */
export function chancesOf(answer: PredictionView, asLearned: boolean): { readonly candidates: readonly number[]; readonly others: number } {
  const reweighted = answer.sampling.temperature !== 1 || answer.sampling.topK !== 0 || answer.sampling.topP !== 1;
  if (!asLearned || !reweighted) return { candidates: answer.candidates.map((c) => c.weight), others: answer.others.weight };
  const total = answer.candidates.reduce((sum, c) => sum + c.probability, answer.others.probability);
  return { candidates: answer.candidates.map((c) => c.probability / total), others: answer.others.probability / total };
}

/** The line from 0 to 1 cut into one slice per shown word and one for all the others, likeliest first. */
export function slicesOf(candidates: readonly CandidateView[], chances: ReturnType<typeof chancesOf>): Slice[] {
  const slices: Slice[] = [];
  let start = 0;
  candidates.slice(0, SHOWN_WORDS).forEach((candidate, i) => {
    slices.push({ key: String(i), label: displayInlineToken(candidate.word), start, weight: chances.candidates[i] });
    start += chances.candidates[i];
  });
  const rest = chances.candidates.slice(SHOWN_WORDS).reduce((sum, weight) => sum + weight, chances.others);
  if (rest > 0) slices.push({ key: 'other', label: 'other words', start, weight: rest });
  return slices;
}

/** The slice a drawn word belongs to: its own, or the others' slice. */
export function sliceIndexOf(rank: number, slices: readonly Slice[]): number {
  return rank >= 0 && rank < SHOWN_WORDS && rank < slices.length ? rank : slices.length - 1;
}

/** Where the dart lands: the draw's own number (the line is the chances in rank order), or a greedy pick's slice middle. */
export function dartAt(chosen: DrawView, slices: readonly Slice[]): number {
  if (chosen.draw !== null) return chosen.draw;
  const slice = slices[sliceIndexOf(chosen.rank, slices)];
  return slice.start + slice.weight / 2;
}

export interface NumberLineProps {
  readonly slices: readonly Slice[];
  /** The slice to mark as drawn (−1: none). */
  readonly chosen: number;
  /** Where the dart is, 0…1 (null: at 0, hidden unless animated). */
  readonly dart: number | null;
  readonly pointerHidden: boolean;
  readonly pointerRef?: Ref<HTMLSpanElement>;
}

export function NumberLine({ slices, chosen, dart, pointerHidden, pointerRef }: NumberLineProps) {
  return (
    <div class="number-line-wrap">
      <div class="number-line" aria-hidden="true">
        {slices.map((slice, i) => (
          <span
            key={slice.key}
            class={`slice slice-${slice.key === 'other' ? 'other' : i % 4}${i === chosen ? ' chosen' : ''}`}
            style={{ width: `${slice.weight * 100}%` }}
            title={`${slice.label}: ${formatPercent(slice.weight)}`}
          >
            {slice.weight >= LABELLED_SLICE ? slice.label : ''}
          </span>
        ))}
        <span
          ref={pointerRef}
          class={pointerHidden ? 'pointer hidden' : 'pointer'}
          style={{ left: `${(dart ?? 0) * 100}%` }}
          data-dart={dart ?? undefined}
        />
      </div>
      <div class="number-line-scale" aria-hidden="true">
        <span>0</span>
        <span>1</span>
      </div>
    </div>
  );
}
