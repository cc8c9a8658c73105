// The token index as bytes, in the snapshot's framing (header, length, CRC-32; snapshot.ts):
//   header  "NWLI" · format version u32 · body length u32 · CRC-32 of the body u32
//   body    base: document count u32, keys (strings), starts (i32 array), retired flags (i32 array),
//           stream (i32 array), suffix array (i32 array)
//           fresh documents: count u32, then per document key (string), tokens (i32 array)
// The suffix array is stored, not rebuilt: loading is a copy and a linear check (TokenIndex.fromState).

import { frame, Reader, unframe, Writer } from './snapshot';
import { TokenIndex } from './tokenIndex';

export const INDEX_SNAPSHOT_MAGIC = 'NWLI';
export const INDEX_SNAPSHOT_VERSION = 1;

export function writeIndexSnapshot(index: TokenIndex): Uint8Array {
  const state = index.exportState();
  const body = new Writer();
  body.u32(state.keys.length);
  for (const key of state.keys) body.string(key);
  body.int32Array(state.starts);
  body.int32Array(Int32Array.from(state.retired));
  body.int32Array(state.stream);
  body.int32Array(state.suffixArray);
  body.u32(state.fresh.length);
  for (const { key, tokens } of state.fresh) {
    body.string(key);
    body.int32Array(tokens);
  }
  return frame(INDEX_SNAPSHOT_MAGIC, INDEX_SNAPSHOT_VERSION, body.result());
}

/** Reads `writeIndexSnapshot`'s bytes for a vocabulary of `vocabularySize` ids; throws an Error naming the problem. */
export function readIndexSnapshot(bytes: Uint8Array, vocabularySize: number): TokenIndex {
  const reader = new Reader(unframe(INDEX_SNAPSHOT_MAGIC, INDEX_SNAPSHOT_VERSION, bytes).body);
  const documents = reader.u32('index document count');
  const keys: string[] = [];
  for (let d = 0; d < documents; d++) keys.push(reader.string('index document key'));
  const starts = reader.int32Array('index document starts');
  const retired = Uint8Array.from(reader.int32Array('index retired flags'), (flag) => (flag === 0 || flag === 1 ? flag : 2));
  const stream = reader.int32Array('index stream');
  const suffixArray = reader.int32Array('index suffix array');
  const freshCount = reader.u32('index fresh document count');
  const fresh: { key: string; tokens: Int32Array }[] = [];
  for (let i = 0; i < freshCount; i++) fresh.push({ key: reader.string('index fresh document key'), tokens: reader.int32Array('index fresh document tokens') });
  if (!reader.atEnd) throw new Error('index snapshot has unread data after its documents');
  return TokenIndex.fromState({ stream, suffixArray, keys, starts, retired, fresh }, vocabularySize);
}
