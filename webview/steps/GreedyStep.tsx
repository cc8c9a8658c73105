// Lesson step 4: always taking the likeliest word falls into a loop.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_GENERATE_LENGTH } from '../../src/protocol/webview';
import type { TokenizerName } from '../../src/core/types';
import { Term } from '../components/Term';
import { continuationPieces, continuationText } from '../format';
import type { Generation } from '../host';
import { loopRepeats, markLoop } from '../loop';

export interface GreedyStepProps {
  readonly generation: Generation | undefined;
  /** The context the generation continues, and how the model's tokens are written back as text. */
  readonly text: string;
  readonly tokenizer: TokenizerName;
  /** Words asked for: the model stops early once it is caught in a loop. */
  readonly length: number;
  readonly loading: boolean;
  readonly error: string | null;
  readonly onLengthChange: (length: number) => void;
}

export function GreedyStep(props: GreedyStepProps) {
  // Text in the field that is not a valid length (null: the field shows the length in use).
  const [draft, setDraft] = useState<string | null>(null);
  const invalid = draft !== null;
  const tokens = props.generation?.tokens ?? [];
  const loop = props.generation?.loop ?? null;
  const pieces = continuationPieces(tokens, props.tokenizer, props.text);
  return (
    <div class="step-body">
      <p class="lead">
        <Term term="greedy">Greedy decoding</Term> always takes the likeliest next word. An n-gram model’s choice depends only on the last few
        words, so as soon as those come back, everything after them comes back too: “the model is the model is the …”.
      </p>
      <div class="toolbar">
        <label>
          Words to generate{' '}
          <input
            type="number"
            class="short-number"
            min={1}
            max={MAX_GENERATE_LENGTH}
            step={1}
            value={draft ?? props.length}
            aria-invalid={invalid}
            aria-describedby={invalid ? 'length-error' : undefined}
            onInput={(event) => {
              // What was typed stays in the field; only a valid number is used, and anything else says why.
              const text = event.currentTarget.value;
              const length = Number(text);
              if (text.trim() !== '' && Number.isInteger(length) && length >= 1 && length <= MAX_GENERATE_LENGTH) {
                setDraft(null);
                props.onLengthChange(length);
              } else {
                setDraft(text);
              }
            }}
          />
        </label>
        {invalid && (
          <span id="length-error" class="field-error" role="alert">
            Enter a whole number from 1 to {MAX_GENERATE_LENGTH}; still showing {props.length} words.
          </span>
        )}
        {props.loading && <span class="hint">Generating…</span>}
      </div>
      {props.error !== null && <p class="error">{props.error}</p>}
      <p class="generated greedy-text" role="group" aria-label="Greedy continuation">
        {markLoop(tokens, loop).map((marked, i) => (
          <Fragment key={i}>
            {pieces[i].spaced && ' '}
            <span
              class={
                marked.lap === null ? 'word' : `word loop lap-${marked.lap % 2}${marked.startsLap ? ' lap-start' : ''}`
              }
            >
              {pieces[i].text}
            </span>
          </Fragment>
        ))}
      </p>
      <p class="note" role="status">
        {tokens.length === 0
          ? 'Nothing generated yet.'
          : loop === null
            ? `No loop within these ${tokens.length} words. Greedy text is still fixed: the same context always gives the same words. Try a longer run.`
            : `Loop: from word ${loop.start + 1} on, the same ${loop.length} word${loop.length === 1 ? '' : 's'} (“${continuationText(tokens.slice(loop.start, loop.start + loop.length), props.tokenizer)}”) come back ${loopRepeats(tokens, loop).toFixed(1)} times${
                tokens.length < props.length ? ', and the model stopped there: they would come back forever' : ', and would forever'
              }. Sampling (next step) breaks out of such loops.`}
      </p>
    </div>
  );
}
