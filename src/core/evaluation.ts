// Scoring held-out text as KenLM's `query` does: every word and one `</s>` per sentence is scored
// after `<s>` and the words before it; an out-of-vocabulary word is scored as `<unk>` (n-gram length
// 1) and stays in the context, so the word after it matches no longer context. Perplexity is
// 10^(−Σ log10 p / tokens); "excluding OOVs" drops the OOV tokens' log-probabilities and count.

import type { EncodedSentences, NgramModel, ScanTotals } from './model';
import { tokenizeText } from './tokenizer';
import type { Perplexity, TokenScore } from './types';
import { EOS_TOKEN } from './vocabulary';

export interface Evaluation {
  readonly perplexity: Perplexity;
  /** Per sentence, per token (the words, then `</s>`), when asked for. */
  readonly sentences?: TokenScore[][];
}

/** What scoring needs of a model: `NgramModel` and the ARPA back-off model (arpa.ts) both have it. */
export type ScoringModel = Pick<NgramModel, 'tokenizer' | 'encodeForScoring' | 'scoreSentences'>;

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

/** Scores `text` (a line is a sentence) with the model's tokenizer. */
export function evaluateText(model: ScoringModel, text: string, options: { readonly perToken?: boolean } = {}): Evaluation {
  if (!options.perToken) return { perplexity: evaluateEncoded(model, model.encodeForScoring(text)) };
  // The same tokens encodeForScoring keeps, so index i of the scan is words[i].
  const lines = tokenizeText(model.tokenizer, text);
  const words: string[] = [];
  const sentenceOf: number[] = [];
  lines.forEach((line, sentence) => {
    for (const word of [...line, EOS_TOKEN]) {
      words.push(word);
      sentenceOf.push(sentence);
    }
  });
  const sentences: TokenScore[][] = lines.map(() => []);
  const totals = model.scoreSentences(model.encodeForScoring(text), (index, _word, log10Prob, ngramLength, inVocabulary) => {
    sentences[sentenceOf[index]].push({ word: words[index], log10Prob, ngramLength, inVocabulary });
  });
  return { perplexity: perplexityOf(totals), sentences };
}
