// Scoring held-out text as KenLM's `query` does: every word and one `</s>` per sentence is scored
// after `<s>` and the words before it; an out-of-vocabulary word is scored as `<unk>` (n-gram length
// 1) and stays in the context, so the word after it matches no longer context. Perplexity is
// 10^(−Σ log10 p / tokens); "excluding OOVs" drops the OOV tokens' log-probabilities and count.

import type { EncodedSentences, NgramModel, ScanTotals } from './model';
import { markerLiteralAt, normalizeForTokenizer } from './tokenizer';
import type { Perplexity, TokenScore } from './types';
import { EOS, EOS_TOKEN, UNK } from './vocabulary';

export interface Evaluation {
  readonly perplexity: Perplexity;
  /** Per sentence, per token (the words, then `</s>`), when asked for. */
  readonly sentences?: TokenScore[][];
}

/** What scoring needs of a model: `NgramModel` and the ARPA back-off model (arpa.ts) both have it. */
export type ScoringModel = Pick<NgramModel, 'tokenizer' | 'vocabulary' | 'encodeForScoring' | 'scoreSentences'>;

const LOG2_10 = Math.log2(10);

/** Perplexities and cross-entropy from a scan's sums. */
export function perplexityOf(totals: ScanTotals): Perplexity {
  const { tokens, oov, log10ProbTotal, knownLog10ProbTotal } = totals;
  return {
    perplexity: 10 ** (-log10ProbTotal / tokens),
    perplexityExcludingOov: 10 ** (-knownLog10ProbTotal / (tokens - oov)),
    tokens,
    oov,
    log10ProbTotal,
    crossEntropyBits: (-log10ProbTotal / tokens) * LOG2_10,
  };
}

/** Scores encoded sentences (as `model.encodeForScoring` makes them) without per-token detail. */
export function evaluateEncoded(model: ScoringModel, sentences: EncodedSentences): Perplexity {
  return perplexityOf(model.scoreSentences(sentences));
}

/**
 * Every scored token of a text in order, as parallel arrays rather than an object per token (a test
 * file has hundreds of thousands of them): the word as the tokenizer read it, its log10 probability,
 * the n-gram length that answered and whether it is in the vocabulary. A sentence ends at each `</s>`
 * (`sentenceEnds`: the index after each sentence's last token).
 */
export interface ScoredText {
  readonly perplexity: Perplexity;
  readonly words: readonly string[];
  readonly log10Probs: Float64Array;
  readonly ngramLengths: Uint8Array;
  readonly inVocabulary: Uint8Array;
  readonly sentenceEnds: Int32Array;
}

/** Scores `text` (a line is a sentence) token by token with the model's tokenizer. */
export function scoreText(model: ScoringModel, text: string): ScoredText {
  const ranges: number[] = [];
  const encoded = model.encodeForScoring(text, ranges);
  // A word the vocabulary has is its string there (the tokenizer's token: no copy per token); an
  // unknown one is cut from the text as the tokenizer read it, a literal marker as its escaped word.
  const normalized = normalizeForTokenizer(model.tokenizer, text);
  const words: string[] = new Array<string>(encoded.length);
  const log10Probs = new Float64Array(encoded.length);
  const ngramLengths = new Uint8Array(encoded.length);
  const inVocabulary = new Uint8Array(encoded.length);
  const sentenceEnds: number[] = [];
  let range = 0;
  for (let i = 0; i < encoded.length; i++) {
    const id = encoded[i];
    if (id === EOS) {
      words[i] = EOS_TOKEN;
      sentenceEnds.push(i + 1);
      continue;
    }
    const start = ranges[range++];
    const end = ranges[range++];
    words[i] = id !== UNK ? model.vocabulary.word(id) : (markerLiteralAt(normalized, start, end) ?? normalized.slice(start, end));
  }
  const totals = model.scoreSentences(encoded, (index, _word, log10Prob, ngramLength, known) => {
    log10Probs[index] = log10Prob;
    ngramLengths[index] = ngramLength;
    inVocabulary[index] = known ? 1 : 0;
  });
  return { perplexity: perplexityOf(totals), words, log10Probs, ngramLengths, inVocabulary, sentenceEnds: Int32Array.from(sentenceEnds) };
}

/** The scored tokens of one sentence as objects. */
export function sentenceScores(scored: ScoredText, sentence: number): TokenScore[] {
  const tokens: TokenScore[] = [];
  for (let i = sentence === 0 ? 0 : scored.sentenceEnds[sentence - 1]; i < scored.sentenceEnds[sentence]; i++) {
    tokens.push({ word: scored.words[i], log10Prob: scored.log10Probs[i], ngramLength: scored.ngramLengths[i], inVocabulary: scored.inVocabulary[i] === 1 });
  }
  return tokens;
}

/** Scores `text` (a line is a sentence) with the model's tokenizer. */
export function evaluateText(model: ScoringModel, text: string, options: { readonly perToken?: boolean } = {}): Evaluation {
  if (!options.perToken) return { perplexity: evaluateEncoded(model, model.encodeForScoring(text)) };
  const scored = scoreText(model, text);
  return { perplexity: scored.perplexity, sentences: Array.from(scored.sentenceEnds, (_end, sentence) => sentenceScores(scored, sentence)) };
}
