// Lesson step 5: draw the next word from the distribution instead of always taking the top one.
// The draws are the model's own (the server's sampler, the same one Choose Next Word uses), so a draw
// can land on any word of the vocabulary, not only on the listed candidates.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CandidateView, DrawView, PredictionView, SamplingSettings } from '../../src/protocol/webview';
import { BarList } from '../components/BarList';
import { Term } from '../components/Term';
import { ChartFrame } from '../components/ChartFrame';
import { displayInlineToken, displayToken, errorMessage, formatCount, formatPercent } from '../format';
import { binHistogram } from '../histogram';
import { requestPrediction } from '../host';
import { canInsert } from '../prediction';

/** Words with their own slice and their own histogram bin; the rest share one. */
const SHOWN_WORDS = 8;
const DRAWS_PER_BATCH = 1000;
const DRAW_ANIMATION_MS = 900;
/** A slice this wide (of the whole line) has room for its word. */
const LABELLED_SLICE = 0.07;

export interface SamplingStepProps {
  readonly text: string;
  readonly prediction: PredictionView;
  /** The learner's settings; the draws use them only when `atSetting`. */
  readonly settings: SamplingSettings;
  /** Draw at the temperature setting instead of the model as learned (T = 1, no filter). */
  readonly atSetting: boolean;
  readonly onAtSettingChange: (atSetting: boolean) => void;
  readonly seed: string;
  readonly tables: readonly string[];
  readonly onSeedChange: (seed: string) => void;
  readonly onToggleTable: (id: string) => void;
  readonly onInsert: (text: string) => void;
}

interface Slice {
  readonly key: string;
  readonly label: string;
  readonly start: number;
  readonly weight: number;
}

/** Sampling the model as learned: temperature 1, no top-k or top-p. */
const AS_LEARNED = { temperature: 1, topK: 0, topP: 1 } as const;

/**
 * Each candidate's chance and the others' at the draws' re-weighting: the answer's own weights when it
 * was computed with it, else (the model as learned) the probabilities over their total, which is 1
 * except for stupid backoff's scores.
 */
function chancesOf(answer: PredictionView, asLearned: boolean): { readonly candidates: readonly number[]; readonly others: number } {
  const reweighted = answer.sampling.temperature !== 1 || answer.sampling.topK !== 0 || answer.sampling.topP !== 1;
  if (!asLearned || !reweighted) return { candidates: answer.candidates.map((c) => c.weight), others: answer.others.weight };
  const total = answer.candidates.reduce((sum, c) => sum + c.probability, answer.others.probability);
  return { candidates: answer.candidates.map((c) => c.probability / total), others: answer.others.probability / total };
}

/** The line from 0 to 1 cut into one slice per shown word and one for all the others, likeliest first. */
function slicesOf(candidates: readonly CandidateView[], chances: ReturnType<typeof chancesOf>): Slice[] {
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
function sliceIndexOf(rank: number, slices: readonly Slice[]): number {
  return rank >= 0 && rank < SHOWN_WORDS && rank < slices.length ? rank : slices.length - 1;
}

/** Where the dart lands: the draw's own number (the line is the chances in rank order), or a greedy pick's slice middle. */
function dartAt(chosen: DrawView, slices: readonly Slice[]): number {
  if (chosen.draw !== null) return chosen.draw;
  const slice = slices[sliceIndexOf(chosen.rank, slices)];
  return slice.start + slice.weight / 2;
}

const prefersReducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export function SamplingStep(props: SamplingStepProps) {
  const settings = props.atSetting ? props.settings : { ...props.settings, ...AS_LEARNED };
  const pointer = useRef<HTMLSpanElement>(null);
  const draws = useRef(0);
  const [drawn, setDrawn] = useState<PredictionView | null>(null);
  const [batch, setBatch] = useState<PredictionView | null>(null);
  const [busy, setBusy] = useState<'draw' | 'batch' | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A new context or new sampling settings make earlier draws answers to another question.
  const question = `${props.text}\u0000${settings.temperature}\u0000${settings.topK}\u0000${settings.topP}`;
  const currentQuestion = useRef(question);
  currentQuestion.current = question;
  useEffect(() => {
    setDrawn(null);
    setBatch(null);
  }, [question]);
  // The n-th single draw after a seed is set uses seed·n: the same seed repeats the same words.
  useEffect(() => {
    draws.current = 0;
  }, [props.seed]);

  const sampling = (seed: string, count: number) => ({
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
    seed,
    draws: count,
  });

  const drawOne = async (): Promise<void> => {
    setBusy('draw');
    setError(null);
    const seed = props.seed === '' ? '' : `${props.seed}·${++draws.current}`;
    const asked = question;
    try {
      const answer = await requestPrediction(props.text, sampling(seed, 0));
      if (currentQuestion.current !== asked) return;
      const chosen = answer.chosen;
      const element = pointer.current;
      if (chosen !== null && element !== null && !prefersReducedMotion()) {
        const landing = `${dartAt(chosen, slicesOf(answer.candidates, chancesOf(answer, false))) * 100}%`;
        // Sweep the whole line once, then settle where the draw's number lies.
        const animation = element.animate([{ left: '0%' }, { left: '100%', offset: 0.45 }, { left: landing }], {
          duration: DRAW_ANIMATION_MS,
          easing: 'ease-out',
        });
        await animation.finished.catch(() => undefined);
      }
      setDrawn(answer);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  const drawBatch = async (): Promise<void> => {
    setBusy('batch');
    setError(null);
    const asked = question;
    try {
      const answer = await requestPrediction(props.text, sampling(props.seed, DRAWS_PER_BATCH));
      if (currentQuestion.current === asked) setBatch(answer);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  const shownAnswer = drawn ?? props.prediction;
  // A draw's answer carries the draws' own weights; the shared prediction is at the setting.
  const slices = slicesOf(shownAnswer.candidates, chancesOf(shownAnswer, drawn === null && !props.atSetting));
  const chosen = drawn?.chosen ?? null;
  const chosenSlice = chosen === null ? -1 : sliceIndexOf(chosen.rank, slices);
  const bins =
    batch?.histogram != null ? binHistogram(batch.histogram, batch.candidates, batch.others.weight, SHOWN_WORDS) : null;

  return (
    <div class="step-body">
      <p class="lead">
        Instead of always taking the top word, draw one at random with its probability: that is{' '}
        <Term term="sampling" />. Lay the probabilities end to
        end along a line from 0 to 1, throw a dart: the word whose slice it hits comes next. The top word has the widest
        slice, so it is the likeliest pick, but not a certain one.
      </p>
      <p class="hint sampling-temperature">
        {props.atSetting ? (
          <>
            Drawing at your settings: T = {settings.temperature}
            {settings.topK > 0 && `, top-k = ${settings.topK}`}
            {settings.topP < 1 && `, top-p = ${settings.topP}`} (step 6 explains temperature)
            {settings.temperature === 0 && '. At T = 0 the top word has all the probability: every draw is greedy'}.
          </>
        ) : (
          <>Drawing at T = 1: the model’s own probabilities, as learned (step 6 shows what temperature changes).</>
        )}
      </p>
      <label class="switch">
        <input
          type="checkbox"
          checked={props.atSetting}
          onChange={(event) => props.onAtSettingChange(event.currentTarget.checked)}
        />
        Draw at my temperature setting (T = {props.settings.temperature})
      </label>
      <div class="toolbar">
        <label>
          <Term term="seed">Seed</Term>{' '}
          <input
            type="text"
            class="seed-input"
            value={props.seed}
            placeholder="random"
            spellcheck={false}
            onInput={(event) => props.onSeedChange(event.currentTarget.value)}
          />
        </label>
        <button type="button" onClick={drawOne} disabled={busy !== null}>
          Sample
        </button>
        <button type="button" class="secondary" onClick={drawBatch} disabled={busy !== null}>
          Draw {formatCount(DRAWS_PER_BATCH)}
        </button>
      </div>
      <ChartFrame
        id="number-line"
        title="The probabilities end to end"
        asTable={props.tables.includes('number-line')}
        onToggleTable={props.onToggleTable}
        chart={
          <div class="number-line-wrap">
            <div class="number-line" aria-hidden="true">
              {slices.map((slice, i) => (
                <span
                  key={slice.key}
                  class={`slice slice-${slice.key === 'other' ? 'other' : i % 4}${i === chosenSlice && busy === null ? ' chosen' : ''}`}
                  style={{ width: `${slice.weight * 100}%` }}
                  title={`${slice.label}: ${formatPercent(slice.weight)}`}
                >
                  {slice.weight >= LABELLED_SLICE ? slice.label : ''}
                </span>
              ))}
              <span
                ref={pointer}
                class={chosenSlice < 0 && busy !== 'draw' ? 'pointer hidden' : 'pointer'}
                style={{ left: chosen === null ? '0%' : `${dartAt(chosen, slices) * 100}%` }}
              />
            </div>
            <div class="number-line-scale" aria-hidden="true">
              <span>0</span>
              <span>1</span>
            </div>
          </div>
        }
        table={
          <table class="data">
            <thead>
              <tr>
                <th scope="col">word</th>
                <th scope="col">slice</th>
                <th scope="col">chance</th>
              </tr>
            </thead>
            <tbody>
              {slices.map((slice) => (
                <tr key={slice.key}>
                  <th scope="row">{slice.label}</th>
                  <td>
                    {slice.start.toFixed(3)} – {(slice.start + slice.weight).toFixed(3)}
                  </td>
                  <td>{formatPercent(slice.weight)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <p class="draw-result" aria-live="polite" aria-atomic="true">
        {busy === 'draw'
          ? 'Drawing…'
          : chosen === null
            ? ''
            : `Drew “${displayToken(chosen.word)}”${chosen.rank < 0 || chosen.rank >= SHOWN_WORDS ? ' (one of the other words)' : ''}: it had a ${formatPercent(chosen.weight)} chance${chosen.draw === null ? '' : `; the dart landed at ${chosen.draw.toFixed(3)}`}.`}
        {busy === null && chosen !== null && canInsert(chosen.word) && (
          <button type="button" class="link-button" onClick={() => props.onInsert(chosen.insertText)}>
            Insert it
          </button>
        )}
      </p>
      {error !== null && <p class="error">{error}</p>}
      {bins && batch?.histogram && (
        <ChartFrame
          id="histogram"
          title={`${formatCount(batch.histogram.draws)} draws against the chances`}
          asTable={props.tables.includes('histogram')}
          onToggleTable={props.onToggleTable}
          caption="Bars: share of the draws. Thin marks: each word’s chance. The more draws, the closer they get."
          chart={
            <BarList
              label="Histogram of the draws"
              rows={bins.map((bin) => ({
                key: bin.word ?? '(other)',
                label: bin.word === null ? 'other words' : displayToken(bin.word),
                value: bin.frequency,
                reference: bin.expected,
                valueText: `${formatCount(bin.draws)} · ${formatPercent(bin.frequency)}`,
                detail: `chance ${formatPercent(bin.expected)}`,
              }))}
            />
          }
          table={
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">word</th>
                  <th scope="col">draws</th>
                  <th scope="col">share of draws</th>
                  <th scope="col">chance</th>
                </tr>
              </thead>
              <tbody>
                {bins.map((bin) => (
                  <tr key={bin.word ?? '(other)'}>
                    <th scope="row">{bin.word === null ? 'other words' : displayToken(bin.word)}</th>
                    <td>{formatCount(bin.draws)}</td>
                    <td>{formatPercent(bin.frequency)}</td>
                    <td>{formatPercent(bin.expected)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}
    </div>
  );
}
