// The team's base model (`nextWordLab.baseModel`): read in a worker thread (dist/baseModelWorker.js),
// so that a file of tens of millions of n-grams never holds up an answer from the workspace model, and
// handed over as its arrays without a copy. Where no built worker exists (tests run from source) it is
// read on the server's thread after the file's bytes arrive. A setting that changes starts a new load
// (the one under way is dropped); an empty one unloads. A file that cannot be read is reported once,
// in one line, and left out: the workspace model answers alone.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { ArpaModel, type ArpaModelParts } from '../core/arpa';
import { BaseModel, readBaseModel } from '../core/mixture';
import type { TokenizerName } from '../core/types';
import type { BaseModelStatus } from '../protocol/lsp';

const WORKER_FILE = path.join(__dirname, 'baseModelWorker.js');
/** gzip's first two bytes: `lmplz … | gzip > team.arpa.gz` is a common way to keep an ARPA file. */
const GZIP_MAGIC = [0x1f, 0x8b];

/** What the worker posts back. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'loaded'; readonly parts: ArpaModelParts }
  | { readonly type: 'failed'; readonly message: string };

/** A base model file's bytes read into a model; an Error's message says what is wrong with it. */
export async function readBaseModelFile(file: string, tokenizer: TokenizerName, progress?: (done: number, total: number) => void): Promise<ArpaModel> {
  let bytes: Uint8Array = await fs.promises.readFile(file);
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) bytes = gunzipSync(bytes);
  return readBaseModel(bytes, tokenizer, progress);
}

/** The buffers behind a model's arrays, each once, for postMessage's transfer list. */
export function transferables(parts: ArpaModelParts): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const table of parts.tables) {
    for (const array of [table.log10Prob, table.log10Backoff, table.parent, table.word, table.slots]) buffers.add(array.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/**
 * The file a setting names: absolute, `~/…` (the home folder), or relative to the first workspace
 * folder. Undefined (with the reason) when a relative path has no folder to be read against.
 */
export function resolveBaseModelPath(setting: string, firstFolder: string | undefined): { file: string } | { problem: string } {
  if (setting.startsWith('~/') || setting === '~') return { file: path.join(os.homedir(), setting.slice(1)) };
  if (path.isAbsolute(setting)) return { file: path.normalize(setting) };
  if (firstFolder === undefined) return { problem: 'the path is relative and no workspace folder is open to read it against' };
  return { file: path.resolve(firstFolder, setting) };
}

type LoadState =
  | { readonly state: 'loading'; readonly progress?: { readonly done: number; readonly total: number } }
  | { readonly state: 'ready'; readonly model: BaseModel; readonly seconds: number }
  | { readonly state: 'failed'; readonly message: string };

export interface BaseModelLoaderOptions {
  /** One line for the server's log. */
  readonly log: (line: string) => void;
  /** The one line that reports a load that failed. */
  readonly error: (line: string) => void;
  /** The status changed (a load started, progressed, ended or was dropped). */
  readonly changed: () => void;
}

export class BaseModelLoader {
  /** The setting as the user wrote it, the file it names, and how its load stands. */
  private current: { readonly source: string; readonly key: string; load: LoadState } | undefined;
  private worker: Worker | undefined;
  /** Counts the models that became ready: what was mixed with one is stale once another is. */
  private loaded = 0;

  constructor(private readonly options: BaseModelLoaderOptions) {}

  /** Which loaded model `model` is (it changes with every load that ends ready). */
  get generation(): number {
    return this.loaded;
  }

  /** The loaded model, once it is ready. */
  get model(): BaseModel | undefined {
    const load = this.current?.load;
    return load?.state === 'ready' ? load.model : undefined;
  }

  /** Resolves once the load under way (if any) has ended. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  private settled: Promise<void> = Promise.resolve();

  /**
   * Follows the setting: the same file keeps its model (or its failure: it is reported once);
   * another starts a load in the background; an empty setting unloads.
   */
  configure(setting: string, firstFolder: string | undefined, tokenizer: TokenizerName): void {
    if (setting === '') {
      if (this.current !== undefined) this.options.log('Unloaded the base model: nextWordLab.baseModel is empty.');
      this.stop();
      this.current = undefined;
      this.options.changed();
      return;
    }
    const resolved = resolveBaseModelPath(setting, firstFolder);
    const key = 'file' in resolved ? resolved.file : `${setting}\u0000${resolved.problem}`;
    if (this.current?.key === key && this.current.source === setting) return;
    this.stop();
    const current = { source: setting, key, load: { state: 'loading' } as LoadState };
    this.current = current;
    this.options.changed();
    this.settled = ('file' in resolved ? this.load(resolved.file, tokenizer, current) : Promise.reject(new Error(resolved.problem))).then(
      ({ model, seconds }) => {
        if (this.current !== current) return;
        current.load = { state: 'ready', model: new BaseModel(model, setting), seconds };
        this.loaded++;
        this.options.log(
          `Loaded the base model ${setting} in ${seconds.toFixed(2)} s: order ${model.order}, ${model.ngramCounts.reduce((a, b) => a + b, 0).toLocaleString('en-US')} n-grams, ${(model.byteLength() / 1e6).toFixed(1)} MB.`,
        );
        this.options.changed();
      },
      (error: unknown) => {
        if (this.current !== current) return;
        const message = oneLine(error instanceof Error ? error.message : String(error));
        current.load = { state: 'failed', message };
        this.options.error(`Could not load the base model ${setting}: ${message}. The workspace model answers alone.`);
        this.options.changed();
      },
    );
  }

  /** The status the client shows, for a mixture at `weight`; undefined when no base model is set. */
  status(weight: number, mixed: boolean): BaseModelStatus | undefined {
    const current = this.current;
    if (current === undefined) return undefined;
    const { source } = current;
    const { load } = current;
    if (load.state === 'loading') return { source, weight, state: 'loading', ...(load.progress === undefined ? {} : { progress: load.progress }) };
    if (load.state === 'failed') return { source, weight, state: 'failed', message: load.message };
    const { model } = load.model;
    return {
      source,
      weight,
      state: 'ready',
      order: model.order,
      ngrams: model.ngramCounts,
      vocabularySize: model.vocabulary.size,
      modelBytes: model.byteLength(),
      seconds: load.seconds,
      mixed,
    };
  }

  private async load(file: string, tokenizer: TokenizerName, current: NonNullable<BaseModelLoader['current']>): Promise<{ model: ArpaModel; seconds: number }> {
    const started = performance.now();
    const progress = (done: number, total: number): void => {
      if (this.current !== current) return;
      current.load = { state: 'loading', progress: { done, total } };
      this.options.changed();
    };
    const model = fs.existsSync(WORKER_FILE) ? await this.loadInWorker(file, tokenizer, progress) : await readBaseModelFile(file, tokenizer, progress);
    return { model, seconds: (performance.now() - started) / 1000 };
  }

  private loadInWorker(file: string, tokenizer: TokenizerName, progress: (done: number, total: number) => void): Promise<ArpaModel> {
    const worker = new Worker(WORKER_FILE, { workerData: { file, tokenizer } });
    // It must never keep the server alive on its own.
    worker.unref();
    this.worker = worker;
    return new Promise<ArpaModel>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') progress(message.done, message.total);
        else if (message.type === 'loaded') resolve(ArpaModel.fromParts(message.parts));
        else reject(new Error(message.message));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the reading thread stopped (exit code ${code})`)));
    }).finally(() => {
      if (this.worker === worker) this.worker = undefined;
      void worker.terminate();
    });
  }

  /** Drops the load under way: its thread stops, and its result, if any, is ignored. */
  private stop(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  dispose(): void {
    this.stop();
    this.current = undefined;
  }
}

/** An error message on one line (a parser's message may quote a line of the file). */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\.$/, '');
}
