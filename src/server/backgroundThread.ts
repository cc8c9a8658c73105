// Worker threads do background work (a merge's suffix array, a base model's reading): they should give
// way to the server's own thread, which answers the editor, and to VS Code itself.

import os from 'node:os';

/**
 * Lowers the calling thread's CPU priority. On Linux a nice value belongs to each thread (setpriority
 * of "this process" sets the calling thread's), so only the worker is lowered; elsewhere it would
 * lower the whole server, so nothing is changed there.
 */
export function yieldCpuToOtherThreads(): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(os.constants.priority.PRIORITY_LOW);
  } catch {
    // A sandbox may refuse it: the work is the same at the usual priority.
  }
}
