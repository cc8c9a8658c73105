// Lesson step 6: temperature divides the logits before the softmax. The slider is the
// `nextWordLab.temperature` setting; the re-weighting runs here, with the core's own functions.
import { RunWeights, summarizeRuns, type Runs } from '../../src/core/runs';
import type { PredictionView } from '../../src/protocol/webview';
import { BarList } from '../components/BarList';
import { ChartFrame } from '../components/ChartFrame';
import { Term } from '../components/Term';
import { isApproximate } from '../distribution';
import type { TokenizerName } from '../../src/core/types';
import { continuationText, displayInlineToken, displayToken, formatExp, formatProbability } from '../format';
import { useEffect, useRef } from 'preact/hooks';
import {
  DEFAULT_TEMPERATURE,
  LABELLED_STOPS,
  PAGE_STOPS,
  SLIDER_MAX_TEMPERATURE,
  TEMPERATURE_STOPS,
  positionOf,
  temperatureAt,
} from '../temperatureScale';
import type { Generation } from '../host';
import type { Answer } from '../useAnswer';
import { valueOf } from '../useAnswer';

/** The side-by-side continuations: nearly greedy, the model as it is, and flattened. */
export const EXAMPLE_TEMPERATURES = [
  { temperature: 0.25, label: 'low' },
  { temperature: 1, label: 'medium' },
  { temperature: 3, label: 'high' },
] as const;

/** The slider writes the setting once it has rested this long (not at every key press). */
const SETTLE_MS = 600;
const LAST_STOP = TEMPERATURE_STOPS.length - 1;
const FORMULA_ROWS = 5;
const BAR_ROWS = 10;

export interface TemperatureStepProps {
  readonly prediction: PredictionView;
  /** The prediction as runs (`predictionRuns`): run i is candidate i, then the rest. */
  readonly runs: Runs;
  readonly temperature: number;
  readonly examples: Answer<readonly Generation[]>;
  /** The context the examples continue, and how the model's tokens are written back as text. */
  readonly text: string;
  readonly tokenizer: TokenizerName;
  readonly tables: readonly string[];
  /** While the slider moves: redraw only. */
  readonly onTemperatureInput: (temperature: number) => void;
  /** When it settles: write the setting. */
  readonly onTemperatureCommit: (temperature: number) => void;
  readonly onRegenerate: () => void;
  readonly onToggleTable: (id: string) => void;
}

export function TemperatureStep(props: TemperatureStepProps) {
  const { prediction, runs, temperature } = props;
  const weights = new RunWeights(runs, { temperature });
  const tempered = prediction.candidates.map((_candidate, i) => weights.weightOf(i, i));
  const entropy = weights.entropyBits();
  const support = summarizeRuns(runs).words;
  const maxEntropy = Math.log2(Math.max(support, 1));
  const logDenominator = weights.logPartition();
  const shown = prediction.candidates.slice(0, BAR_ROWS);
  const otherMass = Math.max(0, 1 - shown.reduce((sum, _c, i) => sum + tempered[i], 0));
  const beyondSlider = temperature > SLIDER_MAX_TEMPERATURE;
  const approximate = isApproximate(prediction);
  const spread = prediction.rest?.approximate ? (prediction.rest.words.at(-1) ?? 0) : prediction.others.words;
  const examples = valueOf(props.examples);
  // Each continuation follows the context, shown shaded before it so it reads as a whole.
  const contextShown = prediction.context.filter((token) => token !== '<s>').map(displayInlineToken).join(' ') || '⟨line start⟩';

  // The value moved to but not yet written to the setting; written when the slider rests, or on leaving.
  const pending = useRef<{ value: number; timer: ReturnType<typeof setTimeout> } | null>(null);
  const commit = useRef(props.onTemperatureCommit);
  commit.current = props.onTemperatureCommit;
  const flush = (): void => {
    if (pending.current === null) return;
    clearTimeout(pending.current.timer);
    commit.current(pending.current.value);
    pending.current = null;
  };
  useEffect(() => flush, []);
  const moveTo = (position: number): void => {
    const value = temperatureAt(position);
    props.onTemperatureInput(value);
    if (pending.current !== null) clearTimeout(pending.current.timer);
    pending.current = { value, timer: setTimeout(flush, SETTLE_MS) };
  };

  return (
    <div class="step-body">
      <p class="lead">
        <Term term="temperature">Temperature</Term> T divides the model’s <Term term="logit">logits</Term> z before the{' '}
        <Term term="softmax" />. For a count model the logits are the log probabilities, z = ln p. Low T piles the probability onto the top word (nearly greedy), T = 1 leaves the model as
        it is, high T flattens it toward uniform: rare words get picked and the text turns to gibberish.
      </p>
      <div class="temperature-control">
        <label for="temperature-slider" class="temperature-label">
          Temperature <strong class="temperature-value">T = {temperature}</strong>
          {beyondSlider && <span class="hint"> (beyond the slider’s range)</span>}
        </label>
        <input
          id="temperature-slider"
          type="range"
          min={0}
          max={LAST_STOP}
          step={1}
          list="temperature-stops"
          value={positionOf(temperature)}
          aria-valuetext={`T = ${temperature}${temperature === DEFAULT_TEMPERATURE ? ' (the default)' : ''}`}
          onInput={(event) => moveTo(Number(event.currentTarget.value))}
          onBlur={flush}
          onKeyDown={(event) => {
            // Page keys jump several stops (the arrows move one, Home and End go to the ends).
            const page = event.key === 'PageUp' ? PAGE_STOPS : event.key === 'PageDown' ? -PAGE_STOPS : 0;
            if (page === 0) return;
            event.preventDefault();
            moveTo(Math.min(Math.max(positionOf(temperature) + page, 0), LAST_STOP));
          }}
        />
        <datalist id="temperature-stops">
          {TEMPERATURE_STOPS.map((stop, i) => (
            <option key={stop} value={i} label={String(stop)} />
          ))}
        </datalist>
        <div class="slider-ticks" role="group" aria-label="Set the temperature to">
          {LABELLED_STOPS.map((tick) => (
            <button
              key={tick}
              type="button"
              class={tick === DEFAULT_TEMPERATURE ? 'tick default' : 'tick'}
              style={{ left: `${(positionOf(tick) / LAST_STOP) * 100}%` }}
              aria-label={`T = ${tick}${tick === DEFAULT_TEMPERATURE ? ' default' : ''}`}
              onClick={() => {
                flush();
                props.onTemperatureCommit(tick);
              }}
            >
              {tick}
              {/* The space makes the visible text "0.7 default", part of the accessible name (WCAG 2.5.3). */}
              {tick === DEFAULT_TEMPERATURE && <span class="tick-note"> default</span>}
            </button>
          ))}
        </div>
        <p class="hint">This slider is the Next Word Lab temperature setting: it writes the setting and follows it.</p>
        <div class="entropy-line">
          <span>
            <Term term="entropy">Entropy</Term> <strong class="entropy">{entropy.toFixed(2)} bits</strong>
          </span>
          <span class="entropy-track" aria-hidden="true">
            <span class="entropy-fill" style={{ width: `${maxEntropy === 0 ? 0 : (entropy / maxEntropy) * 100}%` }} />
          </span>
          <span class="hint">
            0 = one certain word · {maxEntropy.toFixed(2)} = all {support.toLocaleString('en-US')} words equally likely
          </span>
        </div>
      </div>

      <div class="formula" aria-label="The softmax with temperature">
        <p class="formula-line">
          p<sub>i</sub>(T) = exp(z<sub>i</sub> / T) / Σ<sub>j</sub> exp(z<sub>j</sub> / T), z<sub>i</sub> = ln p<sub>i</sub>
        </p>
        {temperature === 0 ? (
          <p class="note">
            T = 0 would divide by zero; it is taken as the limit: all the probability goes to the top word, which is
            greedy decoding.
          </p>
        ) : (
          <table class="data formula-table">
            <thead>
              <tr>
                <th scope="col">word</th>
                <th scope="col">p<sub>i</sub></th>
                <th scope="col">z<sub>i</sub> = ln p<sub>i</sub></th>
                <th scope="col">z<sub>i</sub> / T</th>
                <th scope="col">exp(z<sub>i</sub> / T)</th>
                <th scope="col">p<sub>i</sub>(T)</th>
              </tr>
            </thead>
            <tbody>
              {prediction.candidates.slice(0, FORMULA_ROWS).map((candidate, i) => {
                const z = Math.log(runs.probability[i]);
                return (
                  <tr key={i}>
                    <th scope="row">{displayToken(candidate.word)}</th>
                    <td>{formatProbability(runs.probability[i])}</td>
                    <td>{z.toFixed(3)}</td>
                    <td>{(z / temperature).toFixed(3)}</td>
                    <td>{formatExp(z / temperature)}</td>
                    <td>{formatProbability(tempered[i])}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  Σ<sub>j</sub> exp(z<sub>j</sub> / T) over all {support.toLocaleString('en-US')} words
                </th>
                <td>{formatExp(logDenominator)}</td>
                <td>1</td>
              </tr>
            </tfoot>
          </table>
        )}
        {approximate && temperature !== 1 && (
          <p class="note approximate">
            Approximate: the {spread.toLocaleString('en-US')} least likely words are too many to list one by one, so
            their share is spread evenly over them. Far from T = 1 the sum, the entropy and the bars are close, not exact.
          </p>
        )}
      </div>

      <ChartFrame
        id="tempered"
        title={`The distribution at T = ${temperature}`}
        asTable={props.tables.includes('tempered')}
        onToggleTable={props.onToggleTable}
        caption="Bars: the probabilities at this temperature. Thin marks: the model as it is (T = 1)."
        chart={
          <BarList
            label={`Probabilities at T = ${temperature}`}
            rows={[
              ...shown.map((candidate, i) => ({
                key: String(i),
                label: displayToken(candidate.word),
                value: tempered[i],
                reference: runs.probability[i],
                valueText: formatProbability(tempered[i]),
              })),
              ...(otherMass > 1e-9
                ? [{ key: '(other)', label: 'other words', value: otherMass, valueText: formatProbability(otherMass) }]
                : []),
            ]}
          />
        }
        table={
          <table class="data">
            <thead>
              <tr>
                <th scope="col">word</th>
                <th scope="col">at T = 1</th>
                <th scope="col">at T = {temperature}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((candidate, i) => (
                <tr key={i}>
                  <th scope="row">{displayToken(candidate.word)}</th>
                  <td>{formatProbability(runs.probability[i])}</td>
                  <td>{formatProbability(tempered[i])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />

      <section aria-labelledby="examples-heading">
        <div class="chart-header">
          <h3 id="examples-heading">The same context continued at three temperatures</h3>
          <button type="button" class="secondary" onClick={props.onRegenerate}>
            Generate again
          </button>
        </div>
        {props.examples.state === 'failed' && <p class="error">{props.examples.message}</p>}
        <div class="examples">
          {EXAMPLE_TEMPERATURES.map((example, i) => (
            <article key={example.temperature} class="example" aria-label={`T = ${example.temperature}, ${example.label}`}>
              <h4>
                T = {example.temperature} <span class="hint">{example.label}</span>
              </h4>
              <p class="generated">
                <span class="generated-context">{contextShown}</span>{' '}
                {examples?.[i] === undefined ? '…' : continuationText(examples[i].tokens, props.tokenizer, props.text)}
              </p>
            </article>
          ))}
        </div>
      </section>
    </div>
  );
}
