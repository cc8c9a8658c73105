// Lesson step 2: the next word as P(word | context), with the counts behind it and the backoff.
import type { EstimatorName } from '../../src/core/types';
import type { CandidateView, PredictionView } from '../../src/protocol/webview';
import { BarList, type BarRow } from '../components/BarList';
import { ChartFrame } from '../components/ChartFrame';
import { Term } from '../components/Term';
import { WordEvidence } from '../components/WordEvidence';
import { useState } from 'preact/hooks';
import { displayInlineToken, displayToken, formatCount, formatProbability } from '../format';
import { answeringName } from '../../src/protocol/wording';
import { ESTIMATOR_LABEL, canInsert, type Insertion } from '../prediction';
import { MixtureColumns } from '../components/MixtureColumns';

/** Bars shown in step 2; the table lists the same words. */
const SHOWN_CANDIDATES = 12;

export interface NextWordStepProps {
  /** The text the prediction answered (the evidence is asked about the same). */
  readonly text: string;
  readonly prediction: PredictionView;
  readonly estimator: EstimatorName;
  readonly order: number;
  readonly tables: readonly string[];
  readonly onToggleTable: (id: string) => void;
  /** Inserting a word at the editor's cursor, or why clicking does not. */
  readonly insertion: Insertion;
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
        {matchedContextLength < context.length && (
          <>
            {' '}
            (<Term term="backoff" />: a shorter context when the longer one was never seen.)
          </>
        )}
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

/** The words counted after the answering context, at most this many as bars. */
const SHOWN_COUNTED = 12;

/**
 * Maximum likelihood of the longest context seen, from the candidates' counts: every word seen after
 * that context, c(context, w) / c(context), so each bar *is* its fraction; the words not listed share
 * the rest of c(context), and words never seen after it get 0. The total is visibly 1.
 */
export function maximumLikelihoodRows(prediction: PredictionView): {
  readonly rows: readonly { readonly word: string; readonly count: number }[];
  readonly contextCount: number;
  readonly othersCount: number;
} {
  const order = prediction.matchedContextLength + 1;
  const counted = prediction.candidates.filter((candidate) => candidate.order === order && candidate.count > 0);
  const contextCount = counted[0]?.contextCount ?? 0;
  const rows = counted
    .map((candidate) => ({ word: candidate.word, count: candidate.count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, SHOWN_COUNTED);
  const shown = rows.reduce((sum, row) => sum + row.count, 0);
  return { rows, contextCount, othersCount: Math.max(0, contextCount - shown) };
}

/** A candidate's count c(context, word)/c(context) as a button that opens its evidence ("Why this word?"). */
function CountButton({ word, children, onWhy }: { readonly word: string; readonly children: string; readonly onWhy: (word: string) => void }) {
  return (
    <button type="button" class="link-button counts fraction-exact why-button" title={`Why “${displayToken(word)}”? Show where the workspace has it`} onClick={() => onWhy(word)}>
      {children}
    </button>
  );
}

function MaximumLikelihood({
  prediction,
  tables,
  onToggleTable,
  onWhy,
}: {
  readonly prediction: PredictionView;
  readonly tables: readonly string[];
  readonly onToggleTable: (id: string) => void;
  readonly onWhy: (word: string) => void;
}) {
  const { rows, contextCount, othersCount } = maximumLikelihoodRows(prediction);
  if (contextCount === 0) return null;
  const answering = contextOfOrder(prediction.context, prediction.matchedContextLength + 1).map(displayToken).join(' ');
  const given = answering === '' ? 'all tokens' : `c(${answering})`;
  const fraction = (count: number): string => `${formatCount(count)}/${formatCount(contextCount)}`;
  const allRows = [
    ...rows.map((row) => ({ key: row.word, word: row.word as string | null, label: displayToken(row.word), count: row.count })),
    ...(othersCount > 0 ? [{ key: '(other seen)', word: null, label: 'other words seen after it', count: othersCount }] : []),
  ];
  return (
    <ChartFrame
      id="maximum-likelihood"
      title={`Maximum likelihood: c(${answering === '' ? '' : `${answering} `}word) / ${given}`}
      asTable={tables.includes('maximum-likelihood')}
      onToggleTable={onToggleTable}
      caption={`Each bar is exactly its fraction; click a fraction to see where the workspace has it. Every other word of the vocabulary was never seen ${answering === '' ? 'at all' : `after “${answering}”`}: 0. Total ${fraction(contextCount)} = 1.`}
      chart={
        <BarList
          label="Maximum-likelihood probabilities"
          rows={[
            ...allRows.map((row) => ({
              key: row.key,
              label: row.label,
              value: row.count / contextCount,
              valueText: formatProbability(row.count / contextCount),
              detail:
                row.word === null ? (
                  <span class="counts fraction-exact">{fraction(row.count)}</span>
                ) : (
                  <CountButton word={row.word} onWhy={onWhy}>
                    {fraction(row.count)}
                  </CountButton>
                ),
            })),
            { key: '(unseen)', label: 'all other words', value: 0, valueText: '0', detail: <span class="counts">never seen</span> },
          ]}
        />
      }
      table={
        <table class="data">
          <thead>
            <tr>
              <th scope="col">word</th>
              <th scope="col">c(context, word)</th>
              <th scope="col">c(context)</th>
              <th scope="col">probability</th>
            </tr>
          </thead>
          <tbody>
            {allRows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                <td>{formatCount(row.count)}</td>
                <td>{formatCount(contextCount)}</td>
                <td>{formatProbability(row.count / contextCount)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">all other words</th>
              <td>0</td>
              <td>{formatCount(contextCount)}</td>
              <td>0</td>
            </tr>
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">total</th>
              <td>{formatCount(contextCount)}</td>
              <td>{formatCount(contextCount)}</td>
              <td>1</td>
            </tr>
          </tfoot>
        </table>
      }
    />
  );
}

/** How the estimator's number for the top word relates to its raw share. */
function estimatorNote(estimator: EstimatorName, top: CandidateView): string {
  const share = top.count / top.contextCount;
  switch (estimator) {
    case 'mle':
      return 'Maximum likelihood uses exactly that share.';
    case 'stupid-backoff':
      return Math.abs(top.probability - share) <= 1e-12
        ? 'Stupid backoff scores it with exactly that share; only a word seen after a shorter context gets 0.4 × that context’s share, per word dropped.'
        : `Stupid backoff scores it ${formatProbability(top.probability)}: 0.4 × the share after a shorter context, per word of context dropped.`;
    default:
      return `${ESTIMATOR_LABEL[estimator]} gives ${formatProbability(top.probability)}: smoothing keeps some probability for words never seen in this context.`;
  }
}

export function NextWordStep(props: NextWordStepProps) {
  const { prediction } = props;
  const [why, setWhy] = useState<string | null>(null);
  const whyCandidate = why === null ? undefined : prediction.candidates.find((candidate) => candidate.word === why);
  const shown = prediction.candidates.slice(0, SHOWN_CANDIDATES);
  const unit = prediction.isProbability ? 'probability' : 'score';
  const top = shown[0];
  // Everything beyond the bars, so that the column visibly adds up (to 1 for a probability).
  const othersMass = prediction.candidates.slice(SHOWN_CANDIDATES).reduce((sum, c) => sum + c.probability, prediction.others.probability);
  const othersWords = prediction.candidates.length - shown.length + prediction.others.words;
  const total = shown.reduce((sum, c) => sum + c.probability, othersMass);
  const insert = props.insertion.insert;
  return (
    <div class="step-body">
      <p class="lead">
        A language model answers one question: given the words so far (the <Term term="context" />), how likely is each
        possible next <Term term="token" />? That is P(word | context), the same “given” as in step 1: the context is B,
        “this word comes next” is A. An <Term term="n-gram" /> model answers from counts. Start with the plain share,{' '}
        <Term term="maximum likelihood" />: P(word | context) = c(context, word) / c(context).
      </p>
      <Backoff prediction={prediction} order={props.order} />
      <MaximumLikelihood prediction={prediction} tables={props.tables} onToggleTable={props.onToggleTable} onWhy={setWhy} />
      {why !== null && (
        <WordEvidence
          text={props.text}
          word={why}
          probability={whyCandidate?.probability ?? 0}
          estimator={props.estimator}
          onClose={() => setWhy(null)}
        />
      )}
      <p class="lead">
        Maximum likelihood gives 0 to every word never seen after the context, yet such words do come next in new text.{' '}
        <Term term="smoothing">Smoothing</Term> moves a little probability to them. The model uses{' '}
        {props.estimator === 'kneser-ney' ? <Term term="Kneser-Ney" /> : ESTIMATOR_LABEL[props.estimator]}: its bars
        below; the fractions beside them are the raw counts it started from.
      </p>
      {!prediction.isProbability && (
        <p class="warning">
          Stupid backoff gives <strong>scores, not probabilities</strong>: they rank the words but need not add up to 1.
        </p>
      )}
      <ChartFrame
        id="candidates"
        title={`${prediction.isProbability ? 'P' : 'Score'}(next word | ${contextLabel(prediction.context)}), ${prediction.mixture === undefined ? ESTIMATOR_LABEL[props.estimator] : `mixture of the team base model and ${ESTIMATOR_LABEL[props.estimator]}`}`}
        asTable={props.tables.includes('candidates')}
        onToggleTable={props.onToggleTable}
        caption={
          shown.length > 0
            ? `${props.insertion.why ?? 'Click a word to insert it at the editor’s cursor.'} The fractions are the raw counts c(context, word) / c(context) at the n-gram that answered${props.estimator === 'mle' ? ', and equal the bars' : `; ${ESTIMATOR_LABEL[props.estimator]} turns them into the bars`}.`
            : undefined
        }
        chart={
          shown.length === 0 ? (
            <p class="hint">The model has no words yet.</p>
          ) : (
            <BarList
              label={`Candidates and their ${prediction.isProbability ? 'probabilities' : 'scores'}`}
              activateHint="Inserts the word at the editor’s cursor."
              rows={shown.map((candidate, i): BarRow => ({
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
                      {answeringName(props.estimator, candidate.order)}
                    </span>
                  </>
                ),
                onActivate: insert !== undefined && canInsert(candidate.word) ? () => insert(candidate.word) : undefined,
              })).concat([
                {
                  key: '(others)',
                  label: `all other words (${formatCount(othersWords)})`,
                  value: othersMass,
                  valueText: formatProbability(othersMass),
                  detail: <span class="counts">total {formatProbability(total)}</span>,
                },
              ])}
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
              <tr>
                <th scope="row">all other words ({formatCount(othersWords)})</th>
                <td>{formatProbability(othersMass)}</td>
                <td colSpan={4} />
              </tr>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">total</th>
                <td>{formatProbability(total)}</td>
                <td colSpan={4} />
              </tr>
            </tfoot>
          </table>
        }
      />
      <MixtureColumns prediction={prediction} />
      {top && top.contextCount > 0 && (
        <p class="note">
          {rawShare(prediction.context, top)}{' '}
          {estimatorNote(props.estimator, top)}
        </p>
      )}
      {shown.some((candidate) => candidate.word === '<unk>') && (
        <p class="note">
          {displayToken('<unk>')} is not one word: it stands for every word never seen in training, taken together.{' '}
          {ESTIMATOR_LABEL[props.estimator]} gives it {formatProbability(shown.find((candidate) => candidate.word === '<unk>')?.probability ?? 0)}. It
          cannot be inserted, so Predict Next Word leaves it out.
        </p>
      )}
    </div>
  );
}
