// The engine's public shapes: every front end (server, CLI, webview, tests, bench) codes against these.

export type TokenizerName = 'words' | 'whitespace';
export const TOKENIZER_NAMES: readonly TokenizerName[] = ['words', 'whitespace'];

/**
 * `longest-match` reads the longest context the workspace holds from a TokenIndex and interpolates
 * with Kneser-Ney (core/longestMatch.ts); an NgramModel named so counts and answers as its
 * Kneser-Ney part.
 */
export type EstimatorName = 'longest-match' | 'kneser-ney' | 'stupid-backoff' | 'add-k' | 'mle';
export const ESTIMATOR_NAMES: readonly EstimatorName[] = ['longest-match', 'kneser-ney', 'stupid-backoff', 'add-k', 'mle'];

export const MIN_ORDER = 1;
export const MAX_ORDER = 6;
export const DEFAULT_ORDER = 3;

export interface EstimatorOptions {
  readonly name: EstimatorName;
  /** The k of add-k (1 = Laplace). */
  readonly addK?: number;
}

/** One candidate next word, as the lesson shows it. */
export interface Candidate {
  readonly word: string;
  readonly id: number;
  /** P(word | context) under the estimator (a score, not a probability, for stupid-backoff). */
  readonly probability: number;
  /** c(context, word) at the order that answered. */
  readonly count: number;
  /** c(context) at the order that answered. */
  readonly contextCount: number;
  /** The n-gram length that answered: the longest n-gram (context suffix + word) seen in training; 1 = unigram. */
  readonly order: number;
}

/** A candidate as a decoder sees it: its chance of being drawn after temperature, top-k and top-p. */
export interface WeightedCandidate extends Omit<Candidate, 'id'> {
  readonly weight: number;
}

/** A model's full answer for one context. */
export interface NextWordDistribution {
  /** The context actually used: at most order-1 tokens, `<s>` first at a line start, OOV words as `<unk>`. */
  readonly context: readonly string[];
  /** Probability per vocabulary id (index = id); `<s>` is always 0. Sums to 1 for proper estimators. */
  readonly probabilities: Float64Array;
  /** Whether `probabilities` is a true distribution (false for stupid-backoff scores). */
  readonly isProbability: boolean;
  /** The longest context suffix that was seen in training (0 = none: the unigram distribution answered). */
  readonly matchedContextLength: number;
}

/** What the model knows, for the status bar and lesson step 3. */
export interface ModelStats {
  readonly order: number;
  readonly estimator: EstimatorName;
  readonly tokenizer: TokenizerName;
  readonly sentences: number;
  readonly tokens: number;
  readonly vocabularySize: number;
  /** Distinct n-grams with a non-zero count, per order (index 0 = unigrams). */
  readonly ngrams: readonly number[];
  readonly modelBytes: number;
}

/** Scoring of one token, as KenLM's `query` prints it. */
export interface TokenScore {
  readonly word: string;
  readonly log10Prob: number;
  /** The n-gram length that matched (1 for `<unk>`). */
  readonly ngramLength: number;
  readonly inVocabulary: boolean;
}

export interface Perplexity {
  readonly perplexity: number;
  readonly perplexityExcludingOov: number;
  /** Words plus one `</s>` per sentence. */
  readonly tokens: number;
  readonly oov: number;
  readonly log10ProbTotal: number;
  readonly crossEntropyBits: number;
}

/** The re-weighting before a draw: temperature, then top-k, then top-p (src/core/runs.ts). */
export interface SamplingOptions {
  /** ≥ 0; 0 = argmax (ties broken by the lower id). */
  readonly temperature: number;
  /** Keep only the k likeliest words; 0 (or absent) = off. */
  readonly topK?: number;
  /** Keep the fewest likeliest words whose mass reaches p; 1 (or absent) = off. */
  readonly topP?: number;
}

/** Every re-weighting value given, as the settings, the requests and the panel carry them. */
export type Reweighting = Required<SamplingOptions>;
