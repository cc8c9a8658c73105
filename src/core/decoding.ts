// Generation: a context continued word by word with the run-based decoding step of runs.ts, and the
// loops greedy decoding falls into. Nothing here touches Node APIs or the DOM.

import { chooseNext, type ProbabilityRuns } from './runs';
import type { UniformRandom } from './prng';
import type { SamplingOptions } from './types';
import { BOS_TOKEN, EOS, UNK } from './vocabulary';

/** A repeating tail: from `start` on, every item equals the one `period` positions later. */
export interface Repetition {
  readonly start: number;
  readonly period: number;
}

/**
 * Finds the loop a sequence has fallen into: the earliest `start` (then the shortest `period`) such
 * that the whole tail from `start` is periodic and holds at least `minRepeats` full periods. The last
 * period may be cut short. `decodingLoop` says when such a tail proves that greedy decoding will go
 * round it forever. O(length²); generated texts are short.
 */
export function findRepetition<T>(sequence: readonly T[], minRepeats = 2): Repetition | undefined {
  let found: Repetition | undefined;
  for (let period = 1; period * minRepeats <= sequence.length; period++) {
    // Walk back while items match the item one period later; the loop starts after the last mismatch.
    let start = sequence.length - period;
    while (start > 0 && sequence[start - 1] === sequence[start - 1 + period]) start--;
    if (sequence.length - start < period * minRepeats) continue;
    if (found === undefined || start < found.start) found = { start, period };
  }
  return found;
}

/**
 * A loop greedy decoding can never leave: a repetition (at least two periods) whose tail also covers
 * one period plus the model's whole context (order − 1 tokens), so the context has come back to a
 * state it was in one period earlier and every later choice repeats.
 */
export function decodingLoop<T>(tokens: readonly T[], order: number): Repetition | undefined {
  const repetition = findRepetition(tokens);
  if (repetition === undefined || tokens.length - repetition.start < repetition.period + order - 1) return undefined;
  return repetition;
}

/** What generation needs of a model; `NgramModel`, the ARPA back-off model and `LongestMatchModel` provide it. */
export interface NextWordModel {
  /** One more than the tokens of context a choice depends on: a loop is proven once they repeat. */
  readonly order: number;
  readonly vocabulary: { word(id: number): string };
  /** The distribution after `context` as runs, likeliest first (`<unk>` in none when `withoutUnknown`). */
  runs(context: readonly string[], options: { readonly withoutUnknown?: boolean }): { readonly runs: ProbabilityRuns };
  /** The k likeliest words after `context`, in the runs' ranking (greedy decoding needs no more). */
  candidates(context: readonly string[], k: number): readonly { readonly id: number }[];
  /**
   * The context once `word` follows `context`, for a model that reads across lines (a line end is the
   * token `</s>` of its context). Without it the context is the line's last order − 1 tokens, and a new
   * line starts at `<s>`.
   */
  extend?(context: readonly string[], word: string): string[];
}

export interface GenerationOptions {
  /** How many tokens to produce at most; a line end (`</s>`) counts as one. */
  readonly tokens: number;
  /** temperature 0 = greedy (no draws); otherwise drawn from the re-weighted runs (`RunWeights`). */
  readonly sampling: SamplingOptions;
  /** The draws (unused when greedy). */
  readonly random: UniformRandom;
  /**
   * What `</s>` does. `false` (the default): it is emitted and ends the generation. `true`: it is
   * emitted and a new line starts with the context `<s>`.
   */
  readonly acrossLines?: boolean;
  /** Never choose `<unk>` (default true: the editor never inserts it). */
  readonly excludeUnknown?: boolean;
  /** Stop as soon as `decodingLoop` finds a loop (default false: keep going round it). */
  readonly stopAtLoop?: boolean;
}

export interface Generation {
  /** The generated tokens, `</s>` included where a line ended. */
  readonly tokens: string[];
  readonly ids: number[];
  /** The loop the tokens ended in (see `decodingLoop`), if any. */
  readonly loop: Repetition | undefined;
}

/**
 * Continues `context` (tokens, `<s>` first at a line start) token by token. Stops early when the
 * model has nothing left to choose (an empty model, or only `<unk>` while it is excluded).
 */
export function generate(model: NextWordModel, context: readonly string[], options: GenerationOptions): Generation {
  const tokens: string[] = [];
  const ids: number[] = [];
  let current = [...context];
  const excludeUnknown = options.excludeUnknown ?? true;
  const choose = (): number => {
    // The argmax without laying out the whole distribution (20 times faster per word): two candidates,
    // since `<unk>` may be the likeliest and left out. Same ranking, same ties as `chooseNext`.
    if (options.sampling.temperature === 0) return model.candidates(current, 2).find((candidate) => !(excludeUnknown && candidate.id === UNK))?.id ?? -1;
    return chooseNext(model.runs(current, { withoutUnknown: excludeUnknown }).runs, options.sampling, options.random);
  };
  while (ids.length < options.tokens) {
    const id = choose();
    if (id < 0) break;
    const word = model.vocabulary.word(id);
    ids.push(id);
    tokens.push(word);
    if (id === EOS && !options.acrossLines) break;
    if (model.extend !== undefined) current = model.extend(current, word);
    else if (id === EOS) current = [BOS_TOKEN];
    else current = [...current.slice(Math.max(0, current.length - (model.order - 2))), word];
    if (options.stopAtLoop && decodingLoop(ids, model.order) !== undefined) break;
  }
  return { tokens, ids, loop: decodingLoop(ids, model.order) };
}
