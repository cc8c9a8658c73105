// Chooses the next word from a list of candidates: greedy, or a random draw shaped by temperature.

import type { Candidate } from './counter';

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function greedy(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (best === undefined || candidate.probability > best.probability) best = candidate;
  }
  return best;
}

export function withTemperature(candidates: readonly Candidate[], temperature: number): number[] {
  if (candidates.length === 0) return [];
  const logits = candidates.map((candidate) => Math.log(candidate.probability) / temperature);
  const largest = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - largest));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

export function topK(candidates: readonly Candidate[], k: number): Candidate[] {
  return [...candidates].sort((a, b) => b.probability - a.probability).slice(0, k);
}

export function draw(candidates: readonly Candidate[], temperature: number, random: Random): Candidate | undefined {
  if (temperature === 0) return greedy(candidates);
  const weights = withTemperature(candidates, temperature);
  let threshold = random();
  for (let i = 0; i < candidates.length; i++) {
    threshold -= weights[i];
    if (threshold < 0) return candidates[i];
  }
  return candidates[candidates.length - 1];
}
