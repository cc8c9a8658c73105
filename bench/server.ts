// The language server's section of `npm run bench`: the reference code corpus learned as a workspace
// (files/s, MB/s), predict latency through a real LSP connection (idle, right after an edit and while
// learning), the incremental update after an edit to a 2,000-line file, a restart from the persisted
// model, and the extension bundle's load cost. The built server (dist/server.js) runs in a process of
// its own over Node IPC, as VS Code runs it; the client is this process (test/server's harness).

import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TokenizerName } from '../src/core/types';
import { InlineSuggestionRequest, StatusRequest, SurprisalRequest } from '../src/protocol/lsp';
import { WorkspaceModel } from '../src/server/workspaceModel';
import { TestSession } from '../test/server/harness';
import { percentiles, type Percentiles } from './percentiles';

/** Lines per file when the corpus is split into a workspace (the corpus came from ~1,200 files). */
const LINES_PER_FILE = 200;
const PREDICT_REQUESTS = 2_000;
const EDITED_FILE_LINES = 2_000;
const EDITS = 200;
/**
 * Times the lens is shown afresh (the document opened again, so nothing is cached): enough that the
 * p99 is not simply the first show after start (cold code), which is the max.
 */
const LENS_SHOWS = 100;
/**
 * Edits made and answered before edits are timed (the server section's and the lens's): a process's
 * first edits compile the edit path and write the laid-out tables' links out (see `firstEditsMs`).
 */
const WARMUP_EDITS = 20;
/** The lines an editor shows (60) with the margin the lens asks for around them (20 above and below). */
const LENS_VISIBLE_LINES = 100;

export interface ServerBenchResult {
  readonly files: number;
  readonly megabytes: number;
  readonly tokens: number;
  readonly learnSeconds: number;
  /** The server's own log line for the snapshot written after learning (size, time). */
  readonly saveLine: string;
  /** The server's own log line for laying the learned tables out (compaction). */
  readonly compactLine: string;
  readonly predictMs: Percentiles;
  /** The server process's CPU time per predict request (mean): what it costs on an otherwise idle core. */
  readonly predictServerCpuMs: number | null;
  readonly predictAfterEditMs: Percentiles;
  /** The process's first edits (untimed in the rows above): round trip and prediction after each, in order. */
  readonly firstEditsMs: { readonly roundTrips: readonly number[]; readonly predictAfterEdit: readonly number[] };
  readonly predictWhileLearningMs: Percentiles;
  /** Show where… for the likeliest word (nextWordLab/evidence, up to 50 places), idle and while learning. */
  readonly evidenceMs: Percentiles;
  readonly evidenceWhileLearningMs: Percentiles;
  /** Ghost text as the extension asks for it: up to 4 words at T = 0.7, after a space or mid-word. */
  readonly inlineSuggestionMs: Percentiles;
  readonly incrementalUpdateMs: Percentiles;
  readonly editRoundTripMs: Percentiles;
  readonly lens: LensMeasures;
  readonly restartSeconds: number;
  /** The server's own log line for loading the snapshot (the rest of a restart is finding the files). */
  readonly restoreLine: string;
  readonly extensionBundleKB: number;
  readonly extensionLoadMs: number;
}

/** CPU time (user + system, ms) a process has used, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** USER_HZ, which Linux reports /proc times in (100 on every common configuration). */
const CLOCK_TICKS_PER_SECOND = 100;

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

/** Wall-clock time per request. */
async function timePredictions(session: TestSession, contexts: readonly string[], count: number): Promise<number[]> {
  const wall: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await session.predict({ context: contexts[i % contexts.length], candidates: 10 });
    wall.push(performance.now() - start);
  }
  return wall;
}

/** Wall-clock time per evidence request: Show where… for the likeliest word after each context (its prediction untimed). */
async function timeEvidence(session: TestSession, contexts: readonly string[], count: number, from = 0): Promise<number[]> {
  const wall: number[] = [];
  for (let i = from; i < from + count; i++) {
    const context = contexts[i % contexts.length];
    const word = (await session.predict({ context, temperature: 0 })).chosen?.word;
    if (word === undefined) continue;
    const start = performance.now();
    await session.evidence({ context, word });
    wall.push(performance.now() - start);
  }
  return wall;
}

/**
 * Wall-clock time per ghost-text request, as the extension sends them: each context seeded by itself,
 * alternately after a space and with the last word half typed.
 */
async function timeInlineSuggestions(session: TestSession, contexts: readonly string[], count: number): Promise<number[]> {
  const wall: number[] = [];
  for (let i = 0; i < count; i++) {
    const line = contexts[i % contexts.length];
    const context = i % 2 === 0 ? `${line} ` : line.slice(0, Math.max(1, line.length - Math.ceil((line.length - line.lastIndexOf(' ')) / 2)));
    const start = performance.now();
    await session.client.sendRequest(InlineSuggestionRequest.type, { context, maxWords: 4, temperature: 0.7, seed: context });
    wall.push(performance.now() - start);
  }
  return wall;
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
 * and a prediction right after an edit (the model changed, so nothing cached about it holds). The
 * first WARMUP_EDITS are kept apart: they are the process's first.
 */
async function timeEdits(
  session: TestSession,
  folder: string,
  lines: readonly string[],
  contexts: readonly string[],
): Promise<{ roundTrips: number[]; predictAfterEdit: number[]; first: { roundTrips: number[]; predictAfterEdit: number[] } }> {
  const file = path.join(folder, 'src', 'big.ts');
  const text = lines.slice(0, EDITED_FILE_LINES).join('\n');
  fs.writeFileSync(file, text);
  await session.fileEvent(file, 'created');
  await session.waitForStatus((status) => status.filesLearned === status.filesTotal && status.state === 'ready');
  const uri = await session.open(file, text);
  const roundTrips: number[] = [];
  const predictAfterEdit: number[] = [];
  for (let i = 0; i < WARMUP_EDITS + EDITS; i++) {
    const line = (i * 37) % EDITED_FILE_LINES;
    const start = performance.now();
    await session.edit(uri, { start: [line, 0], end: [line, 0] }, `edit${i} `);
    await session.client.sendRequest(StatusRequest.type);
    roundTrips.push(performance.now() - start);
    await session.edit(uri, { start: [line, 0], end: [line, 0] }, `again${i} `);
    predictAfterEdit.push(...(await timePredictions(session, [contexts[i % contexts.length]], 1)));
  }
  await session.close(uri);
  return {
    roundTrips: roundTrips.slice(WARMUP_EDITS),
    predictAfterEdit: predictAfterEdit.slice(WARMUP_EDITS),
    first: { roundTrips: roundTrips.slice(0, WARMUP_EDITS), predictAfterEdit: predictAfterEdit.slice(0, WARMUP_EDITS) },
  };
}

/**
 * The surprisal lens on the 2,000-line file as the extension asks for it: the lines on screen first,
 * then the whole file (every line's words when shown, its figures alone after an edit). Shown (the document opened afresh, so every line is
 * scored), then updated after each edit (the lines around it on screen), with predictions sent all
 * the while each update is scored.
 */
export interface LensMeasures {
  /** Command to the lines on screen drawn, and to the whole file's figure. */
  readonly lensShowMs: Percentiles;
  readonly lensWholeShowMs: Percentiles;
  /** Edit sent to the lines on screen scored again, and to the whole file's figure. */
  readonly lensAfterEditMs: Percentiles;
  readonly lensWholeAfterEditMs: Percentiles;
  readonly predictWhileLensMs: Percentiles;
}

async function timeLens(session: TestSession, folder: string, contexts: readonly string[]): Promise<LensMeasures> {
  const file = path.join(folder, 'src', 'big.ts');
  const text = fs.readFileSync(file, 'utf8');
  const shows: number[] = [];
  const wholeShows: number[] = [];
  /** The lens as the extension asks, timed from `start` (the command, or before the edit was sent). */
  const lens = async (uri: string, lines: { start: number; end: number }, start: number, visible: number[], whole: number[]): Promise<void> => {
    const part = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, lines });
    visible.push(performance.now() - start);
    // Every line's words the first time; after an edit, the lines off screen are known and the whole file's figures alone are asked for.
    const all = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withoutSpans: visible !== shows });
    whole.push(performance.now() - start);
    if (!part?.ownCountsLeftOut || !all?.ownCountsLeftOut) throw new Error('the lens did not leave the file out');
    if (all.lines.end !== EDITED_FILE_LINES) throw new Error(`the lens scored ${all.lines.end} lines`);
  };
  for (let i = 0; i < LENS_SHOWS; i++) {
    const uri = await session.open(file, text);
    await lens(uri, { start: 0, end: LENS_VISIBLE_LINES }, performance.now(), shows, wholeShows);
    await session.close(uri);
  }
  const uri = await session.open(file, text);
  await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri } });
  const afterEdit: number[] = [];
  const wholeAfterEdit: number[] = [];
  const predictWhileLens: number[] = [];
  // The process's first edits compile the edit path (in the server section, its own edits come
  // before the lens): WARMUP_EDITS go first, untimed.
  for (let i = -WARMUP_EDITS; i < EDITS; i++) {
    const timed = i >= 0;
    const line = ((i + WARMUP_EDITS) * 37) % EDITED_FILE_LINES;
    const first = Math.max(0, line - LENS_VISIBLE_LINES / 2);
    const start = performance.now();
    await session.edit(uri, { start: [line, 0], end: [line, 0] }, `lens${i} `);
    // The editor asks for its ghost text as the lens asks for its lines.
    const updated = lens(uri, { start: first, end: first + LENS_VISIBLE_LINES }, start, timed ? afterEdit : [], timed ? wholeAfterEdit : []);
    const predicted = await timePredictions(session, [contexts[(i + WARMUP_EDITS) % contexts.length]], 1);
    if (timed) predictWhileLens.push(...predicted);
    await updated;
  }
  await session.close(uri);
  return {
    lensShowMs: percentiles(shows),
    lensWholeShowMs: percentiles(wholeShows),
    lensAfterEditMs: percentiles(afterEdit),
    lensWholeAfterEditMs: percentiles(wholeAfterEdit),
    predictWhileLensMs: percentiles(predictWhileLens),
  };
}

/**
 * Loads the built extension bundle with an inert `vscode` module, timing the require alone. The bundler's
 * import helpers copy the module's own keys, so the inert module lists every name the bundle reads from it
 * (a top-level `new vscode.ThemeIcon(…)` would otherwise find nothing to construct).
 */
function timeExtensionLoad(bundle: string): number {
  const names = new Set([...fs.readFileSync(bundle, 'utf8').matchAll(/\b(?:vscode|code)\d*\.([A-Za-z_$][\w$]*)/g)].map((match) => match[1]));
  const target = function () {} as object;
  const inert: object = new Proxy(target, {
    get: () => inert,
    apply: () => inert,
    construct: () => inert,
    ownKeys: () => [...Reflect.ownKeys(target), ...[...names].filter((name) => !Reflect.ownKeys(target).includes(name))],
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target, key) ?? { value: inert, configurable: true, enumerable: true, writable: true },
  });
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
  /** Where the built server and extension bundles are. */
  readonly distDir: string;
}

export async function runServerBench(options: ServerBenchOptions): Promise<ServerBenchResult> {
  const lines = options.text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const { folder, files, bytes } = writeWorkspace(lines);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-storage-'));
  const settings = { tokenizer: options.tokenizer, maxFileSizeKB: 4096 };
  const contexts = contextsFrom(lines, 500);
  const saved = /^Saved the model/;
  const serverModule = path.join(options.distDir, 'server.js');
  try {
    const learnStart = performance.now();
    const session = await TestSession.spawn(serverModule, { folders: [folder], storagePath: storage, settings });
    const learned = await session.whenReady();
    const learnSeconds = (performance.now() - learnStart) / 1000;
    // The first save follows learning at once; measure requests after it, not against it.
    const saveLine = await session.waitForLog(saved);
    const compactLine = session.logs.find((line) => /^Compacted the model/.test(line)) ?? 'not compacted';

    const cpuBefore = processCpuMs(session.serverProcess?.pid);
    const predict = await timePredictions(session, contexts, PREDICT_REQUESTS);
    const cpuAfter = processCpuMs(session.serverProcess?.pid);
    const evidence = await timeEvidence(session, contexts, PREDICT_REQUESTS);
    const inline = await timeInlineSuggestions(session, contexts, PREDICT_REQUESTS);
    const edits = await timeEdits(session, folder, lines, contexts);
    const lens = await timeLens(session, folder, contexts);

    // Learning again from scratch, with requests arriving all along: the learner must yield to them.
    const logged = session.logs.length;
    await session.relearn();
    const whileLearning: number[] = [];
    const evidenceWhileLearning: number[] = [];
    while ((await session.client.sendRequest(StatusRequest.type)).state !== 'ready') {
      whileLearning.push(...(await timePredictions(session, contexts, 10)));
      evidenceWhileLearning.push(...(await timeEvidence(session, contexts, 2, evidenceWhileLearning.length)));
    }
    await session.waitForLog(saved, logged);
    await session.dispose();

    const restartStart = performance.now();
    const restarted = await TestSession.spawn(serverModule, { folders: [folder], storagePath: storage, settings });
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
      compactLine,
      predictMs: percentiles(predict),
      predictServerCpuMs: cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / PREDICT_REQUESTS,
      predictAfterEditMs: percentiles(edits.predictAfterEdit),
      firstEditsMs: edits.first,
      predictWhileLearningMs: percentiles(whileLearning),
      evidenceMs: percentiles(evidence),
      evidenceWhileLearningMs: percentiles(evidenceWhileLearning),
      inlineSuggestionMs: percentiles(inline),
      incrementalUpdateMs: percentiles(timeIncrementalUpdates(lines, options.tokenizer)),
      editRoundTripMs: percentiles(edits.roundTrips),
      lens,
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

export interface LensTimes extends LensMeasures {
  readonly estimator: string;
}

export interface LensBenchResult {
  readonly files: number;
  readonly tokens: number;
  /** The default estimator (longest match, which reads across lines) first, then the Kneser-Ney n-gram model. */
  readonly estimators: readonly LensTimes[];
}

/** The surprisal lens alone (`npm run bench -- --only lens`): the workspace learned, then `timeLens`. */
export async function runLensBench(options: ServerBenchOptions): Promise<LensBenchResult> {
  const lines = options.text.split(/\r\n|\r|\n/).filter((line) => line.length > 0);
  const { folder, files } = writeWorkspace(lines);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-bench-storage-'));
  const settings = { tokenizer: options.tokenizer, maxFileSizeKB: 4096 };
  try {
    const session = await TestSession.spawn(path.join(options.distDir, 'server.js'), { folders: [folder], storagePath: storage, settings });
    const learned = await session.whenReady();
    // As in the server section: the first save follows learning (once the index is merged); measure after it, not against it.
    await session.waitForLog(/^Saved the model/);
    const file = path.join(folder, 'src', 'big.ts');
    fs.writeFileSync(file, lines.slice(0, EDITED_FILE_LINES).join('\n'));
    await session.fileEvent(file, 'created');
    await session.waitForStatus((status) => status.filesLearned === status.filesTotal && status.state === 'ready');
    const estimators: LensTimes[] = [];
    for (const estimator of ['longest-match', 'kneser-ney']) {
      // Another estimator counts nothing again: the same tables answer.
      await session.updateSettings({ ...settings, smoothing: estimator });
      await session.waitForStatus((status) => status.estimator === estimator && status.state === 'ready');
      estimators.push({ estimator, ...(await timeLens(session, folder, contextsFrom(lines, 500))) });
    }
    await session.dispose();
    return { files: files + 1, tokens: learned.tokens, estimators };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const spread = (p: Percentiles, unit = 'requests'): string =>
  `p50 ${ms(p.p50)} · p99 ${ms(p.p99)} · max ${ms(p.max)} (${p.samples.toLocaleString('en-US')} ${unit})`;
const serverCpu = (result: ServerBenchResult): string =>
  result.predictServerCpuMs === null ? 'not measured (no /proc)' : `${ms(result.predictServerCpuMs)} per request (mean)`;

const lensLines = (result: LensMeasures, estimator: string): [string, string, string][] => {
  const by = ` (${estimator})`;
  return [
    [
      `surprisal lens shown: a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line open file scored without its own counts, command to the ${LENS_VISIBLE_LINES} lines on screen drawn${by}`,
      spread(result.lensShowMs, 'shows'),
      'p99 ≤ 150 ms',
    ],
    [`… to the whole file scored (the status bar's bits per token, the ruler)${by}`, spread(result.lensWholeShowMs, 'shows'), ''],
    [`surprisal lens updated: edit sent to the ${LENS_VISIBLE_LINES} lines around it scored again${by}`, spread(result.lensAfterEditMs, 'edits'), 'p99 ≤ 50 ms'],
    [`… to the whole file's figure again${by}`, spread(result.lensWholeAfterEditMs, 'edits'), ''],
    [`predict while the lens scores an edit (sent with its request)${by}`, spread(result.predictWhileLensMs), 'p99 ≤ 20 ms'],
  ];
};

const allLensLines = (result: LensBenchResult): [string, string, string][] => result.estimators.flatMap((times) => lensLines(times, times.estimator));

export function lensSummary(result: LensBenchResult): string[] {
  return allLensLines(result).map(([what, value, target]) => `lens: ${what}: ${value}${target === '' ? '' : ` (target ${target})`}`);
}

export function lensMarkdown(result: LensBenchResult): string[] {
  return [
    `The corpus split into ${result.files.toLocaleString('en-US')} files (${result.tokens.toLocaleString('en-US')} tokens) plus a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line file of its first lines,` +
      ' learned by the built server in a process of its own over Node IPC (measured once its first snapshot is saved, the token index merged); the bench is the client.' +
      ` The lens is asked for as the extension asks: the ${LENS_VISIBLE_LINES} lines on screen first (drawn as they come), then the whole file. It is shown on the 2,000-line file` +
      ` ${LENS_SHOWS} times (opened afresh each time, so every line is scored), then updated after each of ${EDITS} one-line edits (after ${WARMUP_EDITS} untimed ones: the process's first edits compile the edit path), with a prediction sent with each update's request.`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    ...allLensLines(result).map(([what, value, target]) => `| ${what} | ${value} | ${target} |`),
  ];
}

/** The first edits shown one by one. */
const FIRST_EDITS_SHOWN = 5;

/** The process's first edits, one by one: each one's round trip, and the prediction after it. */
function firstEdits(result: ServerBenchResult): string {
  const { roundTrips, predictAfterEdit } = result.firstEditsMs;
  const shown = (samples: readonly number[]): string => samples.slice(0, FIRST_EDITS_SHOWN).map((sample) => sample.toFixed(1)).join(', ');
  return `round trip ${shown(roundTrips)} ms; predict after each ${shown(predictAfterEdit)} ms`;
}

/** The console lines: one per measure, with the target it is held to. */
export function serverSummary(result: ServerBenchResult): string[] {
  return [
    `server: learned ${result.files.toLocaleString('en-US')} files, ${result.megabytes.toFixed(1)} MB, ${result.tokens.toLocaleString('en-US')} tokens in ${result.learnSeconds.toFixed(2)} s` +
      ` (${(result.files / result.learnSeconds).toFixed(0)} files/s, ${(result.megabytes / result.learnSeconds).toFixed(2)} MB/s)`,
    `server: ${result.compactLine} ${result.saveLine}`,
    `server: predict ${spread(result.predictMs)} (target p99 ≤ 20 ms); server CPU time ${serverCpu(result)}`,
    `server: predict right after an edit ${spread(result.predictAfterEditMs)} (target p99 ≤ 20 ms), after ${WARMUP_EDITS} edits; the process's first ${FIRST_EDITS_SHOWN} edits: ${firstEdits(result)}`,
    `server: predict while learning ${spread(result.predictWhileLearningMs)} (target p99 ≤ 20 ms)`,
    `server: evidence (Show where…) ${spread(result.evidenceMs)}, while learning ${spread(result.evidenceWhileLearningMs)} (target p99 ≤ 20 ms)`,
    `server: inline suggestion ${spread(result.inlineSuggestionMs)} (target p99 ≤ 20 ms)`,
    `server: incremental update, one line of a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line file: ${spread(result.incrementalUpdateMs, 'edits')} (target ≤ 5 ms)`,
    `server: edit + request round trip: ${spread(result.editRoundTripMs, 'edits')}`,
    ...lensLines(result.lens, 'longest-match').map(([what, value, target]) => `server: ${what}: ${value}${target === '' ? '' : ` (target ${target})`}`),
    `server: restart from the persisted model: ${result.restartSeconds.toFixed(2)} s (target ≤ 1 s for 3 M tokens); ${result.restoreLine}`,
    `extension: bundle ${result.extensionBundleKB.toFixed(0)} KB, loads in ${ms(result.extensionLoadMs)}`,
  ];
}

/** The docs/benchmarks.md section. */
export function serverMarkdown(result: ServerBenchResult): string[] {
  const row = (what: string, value: string, target = ''): string => `| ${what} | ${value} | ${target} |`;
  return [
    `The corpus split into ${result.files.toLocaleString('en-US')} files of ${LINES_PER_FILE} lines (${result.megabytes.toFixed(1)} MB,` +
      ` ${result.tokens.toLocaleString('en-US')} tokens) and learned as a workspace by the built server (dist/server.js) in a` +
      ' process of its own, over Node IPC as VS Code runs it; the bench is the client. Latencies are wall clock, request sent to answer received.',
    '',
    '| measure | result | target |',
    '|---|---|---|',
    row('learn the workspace (discover, read, count)', `${result.learnSeconds.toFixed(2)} s · ${(result.files / result.learnSeconds).toFixed(0)} files/s · ${(result.megabytes / result.learnSeconds).toFixed(2)} MB/s`),
    row('tables laid out after learning', result.compactLine),
    row('snapshot written after learning', result.saveLine),
    row(`predict (10 candidates, T = 0.7)`, spread(result.predictMs), 'p99 ≤ 20 ms'),
    row('predict, server CPU time', serverCpu(result)),
    row(`predict right after an edit (after ${WARMUP_EDITS} edits)`, spread(result.predictAfterEditMs), 'p99 ≤ 20 ms'),
    row(`the process's first ${FIRST_EDITS_SHOWN} edits`, firstEdits(result)),
    row('predict while the workspace is being learned', spread(result.predictWhileLearningMs), 'p99 ≤ 20 ms'),
    row('evidence (Show where… for the likeliest word, up to 50 places)', spread(result.evidenceMs), 'p99 ≤ 20 ms'),
    row('evidence while the workspace is being learned', spread(result.evidenceWhileLearningMs), 'p99 ≤ 20 ms'),
    row('inline suggestion (ghost text: up to 4 words, T = 0.7, half of them mid-word)', spread(result.inlineSuggestionMs), 'p99 ≤ 20 ms'),
    row(`incremental update: one line of a ${EDITED_FILE_LINES.toLocaleString('en-US')}-line open file`, spread(result.incrementalUpdateMs, 'edits'), '≤ 5 ms'),
    row('didChange + next request round trip', spread(result.editRoundTripMs, 'edits')),
    ...lensLines(result.lens, 'longest-match').map(([what, value, target]) => row(what, value, target)),
    row('restart from the persisted model (process start to status ready)', `${result.restartSeconds.toFixed(2)} s`, '≤ 1 s for 3 M tokens'),
    row('… of which loading the snapshot', result.restoreLine),
    row('extension bundle (dist/extension.js)', `${result.extensionBundleKB.toFixed(0)} KB, loads in ${ms(result.extensionLoadMs)}`),
  ];
}
