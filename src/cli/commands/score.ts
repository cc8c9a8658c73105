// `score`: every token of held-out text with its log10 probability and the n-gram length that
// answered, as KenLM's `query` prints them, then the totals `eval` reports.

import { evaluateText } from '../../core/evaluation';
import type { TokenScore } from '../../core/types';
import { OUTPUT_OPTIONS, type Command, type Io } from '../command';
import { MODEL_OPTIONS, loadModel, readTextFile, type LoadedModel } from '../load';
import { requiredString, type OptionValues } from '../options';
import { evalReport, printEvaluation, type EvalReport } from './evaluate';

/** `eval`'s report without accuracy: scoring is KenLM's query, an n-gram model's job. */
export interface ScoreReport extends Omit<EvalReport, 'accuracy' | 'accuracySeconds'> {
  /** Per sentence (a non-blank line of the test file), per token: its words, then `</s>`. */
  readonly sentences: readonly (readonly TokenScore[])[];
}

/** Reads and scores `testFile` token by token; the time includes reading, as for `eval`. */
export async function score(loaded: LoadedModel, testFile: string): Promise<ScoreReport> {
  const started = performance.now();
  const text = await readTextFile(testFile);
  const { model } = loaded;
  const { perplexity, sentences = [] } = evaluateText(model, text, { perToken: true });
  const report = evalReport(loaded, perplexity, testFile, started);
  return { sentences, ...report, scoreSeconds: report.evalSeconds };
}

/** One sentence as KenLM's query prints it: `word ngram-length log10p` per token, tab-separated, then the line's total. */
function sentenceLine(tokens: readonly TokenScore[]): string {
  let total = 0;
  let oov = 0;
  const fields = tokens.map((token) => {
    total += token.log10Prob;
    if (!token.inVocabulary) oov++;
    return `${token.word} ${token.ngramLength} ${token.log10Prob.toPrecision(8)}`;
  });
  return `${fields.join('\t')}\tTotal: ${total.toPrecision(8)} OOV: ${oov}`;
}

export function printScores(io: Io, report: ScoreReport, loaded: LoadedModel, values: OptionValues): void {
  for (const sentence of report.sentences) io.print(sentenceLine(sentence));
  io.print();
  printEvaluation(io, report, loaded, values);
}

export const scoreCommand: Command = {
  name: 'score',
  synopsis: 'score (--train PATH | --model FILE) --test FILE [options]',
  summary: "every token's log10 probability and answering n-gram length, as KenLM's query prints them",
  description: [
    "Scores every line of the test file as a sentence `<s> w1 … wk </s>` exactly as `eval` does (an unknown word is scored as `<unk>` and stays in the context) and prints, per line, each token as `word n log10p` — n is the length of the n-gram that answered (1 for an unknown word) — then the line's total and its unknown words, as KenLM's query does; the totals follow.",
    '--json prints { sentences: [[{ word, log10Prob, ngramLength, inVocabulary }]], perplexity, perplexityExcludingOov, tokens, oov, log10ProbTotal, crossEntropyBits, … }; a probability of 0 (maximum likelihood on an unseen n-gram) has log10Prob null.',
  ],
  options: {
    ...MODEL_OPTIONS,
    test: { type: 'string', value: 'FILE', help: 'the held-out text to score' },
    ...OUTPUT_OPTIONS,
  },
  examples: [
    'score --train train.txt --test test.txt --order 3 --smoothing kneser-ney --tokenizer whitespace --json',
    'score --model kenlm.arpa --test test.txt',
  ],
  async run({ values }, io) {
    const testFile = requiredString(values, 'test', 'the text to score');
    const loaded = await loadModel(values, io.progress(values), false);
    const report = await score(loaded, testFile);
    if (values.json) io.json(report);
    else printScores(io, report, loaded, values);
  },
};
