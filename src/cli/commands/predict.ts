// `predict`: P(next word | context) for the likeliest candidates, with the counts behind them.

import { RunWeights, summarizeRuns } from '../../core/runs';
import { contextBeforeCursor } from '../../core/tokenizer';
import { UNK } from '../../core/vocabulary';
import type { WeightedCandidate } from '../../core/types';
import { OUTPUT_OPTIONS, SAMPLING_OPTIONS, samplingOptions, type Command, type Io } from '../command';
import { MODEL_OPTIONS, loadModel, type QueryModel } from '../load';
import { UsageError } from '../errors';
import { stringOption, type OptionSpecs, type OptionValues } from '../options';
import { bar, probability, table, token } from '../render';

const DEFAULT_TOP = 10;
/** `--top all` lists the whole distribution. */
const ALL = 'all';
const BAR_WIDTH = 20;
const REWEIGHTING_OPTIONS = ['temperature', 'top-k', 'top-p'];

// `-n` as in `head -n` (and `generate -n`): `-k` would read as `--top-k`, the sampling filter.
export const TOP_OPTION: OptionSpecs = {
  top: { type: 'string', short: 'n', value: 'N', help: `how many candidates to list, or \`all\` for the whole distribution (default ${DEFAULT_TOP})` },
};

/** How many candidates to list: a positive integer, or every word the model can predict. */
export function topOption(values: OptionValues): number {
  const text = stringOption(values, 'top');
  if (text === ALL) return Number.POSITIVE_INFINITY;
  const top = text === undefined ? DEFAULT_TOP : Number(text);
  if (!Number.isSafeInteger(top) || top < 1 || text?.trim() === '') throw new UsageError(`--top must be a whole number ≥ 1 or ${ALL}, got ${JSON.stringify(text)}`);
  return top;
}

export type PredictedCandidate = WeightedCandidate;

export interface Prediction {
  readonly context: readonly string[];
  readonly matchedContextLength: number;
  readonly isProbability: boolean;
  readonly entropyBits: number;
  readonly candidates: readonly PredictedCandidate[];
}

/**
 * The context option as the model sees it: the start of a line, `<s>` first. A line break in it starts
 * a new line, as in the editor, so only its last line is the context (a sentence never continues
 * across a line end).
 */
export function contextTokens(model: QueryModel, values: OptionValues): string[] {
  const text = stringOption(values, 'context') ?? '';
  const lastLine = text.slice(Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
  return contextBeforeCursor(model.tokenizer, lastLine, lastLine.length);
}

export function predict(model: QueryModel, context: readonly string[], top: number, values: OptionValues): Prediction {
  const distribution = model.runs(context);
  const support = summarizeRuns(distribution.runs);
  // The chance of being drawn is over what generation draws from: every word but `<unk>`.
  const drawable = model.runs(context, { withoutUnknown: true }).runs;
  const weights = new RunWeights(drawable, samplingOptions(values));
  let drawableRank = 0;
  return {
    context: distribution.context,
    matchedContextLength: distribution.matchedContextLength,
    isProbability: distribution.isProbability,
    entropyBits: support.entropyBits,
    // No more than the distribution holds (the candidate buffers are sized by the count asked for).
    candidates: model.candidates(context, Math.min(top, support.words)).map((candidate) => ({
      word: candidate.word,
      probability: candidate.probability,
      weight: candidate.id === UNK ? 0 : weights.weightOf(drawable.runOf(candidate.id), drawableRank++),
      count: candidate.count,
      contextCount: candidate.contextCount,
      order: candidate.order,
    })),
  };
}

/** How much of the context the model could use. */
export function answeredBy(matched: number, available: number): string {
  if (matched === 0) return 'context never seen: the unigram frequencies answer';
  if (matched === available) return `all ${matched} context token${matched === 1 ? '' : 's'} seen in training`;
  return `backed off to the last ${matched} of ${available} context tokens`;
}

/** The candidates as a table with bars; a "drawn" column when re-weighting options were given. */
export function printPrediction(io: Io, result: Prediction, values: OptionValues): void {
  const { style } = io;
  const reweighted = REWEIGHTING_OPTIONS.some((name) => values[name] !== undefined);
  io.print(`${style.bold('context')}  ${result.context.map(token).join(' ')}   ${style.dim(answeredBy(result.matchedContextLength, result.context.length))}`);
  const hasCounts = result.candidates.some((candidate) => candidate.contextCount > 0);
  const header = ['', 'word', result.isProbability ? 'P(word | context)' : 'score', '', ...(hasCounts ? ['count'] : []), 'order', ...(reweighted ? ['drawn'] : [])];
  const rows = result.candidates.map((candidate, i) => [
    `${i + 1}`,
    token(candidate.word),
    probability(candidate.probability),
    style.accent(bar(candidate.probability, BAR_WIDTH)),
    ...(hasCounts ? [`${candidate.count} / ${candidate.contextCount}`] : []),
    `${candidate.order}`,
    ...(reweighted ? [probability(candidate.weight)] : []),
  ]);
  io.print(table([header, ...rows], ['r', 'l', 'r', 'l', ...(hasCounts ? ['r' as const] : []), 'r', 'r']));
  io.print(style.dim(`entropy ${result.entropyBits.toFixed(2)} bits`));
}

export const predictCommand: Command = {
  name: 'predict',
  synopsis: 'predict (--train PATH | --model FILE) [--context TEXT] [--top N | --top all] [options]',
  summary: 'the likeliest next words after a context, with their probabilities and counts',
  description: [
    'The context is the start of a line: the model sees `<s>` and then the tokens of TEXT (only the last order−1 matter). Each candidate shows P(word | context), the counts it came from (count(context, word) / count(context) at the n-gram order that answered) and, when --temperature, --top-k or --top-p is given, its chance of being drawn after re-weighting. Probabilities in --json are unrounded.',
  ],
  options: {
    ...MODEL_OPTIONS,
    context: { type: 'string', short: 'c', value: 'TEXT', help: 'the words before the prediction (default: a line start)' },
    ...TOP_OPTION,
    temperature: SAMPLING_OPTIONS.temperature,
    'top-k': SAMPLING_OPTIONS['top-k'],
    'top-p': SAMPLING_OPTIONS['top-p'],
    ...OUTPUT_OPTIONS,
  },
  examples: ['predict --train sample-workspace --context "the next" --top 5', 'predict --model sample.nwl --context "the" --top all --json', 'cat notes.txt | next-word-lab predict --train - --context "the"', 'predict --model sample.nwl --context "import {" --temperature 2 --json'],
  async run({ values }, io) {
    const top = topOption(values);
    samplingOptions(values); // bad values fail before a possibly long training
    const { model } = await loadModel(values, io.progress(values));
    const result = predict(model, contextTokens(model, values), top, values);
    if (values.json) io.json(result);
    else printPrediction(io, result, values);
  },
};
