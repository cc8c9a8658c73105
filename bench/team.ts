// `npm run bench -- --only team`: a team's base model of 10 M and 50 M n-grams (NEXT_WORD_LAB_TEAM_NGRAMS
// overrides the sizes, in millions: `=10,50`), written as an order-3 ARPA file the way lmplz writes
// one, then read as the language server reads `nextWordLab.baseModel` (the worker's own function):
// the time to read and check it, the model's bytes and the process's memory, the time the server's
// thread spends taking the model over from the worker, the same for the file `import-arpa --out`
// saves, and a mixture prediction's latency against a workspace model of the corpus.
//
// The file is synthetic but a proper back-off model: V words with Zipf unigrams; every word but
// `</s>` and `<unk>` (and `<s>`) is followed by K2 listed words, every listed bigram by K3 of its last
// word's; p(w | h) = (1 − α)/k + α·p(w | h′) with back-off weight α, so every context's distribution
// sums to 1 and the reader's checks pass. n-grams = V·(1 + K2 + K2·K3).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ArpaModel } from '../src/core/arpa';
import { BaseModel, MixtureModel } from '../src/core/mixture';
import { NgramModel } from '../src/core/model';
import { contextBeforeCursor } from '../src/core/tokenizer';
import type { TokenizerName } from '../src/core/types';
import { readBaseModelFile } from '../src/server/baseModel';
import type { CoreCorpus } from './core';
import { percentiles, type Percentiles } from './percentiles';

const DEFAULT_SIZES_MILLIONS = [10, 50];
const K2 = 16;
const K3 = 2;
const ALPHA = 0.4;
/** Lines of the corpus the workspace model of the latency measurement learns. */
const WORKSPACE_LINES = 20_000;
const PREDICTIONS = 30;

export interface TeamSizeResult {
  readonly ngrams: readonly number[];
  readonly arpaMegabytes: number;
  readonly writeSeconds: number;
  /** Reading and checking the ARPA file, as the server's worker does. */
  readonly readSeconds: number;
  /** The model's arrays and vocabulary. */
  readonly modelMegabytes: number;
  /** Resident memory the model added to the process once read (the reader's garbage collected or not). */
  readonly rssAddedMegabytes: number;
  /** The process's peak resident memory so far (VmHWM), Linux only. */
  readonly peakRssMegabytes: number | null;
  /** The server thread's part: the model taken over from the worker's arrays (vocabulary and child index rebuilt). */
  readonly handoverMs: number;
  readonly savedMegabytes: number;
  readonly saveSeconds: number;
  /** Reading and checking the `import-arpa --out` file. */
  readonly readSavedSeconds: number;
  /** One prediction of the mixture (runs and the top 10) with the corpus's workspace model, over the union vocabulary. */
  readonly mixturePredictMs: Percentiles;
}

export interface TeamBenchResult {
  readonly workspaceTokens: number;
  readonly sizes: readonly TeamSizeResult[];
  readonly loadAverage: string;
}

function peakRssMegabytes(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

/** Writes the synthetic model of about `target` n-grams; returns its n-gram counts. */
function writeSyntheticArpa(file: string, target: number): number[] {
  const vocabulary = Math.max(16, Math.round(target / (1 + K2 + K2 * K3)));
  const words = vocabulary - 3;
  // Zipf unigrams over the words, `</s>` and `<unk>` (ids 0 `<unk>`, 2 `</s>`, words 3…).
  const unigram = new Float64Array(vocabulary);
  let total = 0;
  for (let id = 0; id < vocabulary; id++) {
    if (id === 1) continue;
    unigram[id] = 1 / (id + 10);
    total += unigram[id];
  }
  for (let id = 0; id < vocabulary; id++) unigram[id] /= total;
  const name = (id: number): string => (id === 0 ? '<unk>' : id === 1 ? '<s>' : id === 2 ? '</s>' : `w${id}`);
  // The j-th word listed after a context word a: distinct for j < K2 (a step coprime with the word count).
  const step = [104729, 7919, 1299709].find((prime) => words % prime !== 0) ?? 1;
  const child = (a: number, j: number): number => 3 + ((a * 31 + j * step) % words);
  const isContext = (id: number): boolean => id !== 0 && id !== 2;
  const log10 = (p: number): string => Math.log10(p).toPrecision(8);
  const backoff = Math.log10(ALPHA).toPrecision(8);

  const contexts = vocabulary - 2;
  const counts = [vocabulary, contexts * K2, contexts * K2 * K3];
  const fd = fs.openSync(file, 'w');
  let buffer: string[] = [];
  let buffered = 0;
  const write = (line: string): void => {
    buffer.push(line);
    buffered += line.length;
    if (buffered > 1 << 22) flush();
  };
  const flush = (): void => {
    fs.writeSync(fd, `${buffer.join('\n')}\n`);
    buffer = [];
    buffered = 0;
  };
  write('\\data\\');
  counts.forEach((count, i) => write(`ngram ${i + 1}=${count}`));
  write('');
  write('\\1-grams:');
  for (let id = 0; id < vocabulary; id++) {
    const probability = id === 1 ? '-99' : log10(unigram[id]);
    write(isContext(id) ? `${probability}\t${name(id)}\t${backoff}` : `${probability}\t${name(id)}`);
  }
  write('');
  write('\\2-grams:');
  const bigram = (w: number): number => (1 - ALPHA) / K2 + ALPHA * unigram[w];
  for (let a = 0; a < vocabulary; a++) {
    if (!isContext(a)) continue;
    for (let j = 0; j < K2; j++) {
      const w = child(a, j);
      write(`${log10(bigram(w))}\t${name(a)} ${name(w)}\t${backoff}`);
    }
  }
  write('');
  write('\\3-grams:');
  for (let a = 0; a < vocabulary; a++) {
    if (!isContext(a)) continue;
    for (let j = 0; j < K2; j++) {
      const b = child(a, j);
      // The trigram's words are among b's listed ones, so (b, w) is listed and p(w | b) is its bigram.
      for (let k = 0; k < K3; k++) {
        const w = child(b, (a + k) % K2);
        write(`${log10((1 - ALPHA) / K3 + ALPHA * bigram(w))}\t${name(a)} ${name(b)} ${name(w)}`);
      }
    }
  }
  write('');
  write('\\end\\');
  flush();
  fs.closeSync(fd);
  return counts;
}

async function measureSize(millions: number, workspace: NgramModel, contexts: readonly string[][], folder: string): Promise<TeamSizeResult> {
  const arpa = path.join(folder, `team-${millions}M.arpa`);
  let started = performance.now();
  const ngrams = writeSyntheticArpa(arpa, millions * 1_000_000);
  const writeSeconds = (performance.now() - started) / 1000;
  const arpaMegabytes = fs.statSync(arpa).size / 1e6;

  const rssBefore = process.memoryUsage().rss;
  started = performance.now();
  const model = await readBaseModelFile(arpa, 'words');
  const readSeconds = (performance.now() - started) / 1000;
  const rssAddedMegabytes = (process.memoryUsage().rss - rssBefore) / 1e6;
  fs.rmSync(arpa);

  started = performance.now();
  const handedOver = ArpaModel.fromParts(model.parts());
  const handoverMs = performance.now() - started;

  const saved = path.join(folder, `team-${millions}M.nwla`);
  started = performance.now();
  fs.writeFileSync(saved, handedOver.toBytes());
  const saveSeconds = (performance.now() - started) / 1000;
  const savedMegabytes = fs.statSync(saved).size / 1e6;
  started = performance.now();
  await readBaseModelFile(saved, 'words');
  const readSavedSeconds = (performance.now() - started) / 1000;
  fs.rmSync(saved);

  const base = new BaseModel(handedOver, arpa);
  const times: number[] = [];
  for (const context of contexts) {
    const mixture = new MixtureModel(workspace, base, 0.5);
    started = performance.now();
    mixture.runs(context, { withoutUnknown: true });
    mixture.candidates(context, 10);
    times.push(performance.now() - started);
  }
  return {
    ngrams,
    arpaMegabytes,
    writeSeconds,
    readSeconds,
    modelMegabytes: model.byteLength() / 1e6,
    rssAddedMegabytes,
    peakRssMegabytes: peakRssMegabytes(),
    handoverMs,
    savedMegabytes,
    saveSeconds,
    readSavedSeconds,
    mixturePredictMs: percentiles(times),
  };
}

export async function runTeamBench(corpus: CoreCorpus): Promise<TeamBenchResult> {
  const sizes = (process.env.NEXT_WORD_LAB_TEAM_NGRAMS ?? DEFAULT_SIZES_MILLIONS.join(','))
    .split(',')
    .map(Number)
    .filter((value) => value > 0);
  const tokenizer: TokenizerName = corpus.tokenizer;
  const lines = corpus.train.split('\n').slice(0, WORKSPACE_LINES);
  const workspace = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer });
  workspace.addText(lines.join('\n'));
  const contexts = Array.from({ length: PREDICTIONS }, (_, i) => {
    const line = lines[(i * 613) % lines.length];
    return contextBeforeCursor(tokenizer, line, Math.floor(line.length / 2));
  });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-team-'));
  const results: TeamSizeResult[] = [];
  try {
    for (const millions of sizes) results.push(await measureSize(millions, workspace, contexts, folder));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return { workspaceTokens: workspace.stats().tokens, sizes: results, loadAverage: os.loadavg().map((value) => value.toFixed(1)).join(' ') };
}

const total = (counts: readonly number[]): number => counts.reduce((sum, count) => sum + count, 0);
const millionsOf = (counts: readonly number[]): string => `${(total(counts) / 1e6).toFixed(1)} M`;

export function teamMarkdown(result: TeamBenchResult): string[] {
  return [
    `A synthetic order-3 ARPA model (Zipf unigrams, ${K2} listed words after each word, ${K3} after each listed bigram, back-off weight ${ALPHA}: every distribution sums to 1) read as \`nextWordLab.baseModel\` is read (\`readBaseModelFile\`, the worker's function), in one process, sizes in turn (peak memory is the process's so far). Mixture predictions: the runs and the top 10 of λ = 0.5 with an order-3 Kneser-Ney workspace model of ${result.workspaceTokens.toLocaleString('en-US')} tokens of the corpus. Load average at the end: ${result.loadAverage}.`,
    '',
    '| n-grams (1/2/3) | ARPA file | read and check | model in memory | RSS added | peak RSS | server thread: take-over | `import-arpa --out` file | save | read saved | mixture predict p50 / max |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.sizes.map(
      (size) =>
        `| ${millionsOf(size.ngrams)} (${size.ngrams.map((count) => count.toLocaleString('en-US')).join(' / ')}) | ${size.arpaMegabytes.toFixed(0)} MB | ${size.readSeconds.toFixed(1)} s | ${size.modelMegabytes.toFixed(0)} MB | ${size.rssAddedMegabytes.toFixed(0)} MB | ${size.peakRssMegabytes === null ? '—' : `${size.peakRssMegabytes.toFixed(0)} MB`} | ${size.handoverMs.toFixed(0)} ms | ${size.savedMegabytes.toFixed(0)} MB | ${size.saveSeconds.toFixed(1)} s | ${size.readSavedSeconds.toFixed(1)} s | ${size.mixturePredictMs.p50.toFixed(1)} / ${size.mixturePredictMs.max.toFixed(1)} ms |`,
    ),
  ];
}

export function teamSummary(result: TeamBenchResult): string[] {
  return result.sizes.map(
    (size) =>
      `team ${millionsOf(size.ngrams)} n-grams: ARPA ${size.arpaMegabytes.toFixed(0)} MB read and checked in ${size.readSeconds.toFixed(1)} s, model ${size.modelMegabytes.toFixed(0)} MB (RSS +${size.rssAddedMegabytes.toFixed(0)} MB, peak ${size.peakRssMegabytes?.toFixed(0) ?? '—'} MB), take-over ${size.handoverMs.toFixed(0)} ms; saved ${size.savedMegabytes.toFixed(0)} MB in ${size.saveSeconds.toFixed(1)} s, read back in ${size.readSavedSeconds.toFixed(1)} s; mixture predict p50 ${size.mixturePredictMs.p50.toFixed(1)} ms, max ${size.mixturePredictMs.max.toFixed(1)} ms`,
  );
}
