// `predict`: P(next word | context) for the likeliest candidates, with the counts behind them.

import { EVIDENCE_LIMIT, evidenceFor, locateSpans, type TextLocation, type TokenSpan } from '../../core/evidence';
import type { LongestMatchModel } from '../../core/longestMatch';
import { contextAcrossLines } from '../../core/longestMatch';
import type { NgramModel } from '../../core/model';
import { RunWeights, summarizeRuns } from '../../core/runs';
import { contextBeforeCursor } from '../../core/tokenizer';
import { UNK } from '../../core/vocabulary';
import type { WeightedCandidate } from '../../core/types';
import { OUTPUT_OPTIONS, SAMPLING_OPTIONS, samplingOptions, type Command, type Io } from '../command';
import { MODEL_OPTIONS, loadModel, type LearnedText, type QueryModel } from '../load';
import { UsageError } from '../errors';
import { flag, stringOption, type OptionSpecs, type OptionValues } from '../options';
import { bar, printable, probability, table, token } from '../render';

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

/** Where a candidate's n-gram occurs: `file` relative to the folder learned (the file's base name for a file). */
export interface CandidateEvidence {
  /** The n-gram that answered, context then word (`<s>` = a line start, `</s>` = a line break). */
  readonly ngram: readonly string[];
  readonly total: number;
  readonly occurrences: readonly { readonly file: string; readonly line: number; readonly column: number; readonly text: string }[];
}

export type PredictedCandidate = WeightedCandidate & { readonly evidence?: CandidateEvidence };

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
 * across a line end) — except for the longest-match estimator, which reads the context across its
 * lines from the start of a document, as it does in the editor.
 */
export function contextTokens(model: QueryModel, values: OptionValues, acrossLines = false): string[] {
  const text = stringOption(values, 'context') ?? '';
  if (acrossLines) return contextAcrossLines(model.tokenizer, text, true);
  const lastLine = contextLastLine(text);
  return contextBeforeCursor(model.tokenizer, lastLine, lastLine.length);
}

/** The line of a --context that a prediction continues: its last. */
export function contextLastLine(text: string): string {
  return text.slice(Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
}

export function predict(model: Pick<QueryModel, 'runs' | 'candidates'>, context: readonly string[], top: number, values: OptionValues): Prediction {
  const distribution = model.runs(context);
  const support = summarizeRuns(distribution.runs);
  // The chance of being drawn is over what generation draws from: every word but `<unk>`.
  const drawable = model.runs(context, { withoutUnknown: true }).runs;
  const weights = new RunWeights(drawable, samplingOptions(values));
  let drawableRank = 0;
  return {
    context: distribution.context,
    // Longest match answers with its match (across lines), not the n-gram model's context.
    matchedContextLength: 'answeringLength' in distribution ? Number(distribution.answeringLength) : distribution.matchedContextLength,
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
  for (const candidate of result.candidates) {
    const { evidence } = candidate;
    if (!evidence) continue;
    io.print();
    io.print(`${style.bold(token(candidate.word))}  ${style.dim(`"${evidence.ngram.map(printable).join(' ')}" occurs ${evidence.total} time${evidence.total === 1 ? '' : 's'}`)}`);
    for (const place of evidence.occurrences.slice(0, EVIDENCE_PRINTED)) io.print(`  ${printable(place.file)}:${place.line}:${place.column}  ${printable(place.text.trim())}`);
    const more = evidence.total - Math.min(EVIDENCE_PRINTED, evidence.occurrences.length);
    if (more > 0) io.print(style.dim(`  … and ${more} more${evidence.occurrences.length > EVIDENCE_PRINTED ? ' (--json lists ' + evidence.occurrences.length + ')' : ''}`));
  }
}

/** Places printed per candidate in text output (--json lists up to EVIDENCE_LIMIT). */
const EVIDENCE_PRINTED = 3;

/**
 * The evidence for each of `words` after `context`, each place located in the learned text: all the
 * places in one document, whichever word they are for, in one scan of its text.
 */
export function candidatesEvidence(model: LongestMatchModel | NgramModel, learned: LearnedText, context: readonly string[], words: readonly string[]): CandidateEvidence[] {
  const found = words.map((word) => evidenceFor(model, learned.index, context, word));
  const spans = found.map(({ places, placeIds }) => places.map(({ key, offset }) => ({ key, offset, ids: placeIds })));
  const spansByKey = new Map<string, TokenSpan[]>();
  for (const span of spans.flat()) {
    const inDocument = spansByKey.get(span.key);
    if (inDocument === undefined) spansByKey.set(span.key, [span]);
    else inDocument.push(span);
  }
  const ngram = 'ngram' in model ? model.ngram : model;
  const locations = new Map<TokenSpan, TextLocation | undefined>();
  for (const [key, inDocument] of spansByKey) {
    const located = locateSpans(ngram.tokenizer, ngram.vocabulary, learned.texts.get(key) ?? '', inDocument);
    inDocument.forEach((span, i) => locations.set(span, located[i]));
  }
  return found.map((evidence, i) => ({
    ngram: evidence.ngram,
    total: evidence.total,
    occurrences: spans[i].map((span) => {
      const location = locations.get(span);
      if (!location) throw new Error(`evidence for ${JSON.stringify(words[i])} names token ${span.offset} of ${span.key}, which it does not have`);
      return { file: span.key, ...location };
    }),
  }));
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
    why: { type: 'boolean', help: `show where each candidate's n-gram occurs in the learned text (the first ${EVIDENCE_LIMIT} places, and how many there are; needs --train)` },
    temperature: SAMPLING_OPTIONS.temperature,
    'top-k': SAMPLING_OPTIONS['top-k'],
    'top-p': SAMPLING_OPTIONS['top-p'],
    ...OUTPUT_OPTIONS,
  },
  examples: ['predict --train sample-workspace --context "the next" --top 5', 'predict --model sample.nwl --context "the" --top all --json', 'cat notes.txt | next-word-lab predict --train - --context "the"', 'predict --model sample.nwl --context "import {" --temperature 2 --json'],
  async run({ values }, io) {
    const top = topOption(values);
    samplingOptions(values); // bad values fail before a possibly long training
    const why = flag(values, 'why');
    const loaded = await loadModel(values, io.progress(values), why ? true : undefined);
    const { model } = loaded;
    const learned = loaded.kind === 'ngram' ? loaded.learned : undefined;
    const longestMatch = learned?.longestMatch;
    const context = contextTokens(model, values, longestMatch !== undefined);
    let result = predict(longestMatch ?? model, context, top, values);
    if (why && learned && loaded.kind === 'ngram') {
      const evidence = candidatesEvidence(longestMatch ?? loaded.model, learned, context, result.candidates.map((candidate) => candidate.word));
      const candidates = result.candidates.map((candidate, i) => ({ ...candidate, evidence: evidence[i] }));
      result = { ...result, candidates };
    }
    if (values.json) io.json(result);
    else printPrediction(io, result, values);
  },
};
