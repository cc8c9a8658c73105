// The words every part of the extension uses for the model's tokens and n-grams, so that the quick
// pick, the panel and the status bar speak one vocabulary (`⟨line start⟩`, not `<s>` in one place and
// `⟨line start⟩` in another; `3-gram` everywhere, never `trigram` next to `5-gram`; under longest
// match, `9-token context`).

import type { EstimatorName } from '../core/types';

/** A token as a list shows it: the sentence markers and the unknown word spelled out. */
export function displayToken(token: string): string {
  if (token === '</s>') return '⏎ (end of line)';
  if (token === '<s>') return '⟨line start⟩';
  if (token === '<unk>') return '⟨unknown word⟩';
  return token;
}

/** A token inside running text: the end of a line as a short mark. */
export function displayInlineToken(token: string): string {
  return token === '</s>' ? '⏎' : displayToken(token);
}

/** The n-gram of `order` words: `1-gram`, `3-gram`. */
export function ngramName(order: number): string {
  return `${order}-gram`;
}

/** Whether the estimator answers from contexts of any length (the token index), not n-grams of at most the model's order. */
export function answersFromContexts(estimator: EstimatorName): boolean {
  return estimator === 'longest-match';
}

/**
 * What answered a candidate of `order` (its context and the word): `9-token context` under longest
 * match, which reads contexts of any length (a 39-token match is not a "40-gram"), `3-gram` under the
 * n-gram estimators.
 */
export function answeringName(estimator: EstimatorName, order: number): string {
  if (!answersFromContexts(estimator)) return ngramName(order);
  return order <= 1 ? 'no context' : `${order - 1}-token context`;
}

/** A percentage as the lists show one: `12.3 %`. */
function percent(probability: number): string {
  return `${(probability * 100).toFixed(1)} %`;
}

/**
 * What answered under a mixture, for one word: each model's own probability and the base model's
 * weight λ (`team base 12.3 % · workspace 4.0 % · λ 0.5`).
 */
export function mixtureWording(answer: { readonly weight: number }, parts: { readonly base: number; readonly workspace: number }): string {
  return `team base ${percent(parts.base)} · workspace ${percent(parts.workspace)} · λ ${answer.weight}`;
}
