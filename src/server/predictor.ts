// Answers to the prediction requests, computed from the model with the engine's decoding: the
// candidates and their counts, the re-weighted distribution, one draw, greedy or sampled generation,
// and the text that types a word after the cursor. Nothing here counts or estimates: that is the model's.

import { generate } from '../core/decoding';
import { contextAcrossLines, type LongestMatchModel } from '../core/longestMatch';
import type { MixtureModel } from '../core/mixture';
import type { NgramModel, RunDistribution } from '../core/model';
import type { UniformRandom } from '../core/prng';
import { NO_REWEIGHTING, RunWeights, singleWordRuns, summarizeRuns, weighCandidates, type ProbabilityRuns } from '../core/runs';
import { insertionText } from '../core/spacing';
import { contextBeforeCursor } from '../core/tokenizer';
import type { Candidate, Reweighting } from '../core/types';
import { NONE } from '../core/orderTable';
import { MAX_DRAWS, MAX_REST_WORDS } from '../protocol/limits';
import type { DistributionRest, GenerateResult, PredictResult, PredictedCandidate } from '../protocol/lsp';

export const DEFAULT_CANDIDATES = 10;
export const MAX_CANDIDATES = 200;
export const MAX_GENERATED_WORDS = 500;

export interface PredictOptions {
  /** The text before the cursor (it may run over previous lines: see `contextTokens`). */
  readonly textBefore: string;
  /** Whether the model has learned any text (an empty model chooses no word). */
  readonly learned: boolean;
  readonly candidates: number;
  readonly insertableOnly: boolean;
  readonly draws: number;
  /** Also list every other word's probability (`PredictResult.rest`). */
  readonly rest?: boolean;
  readonly sampling: Reweighting;
  readonly random: UniformRandom;
  /** Set when the longest-match estimator answers (over `model` and the workspace's token index). */
  readonly longestMatch?: LongestMatchModel;
  /** Set when a base model is mixed in: it answers, over the workspace's answering model. */
  readonly mixture?: MixtureModel;
}

type Prediction = Omit<PredictResult, 'status'>;

/** The last line of a text (a line ends at `\r\n`, `\r` or `\n`, as the tokenizer reads it). */
export function lastLine(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  return lines[lines.length - 1];
}

/**
 * The tokens a prediction conditions on, from the text before the cursor. The n-gram estimators read
 * the cursor's line (a line is a sentence): `<s>` and the line's words before the cursor.
 */
export function contextTokens(model: NgramModel, textBefore: string): string[] {
  const line = lastLine(textBefore);
  return contextBeforeCursor(model.tokenizer, line, line.length);
}

/** The context an estimator reads before the cursor: the cursor's line for the n-gram ones, the lines before it too for longest match. */
function readContext(model: NgramModel, textBefore: string, longestMatch: LongestMatchModel | undefined): string[] {
  return longestMatch === undefined ? contextTokens(model, textBefore) : contextAcrossLines(model.tokenizer, textBefore, false);
}

/** The whole distribution as runs and its k likeliest words; longest match reads both off one answer. */
function rankedDistribution(
  model: NgramModel,
  longestMatch: LongestMatchModel | undefined,
  mixture: MixtureModel | undefined,
  context: readonly string[],
  k: number,
  options: { readonly withoutUnknown: boolean },
): { distribution: RunDistribution; answering: Candidate[] } {
  if (mixture !== undefined) return { distribution: mixture.runs(context, options), answering: mixture.candidates(context, k) };
  if (longestMatch === undefined) return { distribution: model.runs(context, options), answering: model.candidates(context, k) };
  const { distribution, candidates } = longestMatch.rankedRuns(context, k, options);
  const { answeringLength, ...runs } = distribution;
  return { distribution: { ...runs, matchedContextLength: answeringLength }, answering: candidates };
}

export function predict(model: NgramModel, options: PredictOptions): Prediction {
  const { longestMatch, mixture } = options;
  const context = readContext(model, options.textBefore, longestMatch);
  const linePrefix = lastLine(options.textBefore);
  // The distribution as runs of equal probability: sums over the vocabulary cost O(runs), not O(|V|).
  const withoutUnknown = { withoutUnknown: options.insertableOnly };
  const shownCount = Math.max(0, Math.min(MAX_CANDIDATES, Math.floor(options.candidates)));
  // Two more than shown: `<unk>` may be left out, and the likeliest word is needed even when none is shown.
  const { distribution, answering } = rankedDistribution(model, longestMatch, mixture, context, shownCount + 2, withoutUnknown);
  const { runs } = distribution;
  const { sampling } = options;
  const weights = new RunWeights(runs, sampling);
  const ranked = answering.filter((candidate) => runs.runOf(candidate.id) !== NONE);
  const shown = ranked.slice(0, shownCount);
  // Object.assign adds the fields in place: a spread copy of 200 candidates cost half a millisecond.
  const candidates: PredictedCandidate[] = weighCandidates(shown, runs, weights).map((candidate, rank) =>
    Object.assign(
      candidate,
      { insertText: insertionText(candidate.word, linePrefix, '', model.tokenizer) },
      mixture === undefined ? {} : { parts: mixture.parts(shown[rank].id, context) },
    ),
  );

  const support = summarizeRuns(runs);
  const shownProbability = candidates.reduce((total, candidate) => total + candidate.probability, 0);
  const shownWeight = candidates.reduce((total, candidate) => total + candidate.weight, 0);

  let chosen: Prediction['chosen'] = null;
  // A model that learned nothing still has a distribution (uniform over `<unk>` and `</s>`), but
  // nothing worth typing: no word is chosen, and the status says why.
  if (support.words > 0 && options.learned) {
    // At temperature 0 the draw is the argmax, which is the first candidate (same ranking, same ties).
    const drawn = weights.greedy ? { id: ranked[0].id, weight: 1, draw: null } : drawOnce(runs, weights, options.random);
    const word = (mixture ?? model).vocabulary.word(drawn.id);
    chosen = {
      word,
      rank: shown.findIndex((candidate) => candidate.id === drawn.id),
      probability: runs.probability[runs.runOf(drawn.id)],
      weight: drawn.weight,
      insertText: insertionText(word, linePrefix, '', model.tokenizer),
      draw: drawn.draw,
    };
  }

  return {
    context: distribution.context,
    matchedContextLength: distribution.matchedContextLength,
    candidates,
    others: {
      words: support.words - candidates.length,
      probability: Math.max(0, support.total - shownProbability),
      weight: Math.max(0, 1 - shownWeight),
    },
    isProbability: distribution.isProbability,
    chosen,
    sampling,
    ...(options.draws > 0 && candidates.length > 0
      ? { histogram: histogram(candidates.map((c) => c.weight), Math.max(0, 1 - shownWeight), options.draws, options.random) }
      : {}),
    ...(options.rest === true ? { rest: restOfDistribution(runs, shown.map((candidate) => candidate.id), MAX_REST_WORDS) } : {}),
    ...(mixture === undefined ? {} : { mixture: { ...mixture.answer, others: mixture.othersThan(runs, shown, context) } }),
  };
}

/**
 * The runs without the words shown as candidates, likeliest first. Past `maxWords` words, one last
 * run spreads what the remaining words share evenly over them (marked approximate).
 */
export function restOfDistribution(runs: ProbabilityRuns, shown: readonly number[], maxWords: number): DistributionRest {
  const left = Array.from(runs.size);
  for (const id of shown) left[runs.runOf(id)]--;
  const probabilities: number[] = [];
  const words: number[] = [];
  let listed = 0;
  let spreadWords = 0;
  let spreadMass = 0;
  for (let r = 0; r < runs.length; r++) {
    if (left[r] === 0) continue;
    const listedHere = Math.min(left[r], maxWords - listed);
    if (listedHere > 0) {
      probabilities.push(runs.probability[r]);
      words.push(listedHere);
      listed += listedHere;
    }
    spreadWords += left[r] - listedHere;
    spreadMass += (left[r] - listedHere) * runs.probability[r];
  }
  if (spreadWords > 0) {
    probabilities.push(spreadMass / spreadWords);
    words.push(spreadWords);
  }
  return { probabilities, words, approximate: spreadWords > 0 };
}

/** One draw from the re-weighted distribution (never empty: re-weighting keeps at least the top word). */
function drawOnce(runs: ProbabilityRuns, weights: RunWeights, random: UniformRandom): { id: number; weight: number; draw: number } {
  const draw = random();
  const drawn = weights.draw(draw);
  if (drawn === undefined) throw new Error('cannot sample from an empty distribution');
  return { id: runs.word(drawn.run, drawn.index), weight: drawn.weight, draw };
}

/**
 * Many draws, bucketed as the panel shows them: one bucket per candidate and one for all others.
 * Drawing among these buckets is the same as drawing among all words and then bucketing, and costs
 * O(candidates) per draw instead of O(vocabulary).
 */
function histogram(
  candidateWeights: readonly number[],
  othersWeight: number,
  draws: number,
  random: UniformRandom,
): NonNullable<PredictResult['histogram']> {
  const total = Math.min(MAX_DRAWS, Math.floor(draws));
  // The buckets' weights are the chances already: drawn as they are, in any order.
  const buckets = new RunWeights(singleWordRuns([...candidateWeights, othersWeight]), NO_REWEIGHTING);
  const counts = new Array<number>(candidateWeights.length + 1).fill(0);
  for (let i = 0; i < total; i++) counts[buckets.draw(random())?.run ?? candidateWeights.length]++;
  return { counts: counts.slice(0, -1), others: counts[counts.length - 1], draws: total };
}

export interface GenerateOptions {
  readonly textBefore: string;
  readonly words: number;
  readonly greedy: boolean;
  readonly acrossLines: boolean;
  readonly sampling: Reweighting;
  readonly random: UniformRandom;
  /** The longest-match estimator, when it is the one set: it generates from the lines before the cursor too. */
  readonly longestMatch?: LongestMatchModel;
  /** Set when a base model is mixed in: the mixture generates. */
  readonly mixture?: MixtureModel;
}

/** Continues the line with the engine's decoder; greedy decoding stops once its loop is established. */
export function generateAfter(model: NgramModel, options: GenerateOptions): Omit<GenerateResult, 'status'> {
  const { longestMatch, mixture } = options;
  const start = readContext(model, options.textBefore, longestMatch);
  const generation = generate(mixture ?? longestMatch ?? model, start, {
    tokens: Math.max(0, Math.min(MAX_GENERATED_WORDS, Math.floor(options.words))),
    sampling: options.greedy ? { temperature: 0 } : options.sampling,
    random: options.random,
    acrossLines: options.acrossLines,
    stopAtLoop: options.greedy,
  });
  return {
    context: longestMatch === undefined ? model.usedContext(start) : longestMatch.usedContext(longestMatch.answer(start)),
    tokens: generation.tokens,
    loop: generation.loop === undefined ? null : { start: generation.loop.start, length: generation.loop.period },
    ...(mixture === undefined ? {} : { mixture: mixture.answer }),
  };
}
