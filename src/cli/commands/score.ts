// `score`: every token of held-out text with its log10 probability and the n-gram length that
// answered, as KenLM's `query` prints them, then the totals `eval` reports.

import { scoreText, sentenceScores, type ScoredText } from '../../core/evaluation';
import type { TokenScore } from '../../core/types';
import { OUTPUT_OPTIONS, jsonNumber, jsonText, type Command, type Io } from '../command';
import { MODEL_OPTIONS, loadModel, readTextFile, type LoadedModel } from '../load';
import { requiredString, type OptionValues } from '../options';
import { evalReport, printEvaluation, type EvalReport } from './evaluate';

/** `eval`'s report without accuracy: scoring is KenLM's query, an n-gram model's job. */
export type ScoreTotals = Omit<EvalReport, 'accuracy' | 'accuracySeconds'>;

/** The scored tokens and the totals; `--json` prints them as { sentences, ...totals }. */
export interface ScoreReport {
  readonly scored: ScoredText;
  readonly totals: ScoreTotals;
}

/** Reads and scores `testFile` token by token; the time includes reading, as for `eval`. */
export async function score(loaded: LoadedModel, testFile: string): Promise<ScoreReport> {
  const started = performance.now();
  const text = await readTextFile(testFile);
  const scored = scoreText(loaded.model, text);
  const report = evalReport(loaded, scored.perplexity, testFile, started);
  return { scored, totals: { ...report, scoreSeconds: report.evalSeconds } };
}

/** Bytes (or characters, for the text report) handed to the output at a time. */
const PIECE_BYTES = 1 << 20;

const utf8 = new TextEncoder();

/** UTF-8 appended to a buffer that is handed on (and replaced) whenever the next part would not fit. */
class Utf8Pieces {
  private bytes = new Uint8Array(PIECE_BYTES);
  private length = 0;
  readonly full: Uint8Array[] = [];

  /** Text known to be ASCII (numbers, the document's own punctuation), a byte per character. */
  ascii(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Bytes encoded already (copied one by one: most are a few bytes, where `set` costs more than it copies). */
  encoded(part: Uint8Array): void {
    this.room(part.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < part.length; i++) bytes[at++] = part[i];
    this.length = at;
  }

  /** Hands on what is written so far (with nothing written, nothing). */
  flush(): void {
    if (this.length === 0) return;
    this.full.push(this.bytes.subarray(0, this.length));
    this.bytes = new Uint8Array(PIECE_BYTES);
    this.length = 0;
  }

  private room(needed: number): void {
    if (this.length + needed <= this.bytes.length) return;
    this.flush();
    if (needed > this.bytes.length) this.bytes = new Uint8Array(needed);
  }
}

/**
 * The `--json` document, `{ sentences: [[{ word, log10Prob, ngramLength, inVocabulary }]], ...totals }`,
 * as UTF-8 in pieces: exactly the text `Io.json` prints for that object, written from the arrays
 * without an object per token or the document (tens of megabytes) as one string, whose building and
 * encoding took longer than the scoring. Each distinct word is escaped and encoded once.
 */
export function* scoreJsonPieces(report: ScoreReport): Generator<Uint8Array> {
  const { words, log10Probs, ngramLengths, inVocabulary, sentenceEnds } = report.scored;
  const out = new Utf8Pieces();
  const encodedWords = new Map<string, Uint8Array>();
  const part = (text: string): Uint8Array => utf8.encode(text);
  const openToken = part('\n      {\n        "word": ');
  const nextToken = part(',\n      {\n        "word": ');
  const probability = part(',\n        "log10Prob": ');
  const length = part(',\n        "ngramLength": ');
  const known = part(',\n        "inVocabulary": true\n      }');
  const unknown = part(',\n        "inVocabulary": false\n      }');
  out.ascii('{\n  "sentences": [');
  let start = 0;
  for (let sentence = 0; sentence < sentenceEnds.length; sentence++) {
    const end = sentenceEnds[sentence];
    out.ascii(sentence === 0 ? '\n    [' : ',\n    [');
    for (let i = start; i < end; i++) {
      out.encoded(i === start ? openToken : nextToken);
      let word = encodedWords.get(words[i]);
      if (word === undefined) {
        word = utf8.encode(JSON.stringify(words[i]));
        encodedWords.set(words[i], word);
      }
      out.encoded(word);
      out.encoded(probability);
      out.ascii(jsonNumber(log10Probs[i]));
      out.encoded(length);
      out.ascii(String(ngramLengths[i]));
      out.encoded(inVocabulary[i] === 1 ? known : unknown);
    }
    out.ascii(end > start ? '\n    ]' : ']');
    start = end;
    if (out.full.length > 0) yield* out.full.splice(0);
  }
  out.ascii(sentenceEnds.length > 0 ? '\n  ]' : ']');
  // The totals' own document without its opening brace continues this one.
  const totals = jsonText(report.totals);
  out.encoded(utf8.encode(`${totals === '{}' ? '\n}' : `,\n${totals.slice(2)}`}\n`));
  out.flush();
  yield* out.full;
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

/** The lines of `sentenceLine`, many to a piece: a write per line cost more than making the lines. */
function* sentenceLines(scored: ScoredText): Generator<string> {
  let piece = '';
  for (let sentence = 0; sentence < scored.sentenceEnds.length; sentence++) {
    piece += `${sentenceLine(sentenceScores(scored, sentence))}\n`;
    if (piece.length >= PIECE_BYTES) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}\n`;
}

export function printScores(io: Io, report: ScoreReport, loaded: LoadedModel, values: OptionValues): void {
  io.write(sentenceLines(report.scored));
  printEvaluation(io, report.totals, loaded, values);
}

export const scoreCommand: Command = {
  name: 'score',
  synopsis: 'score (--train PATH | --model FILE) --test FILE [options]',
  summary: "every token's log10 probability and answering n-gram length, as KenLM's query prints them",
  description: [
    "Scores every line of the test file as a sentence `<s> w1 … wk </s>` exactly as `eval` does (an unknown word is scored as `<unk>` and stays in the context) and prints, per line, each token as `word n log10p` — n is the length of the n-gram that answered (1 for an unknown word) — then the line's total and its unknown words, as KenLM's query does; the totals follow.",
    '--json prints { sentences: [[{ word, log10Prob, ngramLength, inVocabulary }]], perplexity, perplexityExcludingOov, tokens, oov, log10ProbTotal, crossEntropyBits, … }; a probability of 0 (maximum likelihood on an unseen n-gram) has log10Prob "-Infinity", as every infinite number in --json.',
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
    if (values.json) io.write(scoreJsonPieces(report));
    else printScores(io, report, loaded, values);
  },
};
