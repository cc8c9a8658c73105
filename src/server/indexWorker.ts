// The token index's merge, off the server's thread: a suffix array by SA-IS (about a second for 3 M
// tokens) would otherwise hold every request that long.

import { parentPort } from 'node:worker_threads';
import { buildSuffixArray } from '../core/suffixArray';
import { narrowed } from '../core/tokenIndex';
import { yieldCpuToOtherThreads } from './backgroundThread';

yieldCpuToOtherThreads();

// The stream comes and goes back transferred, not copied: a workspace's stream is 4 bytes a token. It
// goes back as the index keeps it (16-bit where the ids fit), narrowed here rather than on the server's thread.
parentPort?.on('message', ({ stream, alphabet }: { stream: Int32Array; alphabet: number }) => {
  const suffixArray = buildSuffixArray(stream, alphabet);
  const kept = narrowed(stream, alphabet);
  parentPort?.postMessage({ stream: kept, suffixArray }, [kept.buffer as ArrayBuffer, suffixArray.buffer as ArrayBuffer]);
});
