// Lesson step 3: the model is a distribution learned from data; here its parameters are counts.
import type { ModelStatus } from '../../src/protocol/lsp';
import { formatBytes, formatCount } from '../format';
import { ESTIMATOR_LABEL, describeStatus } from '../prediction';

const ESTIMATOR_EXPLAINED = {
  'kneser-ney': 'discounts every count a little and gives the freed mass to words by how many different contexts they follow',
  'stupid-backoff': 'uses the raw share of the longest seen context, times 0.4 per step it backs off (scores, not probabilities)',
  'add-k': 'adds k to every count, so no word is ever impossible',
  mle: 'uses the raw share of the longest seen context',
} as const;

export function ModelStep({ status }: { readonly status: ModelStatus | null }) {
  return (
    <div class="step-body">
      <p class="lead">
        A language model is a probability distribution learned from data. A neural network learns billions of weights;
        this one learns how often each sequence of words occurs in your workspace, then smooths those counts so unseen
        sequences keep some probability. Every number in the other steps comes from them.
      </p>
      <p class={`model-state state-${status?.state ?? 'none'}`} role="status">
        {describeStatus(status)}
      </p>
      {status && (
        <>
          <dl class="stat-grid">
            <div><dt>Files learned</dt><dd>{formatCount(status.filesLearned)}</dd></div>
            <div><dt>Lines (sentences)</dt><dd>{formatCount(status.sentences)}</dd></div>
            <div><dt>Tokens</dt><dd>{formatCount(status.tokens)}</dd></div>
            <div><dt>Vocabulary</dt><dd>{formatCount(status.vocabularySize)}</dd></div>
            <div><dt>Order</dt><dd>{status.order}-gram</dd></div>
            <div><dt>Estimator</dt><dd>{ESTIMATOR_LABEL[status.estimator]}</dd></div>
            <div><dt>Tokenizer</dt><dd>{status.tokenizer}</dd></div>
            <div><dt>Memory</dt><dd>{formatBytes(status.modelBytes)}</dd></div>
          </dl>
          <p class="note">
            Order {status.order}: the model looks at the last {status.order - 1} token{status.order === 2 ? '' : 's'} to
            predict the next one. {ESTIMATOR_LABEL[status.estimator]} {ESTIMATOR_EXPLAINED[status.estimator]}. Both are
            settings (Next Word Lab › Order, Smoothing); changing them re-counts in the background.
            {status.filesSkipped > 0 &&
              ` ${formatCount(status.filesSkipped)} file${status.filesSkipped === 1 ? ' was' : 's were'} left out (Next Word Lab: Show Skipped Files says why).`}
          </p>
          <table class="data ngram-table">
            <caption>Distinct n-grams counted: the model’s parameters</caption>
            <thead>
              <tr>
                <th scope="col">n</th>
                <th scope="col">distinct n-grams</th>
              </tr>
            </thead>
            <tbody>
              {status.ngrams.map((count, i) => (
                <tr key={i}>
                  <th scope="row">{i + 1}-grams</th>
                  <td>{formatCount(count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
