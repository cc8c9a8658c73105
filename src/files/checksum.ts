// The checksum saved models are written and read with, as the server and the command line both read them.

import zlib from 'node:zlib';
import type { Checksum } from '../core/snapshot';

/**
 * zlib's CRC-32 (native: 50–100 ms less per load or save of the reference workspace's snapshot than
 * the engine's own, which gives the same numbers), where this Node has it (20.15+).
 */
export const nativeCrc32: Checksum | undefined = typeof zlib.crc32 === 'function' ? (bytes, previous) => zlib.crc32(bytes, previous) : undefined;
