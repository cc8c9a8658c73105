// The prediction as runs for the core's decoding (src/core/runs.ts): each listed candidate a run of
// one word (run i = candidates[i]), then every other word in the server's runs of equal probability
// (`rest`). Sums over runs are sums over the whole vocabulary, so temperature re-weights it exactly at
// any size; only past MAX_REST_WORDS words, or without `rest`, is a lump spread evenly (exact at T = 1
// and as T → ∞, an approximation of the tail in between).
import type { Runs } from '../src/core/runs';
import type { PredictionView } from '../src/protocol/webview';

export function predictionRuns(prediction: PredictionView): Runs {
  const { candidates, others, rest } = prediction;
  const tail = rest ?? { probabilities: others.words > 0 ? [others.probability / others.words] : [], words: others.words > 0 ? [others.words] : [] };
  const length = candidates.length + tail.words.length;
  const probability = new Float64Array(length);
  const size = new Int32Array(length);
  candidates.forEach((candidate, i) => {
    probability[i] = candidate.probability;
    size[i] = 1;
  });
  probability.set(tail.probabilities, candidates.length);
  size.set(tail.words, candidates.length);
  return { length, probability, size };
}

/** Whether `predictionRuns` had to spread some words' probability evenly (the tail is approximate). */
export function isApproximate(prediction: PredictionView): boolean {
  return prediction.rest === undefined ? prediction.others.words > 1 : prediction.rest.approximate;
}
