// The decoding maths over a probability vector indexed by word id: the plain textbook form, kept
// here as the reference the engine's run-based decoding (src/core/runs.ts) is tested against.
//
// Conventions. An entry that is not > 0 (zero, negative, NaN) is outside the support and stays 0.
// Every re-weighting returns a normalised vector (summing to 1 over the support), or all zeros when
// the support is empty. Ties between equal probabilities are always broken by the lower id.

import type { UniformRandom } from '../../../src/core/prng';
import { NUCLEUS_TOLERANCE } from '../../../src/core/runs';
import type { SamplingOptions } from '../../../src/core/types';

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

/**
 * Keeps the k likeliest ids (ties: lower ids first), renormalised. k = 0 turns the filter off.
 * `ranked` is the ranking to follow (by default this vector's own).
 */
export function topK(probs: Float64Array, k: number, ranked = rankedIds(probs)): Float64Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`top-k must be an integer ≥ 0, got ${k}`);
  if (k === 0 || k >= ranked.length) return normalize(probs);
  return keepOnly(probs, ranked.slice(0, k));
}

/**
 * Nucleus (top-p): keeps the smallest set of likeliest ids whose mass reaches p of the total,
 * renormalised. p = 1 turns the filter off; p = 0 keeps only the likeliest id.
 */
export function topP(probs: Float64Array, p: number, ranked = rankedIds(probs)): Float64Array {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`top-p must be a number in [0, 1], got ${p}`);
  if (p === 1) return normalize(probs);
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
 * order most libraries use, so top-p's threshold applies to the tempered probabilities). The filters
 * follow the model's own ranking: temperature never reorders words, but exp and log can round two
 * nearly equal probabilities (1e-300 and its next double) into one tempered weight.
 */
export function reweight(probs: Float64Array, options: SamplingOptions): Float64Array {
  const ranked = rankedIds(probs);
  let out = applyTemperature(probs, options.temperature);
  if (options.topK !== undefined && options.topK !== 0) out = topK(out, options.topK, ranked);
  if (options.topP !== undefined && options.topP !== 1) out = topP(out, options.topP, ranked.filter((id) => out[id] > 0));
  return out;
}

/** Shannon entropy in bits of the normalised vector (0 for a single word or an empty support). */
export function entropyBits(probs: Float64Array): number {
  const total = supportTotal(probs);
  let entropy = 0;
  for (const p of probs) {
    if (!isInSupport(p)) continue;
    const q = p / total;
    if (q > 0) entropy -= q * Math.log2(q);
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
