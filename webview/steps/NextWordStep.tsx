// Lesson step 2: the next word as P(word | context), with the counts behind it and the backoff.
import type { EstimatorName } from '../../src/core/types';
import type { CandidateView, PredictionView } from '../../src/protocol/webview';
import { BarList } from '../components/BarList';
import { ChartFrame } from '../components/ChartFrame';
import { displayInlineToken, displayToken, formatCount, formatProbability } from '../format';
import { ESTIMATOR_LABEL, canInsert } from '../prediction';

/** Bars shown in step 2; the table lists the same words. */
const SHOWN_CANDIDATES = 12;

export interface NextWordStepProps {
  readonly prediction: PredictionView;
  readonly estimator: EstimatorName;
  readonly order: number;
  readonly tables: readonly string[];
  readonly onToggleTable: (id: string) => void;
  /** Inserts text at the editor's cursor. */
  readonly onInsert: (text: string) => void;
}

/** The context an n-gram of this length conditions on: its last order-1 tokens. */
function contextOfOrder(context: readonly string[], order: number): readonly string[] {
  return order <= 1 ? [] : context.slice(Math.max(0, context.length - (order - 1)));
}

function countFormula(context: readonly string[], candidate: CandidateView): string {
  const given = contextOfOrder(context, candidate.order).map(displayToken).join(' ');
  return given === ''
    ? `c(${displayToken(candidate.word)}) / all tokens`
    : `c(${given} ${displayToken(candidate.word)}) / c(${given})`;
}

function Backoff({ prediction, order }: { readonly prediction: PredictionView; readonly order: number }) {
  const { context, matchedContextLength } = prediction;
  const unmatched = context.slice(0, context.length - matchedContextLength);
  const matched = context.slice(context.length - matchedContextLength);
  return (
    <div class="backoff">
      <p class="context-tokens" aria-label="The context the model used">
        {unmatched.map((token, i) => (
          <span key={`u${i}`} class="token unmatched" title="never seen before the next word in training">
            {displayToken(token)}
          </span>
        ))}
        {matched.map((token, i) => (
          <span key={`m${i}`} class="token matched" title="seen in training">
            {displayToken(token)}
          </span>
        ))}
        <span class="token next">?</span>
      </p>
      <p class="backoff-text">
        {context.length === 0
          ? `A ${order}-gram model with no context: it answers with how often each word occurs.`
          : matchedContextLength === context.length
            ? `The ${order}-gram model looks at the last ${context.length} token${context.length === 1 ? '' : 's'} and has seen them before: its answer is conditioned on all of them.`
            : matchedContextLength === 0
              ? `The model never saw “${context.map(displayToken).join(' ')}” in training, so it backed off all the way to single-word frequencies (unigrams).`
              : `The model never saw “${context.map(displayToken).join(' ')}”, so it backed off to the shorter context “${matched.map(displayToken).join(' ')}”.`}
      </p>
    </div>
  );
}

/** The context as the chart's title writes it after the bar: “the model”. */
function contextLabel(context: readonly string[]): string {
  return context.length === 0 ? 'nothing' : `“${context.map(displayInlineToken).join(' ')}”`;
}

/** The top candidate's counts in words. */
function rawShare(context: readonly string[], candidate: CandidateView): string {
  const given = contextOfOrder(context, candidate.order).map(displayToken).join(' ');
  const word = displayToken(candidate.word);
  const share = formatProbability(candidate.count / candidate.contextCount);
  return given === ''
    ? `“${word}” is ${formatCount(candidate.count)} of the ${formatCount(candidate.contextCount)} tokens counted: a raw share of ${share}.`
    : `“${given}” was followed by “${word}” ${formatCount(candidate.count)} of the ${formatCount(candidate.contextCount)} times it occurred: a raw share of ${share}.`;
}

export function NextWordStep(props: NextWordStepProps) {
  const { prediction } = props;
  const shown = prediction.candidates.slice(0, SHOWN_CANDIDATES);
  const unit = prediction.isProbability ? 'probability' : 'score';
  const top = shown[0];
  return (
    <div class="step-body">
      <p class="lead">
        A language model answers one question: given the words so far, how likely is each possible next word? That is
        P(word | context), the same “given” as in step 1: the context is B, “this word comes next” is A. For an
        n-gram model the counts are the data: P ≈ c(context, word) / c(context).
      </p>
      <Backoff prediction={prediction} order={props.order} />
      {!prediction.isProbability && (
        <p class="warning">
          Stupid backoff gives <strong>scores, not probabilities</strong>: they rank the words but need not add up to 1.
        </p>
      )}
      <ChartFrame
        id="candidates"
        title={`${prediction.isProbability ? 'P' : 'Score'}(next word | ${contextLabel(prediction.context)}), ${ESTIMATOR_LABEL[props.estimator]}`}
        asTable={props.tables.includes('candidates')}
        onToggleTable={props.onToggleTable}
        caption={shown.length > 0 ? 'Click a word to insert it at the editor’s cursor.' : undefined}
        chart={
          shown.length === 0 ? (
            <p class="hint">The model has no words yet.</p>
          ) : (
            <BarList
              label={`Candidates and their ${unit}s`}
              rows={shown.map((candidate, i) => ({
                key: `${i}`,
                label: displayToken(candidate.word),
                value: candidate.probability,
                valueText: formatProbability(candidate.probability),
                detail: (
                  <>
                    <span class="counts" title={countFormula(prediction.context, candidate)}>
                      {formatCount(candidate.count)}/{formatCount(candidate.contextCount)}
                    </span>
                    <span class="order-badge" title="the n-gram length that answered">
                      {candidate.order}-gram
                    </span>
                  </>
                ),
                onActivate: canInsert(candidate.word) ? () => props.onInsert(candidate.insertText) : undefined,
                activateLabel: `Insert “${displayToken(candidate.word)}”: ${unit} ${formatProbability(candidate.probability)}, counts ${candidate.count} of ${candidate.contextCount}, ${candidate.order}-gram`,
              }))}
            />
          )
        }
        table={
          <table class="data">
            <thead>
              <tr>
                <th scope="col">word</th>
                <th scope="col">{unit}</th>
                <th scope="col">c(context, word)</th>
                <th scope="col">c(context)</th>
                <th scope="col">ratio</th>
                <th scope="col">n-gram</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((candidate, i) => (
                <tr key={i}>
                  <th scope="row">{displayToken(candidate.word)}</th>
                  <td>{formatProbability(candidate.probability)}</td>
                  <td>{formatCount(candidate.count)}</td>
                  <td>{formatCount(candidate.contextCount)}</td>
                  <td>{candidate.contextCount === 0 ? '—' : formatProbability(candidate.count / candidate.contextCount)}</td>
                  <td>{candidate.order}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      {top && top.contextCount > 0 && (
        <p class="note">
          {rawShare(prediction.context, top)}{' '}
          {props.estimator === 'mle'
            ? 'Maximum likelihood uses exactly that share.'
            : `${ESTIMATOR_LABEL[props.estimator]} gives ${formatProbability(top.probability)}: smoothing keeps some ${unit} for words never seen in this context.`}
        </p>
      )}
    </div>
  );
}
