// "Why this word?": step 1's "given B" on real text. The answering context's occurrences in the
// workspace are the population (B), those followed by the word are "A and B", highlighted, and each
// of those is a file:line link that opens the editor there.
import type { EstimatorName } from '../../src/core/types';
import type { EvidenceView } from '../../src/protocol/webview';
import { displayToken, formatCount, formatProbability } from '../format';
import { postToHost, requestEvidence } from '../host';
import { ESTIMATOR_LABEL } from '../prediction';
import { useAnswer, valueOf } from '../useAnswer';

/** At most this many figures; a larger population is drawn with one figure per several occurrences. */
const MAX_FIGURES = 200;

export interface WordEvidenceProps {
  /** The text whose context is asked about. */
  readonly text: string;
  readonly word: string;
  /** The model's own number for the word, and its estimator, to say how it relates to the share. */
  readonly probability: number;
  readonly estimator: EstimatorName;
  readonly onClose: () => void;
}

function Figure({ followed }: { readonly followed: boolean }) {
  return (
    <svg class={followed ? 'evidence-figure followed' : 'evidence-figure'} viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d="M12 2.5A4.5 4.5 0 1 1 12 11.5A4.5 4.5 0 1 1 12 2.5ZM3 22C3 15 7 12.5 12 12.5C17 12.5 21 15 21 22Z" />
    </svg>
  );
}

export function WordEvidence({ text, word, probability, estimator, onClose }: WordEvidenceProps) {
  const answer = useAnswer(() => requestEvidence(text, word), [text, word]);
  const evidence = valueOf(answer);
  const shown = displayToken(word);
  return (
    <section class="chart evidence" aria-labelledby="evidence-heading">
      <div class="chart-header">
        <h3 id="evidence-heading">Why “{shown}”?</h3>
        <button type="button" class="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {answer.state === 'failed' && <p class="error">The workspace could not be searched: {answer.message}</p>}
      {evidence === undefined ? (
        answer.state !== 'failed' && <p class="placeholder">Searching the workspace…</p>
      ) : evidence.count === 0 || evidence.contextCount === 0 ? (
        <p>
          No context before “{shown}” here was ever followed by it in the workspace: its{' '}
          {ESTIMATOR_LABEL[estimator]} {formatProbability(probability)} is the share smoothing keeps for words never seen after the
          context.
        </p>
      ) : (
        <EvidenceBody evidence={evidence} shown={shown} probability={probability} estimator={estimator} />
      )}
    </section>
  );
}

function EvidenceBody({
  evidence,
  shown,
  probability,
  estimator,
}: {
  readonly evidence: EvidenceView;
  readonly shown: string;
  readonly probability: number;
  readonly estimator: EstimatorName;
}) {
  const context = evidence.context.map(displayToken).join(' ');
  const perFigure = Math.ceil(evidence.contextCount / MAX_FIGURES);
  const figures = Math.ceil(evidence.contextCount / perFigure);
  const followedFigures = Math.round(evidence.count / perFigure);
  const share = evidence.count / evidence.contextCount;
  return (
    <>
      <p class="evidence-summary">
        “{context}” occurs <strong>{formatCount(evidence.contextCount)}</strong> times in the workspace (B);{' '}
        <strong>{formatCount(evidence.count)}</strong> of them are followed by “{shown}” (A and B), highlighted.
      </p>
      <div class="evidence-population" role="img" aria-label={`${formatCount(evidence.contextCount)} occurrences, ${formatCount(evidence.count)} followed by ${shown}`}>
        {Array.from({ length: figures }, (_, i) => (
          <Figure key={i} followed={i < followedFigures} />
        ))}
      </div>
      {perFigure > 1 && <p class="note">One figure stands for {formatCount(perFigure)} occurrences.</p>}
      <p class="evidence-share">
        Maximum likelihood: P({shown} | {context}) = {formatCount(evidence.count)}/{formatCount(evidence.contextCount)} ={' '}
        {formatProbability(share)}.
        {estimator !== 'mle' && (
          <>
            {' '}
            {ESTIMATOR_LABEL[estimator]} gives {formatProbability(probability)}: it starts from these counts and smooths them
            {estimator === 'longest-match' ? ', mixing in Kneser-Ney' : ''} (the estimator columns below show the arithmetic).
          </>
        )}
      </p>
      <h4>
        Where “{context} {shown}” occurs{evidence.total > evidence.occurrences.length ? ` (the first ${formatCount(evidence.occurrences.length)} of ${formatCount(evidence.total)})` : ''}
      </h4>
      <ol class="evidence-list">
        {evidence.occurrences.map((occurrence) => (
          <li key={`${occurrence.uri}:${occurrence.line}:${occurrence.column}`}>
            <button
              type="button"
              class="link-button evidence-link"
              onClick={() => postToHost({ type: 'openLocation', uri: occurrence.uri, line: occurrence.line, column: occurrence.column })}
            >
              {occurrence.file}:{occurrence.line}
            </button>{' '}
            <code class="evidence-line">{occurrence.text.trim()}</code>
          </li>
        ))}
      </ol>
    </>
  );
}
