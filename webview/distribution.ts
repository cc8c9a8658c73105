// The prediction as one probability vector the core's decoding functions work on: the listed
// candidates first (index i = candidates[i]), then one entry per other vocabulary word. The server
// sends the others lumped together, so each of them gets their average probability: exact at T = 1
// and in the T → ∞ limit, an approximation of the tail in between (small when the candidates carry
// most of the mass).
import type { PredictionView } from '../src/protocol/webview';

export function expandDistribution(prediction: PredictionView): Float64Array {
  const { candidates, others } = prediction;
  const vector = new Float64Array(candidates.length + others.words);
  candidates.forEach((candidate, i) => (vector[i] = candidate.probability));
  if (others.words > 0) vector.fill(others.probability / others.words, candidates.length);
  return vector;
}

/**
 * ln Σ_j exp(z_j / T) with z_j = ln p_j: the softmax's denominator as a natural log, by log-sum-exp so
 * that it can be printed even when every term underflows (small T). Requires T > 0.
 */
export function logSoftmaxDenominator(vector: Float64Array, temperature: number): number {
  let max = -Infinity;
  for (const p of vector) if (p > 0) max = Math.max(max, Math.log(p) / temperature);
  if (max === -Infinity) return -Infinity;
  let total = 0;
  for (const p of vector) if (p > 0) total += Math.exp(Math.log(p) / temperature - max);
  return max + Math.log(total);
}
