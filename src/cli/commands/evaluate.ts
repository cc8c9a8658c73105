// `eval`: perplexity of held-out text, as KenLM's `query` reports it.

import { perplexityOf } from '../../core/evaluation';
import { predictionAccuracy, type Accuracy, type NextWordRanker } from '../../core/accuracy';
import type { Perplexity } from '../../core/types';
import { OUTPUT_OPTIONS, type Command, type Io } from '../command';
import { CliError } from '../errors';
import { MODEL_OPTIONS, STANDARD_STREAM, loadModel, readTextFile, type LoadedModel } from '../load';
import { requiredString, type OptionValues } from '../options';
import { bytes, integer, table } from '../render';
import { describeModel } from './train';

export interface EvalReport extends Perplexity {
  /** Predict Next Word's hit rate at T = 0 on the test text, read as the editor reads it. */
  readonly accuracy: { readonly top1: number; readonly top5: number };
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /**
   * Of evalSeconds, reading and scoring the test file (KenLM query's work); with longest-match one
   * walk scores and predicts, so this is all of evalSeconds.
   */
  readonly scoreSeconds: number;
  /** Of evalSeconds, predicting every token for the accuracy (0 when the walk that scored did it). */
  readonly accuracySeconds: number;
  readonly modelBytes: number;
  readonly order: number;
  readonly source: LoadedModel['kind'];
  /** False for stupid-backoff: its scores do not sum to 1, so the "perplexity" is not one. */
  readonly isProbability: boolean;
}

/** Stupid backoff scores words; the others give a probability distribution. */
function givesProbabilities(loaded: LoadedModel): boolean {
  return loaded.kind === 'arpa' || loaded.model.estimator.name !== 'stupid-backoff';
}

/** Reads and scores `testFile`; the time includes reading (as a user waits for it). */
export async function evaluate(loaded: LoadedModel, testFile: string): Promise<EvalReport> {
  const started = performance.now();
  const text = await readTextFile(testFile);
  const { model } = loaded;
  const longestMatch = loaded.kind === 'ngram' ? loaded.learned?.longestMatch : undefined;
  let perplexity: Perplexity;
  let accuracy: Accuracy;
  let scored: number | undefined;
  if (longestMatch) {
    // Contexts across lines: one walk predicts and scores every token.
    const walk = predictionAccuracy(
      model.tokenizer,
      text,
      (context, k, next) => {
        const { answer, candidates } = longestMatch.rank(context, k);
        return { ranked: candidates.map((candidate) => candidate.word), score: longestMatch.scoreWith(answer, next) };
      },
      { acrossLines: true },
    );
    accuracy = walk.accuracy;
    perplexity = perplexityOf(walk.totals ?? { tokens: 0, oov: 0, log10ProbTotal: 0, knownLog10ProbTotal: 0 });
  } else {
    perplexity = perplexityOf(model.scoreSentences(model.encodeForScoring(text)));
    scored = performance.now();
    accuracy = predictionAccuracy(model.tokenizer, text, rankingsByContext(model), { acrossLines: false }).accuracy;
  }
  const report = evalReport(loaded, perplexity, testFile, started);
  const scoreSeconds = scored === undefined ? report.evalSeconds : (scored - started) / 1000;
  return { ...report, scoreSeconds, accuracySeconds: report.evalSeconds - scoreSeconds, accuracy: { top1: accuracy.top1, top5: accuracy.top5 } };
}

/** Rankings kept at most (each a few words; a test file's contexts repeat, most of them often). */
const KEPT_RANKINGS = 1 << 17;

/**
 * The n-gram model's k likeliest words after a context, kept by the context's last order − 1
 * tokens, on which alone they depend: a held-out text repeats its contexts, and ranking a common
 * one walks thousands of continuations.
 */
function rankingsByContext(model: LoadedModel['model']): NextWordRanker {
  const kept = new Map<string, { readonly k: number; readonly ranked: readonly string[] }>();
  return (context, k) => {
    const key = context.slice(Math.max(0, context.length - (model.order - 1))).join('\n');
    const cached = kept.get(key);
    if (cached !== undefined && cached.k === k) return { ranked: cached.ranked };
    if (kept.size >= KEPT_RANKINGS) kept.clear();
    const ranked = model.candidates(context, k).map((candidate) => candidate.word);
    kept.set(key, { k, ranked });
    return { ranked };
  };
}

/** The report on a scored test file (without accuracy, which only `eval` measures); a file without a word is an error (10^(0/0) would print as a perplexity of NaN). */
export function evalReport(loaded: LoadedModel, perplexity: Perplexity, testFile: string, started: number): Omit<EvalReport, 'accuracy' | 'scoreSeconds' | 'accuracySeconds'> {
  if (perplexity.tokens === 0) throw new CliError(`${testFile === STANDARD_STREAM ? 'standard input' : testFile} has no words to score`);
  const { model } = loaded;
  return {
    ...perplexity,
    trainSeconds: loaded.seconds,
    evalSeconds: (performance.now() - started) / 1000,
    modelBytes: model.byteLength(),
    order: model.order,
    source: loaded.kind,
    isProbability: givesProbabilities(loaded),
  };
}

export function printEvaluation(io: Io, report: Omit<EvalReport, 'accuracy' | 'accuracySeconds'> & Partial<Pick<EvalReport, 'accuracy' | 'accuracySeconds'>>, loaded: LoadedModel, values: OptionValues): void {
  const learned = loaded.kind === 'ngram' && values.train !== undefined;
  const name = report.isProbability ? 'perplexity' : 'score "perplexity"';
  io.print(
    table(
      [
        ...(report.accuracy ? [['accuracy', `${(100 * report.accuracy.top1).toFixed(1)} %`, `the likeliest word is the next token; ${(100 * report.accuracy.top5).toFixed(1)} % among the five likeliest`]] : []),
        [name, report.perplexity.toFixed(2), `including ${integer(report.oov)} unknown words`],
        ['without unknown words', report.perplexityExcludingOov.toFixed(2), ''],
        ['cross-entropy', report.crossEntropyBits.toFixed(3), 'bits per token'],
        ['tokens', integer(report.tokens), 'words plus one </s> per line'],
        ['model', bytes(report.modelBytes), describeModel(loaded)],
        [
          'time',
          `${report.trainSeconds.toFixed(2)} s`,
          `${learned ? 'learning' : 'loading'}; scoring ${report.scoreSeconds.toFixed(2)} s (${(report.tokens / report.scoreSeconds / 1e6).toFixed(2)} M tokens/s, reading included)` +
            (report.accuracySeconds ? `; accuracy ${report.accuracySeconds.toFixed(2)} s` : ''),
        ],
      ],
      ['l', 'r', 'l'],
    ),
  );
  if (!report.isProbability) {
    io.print(io.style.warn('stupid-backoff gives scores that do not sum to 1: these are not perplexities or entropies, only comparable with each other'));
  }
}

export const evalCommand: Command = {
  name: 'eval',
  synopsis: 'eval (--train PATH | --model FILE) --test FILE [options]',
  summary: 'perplexity of held-out text, with and without out-of-vocabulary words',
  description: [
    "Scores every line of the test file as a sentence `<s> w1 … wk </s>`, as KenLM's query does: every word and one `</s>` per line count as tokens, an unknown word is scored as `<unk>` and stays in the context. Perplexity = 10^(−Σ log10 p / tokens); excluding OOVs drops the unknown words' probabilities and count. trainSeconds is the time to learn (or load) the model, evalSeconds the time to read the test file, score it and measure the accuracy: scoreSeconds of it to read and score (as KenLM's query does), accuracySeconds to predict every token.",
    'Accuracy: the share of those tokens equal to the word Predict Next Word would insert at temperature 0 (the likeliest; `<unk>` never counts), and the share among the five likeliest. With longest-match (the default) the test file is read as the editor reads it, the context running across lines from the file start, and perplexity is that of the longest-match distribution; with the n-gram estimators the context is the line so far.',
  ],
  options: {
    ...MODEL_OPTIONS,
    test: { type: 'string', value: 'FILE', help: 'the held-out text to score (- for standard input)' },
    ...OUTPUT_OPTIONS,
  },
  examples: [
    'eval --train train.txt --test test.txt --order 3 --smoothing kneser-ney --tokenizer whitespace --json',
    'eval --model model.arpa --test test.txt',
  ],
  async run({ values }, io) {
    const testFile = requiredString(values, 'test', 'the text to score');
    const loaded = await loadModel(values, io.progress(values));
    const report = await evaluate(loaded, testFile);
    if (values.json) io.json(report);
    else printEvaluation(io, report, loaded, values);
  },
};
