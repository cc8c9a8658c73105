// The prediction as one probability vector the core's decoding functions work on: the listed
// candidates first (index i = candidates[i]), then every other word. The server sends the others as
// runs of words of equal probability (`rest`), so the vector is the whole distribution and temperature
// re-weights it exactly; only past MAX_REST_WORDS words, or without `rest`, is a lump spread evenly
// (exact at T = 1 and as T → ∞, an approximation of the tail in between).
import type { PredictionView } from '../src/protocol/webview';

export function expandDistribution(prediction: PredictionView): Float64Array {
  const { candidates, others, rest } = prediction;
  const runs = rest ?? { probabilities: others.words > 0 ? [others.probability / others.words] : [], words: others.words > 0 ? [others.words] : [] };
  const size = runs.words.reduce((total, words) => total + words, candidates.length);
  const vector = new Float64Array(size);
  candidates.forEach((candidate, i) => (vector[i] = candidate.probability));
  let offset = candidates.length;
  runs.words.forEach((words, r) => {
    vector.fill(runs.probabilities[r], offset, offset + words);
    offset += words;
  });
  return vector;
}

/** Whether `expandDistribution` had to spread some words' probability evenly (the tail is approximate). */
export function isApproximate(prediction: PredictionView): boolean {
  return prediction.rest === undefined ? prediction.others.words > 1 : prediction.rest.approximate;
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
