// Part of the core section of `npm run bench`: the command line as whole processes, as a user runs
// it (process start to exit: Node's start, reading the model or learning it, scoring, printing), with
// the phases each command reports, and KenLM's own tools the same way when KENLM_BIN names the folder
// that holds `lmplz`, `build_binary` and `query`.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CoreCorpus } from './core';

const ORDER = 3;

export interface ProcessRun {
  /** Process start to exit, seconds. */
  readonly wallSeconds: number;
}

export interface ProcessBenchResult {
  readonly order: number;
  readonly tokens: number;
  readonly train: ProcessRun & { readonly modelFileMegabytes: number };
  readonly score: ProcessRun & { readonly loadSeconds: number; readonly scoreSeconds: number };
  readonly eval: ProcessRun & { readonly loadSeconds: number; readonly scoreSeconds: number; readonly accuracySeconds: number };
  readonly kenlm?: {
    readonly lmplzSeconds: number;
    readonly buildBinarySeconds: number;
    readonly binaryMegabytes: number;
    readonly querySeconds: number;
    readonly perplexity: number | null;
  };
}

/** Runs `command` to completion; throws with its error output when it fails. */
function timed(command: string, args: readonly string[], options: { input?: string; stdoutFile?: string } = {}): { seconds: number; stdout: string } {
  const out = options.stdoutFile === undefined ? 'pipe' : fs.openSync(options.stdoutFile, 'w');
  const started = performance.now();
  const result = spawnSync(command, args, { input: options.input, stdio: ['pipe', out, 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (typeof out === 'number') fs.closeSync(out);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return { seconds, stdout: result.stdout ?? '' };
}

/** KenLM's tools on the same text, as whole processes: an order-3 model, its probing binary, and query over the test text. */
function runKenlm(bin: string, trainFile: string, testFile: string, folder: string): NonNullable<ProcessBenchResult['kenlm']> {
  const arpa = path.join(folder, 'kenlm.arpa');
  const binary = path.join(folder, 'kenlm.probing');
  const train = fs.readFileSync(trainFile, 'utf8');
  const lmplz = timed(path.join(bin, 'lmplz'), ['-o', String(ORDER)], { input: train, stdoutFile: arpa });
  const build = timed(path.join(bin, 'build_binary'), ['probing', arpa, binary]);
  const queryOutput = path.join(folder, 'query.txt');
  const query = timed(path.join(bin, 'query'), [binary], { input: fs.readFileSync(testFile, 'utf8'), stdoutFile: queryOutput });
  const perplexity = /Perplexity including OOVs:\s*([\d.]+)/.exec(fs.readFileSync(queryOutput, 'utf8'));
  return {
    lmplzSeconds: lmplz.seconds,
    buildBinarySeconds: build.seconds,
    binaryMegabytes: fs.statSync(binary).size / 1e6,
    querySeconds: query.seconds,
    perplexity: perplexity === null ? null : Number(perplexity[1]),
  };
}

export function runProcessBench(corpus: CoreCorpus, distDir: string): ProcessBenchResult {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-processes-'));
  try {
    const trainFile = path.join(folder, 'train.txt');
    const testFile = path.join(folder, 'test.txt');
    const modelFile = path.join(folder, 'model.nwl');
    fs.writeFileSync(trainFile, corpus.train);
    fs.writeFileSync(testFile, corpus.test);
    const cli = path.join(distDir, 'cli.js');
    const learning = ['--order', String(ORDER), '--smoothing', 'kneser-ney', '--tokenizer', corpus.tokenizer];
    const train = timed(process.execPath, [cli, 'train', '--train', trainFile, '--out', modelFile, ...learning]);
    // The per-token report goes to a file, as `query > file` would.
    const scoreFile = path.join(folder, 'score.json');
    const score = timed(process.execPath, [cli, 'score', '--model', modelFile, '--test', testFile, '--json'], { stdoutFile: scoreFile });
    const scored = JSON.parse(fs.readFileSync(scoreFile, 'utf8')) as { tokens: number; trainSeconds: number; scoreSeconds: number };
    const evaluation = timed(process.execPath, [cli, 'eval', '--model', modelFile, '--test', testFile, ...learning, '--json']);
    const evaluated = JSON.parse(evaluation.stdout) as { trainSeconds: number; scoreSeconds: number; accuracySeconds: number };
    const kenlmBin = process.env.KENLM_BIN;
    return {
      order: ORDER,
      tokens: scored.tokens,
      train: { wallSeconds: train.seconds, modelFileMegabytes: fs.statSync(modelFile).size / 1e6 },
      score: { wallSeconds: score.seconds, loadSeconds: scored.trainSeconds, scoreSeconds: scored.scoreSeconds },
      eval: { wallSeconds: evaluation.seconds, loadSeconds: evaluated.trainSeconds, scoreSeconds: evaluated.scoreSeconds, accuracySeconds: evaluated.accuracySeconds },
      ...(kenlmBin ? { kenlm: runKenlm(kenlmBin, trainFile, testFile, folder) } : {}),
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}


const rate = (tokens: number, seconds: number): string => `${(tokens / seconds / 1e6).toFixed(2)} M tokens/s`;

export function processMarkdown(result: ProcessBenchResult): string[] {
  const { tokens } = result;
  const rows: [string, string][] = [
    ['`train` (text → saved model), whole process', `${result.train.wallSeconds.toFixed(2)} s, model file ${result.train.modelFileMegabytes.toFixed(1)} MB`],
    ['`score --json` (per-token report to a file), whole process', `${result.score.wallSeconds.toFixed(2)} s (${rate(tokens, result.score.wallSeconds)})`],
    ['— of which loading the model · reading and scoring the test text', `${result.score.loadSeconds.toFixed(3)} s · ${result.score.scoreSeconds.toFixed(3)} s (${rate(tokens, result.score.scoreSeconds)})`],
    ['`eval`, whole process', `${result.eval.wallSeconds.toFixed(2)} s`],
    [
      '— of which loading · reading and scoring · predicting every token (accuracy)',
      `${result.eval.loadSeconds.toFixed(3)} s · ${result.eval.scoreSeconds.toFixed(3)} s (${rate(tokens, result.eval.scoreSeconds)}) · ${result.eval.accuracySeconds.toFixed(2)} s`,
    ],
  ];
  const kenlm = result.kenlm;
  if (kenlm) {
    rows.push(
      ['KenLM `lmplz -o 3` · `build_binary probing`, whole processes', `${kenlm.lmplzSeconds.toFixed(2)} s · ${kenlm.buildBinarySeconds.toFixed(2)} s, binary ${kenlm.binaryMegabytes.toFixed(1)} MB`],
      ['KenLM `query` (probing), whole process', `${kenlm.querySeconds.toFixed(2)} s (${rate(tokens, kenlm.querySeconds)}), perplexity ${kenlm.perplexity ?? 'not read'}`],
    );
  }
  return [
    '',
    `### The command line as whole processes (order ${result.order}, ${tokens.toLocaleString('en-US')} test tokens)`,
    '',
    'Process start to exit (`node dist/cli.js …`), with the phases each command reports in its JSON (`trainSeconds` is loading here, `scoreSeconds` reading the test file and scoring it, `accuracySeconds` eval\'s prediction of every token).' +
      (kenlm ? ' KenLM from KENLM_BIN, on the same files.' : ' KenLM was not run: set KENLM_BIN to the folder holding `lmplz`, `build_binary` and `query` to add it.'),
    '',
    '| measure | result |',
    '|---|---|',
    ...rows.map(([what, value]) => `| ${what} | ${value} |`),
  ];
}

export function processSummary(result: ProcessBenchResult): string[] {
  const lines = [
    `processes: score ${result.score.wallSeconds.toFixed(2)} s whole (load ${result.score.loadSeconds.toFixed(3)} s, score ${rate(result.tokens, result.score.scoreSeconds)}); ` +
      `eval ${result.eval.wallSeconds.toFixed(2)} s whole (load ${result.eval.loadSeconds.toFixed(3)} s, score ${rate(result.tokens, result.eval.scoreSeconds)}, accuracy ${result.eval.accuracySeconds.toFixed(2)} s)`,
  ];
  if (result.kenlm) lines.push(`processes: KenLM query ${result.kenlm.querySeconds.toFixed(2)} s whole (${rate(result.tokens, result.kenlm.querySeconds)}), binary ${result.kenlm.binaryMegabytes.toFixed(1)} MB`);
  return lines;
}
