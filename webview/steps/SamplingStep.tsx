// Lesson step 5: draw the next word from the distribution instead of always taking the top one.
// The draws are the model's own (the server's sampler, the same one Choose Next Word uses), so a draw
// can land on any word of the vocabulary, not only on the listed candidates.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistogramView, PredictionView, SamplingSettings } from '../../src/protocol/webview';
import { BarList } from '../components/BarList';
import { Term } from '../components/Term';
import { ChartFrame } from '../components/ChartFrame';
import { AS_LEARNED, NumberLine, SHOWN_WORDS, chancesOf, dartAt, sliceIndexOf, slicesOf } from '../components/NumberLine';
import { displayToken, errorMessage, formatCount, formatPercent } from '../format';
import { addHistograms, binHistogram, histogramGap } from '../histogram';
import { requestPrediction } from '../host';
import { canInsert, type Insertion } from '../prediction';

/** The histogram grows to each of these totals in turn (×10 each time), so the gap visibly shrinks. */
const HISTOGRAM_TOTALS = [1, 10, 100, 1000, 10_000];
const DRAW_ANIMATION_MS = 900;

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
  /** Inserting a word at the editor's cursor, or why it cannot be. */
  readonly insertion: Insertion;
}

const prefersReducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export function SamplingStep(props: SamplingStepProps) {
  const settings = props.atSetting ? props.settings : { ...props.settings, ...AS_LEARNED };
  const pointer = useRef<HTMLSpanElement>(null);
  const draws = useRef(0);
  const [drawn, setDrawn] = useState<PredictionView | null>(null);
  /** The draws so far for this question, the answer that laid out their chances, and the gap after each batch. */
  const [batch, setBatch] = useState<{
    readonly answer: PredictionView;
    readonly histogram: HistogramView;
    readonly gaps: readonly { readonly draws: number; readonly gap: number }[];
  } | null>(null);
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

  const drawnSoFar = batch?.histogram.draws ?? 0;
  const nextTotal = HISTOGRAM_TOTALS.find((total) => total > drawnSoFar);
  const drawBatch = async (): Promise<void> => {
    if (nextTotal === undefined) {
      setBatch(null);
      return;
    }
    setBusy('batch');
    setError(null);
    const asked = question;
    try {
      // Each batch its own seed (seed·total), so a set seed repeats the whole sequence of batches.
      const answer = await requestPrediction(props.text, sampling(props.seed === '' ? '' : `${props.seed}·${nextTotal}`, nextTotal - drawnSoFar));
      if (currentQuestion.current === asked && answer.histogram !== null) {
        const histogram = addHistograms(batch?.histogram ?? null, answer.histogram);
        const gap = histogramGap(binHistogram(histogram, answer.candidates, answer.others.weight, SHOWN_WORDS));
        setBatch({ answer, histogram, gaps: [...(batch?.gaps ?? []), { draws: histogram.draws, gap }] });
      }
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
  const bins = batch === null ? null : binHistogram(batch.histogram, batch.answer.candidates, batch.answer.others.weight, SHOWN_WORDS);

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
          {nextTotal === undefined ? 'Clear the draws' : `Draw to ${formatCount(nextTotal)}`}
        </button>
      </div>
      <ChartFrame
        id="number-line"
        title="The probabilities end to end"
        asTable={props.tables.includes('number-line')}
        onToggleTable={props.onToggleTable}
        chart={
          <NumberLine
            slices={slices}
            chosen={busy === null ? chosenSlice : -1}
            dart={chosen === null ? null : dartAt(chosen, slices)}
            pointerHidden={chosenSlice < 0 && busy !== 'draw'}
            pointerRef={pointer}
          />
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
        {busy === null && chosen !== null && canInsert(chosen.word) && props.insertion.insert !== undefined && (
          <button type="button" class="link-button" onClick={() => props.insertion.insert?.(chosen.word)}>
            Insert it
          </button>
        )}
      </p>
      {error !== null && <p class="error">{error}</p>}
      {bins && batch && (
        <ChartFrame
          id="histogram"
          title={`${formatCount(batch.histogram.draws)} draw${batch.histogram.draws === 1 ? '' : 's'} against the chances`}
          asTable={props.tables.includes('histogram')}
          onToggleTable={props.onToggleTable}
          caption={
            <>
              Bars: share of the draws. Thin marks: each word’s chance. The more draws, the closer they get. The gap (half the sum
              of |share − chance| over the rows; 0 when they agree):{' '}
              <span class="histogram-gaps">
                {batch.gaps.map((g) => `${formatCount(g.draws)} draw${g.draws === 1 ? '' : 's'}: ${g.gap.toFixed(3)}`).join(' → ')}
              </span>
              .
            </>
          }
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
