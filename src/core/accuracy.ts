// Prediction accuracy: how often the word Predict Next Word would insert at T = 0 (the likeliest) is
// the next token of a held-out text, and how often that token is among the five likeliest. The text
// is read as the editor reads it: token by token, every word and one `</s>` per line predicted (the
// tokens perplexity counts), the context the line so far — or, for an estimator that reads across
// lines, everything before the token, `<s>` at the text's start and `</s>` at each line end.

import type { ScanTotals, WordScore } from './model';
import { tokenizeText } from './tokenizer';
import type { TokenizerName } from './types';
import { BOS_TOKEN, EOS_TOKEN, UNK_TOKEN } from './vocabulary';

export interface Accuracy {
  /** Share of tokens equal to the likeliest prediction (0–1). */
  readonly top1: number;
  /** Share of tokens among the five likeliest predictions (0–1). */
  readonly top5: number;
  /** Tokens predicted: words plus one `</s>` per line. */
  readonly tokens: number;
}

export const ACCURACY_TOP = 5;

/** The likeliest next words after a context, best first (at least `k` when the model has them), and optionally the score of the token that came. */
export type NextWordRanker = (context: readonly string[], k: number, next: string) => { readonly ranked: readonly string[]; readonly score?: WordScore };

/** The accuracy and, when the ranker scored the tokens, their totals as `scoreSentences` sums them. */
export interface PredictionWalk {
  readonly accuracy: Accuracy;
  readonly totals: ScanTotals | undefined;
}

/** How far back a context across lines reaches (longer ones are trimmed in steps, not per token). */
export interface AccuracyOptions {
  readonly acrossLines: boolean;
  readonly maxContext?: number;
}

export function predictionAccuracy(tokenizer: TokenizerName, text: string, rank: NextWordRanker, options: AccuracyOptions): PredictionWalk {
  const maxContext = options.maxContext ?? 256;
  let tokens = 0;
  let top1 = 0;
  let top5 = 0;
  let running: string[] = [BOS_TOKEN];
  let scored = 0;
  let oov = 0;
  let log10ProbTotal = 0;
  let knownLog10ProbTotal = 0;
  for (const sentence of tokenizeText(tokenizer, text)) {
    const targets = [...sentence, EOS_TOKEN];
    for (let i = 0; i < targets.length; i++) {
      const context = options.acrossLines ? running : [BOS_TOKEN, ...sentence.slice(0, i)];
      // `<unk>` and `<s>` cannot be inserted, so they are never the prediction.
      const prediction = rank(context, ACCURACY_TOP + 2, targets[i]);
      const ranked = prediction.ranked.filter((word) => word !== UNK_TOKEN && word !== BOS_TOKEN);
      if (prediction.score) {
        scored++;
        log10ProbTotal += prediction.score.log10Prob;
        if (prediction.score.inVocabulary) knownLog10ProbTotal += prediction.score.log10Prob;
        else oov++;
      }
      const at = ranked.indexOf(targets[i]);
      if (at === 0) top1++;
      if (at >= 0 && at < ACCURACY_TOP) top5++;
      tokens++;
      if (options.acrossLines) {
        running.push(targets[i]);
        if (running.length > 2 * maxContext) running = running.slice(running.length - maxContext);
      }
    }
  }
  return {
    accuracy: { top1: tokens === 0 ? 0 : top1 / tokens, top5: tokens === 0 ? 0 : top5 / tokens, tokens },
    totals: scored === tokens && tokens > 0 ? { tokens, oov, log10ProbTotal, knownLog10ProbTotal } : undefined,
  };
}
