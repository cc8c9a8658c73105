// Lesson step 5, one word at a time: generation is the same choice repeated. Each Step asks the model
// for the distribution after the text so far and takes one word from it, twice side by side: greedy
// (the top word, no draw) and sampled (a draw, the dart at its real number). The chosen word is
// appended, shaded by its chance; a greedy context that comes round again is marked as the loop it is.
// Every distribution and draw is the server's (core runs.ts: one distribution, one draw).
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PredictionView, SamplingRequest } from '../../src/protocol/webview';
import { displayInlineToken, displayToken, errorMessage, formatPercent } from '../format';
import { requestPrediction } from '../host';
import { firstRepeatedState } from '../loop';
import { BarList } from './BarList';
import { NumberLine, SHOWN_WORDS, chancesOf, dartAt, sliceIndexOf, slicesOf } from './NumberLine';

/** The bars shown for a run's current context. */
const SHOWN_BARS = 5;
/** The longest run a learner can step to (the text is sent back with every step). */
const MAX_STEPS = 200;

type RunKind = 'greedy' | 'sampled';

interface SteppedWord {
  readonly word: string;
  readonly insertText: string;
  /** The chance the word had when it was chosen (its weight at the run's re-weighting). */
  readonly chance: number;
  /** The answer it was chosen from: the context's distribution and the draw. */
  readonly answer: PredictionView;
}

export interface StepControlProps {
  readonly text: string;
  /** The sampled run's re-weighting (T = 1 as learned, or the learner's settings). */
  readonly sampling: { readonly temperature: number; readonly topK: number; readonly topP: number };
  readonly seed: string;
}

/** A step's state: the context the model used and its top chance (the same state gives greedy the same word). */
function stateOf(answer: PredictionView): string {
  return `${answer.context.join('\u0000')}\u0001${answer.candidates[0]?.probability ?? 0}`;
}

function runText(text: string, words: readonly SteppedWord[]): string {
  return text + words.map((word) => word.insertText).join('');
}

function Run({ kind, title, text, words }: { readonly kind: RunKind; readonly title: string; readonly text: string; readonly words: readonly SteppedWord[] }) {
  const last = words.at(-1);
  const repeat = kind === 'greedy' ? firstRepeatedState(words.map((word) => stateOf(word.answer))) : null;
  const answer = last?.answer;
  const chosen = answer?.chosen ?? null;
  // Greedy draws nothing: its line and bars are the probabilities as learned (its T = 0 weights would be all on one word).
  const chances = answer === undefined ? null : chancesOf(answer, kind === 'greedy');
  const slices = answer === undefined || chances === null ? [] : slicesOf(answer.candidates, chances);
  const chosenSlice = chosen === null ? -1 : sliceIndexOf(chosen.rank, slices);
  return (
    <section class={`step-run ${kind}`} aria-label={title}>
      <h4>{title}</h4>
      <p class="step-text">
        <span class="step-context">{text}</span>
        {words.map((word, i) => (
          <Fragment key={i}>
            {word.insertText.startsWith(' ') ? ' ' : ''}
            <span class={`step-word${repeat !== null && i >= repeat.from ? ' loop' : ''}`} title={`step ${i + 1}: chance ${formatPercent(word.chance)}`}>
              <span class="step-word-text">{displayInlineToken(word.word)}</span>
              <span class="step-shade" style={{ opacity: Math.max(0.08, word.chance) }} aria-hidden="true" />
            </span>
          </Fragment>
        ))}
      </p>
      {repeat !== null && (
        <p class="note step-loop">
          Step {repeat.at + 1} came back to the context of step {repeat.from + 1} (“{words[repeat.at].answer.context.map(displayInlineToken).join(' ')}”
          with the same top word): greedy takes the same words from there on, a loop.
        </p>
      )}
      {answer !== undefined && chances !== null && last !== undefined && (
        <>
          <BarList
            label={`The distribution for step ${words.length}`}
            rows={answer.candidates.slice(0, SHOWN_BARS).map((candidate, i) => ({
              key: String(i),
              label: displayToken(candidate.word),
              value: chances.candidates[i],
              valueText: formatPercent(chances.candidates[i]),
              highlighted: chosen?.rank === i,
            }))}
          />
          <NumberLine slices={slices} chosen={chosenSlice} dart={chosen === null || chosen.draw === null ? null : dartAt(chosen, slices)} pointerHidden={chosen?.draw == null} />
          <p class="step-draw">
            {chosen === null
              ? 'The model has no word to give.'
              : chosen.draw === null
                ? `Greedy takes the top word, “${displayToken(chosen.word)}” (${formatPercent(last.chance)}): no draw.`
                : `The dart landed at ${chosen.draw.toFixed(3)}, in the slice of “${displayToken(chosen.word)}”${chosen.rank < 0 || chosen.rank >= SHOWN_WORDS ? ' (one of the other words)' : ''} (${formatPercent(last.chance)}).`}
          </p>
        </>
      )}
    </section>
  );
}

export function StepControl({ text, sampling, seed }: StepControlProps) {
  const [runs, setRuns] = useState<Record<RunKind, readonly SteppedWord[]>>({ greedy: [], sampled: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A new context or new settings start both runs again.
  const question = `${text}\u0000${sampling.temperature}\u0000${sampling.topK}\u0000${sampling.topP}\u0000${seed}`;
  useEffect(() => {
    setRuns({ greedy: [], sampled: [] });
    setError(null);
  }, [question]);

  const stepOnce = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const step = runs.sampled.length + 1;
    const ask = (kind: RunKind): Promise<PredictionView> => {
      const request: SamplingRequest =
        kind === 'greedy'
          ? { temperature: 0, topK: 0, topP: 1, seed: '', draws: 0 }
          : // The n-th step after a seed is set draws with seed·step·n: the same seed repeats the run.
            { ...sampling, seed: seed === '' ? '' : `${seed}·step·${step}`, draws: 0 };
      return requestPrediction(runText(text, runs[kind]), request);
    };
    try {
      const [greedy, sampled] = await Promise.all([ask('greedy'), ask('sampled')]);
      const appended = (words: readonly SteppedWord[], answer: PredictionView, asLearned: boolean): readonly SteppedWord[] => {
        const chosen = answer.chosen;
        if (chosen === null) return words;
        const chance = chosen.rank >= 0 ? chancesOf(answer, asLearned).candidates[chosen.rank] : chosen.weight;
        return [...words, { word: chosen.word, insertText: chosen.insertText, chance, answer }];
      };
      setRuns((before) =>
        before === runs ? { greedy: appended(runs.greedy, greedy, true), sampled: appended(runs.sampled, sampled, false) } : before,
      );
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const sampledTitle = `Sampled at T = ${sampling.temperature}${sampling.topK > 0 ? `, top-k ${sampling.topK}` : ''}${sampling.topP < 1 ? `, top-p ${sampling.topP}` : ''}`;
  return (
    <section class="chart step-control" aria-labelledby="step-control-heading">
      <div class="chart-header">
        <h3 id="step-control-heading">One word at a time</h3>
      </div>
      <p>
        Generating text is this choice repeated: each Step asks for the distribution after the text so far and takes one word, greedily
        (the top word) on the left and by a draw on the right. The words’ shading is the chance they had.
      </p>
      <div class="toolbar">
        <button type="button" onClick={stepOnce} disabled={busy || runs.sampled.length >= MAX_STEPS}>
          Step
        </button>
        <button type="button" class="secondary" onClick={() => setRuns({ greedy: [], sampled: [] })} disabled={busy || runs.sampled.length === 0}>
          Start again
        </button>
        <span class="hint" aria-live="polite">
          {runs.sampled.length === 0 ? '' : `${runs.sampled.length} word${runs.sampled.length === 1 ? '' : 's'}`}
        </span>
      </div>
      {error !== null && <p class="error">{error}</p>}
      <div class="step-runs">
        <Run kind="greedy" title="Greedy: always the top word" text={text} words={runs.greedy} />
        <Run kind="sampled" title={sampledTitle} text={text} words={runs.sampled} />
      </div>
    </section>
  );
}
