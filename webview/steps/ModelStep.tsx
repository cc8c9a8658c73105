// Lesson step 3: the model is a distribution learned from data; here its parameters are counts.
import { useState } from 'preact/hooks';
import { tokenizeLine } from '../../src/core/tokenizer';
import type { ModelStatus } from '../../src/protocol/lsp';
import type { CandidateView } from '../../src/protocol/webview';
import { Term } from '../components/Term';
import { displayToken, errorMessage, formatBytes, formatCount } from '../format';
import { requestPrediction } from '../host';
import { ESTIMATOR_LABEL, describeStatus } from '../prediction';

type Lookup =
  | { readonly state: 'idle' | 'asking' }
  | { readonly state: 'wrong-length'; readonly tokens: readonly string[] }
  | { readonly state: 'failed'; readonly message: string }
  | {
      readonly state: 'found';
      readonly tokens: readonly string[];
      /** The candidate for the n-gram's last word, if the model listed it. */
      readonly candidate: CandidateView | undefined;
    };

/**
 * One parameter looked up: an n-gram of the model's order and its count. The count comes from the
 * model's prediction after the n-gram's first n − 1 tokens: its last word's count at order n (0 when
 * the model answered it from a shorter n-gram, i.e. never saw the whole one).
 */
function ParameterLookup({ status }: { readonly status: ModelStatus }) {
  const [text, setText] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  const order = status.order;
  const look = async (): Promise<void> => {
    const tokens = tokenizeLine(status.tokenizer, text);
    if (tokens.length !== order) {
      setLookup({ state: 'wrong-length', tokens });
      return;
    }
    setLookup({ state: 'asking' });
    try {
      const answer = await requestPrediction(tokens.slice(0, -1).join(' '));
      setLookup({ state: 'found', tokens, candidate: answer.candidates.find((c) => c.word === tokens[order - 1]) });
    } catch (failure) {
      setLookup({ state: 'failed', message: errorMessage(failure) });
    }
  };
  return (
    <form
      class="parameter-lookup"
      onSubmit={(event) => {
        event.preventDefault();
        void look();
      }}
    >
      <label>
        Look up one parameter: type {order} token{order === 1 ? '' : 's'} (a {order}-gram){' '}
        <input type="text" class="ngram-input" value={text} spellcheck={false} onInput={(event) => setText(event.currentTarget.value)} />
      </label>{' '}
      <button type="submit" disabled={lookup.state === 'asking'}>
        Look up
      </button>
      <p class="lookup-result" role="status">
        {lookup.state === 'wrong-length' &&
          `“${lookup.tokens.join(' ')}” is ${lookup.tokens.length} token${lookup.tokens.length === 1 ? '' : 's'}; this model’s parameters are ${order}-grams: type ${order}.`}
        {lookup.state === 'failed' && `The model could not answer: ${lookup.message}`}
        {lookup.state === 'found' && <LookupResult tokens={lookup.tokens} candidate={lookup.candidate} order={order} />}
      </p>
    </form>
  );
}

function LookupResult(props: { readonly tokens: readonly string[]; readonly candidate: CandidateView | undefined; readonly order: number }) {
  const ngram = props.tokens.map(displayToken).join(' ');
  const context = props.tokens.slice(0, -1).map(displayToken).join(' ');
  const seen = props.candidate !== undefined && props.candidate.order === props.order && props.candidate.count > 0;
  if (!seen) {
    return (
      <>
        c({ngram}) = <strong class="lookup-count">0</strong>: training never saw this {props.order}-gram, so the model has no
        count for it and backs off to shorter ones when asked.
      </>
    );
  }
  const { count, contextCount } = props.candidate!;
  return (
    <>
      c({ngram}) = <strong class="lookup-count">{formatCount(count)}</strong>: “{context}” occurs {formatCount(contextCount)}{' '}
      time{contextCount === 1 ? '' : 's'} in the workspace and is followed by “{displayToken(props.tokens[props.tokens.length - 1])}”{' '}
      {formatCount(count)} of them.
    </>
  );
}

const ESTIMATOR_EXPLAINED = {
  'longest-match': 'finds the longest stretch of your files ending like the text before the cursor, across lines, and mixes what followed it there with Kneser-Ney',
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
        sequences keep some probability. Every number in the other steps comes from them. <Term term="training">Training</Term>{' '}
        meant one thing here: reading every file once and counting each n-gram. Those counts are the model’s{' '}
        <Term term="parameter">parameters</Term>; the words it can predict are its <Term term="vocabulary" />.
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
          <ParameterLookup status={status} />
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
