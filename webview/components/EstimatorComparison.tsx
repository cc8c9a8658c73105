// Lesson step 2, side by side: the same context under maximum likelihood, add-k, stupid backoff,
// Kneser-Ney and longest match, each column with "all other words" so that it visibly adds up, and
// each number's arithmetic (the counts, discounts, continuation counts and weights behind it) one
// click away. Every number is the server's (core `explain`); this file only lays them out.
import { useState } from 'preact/hooks';
import type { LevelArithmetic } from '../../src/core/estimators';
import type { EstimatorName } from '../../src/core/types';
import type { EstimatorColumn } from '../../src/protocol/lsp';
import type { ExplanationView, PredictionView } from '../../src/protocol/webview';
import { requestExplanation } from '../host';
import { useAnswer, valueOf } from '../useAnswer';
import { displayToken, formatCount, formatProbability } from '../format';
import { ESTIMATOR_LABEL } from '../prediction';
import { ChartFrame } from './ChartFrame';

export const COMPARISON_CHART = 'estimators';
/** The likeliest words of the prediction the columns compare. */
const COMPARED_WORDS = 8;

/** One column as the comparison shows it: its values for the asked words, the rest and the total. */
interface ColumnView {
  readonly key: EstimatorName;
  readonly heading: string;
  readonly isProbability: boolean;
  readonly values: readonly number[];
  /** Σ over the vocabulary minus the asked words: what "all other words" holds. */
  readonly others: number;
  readonly total: number;
}

/** The columns in the lesson's order: the plain share, then smoothing, then the longest match. */
export function comparisonColumns(explanation: ExplanationView): ColumnView[] {
  const column = (key: EstimatorName, heading: string, isProbability: boolean, values: readonly number[], total: number): ColumnView => ({
    key,
    heading,
    isProbability,
    values,
    // The asked words' values are part of the total; a rounding below 0 is not a negative rest.
    others: Math.max(0, total - values.reduce((sum, value) => sum + value, 0)),
    total,
  });
  const columns = explanation.columns.map((c) =>
    column(c.estimator.name, headingOf(c), c.isProbability, c.words.map((w) => w.probability), c.total),
  );
  const longest = explanation.longestMatch;
  if (longest !== null) columns.push(column('longest-match', ESTIMATOR_LABEL['longest-match'], true, longest.words.map((w) => w.probability), longest.total));
  return columns;
}

function headingOf(column: EstimatorColumn): string {
  if (column.estimator.name === 'add-k') return `Add-k (k = ${column.estimator.addK ?? 1})`;
  if (column.estimator.name === 'stupid-backoff') return 'Stupid backoff (scores)';
  return ESTIMATOR_LABEL[column.estimator.name];
}

/** The context an n-gram of this length conditions on, as text: its last order − 1 tokens. */
function suffixText(context: readonly string[], order: number): string {
  return order <= 1 ? '' : context.slice(Math.max(0, context.length - (order - 1))).map(displayToken).join(' ');
}

const number = (value: number): string => (Number.isInteger(value) ? formatCount(value) : formatProbability(value));

/** What the weight of the level below is, for this estimator. */
function lowerWeightLabel(name: EstimatorName, given: string, seen: boolean): string {
  switch (name) {
    case 'add-k':
      return 'k·|V| / denominator (the share the uniform 1/|V| gets)';
    case 'stupid-backoff':
      return seen ? 'weight of the shorter context' : 'α, the fixed back-off factor for an unseen n-gram';
    default:
      return `back-off weight γ(${given === '' ? 'all words' : given}): the mass the discounts freed`;
  }
}

/** One level of the chain, every term labelled by what it is. */
function Level({ name, context, level, word }: { readonly name: EstimatorName; readonly context: readonly string[]; readonly level: LevelArithmetic; readonly word: string }) {
  const given = suffixText(context, level.order);
  const ngram = `${given === '' ? '' : `${given} `}${displayToken(word)}`;
  const seen = level.usedCount > 0;
  const usesContinuation = level.usedCount !== level.count;
  const below = level.order === 1 || (name !== 'kneser-ney' && name !== 'longest-match' && name !== 'stupid-backoff') ? 'uniform 1/|V|' : `the ${level.order - 1}-gram level`;
  const formula = seen
    ? `(${number(level.usedCount)}${level.discount > 0 ? ` − ${formatProbability(level.discount)}` : ''}) / ${number(level.denominator)}${level.lowerWeight > 0 ? ` + ${formatProbability(level.lowerWeight)} × ${formatProbability(level.lower)}` : ''}`
    : `${formatProbability(level.lowerWeight)} × ${formatProbability(level.lower)}`;
  return (
    <li class="level">
      <p class="level-head">
        {level.order}-gram “{ngram}”
      </p>
      <dl class="terms">
        <dt>count c({ngram})</dt>
        <dd>{formatCount(level.count)}</dd>
        {usesContinuation && (
          <>
            <dt>continuation count (how many different words came before “{ngram}”)</dt>
            <dd>{formatCount(level.usedCount)}</dd>
          </>
        )}
        {level.discount > 0 && (
          <>
            <dt>discount D</dt>
            <dd>{formatProbability(level.discount)}</dd>
          </>
        )}
        {level.denominator > 0 && (
          <>
            <dt>
              denominator{' '}
              {name === 'add-k' ? `c(${given || 'all tokens'}) + k·|V|` : usesContinuation ? 'Σ continuation counts' : `c(${given || 'all tokens'})`}
            </dt>
            <dd>{number(level.denominator)}</dd>
          </>
        )}
        {level.lowerWeight > 0 && (
          <>
            <dt>{lowerWeightLabel(name, given, seen)}</dt>
            <dd>{formatProbability(level.lowerWeight)}</dd>
            <dt>value below ({below})</dt>
            <dd>{formatProbability(level.lower)}</dd>
          </>
        )}
      </dl>
      <p class="level-formula">
        {formula} = <strong>{formatProbability(level.value)}</strong>
      </p>
    </li>
  );
}

function Levels({ column, word }: { readonly column: EstimatorColumn; readonly word: number }) {
  const { levels } = column.words[word];
  if (levels.length === 0) return <p>This token is never predicted.</p>;
  return (
    <ol class="levels">
      {levels.map((level) => (
        <Level key={level.order} name={column.estimator.name} context={column.context} level={level} word={column.words[word].word} />
      ))}
    </ol>
  );
}

/** The arithmetic behind one cell. */
function Arithmetic({ explanation, column, word }: { readonly explanation: ExplanationView; readonly column: number; readonly word: number }) {
  const longest = explanation.longestMatch;
  if (column < explanation.columns.length) {
    const c = explanation.columns[column];
    const w = c.words[word];
    return (
      <div class="arithmetic" data-estimator={c.estimator.name}>
        <h4>
          {headingOf(c)}: {c.isProbability ? 'P' : 'score'}({displayToken(w.word)} | {c.context.map(displayToken).join(' ') || 'nothing'}) ={' '}
          {formatProbability(w.probability)}
        </h4>
        <p class="note">
          {c.estimator.name === 'mle'
            ? 'Maximum likelihood: the count after the longest context seen over that context’s count, nothing else.'
            : c.estimator.name === 'add-k'
              ? `Add-k: every word of the vocabulary (|V| = ${formatCount(c.vocabularySize)}) gets k extra counts, so (c + k) / (c(context) + k·|V|).`
              : c.estimator.name === 'stupid-backoff'
                ? 'Stupid backoff: the count fraction where the n-gram was seen, else α times the shorter context’s score. Scores, not probabilities: the column does not add up to 1.'
                : 'Kneser-Ney: each level discounts its counts and gives the freed mass, by the back-off weight, to the level below; below the top order it counts in how many different contexts a word continues.'}
        </p>
        <Levels column={c} word={word} />
      </div>
    );
  }
  if (longest === null) return null;
  const w = longest.words[word];
  const kn = longest.kneserNey.words[word].probability;
  const match = longest.matchedContext.map(displayToken).join(' ');
  return (
    <div class="arithmetic" data-estimator="longest-match">
      <h4>
        Longest match: P({displayToken(w.word)} | …) = {formatProbability(w.probability)}
      </h4>
      {longest.lambda === 0 ? (
        <p>
          The longest context the workspace holds followed by something is {longest.matchedContext.length} token
          {longest.matchedContext.length === 1 ? '' : 's'} long{match === '' ? '' : ` (“${match}”)`}, shorter than{' '}
          {longest.minLength}: the Kneser-Ney model answers alone, P = P<sub>KN</sub> = {formatProbability(kn)}.
        </p>
      ) : (
        <dl class="terms">
          <dt>match: the longest end of the context seen in the workspace ({longest.matchedContext.length} tokens)</dt>
          <dd>“{match}”</dd>
          <dt>n: how often the match occurs</dt>
          <dd>{formatCount(longest.contextCount)}</dd>
          <dt>u: the different words that follow it</dt>
          <dd>{formatCount(longest.followers)}</dd>
          <dt>c(match {displayToken(w.word)})</dt>
          <dd>{formatCount(w.count)}</dd>
          <dt>Witten-Bell weight λ = n / (n + β·u), β = {number(longest.beta)}</dt>
          <dd>
            {formatCount(longest.contextCount)} / ({formatCount(longest.contextCount)} + {number(longest.beta)} × {formatCount(longest.followers)}) ={' '}
            {formatProbability(longest.lambda)}
          </dd>
          <dt>Kneser-Ney part P<sub>KN</sub> (levels below)</dt>
          <dd>{formatProbability(kn)}</dd>
        </dl>
      )}
      {longest.lambda > 0 && (
        <p class="level-formula">
          λ × c / n + (1 − λ) × P<sub>KN</sub> = {formatProbability(longest.lambda)} × {formatCount(w.count)}/{formatCount(longest.contextCount)} + {formatProbability(1 - longest.lambda)} ×{' '}
          {formatProbability(kn)} = <strong>{formatProbability(w.probability)}</strong>
        </p>
      )}
      <Levels column={{ ...longest.kneserNey, context: contextOfKneserNey(explanation) }} word={word} />
    </div>
  );
}

/** The Kneser-Ney part conditions on the cursor line, as the Kneser-Ney column does. */
function contextOfKneserNey(explanation: ExplanationView): readonly string[] {
  return explanation.columns.find((c) => c.estimator.name === 'kneser-ney')?.context ?? [];
}

export interface EstimatorComparisonProps {
  readonly explanation: ExplanationView;
  readonly asTable: boolean;
  readonly onToggleTable: (id: string) => void;
}

export function EstimatorComparison({ explanation, asTable, onToggleTable }: EstimatorComparisonProps) {
  const [selected, setSelected] = useState<{ readonly column: number; readonly word: number } | null>(null);
  const columns = comparisonColumns(explanation);
  const words = explanation.columns[0]?.words.map((w) => w.word) ?? [];
  if (words.length === 0) return null;
  const open = selected !== null && selected.column < columns.length && selected.word < words.length ? selected : null;
  const cell = (c: number, w: number) => {
    const isOpen = open?.column === c && open.word === w;
    return (
      <button
        type="button"
        class="cell-button"
        aria-expanded={isOpen}
        title="Show the arithmetic"
        onClick={() => setSelected(isOpen ? null : { column: c, word: w })}
      >
        {formatProbability(columns[c].values[w])}
      </button>
    );
  };
  const totalText = (column: ColumnView): string => (column.isProbability ? formatProbability(column.total) : `${formatProbability(column.total)} (scores)`);
  return (
    <>
      <ChartFrame
        id={COMPARISON_CHART}
        title={`The same context, ${columns.length} estimators`}
        asTable={asTable}
        onToggleTable={onToggleTable}
        caption="Click a number to see the arithmetic that produced it. Each probability column adds up to 1 over the whole vocabulary; stupid backoff’s scores do not."
        chart={
          <div class="estimator-columns">
            {columns.map((column, c) => (
              <section key={column.key} class="estimator-column" data-estimator={column.key} aria-label={column.heading}>
                <h4>{column.heading}</h4>
                <ul class="estimator-cells">
                  {words.map((word, w) => (
                    <li key={word}>
                      <span class="cell-word">{displayToken(word)}</span>
                      <span class="cell-bar" aria-hidden="true">
                        <span class="bar-fill" style={{ width: `${(Math.min(1, columns[c].values[w]) * 100).toFixed(2)}%` }} />
                      </span>
                      {cell(c, w)}
                    </li>
                  ))}
                  <li class="others">
                    <span class="cell-word">all other words</span>
                    <span class="cell-bar" aria-hidden="true">
                      <span class="bar-fill" style={{ width: `${(Math.min(1, column.others) * 100).toFixed(2)}%` }} />
                    </span>
                    <span class="cell-value">{formatProbability(column.others)}</span>
                  </li>
                  <li class="total">
                    <span class="cell-word">total</span>
                    <span />
                    <span class="cell-value">{totalText(column)}</span>
                  </li>
                </ul>
              </section>
            ))}
          </div>
        }
        table={
          <table class="data estimator-table">
            <thead>
              <tr>
                <th scope="col">word</th>
                {columns.map((column) => (
                  <th key={column.key} scope="col">
                    {column.heading}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {words.map((word, w) => (
                <tr key={word}>
                  <th scope="row">{displayToken(word)}</th>
                  {columns.map((column, c) => (
                    <td key={column.key}>{cell(c, w)}</td>
                  ))}
                </tr>
              ))}
              <tr class="others">
                <th scope="row">all other words</th>
                {columns.map((column) => (
                  <td key={column.key}>{formatProbability(column.others)}</td>
                ))}
              </tr>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">total</th>
                {columns.map((column) => (
                  <td key={column.key}>{totalText(column)}</td>
                ))}
              </tr>
            </tfoot>
          </table>
        }
      />
      {open !== null && (
        <div class="chart arithmetic-panel" aria-live="polite">
          <Arithmetic explanation={explanation} column={open.column} word={open.word} />
        </div>
      )}
    </>
  );
}

export interface EstimatorComparisonSectionProps {
  /** The text the prediction answered. */
  readonly text: string;
  readonly prediction: PredictionView;
  readonly tables: readonly string[];
  readonly onToggleTable: (id: string) => void;
}

/** Asks for the comparison of the prediction's likeliest words (again whenever a new prediction arrives) and shows it. */
export function EstimatorComparisonSection({ text, prediction, tables, onToggleTable }: EstimatorComparisonSectionProps) {
  const words = prediction.candidates.slice(0, COMPARED_WORDS).map((candidate) => candidate.word);
  const answer = useAnswer(() => (words.length === 0 ? null : requestExplanation(text, words)), [prediction]);
  const explanation = valueOf(answer);
  return (
    <section class="comparison" aria-label="Estimators side by side">
      <p class="lead">
        The same counts, five ways to turn them into a distribution. Maximum likelihood gives 0 to every word never seen after the
        context; add-k gives every word k extra counts; stupid backoff falls back to a shorter context with a fixed factor and gives
        scores, not probabilities; Kneser-Ney discounts what it saw and shares the rest by how many contexts a word follows; longest
        match trusts the longest stretch of the context the workspace holds and mixes in Kneser-Ney.
      </p>
      {answer.state === 'failed' && <p class="error">The estimators could not be compared: {answer.message}</p>}
      {explanation === undefined ? (
        answer.state !== 'failed' && <p class="placeholder">Comparing the estimators…</p>
      ) : (
        <EstimatorComparison explanation={explanation} asTable={tables.includes(COMPARISON_CHART)} onToggleTable={onToggleTable} />
      )}
    </section>
  );
}
