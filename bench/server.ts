// The language server's section of `npm run bench`: the reference code corpus learned as a workspace
// (files/s, MB/s), predict latency through a real LSP connection (idle and while learning), the
// incremental update after an edit to a 2,000-line file, a restart from the persisted model, and the
// extension bundle's load cost. The server runs in-process over two streams, as in test/server.

import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TokenizerName } from '../src/core/types';
import { StatusRequest } from '../src/protocol/lsp';
import { WorkspaceModel } from '../src/server/workspaceModel';
import { TestSession } from '../test/server/harness';

/** Lines per file when the corpus is split into a workspace (the corpus came from ~1,200 files). */
const LINES_PER_FILE = 200;
const PREDICT_REQUESTS = 2_000;
const EDITED_FILE_LINES = 2_000;
const EDITS = 200;

export interface ServerBenchResult {
  readonly files: number;
  readonly megabytes: number;
  readonly tokens: number;
  readonly learnSeconds: number;
  /** The server's own log line for the snapshot written after learning (size, time). */
  readonly saveLine: string;
  readonly predictMs: Percentiles;
  /** CPU time per predict request: what it costs on an otherwise idle core. */
  readonly predictCpuMs: Percentiles;
  readonly predictAfterEditMs: Percentiles;
  readonly predictWhileLearningMs: Percentiles;
  readonly incrementalUpdateMs: Percentiles;
  readonly editRoundTripMs: Percentiles;
  readonly restartSeconds: number;
  /** The server's own log line for loading the snapshot (the rest of a restart is finding the files). */
  readonly restoreLine: string;
  readonly extensionBundleKB: number;
  readonly extensionLoadMs: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

function writeWorkspace(lines: readonly string[]): { folder: string; files: number; bytes: number } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-workspace-'));
  let files = 0;
  let bytes = 0;
  for (let start = 0; start < lines.length; start += LINES_PER_FILE) {
    const dir = path.join(folder, 'src', String(Math.floor(files / 100)).padStart(2, '0'));
    fs.mkdirSync(dir, { recursive: true });
    const text = `${lines.slice(start, start + LINES_PER_FILE).join('\n')}\n`;
    fs.writeFileSync(path.join(dir, `part${files}.ts`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { folder, files, bytes };
}

/** Wall-clock time per request, and the CPU time this process spent on it (client and server both run here). */
interface Timings {
  readonly wall: number[];
  readonly cpu: number[];
}

async function timePredictions(session: TestSession, contexts: readonly string[], count: number): Promise<Timings> {
  const timings: Timings = { wall: [], cpu: [] };
  for (let i = 0; i < count; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await session.predict({ context: contexts[i % contexts.length], candidates: 10 });
    timings.wall.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    timings.cpu.push((cpu.user + cpu.system) / 1000);
  }
  return timings;
}

/** Line prefixes of the corpus, as a cursor would see them mid-line. */
function contextsFrom(lines: readonly string[], count: number): string[] {
  const contexts: string[] = [];
  for (let i = 0; contexts.length < count; i += 97) {
    const words = lines[i % lines.length].split(' ');
    contexts.push(words.slice(0, 1 + (i % Math.max(1, words.length))).join(' '));
  }
  return contexts;
}

/** The edit path in isolation: one changed line in a 2,000-line open document. */
function timeIncrementalUpdates(lines: readonly string[], tokenizer: TokenizerName): number[] {
  const workspace = new WorkspaceModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer });
  const texts = lines.slice(0, EDITED_FILE_LINES);
  const entry = workspace.setText('/bench/big.ts', 'file:///bench/big.ts', texts.join('\n'), { size: 0, mtimeMs: 0 });
  workspace.applyEditorText(entry, texts.join('\n'));
  const samples: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const line = (i * 37) % texts.length;
    texts[line] = `${texts[line]} edit${i}`;
    const text = texts.join('\n');
    const start = performance.now();
    workspace.applyEditorText(entry, text);
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * The same edits through the server: didChange then a request answered after it (the round trip),
 * and a prediction right after an edit (the model changed, so nothing cached about it holds).
 */
async function timeEdits(
  session: TestSession,
  folder: string,
  lines: readonly string[],
  contexts: readonly string[],
): Promise<{ roundTrips: number[]; predictAfterEdit: number[] }> {
  const file = path.join(folder, 'src', 'big.ts');
  const text = lines.slice(0, EDITED_FILE_LINES).join('\n');
  fs.writeFileSync(file, text);
  await session.fileEvent(file, 'created');
  await session.waitForStatus((status) => status.filesLearned === status.filesTotal && status.state === 'ready');
  const uri = await session.open(file, text);
  const roundTrips: number[] = [];
  const predictAfterEdit: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const line = (i * 37) % EDITED_FILE_LINES;
    const start = performance.now();
    await session.edit(uri, { start: [line, 0], end: [line, 0] }, `edit${i} `);
    await session.client.sendRequest(StatusRequest.type);
    roundTrips.push(performance.now() - start);
    await session.edit(uri, { start: [line, 0], end: [line, 0] }, `again${i} `);
    predictAfterEdit.push(...(await timePredictions(session, [contexts[i % contexts.length]], 1)).wall);
  }
  await session.close(uri);
  return { roundTrips, predictAfterEdit };
}

/** Loads the built extension bundle with an inert `vscode` module, timing the require alone. */
function timeExtensionLoad(bundle: string): number {
  const inert: object = new Proxy(function () {} as object, { get: () => inert, apply: () => inert, construct: () => inert });
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request, ...rest) => (request === 'vscode' ? inert : original(request, ...rest));
  try {
    const load = Module.createRequire(bundle);
    const start = performance.now();
    load(bundle);
    return performance.now() - start;
  } finally {
    loader._load = original;
  }
}

export interface ServerBenchOptions {
  /** The corpus, split into files of LINES_PER_FILE lines to make a workspace. */
  readonly text: string;
  readonly tokenizer: TokenizerName;
  /** Where the built extension bundle is. */
  readonly distDir: string;
}

export async function runServerBench(options: ServerBenchOptions): Promise<ServerBenchResult> {
  const lines = options.text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const { folder, files, bytes } = writeWorkspace(lines);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-storage-'));
  const settings = { tokenizer: options.tokenizer, maxFileSizeKB: 4096 };
  const contexts = contextsFrom(lines, 500);
  const saved = /^Saved the model/;
  try {
    const learnStart = performance.now();
    const session = await TestSession.start({ folders: [folder], storagePath: storage, settings });
    const learned = await session.whenReady();
    const learnSeconds = (performance.now() - learnStart) / 1000;
    // The first save follows learning at once; measure requests after it, not against it.
    const saveLine = await session.waitForLog(saved);

    const predict = await timePredictions(session, contexts, PREDICT_REQUESTS);
    const edits = await timeEdits(session, folder, lines, contexts);

    // Learning again from scratch, with requests arriving all along: the learner must yield to them.
    const logged = session.logs.length;
    await session.relearn();
    const whileLearning: number[] = [];
    while ((await session.client.sendRequest(StatusRequest.type)).state !== 'ready') {
      whileLearning.push(...(await timePredictions(session, contexts, 10)).wall);
    }
    await session.waitForLog(saved, logged);
    await session.dispose();

    const restartStart = performance.now();
    const restarted = await TestSession.start({ folders: [folder], storagePath: storage, settings });
    const restartStatus = await restarted.whenReady();
    const restartSeconds = (performance.now() - restartStart) / 1000;
    if (!restartStatus.restoredFromSnapshot) throw new Error('the restart did not restore the snapshot');
    const restoreLine = await restarted.waitForLog(/^Restored the model/);
    await restarted.dispose();

    const bundle = path.join(options.distDir, 'extension.js');
    return {
      files,
      megabytes: bytes / 1e6,
      tokens: learned.tokens,
      learnSeconds,
      saveLine,
      predictMs: percentiles(predict.wall),
      predictCpuMs: percentiles(predict.cpu),
      predictAfterEditMs: percentiles(edits.predictAfterEdit),
      predictWhileLearningMs: percentiles(whileLearning),
      incrementalUpdateMs: percentiles(timeIncrementalUpdates(lines, options.tokenizer)),
      editRoundTripMs: percentiles(edits.roundTrips),
      restartSeconds,
      restoreLine,
      extensionBundleKB: fs.statSync(bundle).size / 1024,
      extensionLoadMs: timeExtensionLoad(bundle),
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** The console lines: one per measure, with the target it is held to. */
export function serverSummary(result: ServerBenchResult): string[] {
  return [
    `server: learned ${result.files.toLocaleString('en-US')} files, ${result.megabytes.toFixed(1)} MB, ${result.tokens.toLocaleString('en-US')} tokens in ${result.learnSeconds.toFixed(2)} s` +
      ` (${(result.files / result.learnSeconds).toFixed(0)} files/s, ${(result.megabytes / result.learnSeconds).toFixed(2)} MB/s)`,
    `server: ${result.saveLine}`,
    `server: predict p50 ${ms(result.predictMs.p50)}, p99 ${ms(result.predictMs.p99)} (target p99 ≤ 20 ms); CPU time p50 ${ms(result.predictCpuMs.p50)}, p99 ${ms(result.predictCpuMs.p99)}`,
    `server: predict right after an edit p50 ${ms(result.predictAfterEditMs.p50)}, p99 ${ms(result.predictAfterEditMs.p99)}`,
    `server: predict while learning p50 ${ms(result.predictWhileLearningMs.p50)}, p99 ${ms(result.predictWhileLearningMs.p99)}`,
    `server: incremental update, one line of a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line file: p50 ${ms(result.incrementalUpdateMs.p50)}, p99 ${ms(result.incrementalUpdateMs.p99)} (target ≤ 5 ms)`,
    `server: edit + request round trip: p50 ${ms(result.editRoundTripMs.p50)}, p99 ${ms(result.editRoundTripMs.p99)}`,
    `server: restart from the persisted model: ${result.restartSeconds.toFixed(2)} s (target ≤ 1 s for 3 M tokens); ${result.restoreLine}`,
    `extension: bundle ${result.extensionBundleKB.toFixed(0)} KB, loads in ${ms(result.extensionLoadMs)}`,
  ];
}

/** The docs/benchmarks.md section. */
export function serverMarkdown(result: ServerBenchResult): string[] {
  const row = (what: string, value: string, target = ''): string => `| ${what} | ${value} | ${target} |`;
  const spread = (p: Percentiles): string => `p50 ${ms(p.p50)} · p99 ${ms(p.p99)}`;
  return [
    `The corpus split into ${result.files.toLocaleString('en-US')} files of ${LINES_PER_FILE} lines (${result.megabytes.toFixed(1)} MB,` +
      ` ${result.tokens.toLocaleString('en-US')} tokens) and learned as a workspace by the real server over an in-process LSP` +
      ' connection (requests and responses serialized as in VS Code, no process boundary).',
    '',
    '| measure | result | target |',
    '|---|---|---|',
    row('learn the workspace (discover, read, count)', `${result.learnSeconds.toFixed(2)} s · ${(result.files / result.learnSeconds).toFixed(0)} files/s · ${(result.megabytes / result.learnSeconds).toFixed(2)} MB/s`),
    row('snapshot written after learning', result.saveLine),
    row(`predict (${PREDICT_REQUESTS.toLocaleString('en-US')} requests, 10 candidates, T = 0.7), wall clock`, spread(result.predictMs), 'p99 ≤ 20 ms'),
    row('predict, CPU time per request (client and server, one process)', spread(result.predictCpuMs)),
    row('predict right after an edit', spread(result.predictAfterEditMs)),
    row('predict while the workspace is being learned', spread(result.predictWhileLearningMs)),
    row(`incremental update: one line of a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line open file`, spread(result.incrementalUpdateMs), '≤ 5 ms'),
    row('didChange + next request round trip', spread(result.editRoundTripMs)),
    row('restart from the persisted model (to status ready)', `${result.restartSeconds.toFixed(2)} s`, '≤ 1 s for 3 M tokens'),
    row('… of which loading the snapshot', result.restoreLine),
    row('extension bundle (dist/extension.js)', `${result.extensionBundleKB.toFixed(0)} KB, loads in ${ms(result.extensionLoadMs)}`),
  ];
}
