// A model (and optionally the documents it was counted from) as bytes, for a fast restart: the
// tables are written as they are in memory and copied back, so loading does no counting.
//
// Layout (little-endian, every field 4-byte aligned):
//   header  "NWLM" · format version u32 · body length u32 · CRC-32 of the body u32
//   body    options: order u32, estimator string, add-k f64, tokenizer string
//           vocabulary: word count u32, UTF-16 length per word (u32 array), UTF-8 of all words (string)
//           counts: sentences, tokens, live words, root sums (f64 each), count-of-counts (f64 array)
//           per order: size, live, free head (i32), node records (i32 array), sibling links (i32 array,
//           empty for a laid-out table: see OrderTable); the hash index is rebuilt
//           documents: (format 6 on) whether their sentences follow them u32 (1) or are the token
//           index's (0), count u32, then per document key (string), size f64, mtimeMs f64, withheld
//           (string), sentences (i32 array, when they follow)
//           token index (format 4 on): its own format version u32 (0: none saved), then its bytes (a
//           byte length u32 and the bytes): (format 7 on) segment count u32, then per segment (before
//           format 7, one: the base) document count u32, keys (strings), starts (i32 array), retired
//           flags (i32 array), stream (i32 array), suffix array (i32 array); then fresh documents:
//           count u32, then per document key (string), tokens (i32 array)
// Strings are a byte length u32 and UTF-8 padded to 4 bytes; arrays are an element count u32 and the
// elements. Anything wrong (magic, version, length, checksum, an inconsistent table) throws an Error
// saying what. The index lives in the same file so that one write (one rename) keeps the model and its
// index of the same moment; it is derived data, so an index this build cannot use (an older index
// format, documents it does not match) leaves the model readable and says why (`indexProblem`): the
// index is then built again. Its suffix array is stored, not rebuilt: loading is a copy and linear checks.

import { NgramCounts } from './counts';
import type { OrderTableState } from './orderTable';
import { NgramModel, type EncodedSentences } from './model';
import { runToEnd } from './steps';
import { TokenIndex, type SegmentState, type TokenIndexState } from './tokenIndex';
import type { EstimatorName, TokenizerName } from './types';
import { ESTIMATOR_NAMES, MAX_ORDER, MIN_ORDER, TOKENIZER_NAMES } from './types';
import { Vocabulary } from './vocabulary';

export const SNAPSHOT_MAGIC = 'NWLM';
/**
 * 2: the hash slots are no longer stored (rebuilt on load). 3: documents say which lines were withheld
 * (secrets); a workspace snapshot older than that was learned without secret scanning by content.
 * 4: the token index follows the documents. 5: node records no longer hold the sibling link (a laid-out
 * table has none; the others store them after the records); older records are converted on reading.
 * 6: with a token index, the documents' sentences are not written beside it: the index holds them
 * (4 bytes a token less on disk, and in memory while it is written and read). 7: the token index is
 * written in segments (one base before, which loads split into segments).
 */
export const SNAPSHOT_VERSION = 7;
/** From this format on, the documents' sentences may be the token index's. */
const SENTENCES_IN_INDEX_VERSION = 6;
/** From this format on, the token index is in segments. */
const SEGMENTED_INDEX_VERSION = 7;
/** Formats before this stored each record with the sibling link as its fourth field. */
const SEPARATE_LINKS_VERSION = 5;
const OLD_LINK_FIELD = 3;
/** The token index's own layout version inside the snapshot (0 in the file: no index saved). */
export const INDEX_FORMAT_VERSION = 1;
/** Version 2 models (no documents' withheld notes) still load: the command line's saved models. */
const OLDEST_READABLE_VERSION = 2;
const HEADER_BYTES = 16;
/** A streamed snapshot goes to its sink in chunks of about this size. */
const STREAM_CHUNK_BYTES = 1 << 20;
/** Bytes written between the pauses of `writeSnapshotInSteps`: a millisecond or two of copying, checksum and file writes. */
const STEP_BYTES = 1 << 20;
/** Or calls to `Writer.pause` (a document's key and stamp each). */
const PAUSE_EVERY = 1024;
/** Words of the vocabulary encoded for a snapshot per step. */
const WORDS_PER_STEP = 4096;

/** One document's sentences and the file stamp they were read with. */
export interface SnapshotDocument {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** What the file rules withheld from it (e.g. "2 lines withheld: AWS key"); empty when nothing. */
  readonly withheld: string;
  /** Read off the snapshot's token index when asked, when the index holds them (a 16-bit stream's are widened then). */
  readonly encoded: EncodedSentences;
}

/** A document as `writeSnapshot` takes it: its sentences are needed only when no token index is saved with it (the index's are written). */
export type SavedDocument = Omit<SnapshotDocument, 'encoded'> & { readonly encoded?: EncodedSentences };

export interface Snapshot {
  readonly model: NgramModel;
  readonly documents: SnapshotDocument[];
  /** The format version it was written with (older ones still readable). */
  readonly formatVersion: number;
  /** The documents' token index as saved, holding exactly `documents`; absent when `indexProblem` says why. */
  readonly index?: TokenIndex;
  readonly indexProblem?: string;
}

/** CRC-32 lookup tables for slicing-by-8: table k maps a byte k positions back. */
const CRC_TABLES = (() => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) tables[k * 256 + n] = tables[(k - 1) * 256 + n] >>> 8 ^ tables[tables[(k - 1) * 256 + n] & 0xff];
  }
  return tables;
})();

/** CRC-32 (IEEE 802.3, as zlib and PNG compute it), eight bytes per step; `previous` continues the CRC of the bytes before. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = CRC_TABLES;
  let crc = ~previous;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const low = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      t[1792 + (low & 0xff)] ^
      t[1536 + ((low >>> 8) & 0xff)] ^
      t[1280 + ((low >>> 16) & 0xff)] ^
      t[1024 + (low >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('snapshots need a little-endian platform');
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Appends 4-byte-aligned fields: to a growing buffer (`new Writer()`), or, for a large body, to a
 * sink a chunk at a time (`Writer.streaming`) once `Writer.counting()` has measured it, so the body
 * is never held whole while it is written.
 */
export class Writer {
  private bytes: Uint8Array<ArrayBuffer>;
  private view: DataView;
  length = 0;
  /** Streaming: the bytes before this offset went to the sink; `bytes` holds those after it. */
  private flushed = 0;
  /** Streaming: the CRC-32 of the bytes that went to the sink. */
  private sent = 0;
  /** `length` at the last pause, and the calls to `pause` since. */
  private pausedAt = 0;
  private callsSincePause = 0;

  constructor(
    target: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 16),
    private readonly mode: 'grow' | 'count' | 'stream' = 'grow',
    private readonly sink?: ByteSink,
  ) {
    this.bytes = target;
    this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  }

  /** A writer that keeps no bytes, only the length the fields would take. */
  static counting(): Writer {
    return new Writer(new Uint8Array(0), 'count');
  }

  /** A writer that hands its bytes to `sink` a chunk at a time (`end` sends the last). */
  static streaming(sink: ByteSink): Writer {
    return new Writer(new Uint8Array(STREAM_CHUNK_BYTES), 'stream', sink);
  }

  /** The CRC-32 of what a streaming writer wrote, once `end` has sent it all. */
  get checksum(): number {
    return this.sent;
  }

  /** Sends what a streaming writer holds still. */
  end(): void {
    this.send(this.bytes.subarray(0, this.length - this.flushed));
  }

  private send(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const sink = this.sink as ByteSink;
    this.sent = (sink.checksum ?? crc32)(bytes, this.sent);
    sink.write(bytes, this.flushed);
    this.flushed += bytes.length;
  }

  /** Room for `extra` more bytes in `bytes`; false when nothing is to be written there (counting). */
  private reserve(extra: number): boolean {
    if (this.mode === 'count') {
      this.length += extra;
      return false;
    }
    if (this.length - this.flushed + extra <= this.bytes.length) return true;
    if (this.mode === 'stream') {
      this.end();
      return true;
    }
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
    return true;
  }

  u32(value: number): void {
    if (!this.reserve(4)) return;
    this.view.setUint32(this.length - this.flushed, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    if (!this.reserve(4)) return;
    this.view.setInt32(this.length - this.flushed, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    if (!this.reserve(8)) return;
    this.view.setFloat64(this.length - this.flushed, value, true);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    const padded = (bytes.length + 3) & ~3;
    if (this.mode === 'stream' && padded >= this.bytes.length) {
      // Bytes that would fill a chunk (a piece of a stream or a suffix array) go to the sink as they are, not copied.
      this.end();
      this.length += padded;
      this.send(bytes);
      this.send(new Uint8Array(padded - bytes.length));
      return;
    }
    if (!this.reserve(padded)) return;
    const at = this.length - this.flushed;
    this.bytes.set(bytes, at);
    this.bytes.fill(0, at + bytes.length, at + padded);
    this.length += padded;
  }

  string(text: string): void {
    const bytes = utf8Encoder.encode(text);
    this.u32(bytes.length);
    this.raw(bytes);
  }

  /** `arrayInSteps` without pausing. */
  int32Array(array: Int32Array | Uint32Array): void {
    runToEnd(this.arrayInSteps(array));
  }

  /**
   * An array of 32-bit integers (narrower ones widened, as the format stores them), its length first,
   * a piece of STEP_BYTES at a time with a pause after each.
   */
  *arrayInSteps(array: Int32Array | Uint32Array | Uint16Array | Uint8Array): Generator<void> {
    this.u32(array.length);
    if (this.mode === 'count') {
      this.length += array.length * 4;
      return;
    }
    const pieceLength = STEP_BYTES / 4;
    const wide = array instanceof Int32Array || array instanceof Uint32Array;
    const widened = wide ? undefined : new Int32Array(Math.min(array.length, pieceLength));
    for (let from = 0; from < array.length; from += pieceLength) {
      let piece = array.subarray(from, from + pieceLength);
      if (widened !== undefined) {
        widened.set(piece);
        piece = widened.subarray(0, piece.length);
      }
      this.raw(new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength));
      yield* this.pause();
    }
  }

  /**
   * A pause of a streaming or counting writer, once STEP_BYTES or PAUSE_EVERY calls have passed
   * since the last (a growing one is written at once).
   */
  *pause(): Generator<void> {
    if (this.mode === 'grow') return;
    if (this.length - this.pausedAt < STEP_BYTES && ++this.callsSincePause < PAUSE_EVERY) return;
    this.pausedAt = this.length;
    this.callsSincePause = 0;
    yield;
  }

  f64Array(values: readonly number[]): void {
    this.u32(values.length);
    for (const value of values) this.f64(value);
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Where a snapshot is written: `bytes` at byte `position` (the body in order, then the header at 0). */
export interface ByteSink {
  write(bytes: Uint8Array, position: number): void;
  /** `crc32` computed faster where the platform has it (Node's zlib): the same number for the same bytes. */
  readonly checksum?: Checksum;
}

/** Bytes read in order: a snapshot in memory, or a file read as it is parsed (the server's). */
export interface ByteSource {
  /** How many bytes there are in all. */
  readonly length: number;
  /** Fills `target` with the next `target.length` bytes. */
  read(target: Uint8Array): void;
  /** The next `length` bytes themselves, not a copy: only a source whose bytes the model may keep has it. */
  readonly take?: (length: number) => Uint8Array;
  /** As `ByteSink.checksum`. */
  readonly checksum?: Checksum;
}

/** CRC-32 of `bytes`, continuing `previous` (the CRC of the bytes before them), as `crc32` computes it. */
export type Checksum = (bytes: Uint8Array, previous: number) => number;

/** A source over bytes in memory; with `adopt`, its arrays are read as views of those bytes. */
function memorySource(bytes: Uint8Array, adopt: boolean): ByteSource {
  let position = 0;
  return {
    length: bytes.length,
    read(target) {
      target.set(bytes.subarray(position, position + target.length));
      position += target.length;
    },
    ...(adopt
      ? {
          take(length: number) {
            position += length;
            return bytes.subarray(position - length, position);
          },
        }
      : {}),
  };
}

/** The next `length` bytes of `source`, with their CRC-32 kept as they are read. */
class ChecksummedSource implements ByteSource {
  crc = 0;
  constructor(
    private readonly source: ByteSource,
    readonly length: number,
  ) {}

  read(target: Uint8Array): void {
    this.source.read(target);
    this.crc = (this.source.checksum ?? crc32)(target, this.crc);
  }
}

/** Bytes skipped at a time (read into one scratch buffer). */
const SKIP_CHUNK = 1 << 16;

/**
 * Reads what Writer wrote; every read checks that the data holds it before it allocates, and each
 * array is read straight into its own memory (so a file source is never held whole).
 */
export class Reader {
  private offset = 0;
  private readonly source: ByteSource;
  private readonly scratch = new Uint8Array(8);
  private readonly scratchView = new DataView(this.scratch.buffer);

  constructor(bytes: Uint8Array | ByteSource) {
    this.source = bytes instanceof Uint8Array ? memorySource(bytes, false) : bytes;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.source.length - this.offset;
  }

  /** Checks that `length` bytes (padded to 4) remain and counts them as read. */
  private take(length: number, what: string): void {
    if (!(length >= 0) || this.offset + length > this.source.length) {
      throw new Error(`snapshot is truncated or corrupt: ${what} runs past the end of the data`);
    }
    this.offset += (length + 3) & ~3;
  }

  /** `length` bytes into a fresh buffer (4-byte padded in the data; the padding is read and dropped). */
  private bytes(length: number, what: string): Uint8Array<ArrayBuffer> {
    this.take(length, what);
    const padded = (length + 3) & ~3;
    const bytes = new Uint8Array(padded);
    this.source.read(bytes);
    return bytes.subarray(0, length);
  }

  private fixed(length: 4 | 8, what: string): DataView {
    this.take(length, what);
    this.source.read(this.scratch.subarray(0, length));
    return this.scratchView;
  }

  u32(what: string): number {
    return this.fixed(4, what).getUint32(0, true);
  }

  i32(what: string): number {
    return this.fixed(4, what).getInt32(0, true);
  }

  f64(what: string): number {
    return this.fixed(8, what).getFloat64(0, true);
  }

  string(what: string): string {
    const length = this.u32(what);
    const bytes = this.bytes(length, what);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw new Error(`snapshot is corrupt: ${what} is not valid UTF-8`);
    }
  }

  /**
   * An array in memory of its own (aligned whatever the input's offset), or a view of the source's
   * bytes where it lends them and they are aligned: a model's tables are then the file's bytes, not
   * a copy of them (fresh memory is slow to touch first).
   */
  int32Array(what: string): Int32Array {
    const length = this.u32(what);
    if (this.source.take !== undefined) {
      this.take(4 * length, what);
      const bytes = this.source.take(4 * length);
      return bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, length) : new Int32Array(bytes.slice().buffer);
    }
    return new Int32Array(this.bytes(4 * length, what).buffer, 0, length);
  }

  /** Reads past everything that is left (so a file's checksum can still be checked). */
  skipToEnd(): void {
    const chunk = new Uint8Array(Math.min(SKIP_CHUNK, this.remaining));
    while (this.remaining > 0) {
      const part = chunk.subarray(0, Math.min(chunk.length, this.remaining));
      this.source.read(part);
      this.offset += part.length;
    }
  }

  f64Array(what: string): number[] {
    const length = this.u32(what);
    const values: number[] = [];
    for (let i = 0; i < length; i++) values.push(this.f64(what));
    return values;
  }

  get atEnd(): boolean {
    return this.remaining === 0;
  }
}

/**
 * The model's tables and vocabulary, and optionally documents and their token index, as snapshot bytes.
 * The index may hold more documents than `documents` (ones not counted yet): a restore drops those.
 */
export function writeSnapshot(model: NgramModel, documents: Iterable<SavedDocument> = [], index?: TokenIndex): Uint8Array {
  let out = new Uint8Array(0);
  writeSnapshotTo(
    (length) => {
      out = new Uint8Array(length);
      return { write: (bytes, position) => out.set(bytes, position) };
    },
    model,
    documents,
    index,
  );
  return out;
}

/**
 * `writeSnapshot` handed to a sink a chunk at a time (the server's file), so the snapshot is never
 * held whole (hundreds of megabytes for a large workspace: the largest arrays go to the sink as they
 * are). It is measured first: `open` is called with its length, then the body is written in order,
 * then the header (its length and checksum). Returns the length.
 */
export function writeSnapshotTo(open: (length: number) => ByteSink, model: NgramModel, documents: Iterable<SavedDocument> = [], index?: TokenIndex): number {
  return runToEnd(writeSnapshotInSteps(open, model, documents, index));
}

/**
 * `writeSnapshotTo` a step (about STEP_BYTES) at a time, so that a server can answer requests between
 * steps. What is written is the model and index as they are at the first step: the index's arrays
 * are never changed in place (a change replaces them), but the tables' are, so a caller that lets
 * the model change between steps must give up the write when `model.tables.version` moves.
 */
export function* writeSnapshotInSteps(
  open: (length: number) => ByteSink,
  model: NgramModel,
  documents: Iterable<SavedDocument> = [],
  index?: TokenIndex,
): Generator<void, number> {
  const parts = yield* takeParts(model, [...documents], index);
  const sizing = Writer.counting();
  yield* writeBody(sizing, parts);
  const sink = open(HEADER_BYTES + sizing.length);
  const body = Writer.streaming({ checksum: sink.checksum, write: (bytes, position) => sink.write(bytes, HEADER_BYTES + position) });
  yield* writeBody(body, parts);
  body.end();
  if (body.length !== sizing.length) throw new Error('snapshot body changed size while it was written');
  const header = new Uint8Array(HEADER_BYTES);
  fillHeader(header, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, sizing.length, body.checksum);
  sink.write(header, 0);
  return HEADER_BYTES + sizing.length;
}

/** What a snapshot holds, taken at one moment: scalars copied, arrays by reference. */
interface SnapshotParts {
  readonly model: NgramModel;
  readonly wordLengths: Uint32Array;
  readonly wordBytes: Uint8Array;
  readonly scalars: ReturnType<NgramCounts['scalars']>;
  readonly tables: readonly OrderTableState[];
  readonly documents: readonly SavedDocument[];
  readonly index: TokenIndexState | undefined;
  /** The index's bytes in the body (written before it: a streamed body cannot be patched afterwards). */
  readonly indexLength: number;
}

/**
 * The parts of a snapshot as they are now, then (in steps) what is measured or encoded from them:
 * every word's id stays its word (the vocabulary only grows), and the index's arrays are replaced,
 * not changed, so only the scalars and the retired flags are copied at once.
 */
function* takeParts(model: NgramModel, documents: readonly SavedDocument[], index: TokenIndex | undefined): Generator<void, SnapshotParts> {
  for (const document of index === undefined ? [] : documents) {
    if (!index?.has(document.key)) throw new Error(`the token index does not hold the document ${JSON.stringify(document.key)}`);
  }
  const state = index?.exportState();
  const indexState = state === undefined ? undefined : { ...state, segments: state.segments.map((segment) => ({ ...segment, retired: Uint8Array.from(segment.retired) })) };
  const scalars = model.tables.scalars();
  const tables = model.tables.tables.map((table) => table.exportState());
  const words = model.vocabulary.allWords();
  const wordCount = words.length;

  const wordLengths = new Uint32Array(wordCount);
  const encoded: Uint8Array[] = [];
  for (let from = 0; from < wordCount; from += WORDS_PER_STEP) {
    const to = Math.min(wordCount, from + WORDS_PER_STEP);
    for (let id = from; id < to; id++) wordLengths[id] = words[id].length;
    encoded.push(utf8Encoder.encode(words.slice(from, to).join('')));
    yield;
  }
  const wordBytes = new Uint8Array(encoded.reduce((sum, bytes) => sum + bytes.length, 0));
  let at = 0;
  for (const bytes of encoded) {
    wordBytes.set(bytes, at);
    at += bytes.length;
  }

  let indexLength = 0;
  if (indexState !== undefined) {
    const sizing = Writer.counting();
    yield* writeIndex(sizing, indexState);
    indexLength = sizing.length;
  }
  return { model, wordLengths, wordBytes, scalars, tables, documents, index: indexState, indexLength };
}

function* writeBody(body: Writer, parts: SnapshotParts): Generator<void> {
  const { model, scalars, index, documents } = parts;
  body.u32(model.order);
  body.string(model.estimator.name);
  body.f64(model.estimator.addK ?? NaN);
  body.string(model.tokenizer);

  body.u32(parts.wordLengths.length);
  yield* body.arrayInSteps(parts.wordLengths);
  body.u32(parts.wordBytes.length);
  body.raw(parts.wordBytes);

  body.f64(scalars.sentences);
  body.f64(scalars.tokens);
  body.f64(scalars.liveWords);
  const root = scalars.root;
  for (const value of [root.childSum, root.n1, root.n2, root.n3, root.rawTotal]) body.f64(value);
  body.f64Array(scalars.countOfCounts);
  for (const state of parts.tables) {
    body.i32(state.size);
    body.i32(state.live);
    body.i32(state.freeHead);
    yield* body.arrayInSteps(state.data);
    yield* body.arrayInSteps(state.links ?? new Int32Array(0));
  }

  // With an index, each document's sentences are the index's copy, written with it.
  body.u32(index === undefined ? 1 : 0);
  body.u32(documents.length);
  for (const document of documents) {
    body.string(document.key);
    body.f64(document.size);
    body.f64(document.mtimeMs);
    body.string(document.withheld);
    if (index !== undefined) continue;
    if (document.encoded === undefined) throw new Error(`no sentences for the document ${JSON.stringify(document.key)}`);
    yield* body.arrayInSteps(document.encoded);
    yield* body.pause();
  }

  if (index === undefined) body.u32(0);
  else {
    body.u32(INDEX_FORMAT_VERSION);
    body.u32(parts.indexLength);
    yield* writeIndex(body, index);
  }
}

function* writeIndex(body: Writer, state: TokenIndexState): Generator<void> {
  body.u32(state.segments.length);
  for (const segment of state.segments) {
    body.u32(segment.keys.length);
    for (const key of segment.keys) {
      body.string(key);
      yield* body.pause();
    }
    yield* body.arrayInSteps(segment.starts);
    yield* body.arrayInSteps(segment.retired);
    // Stored 32-bit whatever width it has in memory, so a snapshot does not depend on the vocabulary's size.
    yield* body.arrayInSteps(segment.stream);
    yield* body.arrayInSteps(segment.suffixArray);
  }
  body.u32(state.fresh.length);
  for (const { key, tokens } of state.fresh) {
    body.string(key);
    yield* body.arrayInSteps(tokens);
  }
}

/** A body behind the header: magic, version, length and CRC-32 (also the token index's format). */
export function frame(magic: string, version: number, bodyBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + bodyBytes.length);
  out.set(bodyBytes, HEADER_BYTES);
  writeHeader(out, magic, version);
  return out;
}

/** Fills the header of `out`, whose body (after the header) is written. */
function writeHeader(out: Uint8Array, magic: string, version: number): void {
  fillHeader(out, magic, version, out.length - HEADER_BYTES, crc32(out.subarray(HEADER_BYTES)));
}

/** Fills a header's bytes (the first HEADER_BYTES of `out`). */
function fillHeader(out: Uint8Array, magic: string, version: number, bodyLength: number, checksum: number): void {
  assertLittleEndian();
  const header = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
  out.set(utf8Encoder.encode(magic), 0);
  header.setUint32(4, version, true);
  header.setUint32(8, bodyLength, true);
  header.setUint32(12, checksum, true);
}

/**
 * An older format's records (the sibling link as a fourth field) as this format's: the records
 * without it and the links beside them. Unigrams are in no child list, so theirs are dropped.
 */
function withoutLinkField(n: number, old: Int32Array, size: number): { data: Int32Array; links?: Int32Array } {
  const oldStride = size === 0 ? 0 : old.length / size;
  if (size === 0 || !Number.isInteger(oldStride) || oldStride <= OLD_LINK_FIELD) return { data: old };
  const stride = oldStride - 1;
  const data = new Int32Array(size * stride);
  const links = new Int32Array(size);
  for (let node = 0; node < size; node++) {
    const from = node * oldStride;
    const to = node * stride;
    data.set(old.subarray(from, from + OLD_LINK_FIELD), to);
    data.set(old.subarray(from + OLD_LINK_FIELD + 1, from + oldStride), to + OLD_LINK_FIELD);
    links[node] = old[from + OLD_LINK_FIELD];
  }
  return n === 1 ? { data } : { data, links };
}

/** How `readSnapshot` may read its bytes. */
export interface ReadOptions {
  /** `crc32` computed faster where the platform has it, as `ByteSource.checksum`. */
  readonly checksum?: Checksum;
  /**
   * The model takes the bytes as its memory (its tables are views of them, not copies): the caller
   * must neither change nor reuse them afterwards, and the model's changes are written into them.
   */
  readonly adopt?: boolean;
}

/** Reads `writeSnapshot`'s bytes back; throws an Error naming the problem for anything else. */
export function readSnapshot(bytes: Uint8Array, options: ReadOptions = {}): Snapshot {
  const { body, version } = unframe(SNAPSHOT_MAGIC, SNAPSHOT_VERSION, bytes, OLDEST_READABLE_VERSION, options.checksum);
  return readBody(new Reader(memorySource(body, options.adopt === true)), version);
}

/**
 * `readSnapshot` over a source read as it is parsed (a file), so the file's bytes are never held
 * whole beside the arrays read from them: a workspace's snapshot is in memory once while it loads.
 * The checksum is computed on the way and checked at the end; a body that fails to parse is read to
 * its end first, so damage is reported as a checksum mismatch as `readSnapshot` reports it.
 */
export function readSnapshotFrom(source: ByteSource): Snapshot {
  const header = new Uint8Array(Math.min(HEADER_BYTES, source.length));
  source.read(header);
  const { version, bodyLength, checksum } = checkHeader(SNAPSHOT_MAGIC, SNAPSHOT_VERSION, header, source.length, OLDEST_READABLE_VERSION);
  const body = new ChecksummedSource(source, bodyLength);
  const reader = new Reader(body);
  const corrupt = new Error('snapshot is corrupt: its checksum does not match its data');
  let snapshot: Snapshot;
  try {
    snapshot = readBody(reader, version);
  } catch (error) {
    reader.skipToEnd();
    throw body.crc !== checksum ? corrupt : error;
  }
  if (body.crc !== checksum) throw corrupt;
  return snapshot;
}

/** `frame`'s body and version, after checking the header; throws an Error naming what is wrong. */
export function unframe(
  expectedMagic: string,
  expectedVersion: number,
  bytes: Uint8Array,
  oldestVersion = expectedVersion,
  checksumOf: Checksum = crc32,
): { readonly body: Uint8Array; readonly version: number } {
  const { version, checksum } = checkHeader(expectedMagic, expectedVersion, bytes.subarray(0, HEADER_BYTES), bytes.length, oldestVersion);
  const body = bytes.subarray(HEADER_BYTES);
  if (checksumOf(body, 0) !== checksum) throw new Error('snapshot is corrupt: its checksum does not match its data');
  return { body, version };
}

/** The header's fields, checked against the magic, the versions read and the data's `total` length (header included). */
function checkHeader(
  expectedMagic: string,
  expectedVersion: number,
  headerBytes: Uint8Array,
  total: number,
  oldestVersion: number,
): { readonly version: number; readonly bodyLength: number; readonly checksum: number } {
  assertLittleEndian();
  if (total < HEADER_BYTES) throw new Error(`not a Next Word Lab snapshot: ${total} bytes is shorter than the header`);
  const magic = String.fromCharCode(...headerBytes.subarray(0, 4));
  if (magic !== expectedMagic) throw new Error(`not a Next Word Lab snapshot: the file starts with ${JSON.stringify(magic)}, not "${expectedMagic}"`);
  const header = new DataView(headerBytes.buffer, headerBytes.byteOffset, HEADER_BYTES);
  const version = header.getUint32(4, true);
  if (!(version >= oldestVersion && version <= expectedVersion)) {
    throw new Error(`snapshot format version ${version} is not supported (this build reads version ${expectedVersion})`);
  }
  const bodyLength = header.getUint32(8, true);
  const available = total - HEADER_BYTES;
  if (bodyLength > available) throw new Error(`snapshot is truncated: the header announces ${bodyLength} bytes of data, ${available} are present`);
  if (bodyLength < available) throw new Error(`snapshot has ${available - bodyLength} unexpected bytes after its data`);
  return { version, bodyLength, checksum: header.getUint32(12, true) };
}

function readBody(reader: Reader, formatVersion: number): Snapshot {
  const order = reader.u32('order');
  if (!(order >= MIN_ORDER && order <= MAX_ORDER)) throw new Error(`snapshot has an invalid order ${order}`);
  const estimatorName = reader.string('estimator') as EstimatorName;
  if (!ESTIMATOR_NAMES.includes(estimatorName)) throw new Error(`snapshot names an unknown estimator ${JSON.stringify(estimatorName)}`);
  const addK = reader.f64('add-k');
  // NaN means "no k"; any other value must be one an add-k estimator accepts.
  if (!Number.isNaN(addK) && !(addK > 0 && Number.isFinite(addK))) throw new Error(`snapshot has an invalid add-k ${addK}`);
  const tokenizer = reader.string('tokenizer') as TokenizerName;
  if (!TOKENIZER_NAMES.includes(tokenizer)) throw new Error(`snapshot names an unknown tokenizer ${JSON.stringify(tokenizer)}`);

  const wordCount = reader.u32('vocabulary size');
  const lengths = reader.int32Array('word lengths');
  const allWords = reader.string('words');
  if (lengths.length !== wordCount) throw new Error(`snapshot vocabulary lists ${lengths.length} lengths for ${wordCount} words`);
  const words: string[] = [];
  let offset = 0;
  for (const length of lengths) {
    if (length < 0 || offset + length > allWords.length) throw new Error('snapshot vocabulary lengths do not match its words');
    words.push(allWords.slice(offset, offset + length));
    offset += length;
  }
  if (offset !== allWords.length) throw new Error('snapshot vocabulary lengths do not match its words');
  const vocabulary = Vocabulary.fromWords(words);

  const sentences = reader.f64('sentences');
  const tokens = reader.f64('tokens');
  const liveWords = reader.f64('live words');
  const [childSum, n1, n2, n3, rawTotal] = [0, 0, 0, 0, 0].map(() => reader.f64('root sums'));
  const countOfCounts = reader.f64Array('count-of-counts');
  const tables: OrderTableState[] = [];
  for (let n = 1; n <= order; n++) {
    const size = reader.i32(`table ${n} size`);
    const live = reader.i32(`table ${n} live`);
    const freeHead = reader.i32(`table ${n} free list`);
    const data = reader.int32Array(`table ${n} records`);
    if (formatVersion < SEPARATE_LINKS_VERSION) {
      tables.push({ size, live, freeHead, ...withoutLinkField(n, data, size) });
    } else {
      const links = reader.int32Array(`table ${n} links`);
      tables.push({ size, live, freeHead, data, ...(links.length === 0 ? {} : { links }) });
    }
  }
  const counts = NgramCounts.fromState(order, tables, {
    sentences,
    tokens,
    liveWords,
    root: { childSum, n1, n2, n3, rawTotal },
    countOfCounts,
  });
  if (counts.tables[0].size > vocabulary.size) throw new Error('snapshot counts words its vocabulary does not have');
  const estimator = { name: estimatorName, ...(Number.isNaN(addK) ? {} : { addK }) };
  const model = new NgramModel({ order, estimator, tokenizer }, vocabulary, counts);

  const placement = formatVersion >= SENTENCES_IN_INDEX_VERSION ? reader.u32('where the documents\' sentences are') : 1;
  if (placement > 1) throw new Error(`snapshot says its documents' sentences are in an unknown place (${placement})`);
  const inline = placement === 1;
  const documentCount = reader.u32('document count');
  const documents: SnapshotDocument[] = [];
  const stamps: Omit<SnapshotDocument, 'encoded'>[] = [];
  for (let i = 0; i < documentCount; i++) {
    const key = reader.string('document key');
    const size = reader.f64('document size');
    const mtimeMs = reader.f64('document mtime');
    const withheld = formatVersion >= 3 ? reader.string('document withheld lines') : '';
    if (!inline) {
      stamps.push({ key, size, mtimeMs, withheld });
      continue;
    }
    const encoded = reader.int32Array('document sentences');
    const words = vocabulary.size;
    for (let i = 0; i < encoded.length; i++) {
      if (encoded[i] < 0 || encoded[i] >= words) throw new Error(`snapshot document ${JSON.stringify(key)} has a word id outside the vocabulary`);
    }
    documents.push({ key, size, mtimeMs, withheld, encoded });
  }
  if (formatVersion < 4) {
    if (!reader.atEnd) throw new Error('snapshot has unread data after its documents');
    return { model, documents, formatVersion, indexProblem: `saved without a token index (format ${formatVersion})` };
  }
  const indexVersion = reader.u32('token index format');
  if (!inline) {
    // The index holds the documents' sentences: without it the snapshot has no documents to give.
    if (indexVersion !== INDEX_FORMAT_VERSION) throw new Error(`snapshot's documents are in a token index of format ${indexVersion}, which this build does not read (format ${INDEX_FORMAT_VERSION})`);
    const indexLength = reader.u32('token index length');
    if (indexLength > reader.remaining) throw new Error('snapshot is truncated or corrupt: token index runs past the end of the data');
    if (((indexLength + 3) & ~3) < reader.remaining) throw new Error('snapshot has unread data after its token index');
    const index = readIndex(reader, vocabulary.size, stamps, false, formatVersion >= SEGMENTED_INDEX_VERSION);
    for (const stamp of stamps) {
      documents.push({
        ...stamp,
        get encoded(): EncodedSentences {
          return index.sentences(stamp.key) as EncodedSentences;
        },
      });
    }
    return { model, documents, formatVersion, index };
  }
  if (indexVersion === 0) {
    if (!reader.atEnd) throw new Error('snapshot has unread data after its documents');
    return { model, documents, formatVersion, indexProblem: 'saved without a token index' };
  }
  // The index is the rest of the body: read in place, not copied out first.
  const indexLength = reader.u32('token index length');
  if (indexLength > reader.remaining) throw new Error('snapshot is truncated or corrupt: token index runs past the end of the data');
  if (((indexLength + 3) & ~3) < reader.remaining) throw new Error('snapshot has unread data after its token index');
  if (indexVersion !== INDEX_FORMAT_VERSION) {
    reader.skipToEnd();
    return { model, documents, formatVersion, indexProblem: `token index format ${indexVersion} is not supported (this build reads format ${INDEX_FORMAT_VERSION})` };
  }
  try {
    return { model, documents, formatVersion, index: readIndex(reader, vocabulary.size, documents, true, false) };
  } catch (error) {
    reader.skipToEnd();
    return { model, documents, formatVersion, indexProblem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The saved index, checked to hold every saved document (with the sentences saved beside it, when
 * `inline`: formats before 6); documents beyond those are dropped. Before format 7 (not `segmented`)
 * it is one base, which `fromState` splits into segments.
 */
function readIndex(reader: Reader, vocabularySize: number, documents: readonly SavedDocument[], inline: boolean, segmented: boolean): TokenIndex {
  const segments: (SegmentState & { readonly stream: Int32Array })[] = [];
  const segmentCount = segmented ? reader.u32('index segment count') : 1;
  for (let s = 0; s < segmentCount; s++) {
    const count = reader.u32('index document count');
    const keys: string[] = [];
    for (let d = 0; d < count; d++) keys.push(reader.string('index document key'));
    const starts = reader.int32Array('index document starts');
    const retired = Uint8Array.from(reader.int32Array('index retired flags'), (flag) => (flag === 0 || flag === 1 ? flag : 2));
    const stream = reader.int32Array('index stream');
    const suffixArray = reader.int32Array('index suffix array');
    segments.push({ stream, suffixArray, keys, starts, retired });
  }
  const freshCount = reader.u32('index fresh document count');
  const fresh: { key: string; tokens: Int32Array }[] = [];
  for (let i = 0; i < freshCount; i++) fresh.push({ key: reader.string('index fresh document key'), tokens: reader.int32Array('index fresh document tokens') });
  if (!reader.atEnd) throw new Error('index snapshot has unread data after its documents');
  const index = TokenIndex.fromState({ segments, fresh }, vocabularySize);

  // Each saved document's `<s>` and sentences, as the index holds them (fromState checked the shapes).
  const held = new Map<string, Int32Array>();
  for (const { keys, starts, retired, stream } of segments) {
    keys.forEach((key, d) => {
      if (retired[d] === 0) held.set(key, stream.subarray(starts[d], starts[d + 1] - 1));
    });
  }
  for (const { key, tokens } of fresh) held.set(key, tokens);
  for (const document of documents) {
    const tokens = held.get(document.key);
    if (tokens === undefined || (inline && document.encoded !== undefined && !holdsSentences(tokens, document.encoded))) {
      throw new Error(`the token index does not hold the saved document ${JSON.stringify(document.key)} as saved`);
    }
    held.delete(document.key);
  }
  for (const key of held.keys()) index.delete(key);
  return index;
}

function holdsSentences(tokens: Int32Array, encoded: Int32Array): boolean {
  if (tokens.length !== encoded.length + 1) return false;
  for (let i = 0; i < encoded.length; i++) if (tokens[i + 1] !== encoded[i]) return false;
  return true;
}
