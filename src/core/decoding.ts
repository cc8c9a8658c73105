// Decoding: how a distribution over next words becomes one chosen word. Everything works on
// probability vectors indexed by word id (Float64Array) and returns new vectors; nothing here touches
// Node APIs, because the webview runs the same code to draw its bars.
//
// Conventions. An entry that is not > 0 (zero, negative, NaN) is outside the support and stays 0.
// Every re-weighting returns a normalised vector (summing to 1 over the support), or all zeros when
// the support is empty. Ties between equal probabilities are always broken by the lower id.

import type { NextWordDistribution, SamplingOptions } from './types';
import type { UniformRandom } from './prng';
import { BOS_TOKEN, EOS, UNK } from './vocabulary';

/** Relative slack when comparing a cumulative mass with top-p, so that 0.6 + 0.3 counts as reaching 0.9. */
export const NUCLEUS_TOLERANCE = 1e-9;

function isInSupport(probability: number): boolean {
  return probability > 0;
}

function supportTotal(probs: Float64Array): number {
  let total = 0;
  for (const p of probs) if (isInSupport(p)) total += p;
  return total;
}

/** p / Σp over the support (all zeros when the support is empty). */
export function normalize(probs: Float64Array): Float64Array {
  const total = supportTotal(probs);
  const out = new Float64Array(probs.length);
  if (total === 0) return out;
  for (let i = 0; i < probs.length; i++) if (isInSupport(probs[i])) out[i] = probs[i] / total;
  return out;
}

/** The id of the largest entry, the lowest id among ties; -1 when the support is empty. */
export function argmax(probs: Float64Array): number {
  let best = -1;
  for (let i = 0; i < probs.length; i++) {
    if (isInSupport(probs[i]) && (best < 0 || probs[i] > probs[best])) best = i;
  }
  return best;
}

/** Ids in the support, likeliest first (ties: lower id first). */
export function rankedIds(probs: Float64Array): number[] {
  const ids: number[] = [];
  for (let i = 0; i < probs.length; i++) if (isInSupport(probs[i])) ids.push(i);
  return ids.sort((a, b) => probs[b] - probs[a] || a - b);
}

/**
 * Temperature: p_i^(1/T) / Σ_j p_j^(1/T), which is the softmax of log p / T.
 *
 * Computed as exp((log p_i − max log p) / T) so the largest weight is exactly 1 and nothing can
 * overflow or divide by zero for any T in (0, ∞]: T → 0 puts all the mass on the maximum (shared
 * equally between tied maxima), T → ∞ tends to uniform over the support. T = 0 itself is the greedy
 * limit taken literally: all the mass on `argmax` (ties broken by the lower id). T = 1 returns the
 * vector normalised and otherwise unchanged.
 */
export function applyTemperature(probs: Float64Array, temperature: number): Float64Array {
  if (!(temperature >= 0)) throw new RangeError(`temperature must be a number ≥ 0, got ${temperature}`);
  if (temperature === 1) return normalize(probs);
  const out = new Float64Array(probs.length);
  if (temperature === 0) {
    const best = argmax(probs);
    if (best >= 0) out[best] = 1;
    return out;
  }
  let maxLog = -Infinity;
  for (const p of probs) if (isInSupport(p)) maxLog = Math.max(maxLog, Math.log(p));
  if (maxLog === -Infinity) return out;
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    if (!isInSupport(probs[i])) continue;
    // (log p − max) ≤ 0 and finite, so the weight lies in [0, 1]; the maximum itself weighs 1.
    const weight = Math.exp((Math.log(probs[i]) - maxLog) / temperature);
    out[i] = weight;
    total += weight;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** Keeps the k likeliest ids (ties: lower ids first), renormalised. k = 0 turns the filter off. */
export function topK(probs: Float64Array, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`top-k must be an integer ≥ 0, got ${k}`);
  const ranked = rankedIds(probs);
  if (k === 0 || k >= ranked.length) return normalize(probs);
  return keepOnly(probs, ranked.slice(0, k));
}

/**
 * Nucleus (top-p): keeps the smallest set of likeliest ids whose mass reaches p of the total,
 * renormalised. p = 1 turns the filter off; p = 0 keeps only the likeliest id.
 */
export function topP(probs: Float64Array, p: number): Float64Array {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`top-p must be a number in [0, 1], got ${p}`);
  if (p === 1) return normalize(probs);
  const ranked = rankedIds(probs);
  const target = p * supportTotal(probs) * (1 - NUCLEUS_TOLERANCE);
  let mass = 0;
  let kept = 0;
  while (kept < ranked.length) {
    mass += probs[ranked[kept++]];
    if (mass >= target) break;
  }
  return keepOnly(probs, ranked.slice(0, kept));
}

function keepOnly(probs: Float64Array, ids: readonly number[]): Float64Array {
  const kept = new Float64Array(probs.length);
  for (const id of ids) kept[id] = probs[id];
  return normalize(kept);
}

/**
 * The distribution sampling actually draws from: temperature first, then top-k, then top-p (the
 * order most libraries use, so top-p's threshold applies to the tempered probabilities).
 */
export function reweight(probs: Float64Array, options: SamplingOptions): Float64Array {
  let out = applyTemperature(probs, options.temperature);
  if (options.topK !== undefined && options.topK !== 0) out = topK(out, options.topK);
  if (options.topP !== undefined && options.topP !== 1) out = topP(out, options.topP);
  return out;
}

/** Shannon entropy in bits of the normalised vector (0 for a single word or an empty support). */
export function entropyBits(probs: Float64Array): number {
  const total = supportTotal(probs);
  let entropy = 0;
  for (const p of probs) {
    if (!isInSupport(p)) continue;
    const q = p / total;
    entropy -= q * Math.log2(q);
  }
  // −0 and rounding just below zero both mean "no uncertainty".
  return Math.max(0, entropy);
}

/**
 * Draws one id with probability proportional to its entry, using one draw of `random`. Throws when
 * the support is empty (there is nothing to draw).
 */
export function sample(probs: Float64Array, random: UniformRandom): number {
  const total = supportTotal(probs);
  if (total === 0) throw new Error('cannot sample from an empty distribution');
  const threshold = random() * total;
  let mass = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (!isInSupport(probs[i])) continue;
    mass += probs[i];
    last = i;
    if (threshold < mass) return i;
  }
  // Rounding can leave the running sum a hair below `total`: the draw belongs to the last id.
  return last;
}

/**
 * One decoding step: argmax at T = 0 (no draw consumed), otherwise one draw from `reweight`.
 * Returns -1 when the support is empty.
 */
export function chooseNext(probs: Float64Array, options: SamplingOptions, random: UniformRandom): number {
  if (options.temperature === 0) return argmax(probs);
  const weighted = reweight(probs, options);
  return supportTotal(weighted) === 0 ? -1 : sample(weighted, random);
}

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

/** What generation needs of a model; `NgramModel` and the ARPA back-off model both provide it. */
export interface NextWordModel {
  readonly order: number;
  readonly vocabulary: { word(id: number): string };
  distribution(context: readonly string[]): NextWordDistribution;
  /**
   * Optional: the id `chooseNext` would pick from `distribution(context)` (`<unk>` set to 0 when
   * `withoutUnknown`), for a model that can choose without a vector over its whole vocabulary.
   */
  choose?(context: readonly string[], sampling: SamplingOptions, random: UniformRandom, withoutUnknown: boolean): number;
}

export interface GenerationOptions {
  /** How many tokens to produce at most; a line end (`</s>`) counts as one. */
  readonly tokens: number;
  /** temperature 0 = greedy (no draws); otherwise drawn from `reweight`. */
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
    if (model.choose) return model.choose(current, options.sampling, options.random, excludeUnknown);
    let probabilities = model.distribution(current).probabilities;
    if (excludeUnknown) {
      // A copy: the model may hand out a vector it keeps.
      probabilities = probabilities.slice();
      probabilities[UNK] = 0;
    }
    return chooseNext(probabilities, options.sampling, options.random);
  };
  while (ids.length < options.tokens) {
    const id = choose();
    if (id < 0) break;
    const word = model.vocabulary.word(id);
    ids.push(id);
    tokens.push(word);
    if (id === EOS) {
      if (!options.acrossLines) break;
      current = [BOS_TOKEN];
    } else {
      current = [...current.slice(Math.max(0, current.length - (model.order - 2))), word];
    }
    if (options.stopAtLoop && decodingLoop(ids, model.order) !== undefined) break;
  }
  return { tokens, ids, loop: decodingLoop(ids, model.order) };
}
