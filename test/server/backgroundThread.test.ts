// Background worker threads give way to the server's thread: on Linux the worker alone runs at the
// lowest priority, and the thread that answers requests keeps its own.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A thread's nice value, from /proc (field 19 of its stat, counted after the command name). */
function niceOf(statPath: string): number {
  const stat = fs.readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('background threads', () => {
  it('lower their own priority on Linux and leave the server thread as it was', async function () {
    if (process.platform !== 'linux') this.skip();
    const mainBefore = niceOf('/proc/thread-self/stat');
    const module = path.join(__dirname, '../../src/server/backgroundThread.ts');
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       require('tsx/cjs');
       require(${JSON.stringify(module)}).yieldCpuToOtherThreads();
       parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self'));
       parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    );
    try {
      // /proc/thread-self links to "<pid>/task/<tid>".
      const threadDirectory = await new Promise<string>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      assert.equal(niceOf(path.join('/proc', threadDirectory, 'stat')), 19, 'the worker runs at the lowest priority');
      assert.equal(niceOf('/proc/thread-self/stat'), mainBefore, "the server's thread keeps its priority");
    } finally {
      worker.postMessage('done');
      await worker.terminate();
    }
  });
});
