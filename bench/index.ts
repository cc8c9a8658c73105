// The index section of `npm run bench`: the token index over the training text (built, memory per
// token, updated after an edit of a 2,000-line file, saved and loaded with the model), the longest-match
// estimator's prediction latency, and prediction accuracy — the default settings against order 3
// and order 5 Kneser-Ney — on the test text read as the editor reads it.
//
// The training text is cut into files of 2,000 lines (the reference split is one text; a workspace
// is files, and an edit touches one of them).

import { performance } from 'node:perf_hooks';
import { predictionAccuracy, type Accuracy } from '../src/core/accuracy';
import { contextAcrossLines, DEFAULT_LONGEST_MATCH, LongestMatchModel } from '../src/core/longestMatch';
import { NgramModel } from '../src/core/model';
import { readSnapshot, writeSnapshot } from '../src/core/snapshot';
import { buildSuffixArray } from '../src/core/suffixArray';
import { TokenIndex } from '../src/core/tokenIndex';
import { DEFAULT_SETTINGS } from '../src/protocol/settings';
import type { CoreCorpus } from './core';
import { bestAndMedian, percentiles, type BestAndMedian, type Percentiles } from './percentiles';

/** The floor on this machine. */
export const INDEX_TARGETS = { top1: 0.7, bytesPerToken: 8, buildSeconds: 1.5, editP99Ms: 5 };

const FILE_LINES = 2000;
const EDITS = 200;
const PREDICTIONS = 1000;

export interface AccuracyRow extends Accuracy {
  readonly settings: string;
  readonly seconds: number;
}

export interface IndexBenchResult {
  readonly corpus: string;
  readonly files: number;
  readonly tokens: number;
  readonly buildSeconds: BestAndMedian;
  readonly bytesPerToken: number;
  readonly editMs: Percentiles;
  readonly predictMs: Percentiles;
  readonly predictWithEditMs: Percentiles;
  readonly snapshotMegabytes: number;
  readonly snapshotSaveSeconds: number;
  readonly snapshotLoadSeconds: number;
  readonly accuracy: readonly AccuracyRow[];
  readonly defaults: { readonly estimator: string; readonly order: number; readonly maxContext: number; readonly minLength: number; readonly beta: number };
}

function files(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += FILE_LINES) out.push(lines.slice(i, i + FILE_LINES).join('\n'));
  return out;
}

function timed<T>(work: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export function runIndexBench(corpus: CoreCorpus, runs: number): IndexBenchResult {
  const texts = files(corpus.train);
  const order = DEFAULT_SETTINGS.order;
  const model = new NgramModel({ order, tokenizer: corpus.tokenizer });
  const index = new TokenIndex();
  const encoded = texts.map((text, i) => {
    const sentences = model.addText(text);
    index.set(`file${i}`, sentences);
    return sentences;
  });
  model.compact();

  // Build: the stream, SA-IS, and installing it (what a merge costs), best of `runs`.
  const builds: number[] = [];
  for (let run = 0; run < Math.max(1, runs); run++) {
    for (let i = 0; i < texts.length; i++) index.set(`file${i}`, encoded[i]);
    builds.push(
      timed(() => {
        const input = index.mergeInput();
        index.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
      }).seconds,
    );
  }
  const stats = index.stats();

  const test = corpus.test;
  const contexts: string[][] = [];
  const testLines = test.split(/\r\n|\r|\n/);
  for (let i = 0; contexts.length < PREDICTIONS && i < testLines.length; i += Math.max(1, Math.floor(testLines.length / PREDICTIONS))) {
    const before = testLines.slice(Math.max(0, i - 20), i + 1).join('\n');
    contexts.push(contextAcrossLines(corpus.tokenizer, before.slice(0, Math.max(0, before.length - Math.floor(testLines[i].length / 2))), i < 20));
  }
  const longestMatch = new LongestMatchModel(model, index);
  const predictTimes = (): number[] =>
    contexts.map((context) => {
      const started = performance.now();
      longestMatch.rank(context, 10);
      return performance.now() - started;
    });
  const predictMs = percentiles(predictTimes());

  // An edit of one 2,000-line file: a line changed, the file encoded again, the index told.
  const editMs: number[] = [];
  const target = Math.floor(texts.length / 2);
  const lines = texts[target].split('\n');
  for (let edit = 0; edit < EDITS; edit++) {
    const line = (edit * 37) % lines.length;
    const edited = [...lines.slice(0, line), `${lines[line]} edit${edit % 7}`, ...lines.slice(line + 1)].join('\n');
    const sentences = model.encodeText(edited);
    const started = performance.now();
    index.set(`file${target}`, sentences);
    editMs.push(performance.now() - started);
  }
  const predictWithEditMs = percentiles(predictTimes());

  // The server's snapshot: model, every file's sentences and the index, in one file (what a restart reads).
  index.set(`file${target}`, encoded[target]);
  const documents = texts.map((text, i) => ({ key: `file${i}`, size: text.length, mtimeMs: 0, withheld: '', encoded: encoded[i] }));
  const save = timed(() => writeSnapshot(model, documents, index));
  const load = timed(() => readSnapshot(save.value));
  if (load.value.index?.stats().tokens !== index.stats().tokens) throw new Error(`the snapshot did not restore the index: ${load.value.indexProblem}`);
  index.merge();

  const accuracy: AccuracyRow[] = [];
  const lineModel = (n: number): NgramModel => {
    if (n === order) return model;
    const other = new NgramModel({ order: n, tokenizer: corpus.tokenizer }, model.vocabulary);
    for (const sentences of encoded) other.addSentences(sentences);
    other.compact();
    return other;
  };
  for (const n of [3, 5]) {
    const ngram = lineModel(n);
    const walk = timed(() => predictionAccuracy(corpus.tokenizer, test, (context, k) => ({ ranked: ngram.candidates(context, k).map((c) => c.word) }), { acrossLines: false }));
    accuracy.push({ settings: `order ${n} kneser-ney, the line so far`, ...walk.value.accuracy, seconds: walk.seconds });
  }
  const walk = timed(() =>
    predictionAccuracy(corpus.tokenizer, test, (context, k) => ({ ranked: longestMatch.rank(context, k).candidates.map((c) => c.word) }), { acrossLines: true }),
  );
  accuracy.push({ settings: `defaults: ${DEFAULT_SETTINGS.smoothing} over order ${order} kneser-ney, context across lines`, ...walk.value.accuracy, seconds: walk.seconds });

  return {
    corpus: corpus.name,
    files: texts.length,
    tokens: stats.tokens,
    buildSeconds: bestAndMedian(builds, 'lowest'),
    bytesPerToken: stats.bytes / stats.tokens,
    editMs: percentiles(editMs),
    predictMs,
    predictWithEditMs,
    snapshotMegabytes: save.value.length / 2 ** 20,
    snapshotSaveSeconds: save.seconds,
    snapshotLoadSeconds: load.seconds,
    accuracy,
    defaults: { estimator: DEFAULT_SETTINGS.smoothing, order, ...DEFAULT_LONGEST_MATCH },
  };
}

const ms = (value: number): string => value.toFixed(value < 1 ? 3 : 1);
const check = (ok: boolean): string => (ok ? '✓' : '✗');

export function indexMarkdown(result: IndexBenchResult): string[] {
  const t = INDEX_TARGETS;
  const defaults = result.accuracy[result.accuracy.length - 1];
  return [
    `Corpus: ${result.corpus}; the training text cut into ${result.files} files of ${FILE_LINES} lines; ${result.tokens.toLocaleString('en-US')} tokens in the index (words, one \`</s>\` per line, one \`<s>\` per file).`,
    `Defaults: \`${result.defaults.estimator}\`, order ${result.defaults.order}, context ≤ ${result.defaults.maxContext} tokens, index answers matches ≥ ${result.defaults.minLength} tokens, β = ${result.defaults.beta}.`,
    '',
    '| figure | measured | target |',
    '|---|---|---|',
    `| top-1 accuracy, defaults (test text, as the editor reads it) | ${defaults.top1.toFixed(4)} | ≥ ${t.top1} ${check(defaults.top1 >= t.top1)} |`,
    `| index memory | ${result.bytesPerToken.toFixed(2)} bytes/token | ≤ ${t.bytesPerToken} ${check(result.bytesPerToken <= t.bytesPerToken)} |`,
    `| index build (stream + SA-IS), best / median of runs | ${result.buildSeconds.best.toFixed(2)} / ${result.buildSeconds.median.toFixed(2)} s | ≤ ${t.buildSeconds} s ${check(result.buildSeconds.best <= t.buildSeconds)} |`,
    `| index update after an edit of a 2,000-line file, p50 / p99 / max | ${ms(result.editMs.p50)} / ${ms(result.editMs.p99)} / ${ms(result.editMs.max)} ms | p99 ≤ ${t.editP99Ms} ms ${check(result.editMs.p99 <= t.editP99Ms)} |`,
    `| top-10 prediction (longest-match), p50 / p99 / max | ${ms(result.predictMs.p50)} / ${ms(result.predictMs.p99)} / ${ms(result.predictMs.max)} ms | |`,
    `| the same with the edited file pending (read by the linear pass) | ${ms(result.predictWithEditMs.p50)} / ${ms(result.predictWithEditMs.p99)} / ${ms(result.predictWithEditMs.max)} ms | |`,
    `| snapshot with the index (model, files' sentences, index: one file), size, save, load | ${result.snapshotMegabytes.toFixed(1)} MB, ${result.snapshotSaveSeconds.toFixed(2)} s, ${result.snapshotLoadSeconds.toFixed(2)} s | |`,
    '',
    '| settings | top-1 | top-5 | tokens | time |',
    '|---|---|---|---|---|',
    ...result.accuracy.map((row) => `| ${row.settings} | ${row.top1.toFixed(4)} | ${row.top5.toFixed(4)} | ${row.tokens.toLocaleString('en-US')} | ${row.seconds.toFixed(1)} s |`),
  ];
}

export function indexSummary(result: IndexBenchResult): string[] {
  return [
    `index: ${result.tokens} tokens, ${result.bytesPerToken.toFixed(2)} B/token, build ${result.buildSeconds.best.toFixed(2)} s, edit p99 ${ms(result.editMs.p99)} ms`,
    ...result.accuracy.map((row) => `accuracy ${row.settings}: top-1 ${row.top1.toFixed(4)}, top-5 ${row.top5.toFixed(4)}`),
  ];
}
