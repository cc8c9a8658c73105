// NgramModel: a vocabulary, the n-gram count tables and a chosen estimator, behind the API every
// front end uses. Training input is "encoded sentences": one Int32Array of word ids in which every
// sentence is terminated by EOS (`<s>` is implicit). The same array removes the sentences again.

import { NgramCounts } from './counts';
import { COUNT, NONE } from './orderTable';
import { Estimator, SCORE_BLOCK, type BlockScores, type ContextChain, type Discounts, type LevelArithmetic } from './estimators';
import { summarizeRuns, type ProbabilityRuns } from './runs';
import { runToEnd } from './steps';
import { markerLiteralAt, normalizeForTokenizer, scanTextRanges } from './tokenizer';
import type { Candidate, EstimatorOptions, ModelStats, NextWordDistribution, TokenizerName } from './types';
import { DEFAULT_ORDER, MAX_ORDER, MIN_ORDER, TOKENIZER_NAMES } from './types';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN, UNK, UNK_TOKEN, Vocabulary } from './vocabulary';

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

export type { ProbabilityRuns } from './runs';

/** `distribution`'s answer with the probabilities as runs of equal value (see `NgramModel.runs`). */
export interface RunDistribution extends Omit<NextWordDistribution, 'probabilities'> {
  readonly runs: ProbabilityRuns;
}

/** One word scored after a context. */
/** How one estimator reaches P(word | context) for some words, and the total of its whole distribution. */
export interface EstimatorExplanation {
  readonly estimator: EstimatorOptions;
  readonly isProbability: boolean;
  /** The longest context suffix seen: the chain's top level (0 = the unigram level answers). */
  readonly matchedContextLength: number;
  readonly words: readonly {
    readonly word: string;
    /** P(word | context) (a score for stupid backoff): the last level's value. */
    readonly probability: number;
    /** Lowest level first. */
    readonly levels: readonly LevelArithmetic[];
  }[];
  /** Σ over every word of the vocabulary: 1 for a probability (up to rounding), more for stupid backoff's scores. */
  readonly total: number;
  /** |V|, the words the distribution spreads over (`</s>` and `<unk>` included): the uniform base is 1/|V|. */
  readonly vocabularySize: number;
}

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

/** Receives each scored token of `scoreSentences`: its id as scored (`<unk>` for OOV words). */
export type TokenVisitor = (index: number, word: number, log10Prob: number, ngramLength: number, inVocabulary: boolean, likelier: number) => void;

/** Sums over a scan, as KenLM's query totals them. */
export interface ScanTotals {
  /** Scored tokens: words plus one `</s>` per sentence. */
  readonly tokens: number;
  readonly oov: number;
  readonly log10ProbTotal: number;
  /**
   * Σ log10 p over the in-vocabulary tokens only (perplexity without OOVs), summed on its own: an OOV
   * of probability 0 (MLE) makes the whole total −∞, which subtracting could not undo.
   */
  readonly knownLog10ProbTotal: number;
}

/** A growable Int32Array. */
class IdBuffer {
  ids = new Int32Array(1024);
  length = 0;
  push(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = id;
  }
  result(): Int32Array {
    return this.ids.slice(0, this.length);
  }
}

/**
 * Text as sentences of ids, each ending in `EOS` (blank lines are no sentence); a literal `<s>`, `</s>`
 * or `<unk>` in the text is the word `\<s>`… (tokenizer.ts). `idOf` names each token by its range in
 * the text as the tokenizer normalised it (a literal marker by its word, a string of its own);
 * `onRange`, when given, receives every token's range in that text.
 */
export function encodeSentences(
  tokenizer: TokenizerName,
  original: string,
  idOf: (text: string, start: number, end: number) => number,
  onRange?: (start: number, end: number) => void,
): EncodedSentences {
  const text = normalizeForTokenizer(tokenizer, original);
  const buffer = new IdBuffer();
  let sentenceStart = 0;
  scanTextRanges(tokenizer, text, {
    range: (start, end) => {
      onRange?.(start, end);
      const literal = markerLiteralAt(text, start, end);
      buffer.push(literal === undefined ? idOf(text, start, end) : idOf(literal, 0, literal.length));
    },
    endSentence: () => {
      if (buffer.length > sentenceStart) {
        buffer.push(EOS);
        sentenceStart = buffer.length;
      }
    },
  });
  return buffer.result();
}

/** A running product of probabilities is folded into its log10 below this (far above the smallest double). */
const UNDERFLOW_GUARD = 1e-250;

function checkOrder(order: number): number {
  if (!Number.isInteger(order) || order < MIN_ORDER || order > MAX_ORDER) {
    throw new RangeError(`order must be an integer from ${MIN_ORDER} to ${MAX_ORDER}, got ${order}`);
  }
  return order;
}

export class NgramModel {
  readonly order: number;
  readonly tokenizer: TokenizerName;
  readonly vocabulary: Vocabulary;
  private readonly counts: NgramCounts;
  private estimatorOptions: EstimatorOptions;
  private estimatorImpl: Estimator;
  private readonly chain: ContextChain;
  private readonly scratchChain: ContextChain;
  /** `scoreSentences`'s block of ids as scored and their scores. */
  private readonly blockWords = new Int32Array(SCORE_BLOCK);
  private readonly blockScores: BlockScores = { probabilities: new Float64Array(SCORE_BLOCK), matched: new Uint8Array(SCORE_BLOCK) };
  /** The context `resolveContext` resolved last (its used tokens), under the counts of `version`. */
  private readonly lastResolved: { tokens: readonly string[]; version: number; chain: ContextChain };

  /**
   * An empty model. Passing `vocabulary` shares it (ids stay valid across models, for example when
   * the order changes); `counts` is for the snapshot loader.
   */
  constructor(options: NgramModelOptions = {}, vocabulary = new Vocabulary(), counts?: NgramCounts) {
    this.order = checkOrder(options.order ?? DEFAULT_ORDER);
    this.tokenizer = options.tokenizer ?? 'words';
    if (!TOKENIZER_NAMES.includes(this.tokenizer)) throw new Error(`unknown tokenizer ${JSON.stringify(this.tokenizer)}`);
    this.vocabulary = vocabulary;
    if (counts && counts.order !== this.order) throw new Error(`counts of order ${counts.order} for a model of order ${this.order}`);
    this.counts = counts ?? new NgramCounts(this.order);
    this.estimatorOptions = options.estimator ?? { name: 'kneser-ney' };
    this.estimatorImpl = new Estimator(this.counts, this.estimatorOptions);
    this.chain = { nodes: new Int32Array(this.order), length: 0 };
    this.scratchChain = { nodes: new Int32Array(this.order), length: 0 };
    this.lastResolved = { tokens: [], version: -1, chain: { nodes: new Int32Array(this.order), length: 0 } };
  }

  get estimator(): EstimatorOptions {
    return this.estimatorOptions;
  }

  /** Switches the estimator; every statistic any estimator needs is already counted, so nothing is recounted. */
  setEstimator(options: EstimatorOptions): void {
    this.estimatorImpl = new Estimator(this.counts, options);
    this.estimatorOptions = options;
  }

  /**
   * A model over a copy of the count tables, with this model's vocabulary (shared: ids stay valid in
   * both) and estimator: changes to either leave the other as it is.
   */
  copy(): NgramModel {
    return runToEnd(this.copyInSteps());
  }

  /**
   * `copy`, a bounded piece per step: the model must not change meanwhile (a caller that lets it drops
   * the copy). `spare`: a model no longer used (nothing reads it again) whose tables' memory the copy writes over.
   */
  *copyInSteps(spare?: NgramModel): Generator<void, NgramModel> {
    const counts = yield* this.counts.copyInSteps(spare?.counts);
    return new NgramModel({ order: this.order, estimator: this.estimatorOptions, tokenizer: this.tokenizer }, this.vocabulary, counts);
  }

  /** The count tables (read-only use: snapshot, ARPA export, tests). */
  get tables(): NgramCounts {
    return this.counts;
  }

  /** Tokenizes `text` (a line is a sentence) and interns its words, without counting them. */
  encodeText(text: string): EncodedSentences {
    const vocabulary = this.vocabulary;
    return encodeSentences(this.tokenizer, text, (normalized, start, end) => vocabulary.internRange(normalized, start, end));
  }

  /**
   * Like `encodeText` but interns nothing: words the model has no count for become `<unk>` (for
   * scoring). `ranges`, when given, receives each word's start and end in the text as the tokenizer
   * read it (`normalizeForTokenizer`), two numbers per word (`</s>` has none).
   */
  encodeForScoring(text: string, ranges?: number[]): EncodedSentences {
    const vocabulary = this.vocabulary;
    const counts = this.counts;
    return encodeSentences(
      this.tokenizer,
      text,
      (normalized, start, end) => {
        const id = vocabulary.idOfRange(normalized, start, end);
        return id === EOS || counts.unigramCount(id) > 0 ? id : UNK;
      },
      ranges === undefined ? undefined : (start, end) => ranges.push(start, end),
    );
  }


  /** The id of a word the model has a count for, else UNK (`<s>` maps to BOS). */
  private knownId(token: string): number {
    if (token === BOS_TOKEN) return BOS;
    return this.counted(this.vocabulary.idOf(token));
  }

  /** The id itself when the model counts the word (or it is `</s>`), else `<unk>`'s. */
  private counted(id: number): number {
    return id === EOS || this.counts.unigramCount(id) > 0 ? id : UNK;
  }

  /** Encodes and counts `text`; keep the result to remove exactly these sentences later. */
  addText(text: string): EncodedSentences {
    const sentences = this.encodeText(text);
    this.addSentences(sentences);
    return sentences;
  }

  addSentences(sentences: EncodedSentences): void {
    this.checkIds(sentences);
    this.counts.add(sentences);
  }

  /** Grows the tables ahead of sentences of up to `ids` ids, a step at a time (see `NgramCounts.makeRoom`). */
  makeRoom(ids: number): Generator<void, void> {
    return this.counts.makeRoom(ids);
  }

  /** Subtracts sentences added earlier; the tables end up exactly as if they had never been added. */
  removeSentences(sentences: EncodedSentences): void {
    this.checkIds(sentences);
    this.counts.remove(sentences);
  }

  private checkIds(sentences: EncodedSentences): void {
    const size = this.vocabulary.size;
    for (let i = 0; i < sentences.length; i++) {
      if (sentences[i] >= size) throw new RangeError(`word id ${sentences[i]} is not in the vocabulary (size ${size})`);
    }
  }

  /**
   * Lays the tables out for fast queries and drops their spare capacity: call it after a bulk load
   * (it costs about one pass over the tables; later additions work as before).
   */
  compact(): void {
    this.counts.compact();
  }

  /** Whether the tables have changed enough since the last `compact` for another to pay (see `NgramCounts.compactionDue`). */
  get compactionDue(): boolean {
    return this.counts.compactionDue;
  }

  private resolveContext(context: readonly string[]): ContextChain {
    const used = context.slice(Math.max(0, context.length - (this.order - 1)));
    const last = this.lastResolved;
    // A caller asking several things about one context (score it, then rank it) resolves it once.
    if (last.version === this.counts.version && last.tokens.length === used.length && used.every((token, i) => token === last.tokens[i])) {
      this.chain.nodes.set(last.chain.nodes);
      this.chain.length = last.chain.length;
      return this.chain;
    }
    this.estimatorImpl.resolve(used.map((token) => this.knownId(token)), this.chain);
    last.tokens = used;
    last.version = this.counts.version;
    last.chain.nodes.set(this.chain.nodes);
    last.chain.length = this.chain.length;
    return this.chain;
  }

  /** The context as the model uses it: its last order−1 tokens, unknown words as `<unk>`. */
  usedContext(context: readonly string[]): string[] {
    return context
      .slice(Math.max(0, context.length - (this.order - 1)))
      .map((token) => (this.knownId(token) === UNK ? UNK_TOKEN : token));
  }

  /**
   * P(word | context). `context` is the sentence so far as tokens, `<s>` first when it starts at a line
   * start (as `contextBeforeCursor` returns it); only the last order−1 tokens matter, and unknown
   * words in it are `<unk>`. An unknown word is scored as `<unk>`.
   */
  /** P(word | context) for each word id of `ids`, as `score` gives it, with the context read once. */
  probabilitiesOf(context: readonly string[], ids: ArrayLike<number>): Float64Array {
    const chain = this.resolveContext(context);
    const probabilities = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      // `<s>` is context only: never predicted.
      if (ids[i] !== BOS) probabilities[i] = this.estimatorImpl.scoreAndAdvance(chain, this.counted(ids[i]), this.scratchChain);
    }
    return probabilities;
  }

  score(context: readonly string[], word: string): WordScore {
    const chain = this.resolveContext(context);
    const id = word === EOS_TOKEN ? EOS : this.knownId(word);
    const inVocabulary = id !== UNK && id !== BOS;
    // `<s>` is context only: never predicted, and no n-gram ends in it.
    const probability = id === BOS ? 0 : this.estimatorImpl.scoreAndAdvance(chain, id, this.scratchChain);
    const ngramLength = id === BOS ? 1 : Math.max(1, this.estimatorImpl.lastMatched);
    return { word, probability, log10Prob: Math.log10(probability), ngramLength, inVocabulary };
  }

  /** How many words of V are strictly likelier than `probability` after `context` (see `Estimator.countLikelier`). */
  countLikelier(context: readonly string[], probability: number): number {
    return this.estimatorImpl.countLikelier(this.resolveContext(context), probability);
  }

  /** The longest suffix of `context` the model has seen followed by something (0 = none: the unigram distribution answers). */
  matchedContextLength(context: readonly string[]): number {
    return this.resolveContext(context).length;
  }

  /**
   * How `estimator` (the model's own when omitted) computes P(word | context) for each of `words`,
   * level by level, on these counts: every estimator's statistics are counted, so any can answer.
   */
  explain(context: readonly string[], words: readonly string[], estimator: EstimatorOptions = this.estimatorOptions): EstimatorExplanation {
    const own = estimator.name === this.estimatorOptions.name && (estimator.addK ?? 1) === (this.estimatorOptions.addK ?? 1);
    const impl = own ? this.estimatorImpl : new Estimator(this.counts, estimator);
    const chain = this.resolveContext(context);
    return {
      estimator,
      isProbability: impl.isProbability,
      matchedContextLength: chain.length,
      words: words.map((word) => {
        const id = word === EOS_TOKEN ? EOS : this.knownId(word);
        // `<s>` is never predicted; an unknown word is asked about as `<unk>`.
        const levels = id === BOS ? [] : impl.explain(chain, id);
        return { word, probability: levels.at(-1)?.value ?? 0, levels };
      }),
      total: summarizeRuns(impl.runs(chain, NONE)).total,
      vocabularySize: impl.vocabularySize(),
    };
  }

  /** The full next-word distribution after `context` (index = word id). */
  distribution(context: readonly string[]): NextWordDistribution {
    const chain = this.resolveContext(context);
    return {
      context: this.usedContext(context),
      probabilities: this.estimatorImpl.distribution(chain, this.vocabulary.size),
      isProbability: this.estimatorImpl.isProbability,
      matchedContextLength: chain.length,
    };
  }

  /**
   * The same distribution as `distribution`, as runs of words of equal probability, likeliest first:
   * O(continuations of the context + distinct unigram counts) instead of O(|V|), so sums over the
   * whole vocabulary (a softmax's denominator, entropy, a draw) cost as little. `withoutUnknown`
   * leaves `<unk>` out. Valid until the model changes.
   */
  runs(context: readonly string[], options: { readonly withoutUnknown?: boolean } = {}): RunDistribution {
    const chain = this.resolveContext(context);
    return {
      context: this.usedContext(context),
      runs: this.estimatorImpl.runs(chain, options.withoutUnknown === true ? UNK : NONE),
      isProbability: this.estimatorImpl.isProbability,
      matchedContextLength: chain.length,
    };
  }

  /**
   * The k likeliest next words (probability descending, ties by lower id), exactly as `distribution`
   * ranks them; words with probability 0 are left out.
   */
  candidates(context: readonly string[], k: number): Candidate[] {
    const chain = this.resolveContext(context);
    const top = this.estimatorImpl.topK(chain, Math.max(0, Math.floor(k)));
    const candidates: Candidate[] = [];
    for (let i = 0; i < top.length; i++) {
      const id = top.ids[i];
      const answer = this.answeringNgram(chain, id);
      candidates.push({ word: this.vocabulary.word(id), id, probability: top.probs[i], ...answer });
    }
    return candidates;
  }

  /**
   * The n-gram that answers P(word | context): the longest seen context suffix + word, with
   * c(context, word) and c(context) at that order (order 1 with count 0 for an unseen word).
   */
  answering(context: readonly string[], word: string): { count: number; contextCount: number; order: number } {
    const id = word === EOS_TOKEN ? EOS : this.knownId(word);
    return this.answeringNgram(this.resolveContext(context), id);
  }

  /** The longest seen n-gram c_j·word and its counts (order 1 with count 0 for an unseen word). */
  private answeringNgram(chain: ContextChain, word: number): { count: number; contextCount: number; order: number } {
    const counts = this.counts;
    for (let j = chain.length; j >= 1; j--) {
      const node = counts.tables[j].find(chain.nodes[j], word);
      if (node >= 0) return { count: counts.tables[j].get(node, COUNT), contextCount: counts.contextCount(j, chain.nodes[j]), order: j + 1 };
    }
    return { count: counts.unigramCount(word), contextCount: counts.contextCount(0, 0), order: 1 };
  }

  /**
   * Scores encoded sentences left to right exactly as KenLM's query does (`<s>` as the first context,
   * every word and one `</s>` per sentence scored, an OOV word as `<unk>`), calling `visit` per token.
   * Ids without a count (including UNK) are OOV. With `ranks`, `visit` also gets how many words the
   * model found strictly likelier than each token in its context (its rank is one more). Ranking
   * keeps per-context work until the counts change.
   */
  scoreSentences(sentences: EncodedSentences, visit?: TokenVisitor, options: { readonly ranks?: boolean } = {}): ScanTotals {
    const ranks = options.ranks === true;
    const estimator = this.estimatorImpl;
    const words = this.blockWords;
    const scores = this.blockScores;
    const chain = this.scratchChain;
    let oov = 0;
    let total = 0;
    let knownTotal = 0;
    // Without a visitor the probabilities are multiplied and a product's log10 taken only before it
    // could underflow: the same sum, with a fraction of the logarithms.
    let product = 1;
    let knownProduct = 1;
    for (let from = 0; from < sentences.length; from += SCORE_BLOCK) {
      const length = Math.min(SCORE_BLOCK, sentences.length - from);
      for (let i = 0; i < length; i++) {
        const word = sentences[from + i];
        words[i] = word === EOS || (word !== UNK && word !== BOS && this.counts.unigramCount(word) > 0) ? word : UNK;
      }
      estimator.scoreBlock(words, length, from > 0, scores);
      const probabilities = scores.probabilities;
      for (let i = 0; i < length; i++) {
        const probability = probabilities[i];
        const inVocabulary = words[i] !== UNK;
        if (!inVocabulary) oov++;
        if (visit) {
          const log10Prob = Math.log10(probability);
          total += log10Prob;
          if (inVocabulary) knownTotal += log10Prob;
          let likelier = -1;
          if (ranks) {
            estimator.blockContext(i, chain);
            likelier = estimator.countLikelier(chain, probability);
          }
          visit(from + i, words[i], log10Prob, Math.max(1, scores.matched[i]), inVocabulary, likelier);
        } else {
          product *= probability;
          if (product < UNDERFLOW_GUARD) {
            total += Math.log10(product);
            product = 1;
          }
          if (inVocabulary) {
            knownProduct *= probability;
            if (knownProduct < UNDERFLOW_GUARD) {
              knownTotal += Math.log10(knownProduct);
              knownProduct = 1;
            }
          }
        }
      }
    }
    total += Math.log10(product);
    knownTotal += Math.log10(knownProduct);
    return { tokens: sentences.length, oov, log10ProbTotal: total, knownLog10ProbTotal: knownTotal };
  }

  /** The Kneser-Ney discounts of order n (1..order) under the current counts. */
  discounts(n: number): Discounts {
    return this.estimatorImpl.discountsOf(n);
  }

  stats(): ModelStats {
    const counts = this.counts;
    return {
      order: this.order,
      estimator: this.estimatorOptions.name,
      tokenizer: this.tokenizer,
      sentences: counts.sentences,
      tokens: counts.tokens,
      vocabularySize: this.estimatorImpl.vocabularySize(),
      ngrams: counts.ngramCounts(),
      modelBytes: this.byteLength(),
    };
  }

  /** Bytes held: the tables' typed arrays and the vocabulary. */
  byteLength(): number {
    return this.counts.byteLength() + this.vocabulary.byteLength();
  }

  /**
   * A new model of another order over the same vocabulary and estimator, counting `documents` (the
   * encoded sentences the caller kept). Word ids stay valid in the new model.
   */
  recount(order: number, documents: Iterable<EncodedSentences>): NgramModel {
    const model = new NgramModel({ order, estimator: this.estimatorOptions, tokenizer: this.tokenizer }, this.vocabulary);
    for (const sentences of documents) model.addSentences(sentences);
    return model;
  }
}
