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
import { bestAndMedian, type BestAndMedian } from './percentiles';

const ORDER = 3;

/** A process run several times: wall clock from start to exit, seconds. */
export type ProcessRuns = BestAndMedian;

/** The phases a command reports in its JSON, from the run with the best wall clock. */
export interface ScorePhases {
  readonly loadSeconds: number;
  readonly scoreSeconds: number;
}

export interface ProcessBenchResult {
  readonly order: number;
  readonly tokens: number;
  readonly runs: number;
  /** Load averages (1, 5, 15 minutes) before and after the timed processes. */
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  /** `node -e 0`: what any Node process costs before it does anything. */
  readonly nodeStart: ProcessRuns;
  readonly train: ProcessRuns & { readonly modelFileMegabytes: number };
  /** `score`, KenLM query's per-token layout as text. */
  readonly scoreText: ProcessRuns;
  readonly scoreJson: ProcessRuns & ScorePhases;
  readonly eval: ProcessRuns & ScorePhases & { readonly accuracySeconds: number };
  readonly kenlm?: {
    readonly lmplzSeconds: number;
    readonly buildBinarySeconds: number;
    readonly binaryMegabytes: number;
    readonly query: ProcessRuns;
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

/**
 * Each of `commands` run `runs` times, interleaved (one of each, then again), so that a change in the
 * machine's load falls on all of them alike; per command the best and median wall clock, and the
 * output of its best run.
 */
function repeated<K extends string>(runs: number, commands: Record<K, () => { seconds: number; stdout: string }>): Record<K, ProcessRuns & { stdout: string }> {
  const names = Object.keys(commands) as K[];
  const times = new Map<K, { seconds: number; stdout: string }[]>(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) for (const name of names) times.get(name)?.push(commands[name]());
  return Object.fromEntries(
    names.map((name) => {
      const runsOfName = times.get(name) ?? [];
      const fastest = runsOfName.reduce((best, run) => (run.seconds < best.seconds ? run : best));
      return [name, { ...bestAndMedian(runsOfName.map((run) => run.seconds), 'lowest'), stdout: fastest.stdout }];
    }),
  ) as Record<K, ProcessRuns & { stdout: string }>;
}

const loadAverage = (): number[] => os.loadavg().map((value) => Number(value.toFixed(2)));

export function runProcessBench(corpus: CoreCorpus, distDir: string, runs: number): ProcessBenchResult {
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
    const kenlmBin = process.env.KENLM_BIN;
    const kenlm = kenlmBin ? buildKenlm(kenlmBin, trainFile, folder) : undefined;
    // Every report goes to a file, as `query > file` would; the JSON ones are read back for their phases.
    const scoreFile = path.join(folder, 'score.json');
    const queryFile = path.join(folder, 'query.txt');
    const before = loadAverage();
    const timings = repeated(runs, {
      nodeStart: () => timed(process.execPath, ['-e', '0']),
      scoreText: () => timed(process.execPath, [cli, 'score', '--model', modelFile, '--test', testFile], { stdoutFile: path.join(folder, 'score.txt') }),
      scoreJson: () => {
        const run = timed(process.execPath, [cli, 'score', '--model', modelFile, '--test', testFile, '--json'], { stdoutFile: scoreFile });
        // Only the totals at the end are read (the report is tens of megabytes).
        const report = fs.readFileSync(scoreFile, 'utf8');
        return { seconds: run.seconds, stdout: report.slice(report.lastIndexOf('"perplexity"')) };
      },
      eval: () => timed(process.execPath, [cli, 'eval', '--model', modelFile, '--test', testFile, ...learning, '--json']),
      ...(kenlm ? { query: () => ({ ...timed(path.join(kenlmBin as string, 'query'), [kenlm.binary], { input: corpus.test, stdoutFile: queryFile }), stdout: fs.readFileSync(queryFile, 'utf8') }) } : {}),
    } as Record<'nodeStart' | 'scoreText' | 'scoreJson' | 'eval' | 'query', () => { seconds: number; stdout: string }>);
    const after = loadAverage();
    const scored = JSON.parse(`{${timings.scoreJson.stdout}`) as { tokens: number; trainSeconds: number; scoreSeconds: number };
    const evaluated = JSON.parse(timings.eval.stdout) as { trainSeconds: number; scoreSeconds: number; accuracySeconds: number };
    const runsOf = ({ best, median }: ProcessRuns): ProcessRuns => ({ best, median });
    const perplexity = kenlm ? /Perplexity including OOVs:\s*([\d.]+)/.exec(timings.query.stdout) : null;
    return {
      order: ORDER,
      tokens: scored.tokens,
      runs,
      loadAverage: { before, after },
      nodeStart: runsOf(timings.nodeStart),
      train: { best: train.seconds, median: train.seconds, modelFileMegabytes: fs.statSync(modelFile).size / 1e6 },
      scoreText: runsOf(timings.scoreText),
      scoreJson: { ...runsOf(timings.scoreJson), loadSeconds: scored.trainSeconds, scoreSeconds: scored.scoreSeconds },
      eval: { ...runsOf(timings.eval), loadSeconds: evaluated.trainSeconds, scoreSeconds: evaluated.scoreSeconds, accuracySeconds: evaluated.accuracySeconds },
      ...(kenlm
        ? {
            kenlm: {
              lmplzSeconds: kenlm.lmplzSeconds,
              buildBinarySeconds: kenlm.buildBinarySeconds,
              binaryMegabytes: kenlm.binaryMegabytes,
              query: runsOf(timings.query),
              perplexity: perplexity === null ? null : Number(perplexity[1]),
            },
          }
        : {}),
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** KenLM's order-3 model of the same text and its probing binary, built by its own tools as whole processes. */
function buildKenlm(bin: string, trainFile: string, folder: string): { lmplzSeconds: number; buildBinarySeconds: number; binaryMegabytes: number; binary: string } {
  const arpa = path.join(folder, 'kenlm.arpa');
  const binary = path.join(folder, 'kenlm.probing');
  const lmplz = timed(path.join(bin, 'lmplz'), ['-o', String(ORDER)], { input: fs.readFileSync(trainFile, 'utf8'), stdoutFile: arpa });
  const build = timed(path.join(bin, 'build_binary'), ['probing', arpa, binary]);
  return { lmplzSeconds: lmplz.seconds, buildBinarySeconds: build.seconds, binaryMegabytes: fs.statSync(binary).size / 1e6, binary };
}

const rate = (tokens: number, seconds: number): string => `${(tokens / seconds / 1e6).toFixed(2)} M tokens/s`;
const bestMedian = (runs: ProcessRuns): string => `${runs.best.toFixed(2)} · ${runs.median.toFixed(2)} s`;

export function processMarkdown(result: ProcessBenchResult): string[] {
  const { tokens, kenlm } = result;
  const queryBest = kenlm?.query.best;
  const versusQuery = (runs: ProcessRuns): string => (queryBest === undefined ? '' : `, ${(queryBest / runs.best).toFixed(2)} × query's speed`);
  const rows: [string, string][] = [
    ['`train` (text → saved model), once', `${result.train.best.toFixed(2)} s, model file ${result.train.modelFileMegabytes.toFixed(1)} MB`],
    ['`node -e 0` (a Node process that does nothing)', bestMedian(result.nodeStart)],
    ['`score` (per-token report in KenLM query\'s layout, to a file)', `${bestMedian(result.scoreText)} (${rate(tokens, result.scoreText.best)}${versusQuery(result.scoreText)})`],
    ['`score --json` (per-token JSON report, to a file)', `${bestMedian(result.scoreJson)} (${rate(tokens, result.scoreJson.best)}${versusQuery(result.scoreJson)})`],
    ['— of which loading the model · reading and scoring the test text', `${result.scoreJson.loadSeconds.toFixed(3)} s · ${result.scoreJson.scoreSeconds.toFixed(3)} s (${rate(tokens, result.scoreJson.scoreSeconds)})`],
    ['`eval` (perplexity and accuracy)', bestMedian(result.eval)],
    [
      '— of which loading · reading and scoring · predicting every token (accuracy)',
      `${result.eval.loadSeconds.toFixed(3)} s · ${result.eval.scoreSeconds.toFixed(3)} s (${rate(tokens, result.eval.scoreSeconds)}) · ${result.eval.accuracySeconds.toFixed(2)} s`,
    ],
  ];
  if (kenlm) {
    rows.push(
      ['KenLM `lmplz -o 3` · `build_binary probing`, once', `${kenlm.lmplzSeconds.toFixed(2)} s · ${kenlm.buildBinarySeconds.toFixed(2)} s, binary ${kenlm.binaryMegabytes.toFixed(1)} MB`],
      ['KenLM `query` (probing; per-token report to a file)', `${bestMedian(kenlm.query)} (${rate(tokens, kenlm.query.best)}), perplexity ${kenlm.perplexity ?? 'not read'}`],
    );
  }
  const load = (values: readonly number[]): string => values.map((value) => value.toFixed(1)).join(' ');
  return [
    '',
    `### The command line as whole processes (order ${result.order}, ${tokens.toLocaleString('en-US')} test tokens)`,
    '',
    `Process start to exit, best · median of ${result.runs} runs, the commands interleaved (load average ${load(result.loadAverage.before)} before, ${load(result.loadAverage.after)} after), with the phases each command reports in its JSON (\`trainSeconds\` is loading here, \`scoreSeconds\` reading the test file and scoring it, \`accuracySeconds\` eval's prediction of every token: eval's scoring part is the whole less that).` +
      (kenlm ? ' KenLM from KENLM_BIN, on the same files; "× query\'s speed" is its best time over the command\'s.' : ' KenLM was not run: set KENLM_BIN to the folder holding `lmplz`, `build_binary` and `query` to add it.'),
    '',
    '| measure | result |',
    '|---|---|',
    ...rows.map(([what, value]) => `| ${what} | ${value} |`),
  ];
}

export function processSummary(result: ProcessBenchResult): string[] {
  const lines = [
    `processes (best of ${result.runs}): node -e 0 ${result.nodeStart.best.toFixed(2)} s; score ${result.scoreText.best.toFixed(2)} s; score --json ${result.scoreJson.best.toFixed(2)} s (load ${result.scoreJson.loadSeconds.toFixed(3)} s, score ${rate(result.tokens, result.scoreJson.scoreSeconds)}); ` +
      `eval ${result.eval.best.toFixed(2)} s (load ${result.eval.loadSeconds.toFixed(3)} s, score ${rate(result.tokens, result.eval.scoreSeconds)}, accuracy ${result.eval.accuracySeconds.toFixed(2)} s)`,
  ];
  if (result.kenlm) lines.push(`processes: KenLM query ${result.kenlm.query.best.toFixed(2)} s (${rate(result.tokens, result.kenlm.query.best)}), binary ${result.kenlm.binaryMegabytes.toFixed(1)} MB`);
  return lines;
}
