// The thread that reads a base model file (src/server/baseModel.ts): it reads and checks the whole
// file, then posts the model's arrays back without copying them, and ends.

import { parentPort, workerData } from 'node:worker_threads';
import type { TokenizerName } from '../core/types';
import { readBaseModelFile, transferables, type WorkerMessage } from './baseModel';
import { yieldCpuToOtherThreads } from './backgroundThread';

yieldCpuToOtherThreads();

const { file, tokenizer } = workerData as { file: string; tokenizer: TokenizerName };
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => parentPort?.postMessage(message, transfer);

readBaseModelFile(file, tokenizer, (done, total) => post({ type: 'progress', done, total })).then(
  (model) => {
    const parts = model.parts();
    post({ type: 'loaded', parts }, transferables(parts));
  },
  (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
