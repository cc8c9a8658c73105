// Merges the workspace's token index in the background, a segment at a time (at most SEGMENT_TOKENS:
// a merge never rebuilds the whole index): the segment's stream is gathered on the server's thread in
// slices that let requests in (a copy, ~40 ms for 3 M tokens in all), its suffix array built in a
// worker thread (dist/indexWorker.js), and the segment installed in one O(documents) step. The stream is transferred to the worker and
// back with the suffix array, never copied: it is not read meanwhile (queries read the old segments). Queries stay exact throughout (the index reads
// documents changed meanwhile by a linear pass). Where no built worker exists (tests run from source),
// the merge runs at once.

import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { TokenIndex, TokenStream } from '../core/tokenIndex';

const WORKER_FILE = path.join(__dirname, 'indexWorker.js');
/** Tokens the stream is gathered by between turns of the event loop (about a millisecond of copying). */
const GATHERED_PER_SLICE = 1 << 16;
/**
 * After a merge of this many tokens the worker is ended and the next merge starts another: what SA-IS
 * allocated (the suffix types, a bit a token, and the recursion's: some 10 MB at 60 M tokens) stays in the
 * worker's heap until its next collection, which the next merge's allocations trigger only once they
 * are made, on top of it. A new worker costs some tens of milliseconds, off the server's thread.
 */
const FRESH_WORKER_AFTER_TOKENS = 1 << 22;

export class IndexMerger {
  private worker: Worker | undefined;
  /** The merge under way, if any. */
  private running: Promise<void> | undefined;

  constructor(private readonly log: (message: string) => void) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no merge runs (at once when none does). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * Merges `index` when a merge is due (or `always`); resolves when it is installed (or abandoned with
   * an error logged). While a merge runs, resolves when that one ends.
   */
  merge(index: TokenIndex, always = false): Promise<void> {
    if (this.running !== undefined) return this.running;
    if (!always && !index.mergeDue) return Promise.resolve();
    this.running = this.run(index).finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(index: TokenIndex): Promise<void> {
    const started = performance.now();
    try {
      const worker = this.workerThread();
      if (worker === undefined) {
        index.merge();
      } else {
        const steps = index.mergeInputInSlices(GATHERED_PER_SLICE);
        let step = steps.next();
        while (step.done !== true) {
          await new Promise((resolve) => setImmediate(resolve));
          step = steps.next();
        }
        const input = step.value;
        const built = await new Promise<{ stream: TokenStream; suffixArray: Int32Array }>((resolve, reject) => {
          const failed = (error: Error): void => {
            worker.off('message', done);
            reject(error);
          };
          const done = (result: { stream: TokenStream; suffixArray: Int32Array }): void => {
            worker.off('error', failed);
            resolve(result);
          };
          worker.once('message', done);
          worker.once('error', failed);
          worker.postMessage({ stream: input.stream, alphabet: input.alphabet }, [input.stream.buffer as ArrayBuffer]);
        });
        index.completeMerge({ ...input, stream: built.stream }, built.suffixArray);
        if (built.suffixArray.length >= FRESH_WORKER_AFTER_TOKENS) this.dispose();
      }
      this.log(`Indexed ${index.stats().tokens.toLocaleString('en-US')} tokens in ${Math.round(performance.now() - started)} ms.`);
    } catch (error) {
      this.worker = undefined;
      this.log(`Could not merge the token index: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private workerThread(): Worker | undefined {
    if (this.worker === undefined && fs.existsSync(WORKER_FILE)) {
      this.worker = new Worker(WORKER_FILE);
      // It must never keep the server alive on its own.
      this.worker.unref();
    }
    return this.worker;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
