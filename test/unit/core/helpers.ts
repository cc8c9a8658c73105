// Test helpers for the engine: building toy models, and reading every statistic a model holds in a
// form that does not depend on node ids (so two models counted in different orders compare equal).

import { ADJUSTED, CHILD_SUM, COUNT, N1, N2, N3 } from '../../../src/core/orderTable';
import { NgramModel, type NgramModelOptions } from '../../../src/core/model';
import type { EstimatorOptions } from '../../../src/core/types';

/** A model trained on `lines` (one sentence per line, words separated by spaces). */
export function trained(lines: readonly string[], order: number, estimator: EstimatorOptions = { name: 'kneser-ney' }, options: NgramModelOptions = {}): NgramModel {
  const model = new NgramModel({ order, estimator, tokenizer: 'whitespace', ...options });
  model.addText(lines.join('\n'));
  return model;
}

/** Every statistic of the tables, keyed by n-gram text: comparable across models. */
export function statistics(model: NgramModel): Record<string, unknown> {
  const counts = model.tables;
  const words = (ids: number[]): string => ids.map((id) => model.vocabulary.word(id)).join(' ');
  const orders: Record<string, number[]>[] = [];
  for (const table of counts.tables) {
    const entries: [string, number[]][] = [];
    for (let node = 0; node < table.size; node++) {
      const count = table.get(node, COUNT);
      if (count === 0) continue;
      const fields = table.isTop ? [count] : [count, table.get(node, ADJUSTED), table.get(node, CHILD_SUM), table.get(node, N1), table.get(node, N2), table.get(node, N3)];
      entries.push([words(counts.wordsOf(table.n, node)), fields]);
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    orders.push(Object.fromEntries(entries));
  }
  const scalars = counts.scalars();
  return {
    orders,
    root: scalars.root,
    countOfCounts: scalars.countOfCounts,
    sentences: scalars.sentences,
    tokens: scalars.tokens,
    liveWords: scalars.liveWords,
    ngrams: counts.ngramCounts(),
  };
}

/** Σ of a distribution. */
export function total(probabilities: Float64Array): number {
  let sum = 0;
  for (const p of probabilities) sum += p;
  return sum;
}
