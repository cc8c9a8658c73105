// The token index's merge, off the server's thread: a suffix array by SA-IS (about a second for 3 M
// tokens) would otherwise hold every request that long.

import { parentPort } from 'node:worker_threads';
import { buildSuffixArray } from '../core/suffixArray';

// The stream comes and goes back transferred, not copied: a workspace's stream is 4 bytes a token.
parentPort?.on('message', ({ stream, alphabet }: { stream: Int32Array; alphabet: number }) => {
  const suffixArray = buildSuffixArray(stream, alphabet);
  parentPort?.postMessage({ stream, suffixArray }, [stream.buffer as ArrayBuffer, suffixArray.buffer as ArrayBuffer]);
});
