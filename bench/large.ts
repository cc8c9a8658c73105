// `npm run bench -- --only large`: a large synthetic workspace (at least LARGE_TOKENS tokens) learned by
// the built server in a process of its own, over Node IPC as VS Code runs it. The workspace is the
// corpus repeated, each copy with its longer identifiers renamed (`name` → `name_3`), so the vocabulary
// and the n-grams grow as a monorepo's do rather than repeating. Measured: learning time, the server's
// peak resident memory (VmHWM), the model's own size, predict latency while it learns, the snapshot it
// saves, and a restart from that snapshot (time and peak memory of the restarted server).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StatusRequest } from '../src/protocol/lsp';
import type { TokenizerName } from '../src/core/types';
import { TestSession } from '../test/server/harness';
import { percentiles, type Percentiles } from './percentiles';

/** The workspace of issue 14 (380 MB, 24,000 files, 54 M tokens), which must fit in 1 GB. */
const LARGE_TOKENS = 54_000_000;
const LINES_PER_FILE = 200;
const FILES_PER_FOLDER = 100;
/** Identifiers at least this long get a per-copy suffix. */
const RENAMED_LENGTH = 6;

export interface LargeBenchResult {
  readonly copies: number;
  readonly files: number;
  readonly megabytes: number;
  readonly tokens: number;
  readonly vocabularySize: number;
  readonly learnSeconds: number;
  readonly modelMegabytes: number;
  readonly peakRssMegabytes: number | null;
  readonly predictWhileLearningMs: Percentiles;
  /** The server's line for the snapshot it wrote after learning. */
  readonly saveLine: string;
  readonly snapshotMegabytes: number;
  /** Process start to ready when restarted from that snapshot, and the restarted server's peak. */
  readonly restartSeconds: number;
  readonly restartPeakRssMegabytes: number | null;
  readonly restoreLine: string;
  readonly loadAverage: string;
}

/** Peak resident set (VmHWM, MB) of a process, from /proc (Linux); null elsewhere. */
function peakRssMegabytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

function writeLargeWorkspace(lines: readonly string[], copies: number): { folder: string; files: number; bytes: number } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-large-'));
  const identifier = new RegExp(`\\b[A-Za-z_][A-Za-z0-9_]{${RENAMED_LENGTH - 1},}\\b`, 'g');
  let files = 0;
  let bytes = 0;
  for (let copy = 0; copy < copies; copy++) {
    const renamed = copy === 0 ? lines : lines.map((line) => line.replace(identifier, (name) => `${name}_${copy}`));
    for (let start = 0; start < renamed.length; start += LINES_PER_FILE) {
      const dir = path.join(folder, `copy${copy}`, String(Math.floor(files / FILES_PER_FOLDER) % 1000).padStart(3, '0'));
      fs.mkdirSync(dir, { recursive: true });
      const text = `${renamed.slice(start, start + LINES_PER_FILE).join('\n')}\n`;
      fs.writeFileSync(path.join(dir, `part${files}.ts`), text);
      bytes += Buffer.byteLength(text);
      files++;
    }
  }
  return { folder, files, bytes };
}

export async function runLargeBench(options: { readonly text: string; readonly tokenizer: TokenizerName; readonly distDir: string }): Promise<LargeBenchResult> {
  const lines = options.text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const corpusTokens = lines.reduce((total, line) => total + line.split(/\s+/).filter((word) => word.length > 0).length, 0);
  const copies = Math.ceil(LARGE_TOKENS / Math.max(1, corpusTokens));
  const { folder, files, bytes } = writeLargeWorkspace(lines, copies);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-large-storage-'));
  const contexts = lines.slice(0, 500).map((line) => line.split(/\s+/).slice(0, 3).join(' '));
  const loadAverage = os.loadavg().map((value) => value.toFixed(1)).join(' ');
  try {
    const learnStart = performance.now();
    const session = await TestSession.spawn(path.join(options.distDir, 'server.js'), {
      folders: [folder],
      storagePath: storage,
      settings: { tokenizer: options.tokenizer, maxFileSizeKB: 4096 },
    });
    const latencies: number[] = [];
    for (let i = 0; (await session.client.sendRequest(StatusRequest.type)).state !== 'ready'; i++) {
      const sent = performance.now();
      await session.predict({ context: contexts[i % contexts.length], temperature: 0.7, candidates: 10 });
      latencies.push(performance.now() - sent);
    }
    const learnSeconds = (performance.now() - learnStart) / 1000;
    const status = await session.whenReady();
    const saveLine = await session.waitForLog(/^Saved the model/);
    const peak = peakRssMegabytes(session.serverProcess?.pid);
    await session.dispose();
    const snapshotMegabytes = fs.readdirSync(storage).reduce((total, name) => total + fs.statSync(path.join(storage, name)).size, 0) / 1e6;

    const restartStart = performance.now();
    const restarted = await TestSession.spawn(path.join(options.distDir, 'server.js'), {
      folders: [folder],
      storagePath: storage,
      settings: { tokenizer: options.tokenizer, maxFileSizeKB: 4096 },
    });
    const restartStatus = await restarted.whenReady();
    const restartSeconds = (performance.now() - restartStart) / 1000;
    if (!restartStatus.restoredFromSnapshot) throw new Error('the restart did not restore the snapshot');
    const restoreLine = await restarted.waitForLog(/^Restored the model/);
    const restartPeak = peakRssMegabytes(restarted.serverProcess?.pid);
    await restarted.dispose();
    return {
      copies,
      files,
      megabytes: bytes / 1e6,
      tokens: status.tokens,
      vocabularySize: status.vocabularySize,
      learnSeconds,
      modelMegabytes: status.modelBytes / 2 ** 20,
      peakRssMegabytes: peak,
      predictWhileLearningMs: percentiles(latencies),
      saveLine,
      snapshotMegabytes,
      restartSeconds,
      restartPeakRssMegabytes: restartPeak,
      restoreLine,
      loadAverage,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

export function largeSummary(result: LargeBenchResult): string[] {
  return largeRows(result).map(([what, value]) => `large: ${what}: ${value}`);
}

export function largeMarkdown(result: LargeBenchResult): string[] {
  return [
    `The corpus repeated ${result.copies} times, identifiers of ${RENAMED_LENGTH}+ characters renamed per copy, split into files of` +
      ` ${LINES_PER_FILE} lines and learned by the built server in its own process (default settings, no memory budget reached).` +
      ` Load average when it started: ${result.loadAverage} on a shared machine (${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores).`,
    '',
    '| measure | result |',
    '|---|---|',
    ...largeRows(result).map(([what, value]) => `| ${what} | ${value} |`),
  ];
}

function largeRows(result: LargeBenchResult): [string, string][] {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const latency = result.predictWhileLearningMs;
  return [
    ['workspace', `${result.files.toLocaleString('en-US')} files, ${result.megabytes.toFixed(0)} MB, ${result.tokens.toLocaleString('en-US')} tokens, ${result.vocabularySize.toLocaleString('en-US')} words`],
    ['learning (process start to ready)', `${result.learnSeconds.toFixed(1)} s`],
    ['model size (tables and vocabulary)', `${result.modelMegabytes.toFixed(0)} MB`],
    ['server peak resident memory (VmHWM)', result.peakRssMegabytes === null ? 'not measured' : `${result.peakRssMegabytes.toFixed(0)} MB (target ≤ 1024 MB)`],
    ['predict while learning', `p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)} (${latency.samples} requests)`],
    ['snapshot written after learning', `${result.snapshotMegabytes.toFixed(0)} MB on disk: ${result.saveLine}`],
    ['restart from the snapshot (process start to ready)', `${result.restartSeconds.toFixed(1)} s: ${result.restoreLine}`],
    ['restarted server peak resident memory (VmHWM)', result.restartPeakRssMegabytes === null ? 'not measured' : `${result.restartPeakRssMegabytes.toFixed(0)} MB`],
  ];
}
