// What the panel shows of the server's answer: the wire result narrowed to the fields the webview's
// guard accepts (no vscode import, so the unit tests use this same mapping).

import type { PredictResult } from '../protocol/lsp';
import type { PredictionView } from '../protocol/webview';

/** The server's prediction for `text` (the line before the cursor) as the panel's message carries it. */
export function toPredictionView(text: string, result: Omit<PredictResult, 'status'>): PredictionView {
  return {
    text,
    context: result.context,
    matchedContextLength: result.matchedContextLength,
    isProbability: result.isProbability,
    candidates: result.candidates.map(({ word, probability, weight, count, contextCount, order, insertText, parts }) => ({
      word,
      probability,
      weight,
      count,
      contextCount,
      order,
      insertText,
      ...(parts === undefined ? {} : { parts }),
    })),
    others: result.others,
    sampling: result.sampling,
    chosen:
      result.chosen === null
        ? null
        : {
            word: result.chosen.word,
            rank: result.chosen.rank,
            weight: result.chosen.weight,
            insertText: result.chosen.insertText,
            draw: result.chosen.draw,
          },
    histogram: result.histogram ?? null,
    ...(result.rest === undefined ? {} : { rest: result.rest }),
    ...(result.mixture === undefined ? {} : { mixture: result.mixture }),
  };
}
