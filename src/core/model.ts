// NgramModel: a vocabulary, the n-gram count tables and a chosen estimator, behind the API every
// front end uses. Training input is "encoded sentences": one Int32Array of word ids in which every
// sentence is terminated by EOS (`<s>` is implicit). The same array removes the sentences again.

import type { Candidate, EstimatorOptions, ModelStats, NextWordDistribution, TokenizerName } from './types';
import { DEFAULT_ORDER } from './types';
import { Vocabulary } from './vocabulary';

/**
 * Sentences as word ids, each sentence terminated by EOS (2); `<s>` is implicit. What `encodeText`
 * and `addText` return and what `addSentences`/`removeSentences` take.
 */
export type EncodedSentences = Int32Array;

export interface NgramModelOptions {
  /** 1–6 (default 3). */
  readonly order?: number;
  /** Default `{ name: 'kneser-ney' }`. */
  readonly estimator?: EstimatorOptions;
  /** Default `words`. */
  readonly tokenizer?: TokenizerName;
}

/** One word scored after a context. */
export interface WordScore {
  readonly word: string;
  /** P(word | context) (a score for stupid-backoff); 0 when the estimator gives the word nothing. */
  readonly probability: number;
  /** log10 of `probability` (−Infinity for 0). */
  readonly log10Prob: number;
  /** The longest n-gram (context suffix + word) seen in training; 1 for an unseen word. */
  readonly ngramLength: number;
  /** Whether the word has a non-zero count (otherwise it was scored as `<unk>`). */
  readonly inVocabulary: boolean;
}

export class NgramModel {
  readonly order: number;
  readonly tokenizer: TokenizerName;
  readonly vocabulary: Vocabulary;
  private estimatorOptions: EstimatorOptions;

  constructor(options: NgramModelOptions = {}, vocabulary = new Vocabulary()) {
    this.order = options.order ?? DEFAULT_ORDER;
    this.tokenizer = options.tokenizer ?? 'words';
    this.estimatorOptions = options.estimator ?? { name: 'kneser-ney' };
    this.vocabulary = vocabulary;
  }

  get estimator(): EstimatorOptions {
    return this.estimatorOptions;
  }

  /** Switches the estimator; every statistic any estimator needs is already counted, so nothing is recounted. */
  setEstimator(options: EstimatorOptions): void {
    this.estimatorOptions = options;
  }

  /** Tokenizes `text` (a line is a sentence) and interns its words, without counting them. */
  encodeText(_text: string): EncodedSentences {
    throw new Error('not implemented yet');
  }

  /** Encodes and counts `text`; keep the result to remove exactly these sentences later. */
  addText(text: string): EncodedSentences {
    const sentences = this.encodeText(text);
    this.addSentences(sentences);
    return sentences;
  }

  addSentences(_sentences: EncodedSentences): void {
    throw new Error('not implemented yet');
  }

  /** Subtracts sentences added earlier; the tables end up exactly as if they had never been added. */
  removeSentences(_sentences: EncodedSentences): void {
    throw new Error('not implemented yet');
  }

  /**
   * P(word | context). `context` is the sentence so far as tokens, `<s>` first when it starts at a line
   * start (as `contextBeforeCursor` returns it); only the last order−1 tokens matter, and unknown
   * words in it are `<unk>`.
   */
  score(_context: readonly string[], _word: string): WordScore {
    throw new Error('not implemented yet');
  }

  /** The full next-word distribution after `context` (index = word id). */
  distribution(_context: readonly string[]): NextWordDistribution {
    throw new Error('not implemented yet');
  }

  /**
   * The k likeliest next words (probability descending, ties by lower id), exactly as `distribution`
   * ranks them; words with probability 0 are left out.
   */
  candidates(_context: readonly string[], _k: number): Candidate[] {
    throw new Error('not implemented yet');
  }

  stats(): ModelStats {
    throw new Error('not implemented yet');
  }

  /**
   * A new model of another order over the same vocabulary and estimator, counting `documents` (the
   * encoded sentences the caller kept). Word ids stay valid in the new model.
   */
  recount(_order: number, _documents: Iterable<EncodedSentences>): NgramModel {
    throw new Error('not implemented yet');
  }
}
