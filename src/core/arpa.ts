// The ARPA back-off format, both ways.
//
// An ARPA file lists, for every n-gram with a non-zero count, log10 p(w | h) and (below the top
// order) its back-off weight log10 γ. A query then follows the back-off rule
//   p(w | h) = p_file(h w)                    if the n-gram h w is listed,
//            = γ(h) · p(w | h without its first word)   otherwise (γ = 1 for an unlisted h),
// so a file answers every context with O(order²) lookups. Layout:
//
//   \data\
//   ngram 1=1085
//   ngram 2=3891
//
//   \1-grams:
//   -3.6009111	<unk>	0
//   -99	<s>	-0.9070004          (log10 0: `<s>` is context only)
//   …
//   \2-grams:
//   -0.66115636	a b	-0.18615691
//   …
//   \end\
//
// Writing lists every n-gram with a non-zero count. log10 p(w | h) is the model's own probability
// of the n-gram (for interpolated Kneser-Ney: the interpolated estimate), and the back-off weight of
// a context h is the γ(h) with p(v | h) = γ(h) · p(v | h minus its first word) for every v never seen
// after h. It is computed from the model's probabilities as
//   γ(h) = (1 − Σ_{w seen after h} p(w | h)) / (1 − Σ_{w seen after h} p(w | h minus its first word)),
// which for Kneser-Ney is exactly its interpolation weight (D1·N1 + D2·N2 + D3·N3+) / Σ a, and 0 for
// MLE. `<s>` gets log10 p = −99, SRILM's spelling of log10 0 (lmplz writes 0; since `<s>` is never
// predicted, both tools read either). Add-k (above order 1) gives unseen words a constant share, not
// a scaled shorter context, and stupid backoff gives scores, not probabilities: neither has a
// back-off form, so they are refused.
//
// Reading follows KenLM's rules: the first non-blank line must be `\data\`, the header counts must
// match the sections, the top order has no back-off, a log10 probability may not be positive, and
// every word of a longer n-gram must be a listed unigram, nothing but blank lines may follow `\end\`,
// and the bytes must be UTF-8. Beyond KenLM, every distribution the file defines must be one: for
// each context h (every n-gram below the top order), the mass the back-off rule gives its next words,
//   Σ_{w listed after h} p(w | h) + γ(h) · (mass(h′) − Σ_{w listed after h} p(w | h′)),   h′ = h minus its first word,
// must be at most 1 (a back-off weight of 10^300 would otherwise show as a "probability"). A file whose `<unk>` is missing gets
// KenLM's default log10 p(<unk>) = −100. SRILM may drop a context n-gram whose back-off is 0: such a
// context is recreated with γ = 1 (it has no probability of its own). Any other problem throws an
// Error naming the line and what is wrong. `ArpaModel.toBytes` keeps an imported model as checksummed
// arrays that load without parsing text.

import { TOKENIZER_NAMES, type Candidate, type NextWordDistribution, type TokenizerName } from './types';
import { crc32 } from './snapshot';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN, UNK, UNK_TOKEN, Vocabulary } from './vocabulary';
import { COUNT, PARENT, hashKey } from './orderTable';
import { encodeSentences, type EncodedSentences, type NgramModel, type RunDistribution, type ScanTotals, type TokenVisitor, type WordScore } from './model';
import { evaluateText, type Evaluation } from './evaluation';
import { runsOfVector } from './runs';

/** How ARPA files spell log10 0 (the probability of `<s>`, a back-off weight of 0). */
export const ARPA_LOG10_ZERO = -99;
/** What KenLM assumes for log10 p(<unk>) when a file does not list `<unk>`. */
export const MISSING_UNK_LOG10_PROB = -100;
/** The binary form of a back-off model (`ArpaModel.toBytes`). */
export const BACKOFF_MAGIC = 'NWLA';
const BACKOFF_VERSION = 1;
const BACKOFF_HEADER_BYTES = 16;
/** Significant digits written: enough to round-trip a float32, as KenLM stores them. */
const WRITTEN_DIGITS = 9;
/** Probability mass left after the seen words that is only rounding error (MLE leaves none). */
const MASS_ROUNDING = 1e-12;
/** Orders an ARPA file may declare (the engine's own models go up to 6; other tools write more). */
const MAX_ARPA_ORDER = 16;

/** Marks a recreated context: it has a back-off weight but no probability of its own. */
const CONTEXT_ONLY = NaN;

const MIN_SLOTS = 16;

/**
 * The n-grams of one order: node i is (parent[i], word[i]) where parent is a node of the order
 * below; unigram nodes are word ids. Insert-only, so an open-addressing table of node ids suffices.
 */
class BackoffTable {
  size = 0;
  log10Prob: Float64Array;
  log10Backoff: Float64Array;
  parent: Int32Array;
  word: Int32Array;
  private slots: Int32Array;
  private mask: number;
  /** Children of each parent node, filled in by `indexChildren` (CSR: childStart[p]..childStart[p+1]). */
  childStart = new Int32Array(0);
  children = new Int32Array(0);

  constructor(
    readonly n: number,
    capacity: number,
  ) {
    this.log10Prob = new Float64Array(capacity);
    this.log10Backoff = new Float64Array(capacity);
    this.parent = new Int32Array(capacity);
    this.word = new Int32Array(capacity);
    // Unigrams are found by id; only longer n-grams are hashed.
    let slotCount = n === 1 ? 0 : MIN_SLOTS;
    while (slotCount > 0 && slotCount < 2 * capacity) slotCount *= 2;
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
  }

  find(parent: number, word: number): number {
    if (this.n === 1) return word < this.size ? word : -1;
    for (let i = hashKey(parent, word) & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot === 0) return -1;
      if (this.word[slot - 1] === word && this.parent[slot - 1] === parent) return slot - 1;
    }
  }

  /** Sets the unigram of word `id` (unigram nodes are word ids, so they are stored by id). */
  setUnigram(id: number, log10Prob: number, log10Backoff: number): void {
    if (id >= this.word.length) this.grow(Math.max(MIN_SLOTS, 2 * id));
    this.size = Math.max(this.size, id + 1);
    this.parent[id] = -1;
    this.word[id] = id;
    this.log10Prob[id] = log10Prob;
    this.log10Backoff[id] = log10Backoff;
  }

  /** Appends a node of order ≥ 2 (the caller has checked it is new) and returns its id. */
  add(parent: number, word: number, log10Prob: number, log10Backoff: number): number {
    if (this.size === this.word.length) this.grow(Math.max(MIN_SLOTS, this.size * 2));
    const node = this.size++;
    this.parent[node] = parent;
    this.word[node] = word;
    this.log10Prob[node] = log10Prob;
    this.log10Backoff[node] = log10Backoff;
    if (2 * this.size > this.slots.length) this.rehash(this.slots.length * 2);
    this.place(node);
    return node;
  }

  private place(node: number): void {
    let i = hashKey(this.parent[node], this.word[node]) & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = node + 1;
  }

  private grow(capacity: number): void {
    const widen = <T extends Float64Array | Int32Array>(array: T, make: (length: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.log10Prob = widen(this.log10Prob, (length) => new Float64Array(length));
    this.log10Backoff = widen(this.log10Backoff, (length) => new Float64Array(length));
    this.parent = widen(this.parent, (length) => new Int32Array(length));
    this.word = widen(this.word, (length) => new Int32Array(length));
  }

  private rehash(slotCount: number): void {
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    for (let node = 0; node < this.size; node++) this.place(node);
  }

  /** The arrays that make up the table, to move it to another thread without copying. */
  parts(): BackoffTableParts {
    const { n, size, log10Prob, log10Backoff, parent, word, slots } = this;
    return { n, size, log10Prob, log10Backoff, parent, word, slots };
  }

  /** A table from `parts` of one this build made (nothing is checked or rehashed). */
  static fromParts(parts: BackoffTableParts): BackoffTable {
    const table = new BackoffTable(parts.n, 0);
    table.size = parts.size;
    table.log10Prob = parts.log10Prob;
    table.log10Backoff = parts.log10Backoff;
    table.parent = parts.parent;
    table.word = parts.word;
    table.slots = parts.slots;
    table.mask = parts.slots.length - 1;
    return table;
  }

  /** Groups the nodes by parent so a context's listed next words can be enumerated. */
  indexChildren(parentCount: number): void {
    const start = new Int32Array(parentCount + 1);
    for (let node = 0; node < this.size; node++) start[this.parent[node] + 1]++;
    for (let p = 0; p < parentCount; p++) start[p + 1] += start[p];
    const fill = start.slice(0, parentCount);
    const children = new Int32Array(this.size);
    for (let node = 0; node < this.size; node++) children[fill[this.parent[node]]++] = node;
    this.childStart = start;
    this.children = children;
  }

  byteLength(): number {
    return (
      this.log10Prob.byteLength +
      this.log10Backoff.byteLength +
      this.parent.byteLength +
      this.word.byteLength +
      this.slots.byteLength +
      this.childStart.byteLength +
      this.children.byteLength
    );
  }
}

/** One order's arrays (`ArpaModel.parts`). */
export interface BackoffTableParts {
  readonly n: number;
  readonly size: number;
  readonly log10Prob: Float64Array;
  readonly log10Backoff: Float64Array;
  readonly parent: Int32Array;
  readonly word: Int32Array;
  readonly slots: Int32Array;
}

/** A back-off model as plain arrays and strings: what a worker thread posts once it has read a file. */
export interface ArpaModelParts {
  readonly words: readonly string[];
  readonly tokenizer: TokenizerName;
  readonly tables: readonly BackoffTableParts[];
}

/** Lines of a text, numbered from 1. */
interface Lines {
  readonly lineNumber: number;
  next(): string | undefined;
}

/** Splits text into lines (\n, \r\n), numbering them from 1, without copying the whole text. */
class LineReader implements Lines {
  private position = 0;
  lineNumber = 0;

  constructor(private readonly text: string) {}

  next(): string | undefined {
    if (this.position >= this.text.length) return undefined;
    let end = this.text.indexOf('\n', this.position);
    if (end < 0) end = this.text.length;
    const line = this.text.slice(this.position, end);
    this.position = end + 1;
    this.lineNumber++;
    return line;
  }
}

/** Bytes decoded as UTF-8 per chunk of about this many, cut after a line end. */
const DECODED_CHUNK_BYTES = 1 << 24;

/**
 * The lines of an ARPA file's bytes, decoded a chunk at a time: a file of tens of millions of n-grams
 * is larger than the longest string a JavaScript engine holds (V8: 2^29 characters).
 */
class ByteLineReader implements Lines {
  private position = 0;
  private chunk: LineReader | undefined;
  private linesBefore = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get lineNumber(): number {
    return this.linesBefore + (this.chunk?.lineNumber ?? 0);
  }

  next(): string | undefined {
    for (;;) {
      const line = this.chunk?.next();
      if (line !== undefined) return line;
      if (this.position >= this.bytes.length) return undefined;
      this.linesBefore = this.lineNumber;
      let end = this.bytes.indexOf(0x0a, Math.min(this.bytes.length, this.position + DECODED_CHUNK_BYTES));
      end = end < 0 ? this.bytes.length : end + 1;
      this.chunk = new LineReader(decodeArpa(this.bytes.subarray(this.position, end), this.linesBefore + 1, this.position > 0));
      this.position = end;
    }
  }
}

function arpaError(lineNumber: number, message: string): Error {
  return new Error(`ARPA line ${lineNumber}: ${message}`);
}

/** A line, shortened for an error message. */
function quoted(line: string): string {
  const MAX_QUOTED = 60;
  return `"${line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED)}…` : line}"`;
}

function parseLog10(field: string, what: string, lineNumber: number): number {
  // SRILM and some other writers spell log10 0 as -inf.
  const value = field === '-inf' ? -Infinity : Number(field);
  if (Number.isNaN(value) || field === '') throw arpaError(lineNumber, `${quoted(field)} is not a ${what}`);
  return value;
}

/** `readArpa` reports its progress every 2^20 n-grams. */
const PROGRESS_EVERY_MASK = (1 << 20) - 1;
const SECTION_HEADER = /^\\(\d+)-grams:$/;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/**
 * The fields of an n-gram line. Fields are separated by spaces and tabs only, as KenLM reads them
 * (another Unicode space can be part of a word); a trailing CR is a Windows line end.
 */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const code = i < line.length ? line.charCodeAt(i) : SPACE;
    const blank = code === SPACE || code === TAB || (code === CR && i === line.length - 1);
    if (!blank && start < 0) start = i;
    else if (blank && start >= 0) {
      fields.push(line.slice(start, i));
      start = -1;
    }
  }
  return fields;
}
const COUNT_LINE = /^ngram\s+(\d+)\s*=\s*(\d+)$/;

function countLines(input: string | Uint8Array): number {
  let lines = 1;
  const lineEnd = typeof input === 'string' ? '\n' : 0x0a;
  for (let at = input.indexOf(lineEnd as never); at >= 0; at = input.indexOf(lineEnd as never, at + 1)) lines++;
  return lines;
}

/**
 * Reads an ARPA file (KenLM's, SRILM's, or this engine's) into a back-off model; `tokenizer` is how
 * it will split text it scores; `progress` hears how many of the n-grams the header announced are read.
 */
export function readArpa(input: string | Uint8Array, tokenizer: TokenizerName = 'whitespace', progress?: (done: number, total: number) => void): ArpaModel {
  const lines: Lines = typeof input === 'string' ? new LineReader(input) : new ByteLineReader(input);
  const nextContentLine = (): string | undefined => {
    for (let line = lines.next(); line !== undefined; line = lines.next()) {
      const trimmed = line.trim();
      if (trimmed !== '') return trimmed;
    }
    return undefined;
  };
  const truncated = (where: string): Error => arpaError(lines.lineNumber + 1, `the file ends ${where} (truncated?)`);

  const first = nextContentLine();
  if (first === undefined) throw arpaError(lines.lineNumber + 1, 'the file is empty, not an ARPA model');
  if (first !== '\\data\\') throw arpaError(lines.lineNumber, `expected "\\data\\" to begin an ARPA model, found ${quoted(first)}`);

  const declared: number[] = [];
  let line = nextContentLine();
  for (; line !== undefined && !line.startsWith('\\'); line = nextContentLine()) {
    const match = COUNT_LINE.exec(line);
    if (!match) throw arpaError(lines.lineNumber, `expected "ngram N=count" in the \\data\\ header, found ${quoted(line)}`);
    const n = Number(match[1]);
    if (n !== declared.length + 1) throw arpaError(lines.lineNumber, `expected the count of ${declared.length + 1}-grams, found ${n}-grams`);
    if (n > MAX_ARPA_ORDER) throw arpaError(lines.lineNumber, `order ${n} is above the supported ${MAX_ARPA_ORDER}`);
    declared.push(Number(match[2]));
  }
  if (line === undefined) throw truncated('inside the \\data\\ header');
  if (declared.length === 0) throw arpaError(lines.lineNumber, `expected "ngram 1=count" after "\\data\\", found ${quoted(line)}`);
  const order = declared.length;

  const vocabulary = new Vocabulary();
  // Sized by the header, but never beyond what the file can hold (one n-gram per line; tables grow
  // as needed): "ngram 1=99999999999" must end in the error below, not in a 2 TB allocation.
  const lineCount = countLines(input);
  const tables = declared.map((count, i) => new BackoffTable(i + 1, Math.min(count, lineCount) + (i === 0 ? 3 : 0)));
  const listedUnigram: boolean[] = [];
  /** The line of each n-gram, per order, to name it if its distribution turns out impossible. */
  const lineOf: number[][] = declared.map(() => []);

  const total = declared.reduce((sum, count) => sum + count, 0);
  let done = 0;
  progress?.(0, total);
  for (let n = 1; n <= order; n++) {
    const expectedHeader = `\\${n}-grams:`;
    if (line !== expectedHeader) throw arpaError(lines.lineNumber, `expected "${expectedHeader}", found ${quoted(line)}`);
    const table = tables[n - 1];
    const fieldCounts = n < order ? [n + 1, n + 2] : [n + 1];
    for (let listed = 0; listed < declared[n - 1]; listed++) {
      if ((++done & PROGRESS_EVERY_MASK) === 0) progress?.(done, total);
      const entry = lines.next();
      if (entry === undefined) throw truncated(`after ${listed} of the ${declared[n - 1]} ${n}-grams the header announced`);
      const fields = splitFields(entry);
      if (fields.length === 0 || fields[0].startsWith('\\')) {
        throw arpaError(lines.lineNumber, `the \\${n}-grams: section ends after ${listed} of the ${declared[n - 1]} n-grams the header announced`);
      }
      if (!fieldCounts.includes(fields.length)) {
        const expected = n < order ? `a log10 probability, ${n} word(s) and an optional back-off` : `a log10 probability and ${n} word(s) (no back-off at the top order)`;
        throw arpaError(lines.lineNumber, `a ${n}-gram line has ${expected}; found ${fields.length} fields in ${quoted(fields.join(' '))}`);
      }
      const log10Prob = parseLog10(fields[0], 'log10 probability', lines.lineNumber);
      if (log10Prob > 0) throw arpaError(lines.lineNumber, `log10 probability ${fields[0]} is above 0`);
      const log10Backoff = fields.length === n + 2 ? parseLog10(fields[n + 1], 'log10 back-off', lines.lineNumber) : 0;
      if (log10Backoff === Infinity) throw arpaError(lines.lineNumber, `log10 back-off ${fields[n + 1]} is infinite`);
      if (n === 1) {
        const id = vocabulary.intern(fields[1]);
        if (listedUnigram[id]) throw arpaError(lines.lineNumber, `the 1-gram ${quoted(fields[1])} is listed twice`);
        listedUnigram[id] = true;
        table.setUnigram(id, log10Prob, log10Backoff);
        lineOf[0][id] = lines.lineNumber;
        continue;
      }
      const ids = fields.slice(1, n + 1).map((word) => {
        const id = vocabulary.idOf(word);
        // idOf answers UNK for a word it does not know: only `<unk>` itself may map there.
        if (id === UNK && word !== UNK_TOKEN) throw arpaError(lines.lineNumber, `the word ${quoted(word)} is not among the 1-grams`);
        return id;
      });
      let context = ids[0];
      for (let k = 1; k < n - 1; k++) {
        const found = tables[k].find(context, ids[k]);
        context = found >= 0 ? found : tables[k].add(context, ids[k], CONTEXT_ONLY, 0);
      }
      if (table.find(context, ids[n - 1]) >= 0) throw arpaError(lines.lineNumber, `the ${n}-gram ${quoted(ids.map((id) => vocabulary.word(id)).join(' '))} is listed twice`);
      lineOf[n - 1][table.add(context, ids[n - 1], log10Prob, log10Backoff)] = lines.lineNumber;
    }
    line = nextContentLine();
    if (n === 1) {
      for (const [id, token] of [[BOS, BOS_TOKEN], [EOS, EOS_TOKEN]] as const) {
        if (!listedUnigram[id]) throw arpaError(lines.lineNumber, `the 1-grams do not list ${token}`);
      }
      if (!listedUnigram[UNK]) table.setUnigram(UNK, MISSING_UNK_LOG10_PROB, 0);
    }
    if (line === undefined) throw truncated(n < order ? `before "\\${n + 1}-grams:"` : 'before "\\end\\"');
    if (n < order && !SECTION_HEADER.test(line) && line !== '\\end\\') {
      throw arpaError(lines.lineNumber, `the \\${n}-grams: section has more than the ${declared[n - 1]} n-grams the header announced`);
    }
  }
  if (line !== '\\end\\') {
    const problem = SECTION_HEADER.test(line) ? `${quoted(line)} is not announced in the header` : `more than the ${declared[order - 1]} ${order}-grams the header announced`;
    throw arpaError(lines.lineNumber, `expected "\\end\\": ${problem}`);
  }
  const after = nextContentLine();
  if (after !== undefined) throw arpaError(lines.lineNumber, `text after "\\end\\": ${quoted(after)}`);
  const model = new ArpaModel(vocabulary, tables, tokenizer);
  const impossible = model.impossibleDistribution();
  if (impossible !== undefined) {
    const { order: n, node, mass } = impossible;
    const where = n === 0 ? lines.lineNumber : lineOf[n - 1][node] ?? lines.lineNumber;
    throw arpaError(where, `${impossible.describe(vocabulary)} sums to ${mass.toPrecision(4)}, more than 1: not a probability model`);
  }
  return model;
}

/**
 * An ARPA file's bytes as text (a chunk of them from line `firstLineNumber` on); bytes that are not
 * UTF-8 are an error naming their line (decoding them as U+FFFD would make different words equal and
 * report a misleading duplicate). Only the file's first bytes may hold a byte order mark to drop.
 */
function decodeArpa(bytes: Uint8Array, firstLineNumber = 1, keepByteOrderMark = false): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepByteOrderMark }).decode(bytes);
  } catch {
    // Rare: find the line. `\n` is one byte in UTF-8 and never part of another character.
    const strict = new TextDecoder('utf-8', { fatal: true });
    let lineNumber = firstLineNumber;
    for (let start = 0; start <= bytes.length; lineNumber++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      try {
        strict.decode(bytes.subarray(start, end));
      } catch {
        throw arpaError(lineNumber, 'the bytes are not valid UTF-8');
      }
      start = end + 1;
    }
    throw arpaError(lineNumber, 'the bytes are not valid UTF-8');
  }
}

/** Distributions may sum to a little over 1 by the rounding of the written log10 values. */
const MASS_TOLERANCE = 1e-3;

interface ImpossibleDistribution {
  /** The context's length (0: the unigrams) and its node in the table of that order. */
  readonly order: number;
  readonly node: number;
  readonly mass: number;
  describe(vocabulary: Vocabulary): string;
}


/**
 * A back-off model read from an ARPA file. It answers the queries `NgramModel` answers (`score`,
 * `distribution`, `candidates`) with the same conventions: contexts are tokens with `<s>` first at
 * a line start, only the last order−1 tokens matter, unknown words are `<unk>`. An ARPA file holds
 * no counts, so candidates report `count` and `contextCount` as 0.
 */
export class ArpaModel {
  readonly order: number;
  /** n-grams listed per order (index 0 = unigrams, `<unk>` included even where the file omits it). */
  readonly ngramCounts: readonly number[];
  /** `resolveSuffixes`' result. */
  private readonly suffixes: Int32Array;

  constructor(
    readonly vocabulary: Vocabulary,
    private readonly tables: readonly BackoffTable[],
    /** How text is split before scoring (ARPA files are usually built from pre-tokenized text). */
    readonly tokenizer: TokenizerName = 'whitespace',
  ) {
    this.order = tables.length;
    this.suffixes = new Int32Array(this.order);
    this.ngramCounts = tables.map((table) => {
      let listed = 0;
      for (let node = 0; node < table.size; node++) if (!Number.isNaN(table.log10Prob[node])) listed++;
      return listed;
    });
    for (let n = 2; n <= this.order; n++) tables[n - 1].indexChildren(tables[n - 2].size);
  }

  byteLength(): number {
    return this.tables.reduce((total, table) => total + table.byteLength(), 0);
  }

  /** The ids of the last order−1 tokens, unknown words as `<unk>`. */
  private contextIds(context: readonly string[]): number[] {
    return context.slice(Math.max(0, context.length - (this.order - 1))).map((token) => this.vocabulary.idOf(token));
  }

  /**
   * Finds the nodes of the context's suffixes: `suffixes[j − 1]` becomes the node of the last j of
   * `ids[0..count)` at order j. Stops at the first suffix that is not listed (a listed n-gram's
   * suffixes are all listed) and returns how many were found. Reuses one scratch array: a query
   * reads it before the next one starts.
   */
  private resolveSuffixes(ids: ArrayLike<number>, count: number): number {
    const longest = Math.min(count, this.order - 1);
    let found = 0;
    for (let length = 1; length <= longest; length++) {
      const first = count - length;
      let node = this.tables[0].find(-1, ids[first]);
      for (let k = 1; k < length && node >= 0; k++) node = this.tables[k].find(node, ids[first + k]);
      if (node < 0) break;
      this.suffixes[found++] = node;
    }
    return found;
  }

  /** log10 p(word | context) by the back-off rule for `resolveSuffixes`' result, and the listed n-gram's length. */
  private lookup(found: number, word: number): { log10Prob: number; ngramLength: number } {
    let log10Prob = this.tables[0].log10Prob[word];
    let ngramLength = 1;
    let pendingBackoff = 0;
    for (let length = 1; length <= found; length++) {
      const context = this.suffixes[length - 1];
      const table = this.tables[length];
      const node = table.find(context, word);
      if (node >= 0 && !Number.isNaN(table.log10Prob[node])) {
        log10Prob = table.log10Prob[node];
        ngramLength = length + 1;
        pendingBackoff = 0;
      } else {
        pendingBackoff += this.tables[length - 1].log10Backoff[context];
      }
    }
    return { log10Prob: log10Prob + pendingBackoff, ngramLength };
  }

  /** P(word | context), as `NgramModel.score` reports it (KenLM's `query` numbers). */
  score(context: readonly string[], word: string): WordScore {
    const ids = this.contextIds(context);
    const id = this.vocabulary.idOf(word);
    const { log10Prob, ngramLength } = this.lookup(this.resolveSuffixes(ids, ids.length), id);
    return { word, probability: 10 ** log10Prob, log10Prob, ngramLength, inVocabulary: id !== UNK };
  }

  /**
   * p(· | context) for every word id, built as the back-off rule reads: start from the unigrams, then
   * for each longer listed context scale everything by its γ and overwrite the words it lists. In log10
   * space, as `score` computes it: 10^-324 · 10^309 would be 0 · ∞ = NaN in linear space.
   */
  distribution(context: readonly string[]): NextWordDistribution {
    const ids = this.contextIds(context);
    const nodes = this.suffixes.slice(0, this.resolveSuffixes(ids, ids.length));
    const log10Probs = Float64Array.from(this.tables[0].log10Prob.subarray(0, this.vocabulary.size));
    let matchedContextLength = 0;
    for (let length = 1; length <= nodes.length; length++) {
      const contextNode = nodes[length - 1];
      const log10Backoff = this.tables[length - 1].log10Backoff[contextNode];
      if (log10Backoff !== 0) for (let id = 0; id < log10Probs.length; id++) log10Probs[id] += log10Backoff;
      const table = this.tables[length];
      const end = table.childStart[contextNode + 1];
      for (let i = table.childStart[contextNode]; i < end; i++) {
        const child = table.children[i];
        if (Number.isNaN(table.log10Prob[child])) continue;
        log10Probs[table.word[child]] = table.log10Prob[child];
        matchedContextLength = length;
      }
    }
    const probabilities = log10Probs.map((log10Prob) => 10 ** log10Prob);
    // KenLM writes p(<s>) as 10^-99; `<s>` is context only and never predicted.
    probabilities[BOS] = 0;
    return {
      context: ids.map((id) => this.vocabulary.word(id)),
      probabilities,
      isProbability: true,
      matchedContextLength,
    };
  }

  /** Text as encoded sentences (each ending in EOS), unknown words as UNK, as `NgramModel.encodeForScoring`. */
  encodeForScoring(text: string, ranges?: number[]): EncodedSentences {
    return encodeSentences(
      this.tokenizer,
      text,
      (normalized, start, end) => this.vocabulary.idOf(normalized.slice(start, end)),
      ranges === undefined ? undefined : (start, end) => ranges.push(start, end),
    );
  }

  /** Scores encoded sentences as KenLM's query does, with the same visitor and totals as `NgramModel.scoreSentences`. */
  scoreSentences(sentences: EncodedSentences, visit?: TokenVisitor): ScanTotals {
    // The last order−1 ids, oldest first: `<s>` at each sentence start.
    const window = new Int32Array(Math.max(1, this.order - 1));
    const startLength = this.order > 1 ? 1 : 0;
    window[0] = BOS;
    let filled = startLength;
    let tokens = 0;
    let oov = 0;
    let total = 0;
    let knownTotal = 0;
    for (let i = 0; i < sentences.length; i++) {
      const word = sentences[i];
      const inVocabulary = word === EOS || (word !== UNK && word !== BOS && word < this.vocabulary.size);
      const scored = inVocabulary ? word : UNK;
      const { log10Prob, ngramLength } = this.lookup(this.resolveSuffixes(window, filled), scored);
      tokens++;
      total += log10Prob;
      if (inVocabulary) knownTotal += log10Prob;
      else oov++;
      // A back-off model keeps no distribution to rank a word in (−1: not counted).
      visit?.(i, scored, log10Prob, ngramLength, inVocabulary, -1);
      if (word === EOS) {
        window[0] = BOS;
        filled = startLength;
      } else if (this.order > 1) {
        if (filled === window.length) window.copyWithin(0, 1);
        else filled++;
        window[filled - 1] = scored;
      }
    }
    return { tokens, oov, log10ProbTotal: total, knownLog10ProbTotal: knownTotal };
  }

  /**
   * The model as bytes that load without parsing text (KenLM's build_binary, in spirit). Layout,
   * little-endian, 8-byte aligned: header "NWLA" · format version u32 · body length u32 · CRC-32 of
   * the body u32; body: order u32, tokenizer u32 (0 words, 1 whitespace), vocabulary byte length u32
   * and the words joined by newlines in UTF-8 (ARPA words hold no blanks), then per order: node count
   * u32, log10 p (f64 ×n), log10 back-off (f64 ×n), parent node (i32 ×n), word id (i32 ×n).
   */
  toBytes(): Uint8Array {
    const vocabulary = new TextEncoder().encode(this.vocabulary.allWords().join('\n'));
    const align = (length: number) => Math.ceil(length / 8) * 8;
    let bodyLength = 16 + align(vocabulary.length);
    for (const table of this.tables) bodyLength += 8 + align(24 * table.size);
    const bytes = new Uint8Array(BACKOFF_HEADER_BYTES + bodyLength);
    const view = new DataView(bytes.buffer);
    let offset = BACKOFF_HEADER_BYTES;
    view.setUint32(offset, this.order, true);
    view.setUint32(offset + 4, TOKENIZER_NAMES.indexOf(this.tokenizer), true);
    view.setUint32(offset + 8, vocabulary.length, true);
    offset += 16;
    bytes.set(vocabulary, offset);
    offset += align(vocabulary.length);
    for (const table of this.tables) {
      const size = table.size;
      view.setUint32(offset, size, true);
      offset += 8;
      for (const array of [table.log10Prob, table.log10Backoff, table.parent, table.word]) {
        const part = new Uint8Array(array.buffer, array.byteOffset, array.BYTES_PER_ELEMENT * size);
        bytes.set(part, offset);
        offset += part.length;
      }
      offset = BACKOFF_HEADER_BYTES + align(offset - BACKOFF_HEADER_BYTES);
    }
    bytes.set(new TextEncoder().encode(BACKOFF_MAGIC), 0);
    view.setUint32(4, BACKOFF_VERSION, true);
    view.setUint32(8, bodyLength, true);
    view.setUint32(12, crc32(bytes.subarray(BACKOFF_HEADER_BYTES)), true);
    return bytes;
  }

  /**
   * The model's arrays, so that a worker thread that read a large file can hand the model over
   * without copying (list `transferables(parts)` in postMessage's transfer list).
   */
  parts(): ArpaModelParts {
    return { words: this.vocabulary.allWords(), tokenizer: this.tokenizer, tables: this.tables.map((table) => table.parts()) };
  }

  /** A model from the `parts` of one this build read and checked: nothing is checked again. */
  static fromParts(parts: ArpaModelParts): ArpaModel {
    return new ArpaModel(Vocabulary.fromWords(parts.words), parts.tables.map((table) => BackoffTable.fromParts(table)), parts.tokenizer);
  }

  /** Reads `toBytes`' output back; anything else throws an Error saying what is wrong. */
  static fromBytes(input: Uint8Array): ArpaModel {
    // A copy: aligned typed-array views need an aligned buffer (a Node Buffer may start anywhere).
    const bytes = new Uint8Array(input);
    const fail = (problem: string): never => {
      throw new Error(`not a readable back-off model: ${problem}`);
    };
    if (bytes.length < BACKOFF_HEADER_BYTES) fail(`${bytes.length} bytes is shorter than the header`);
    const magic = new TextDecoder().decode(bytes.subarray(0, 4));
    if (magic !== BACKOFF_MAGIC) fail(`the file starts with ${JSON.stringify(magic)}, not "${BACKOFF_MAGIC}"`);
    const view = new DataView(bytes.buffer);
    const version = view.getUint32(4, true);
    if (version !== BACKOFF_VERSION) fail(`format version ${version} (this build reads ${BACKOFF_VERSION})`);
    const bodyLength = view.getUint32(8, true);
    if (bodyLength !== bytes.length - BACKOFF_HEADER_BYTES) fail(`the header announces ${bodyLength} bytes of data, ${bytes.length - BACKOFF_HEADER_BYTES} are present`);
    if (crc32(bytes.subarray(BACKOFF_HEADER_BYTES)) !== view.getUint32(12, true)) fail('its checksum does not match its data');
    let offset = BACKOFF_HEADER_BYTES;
    const need = (length: number) => {
      if (offset + length > bytes.length) fail('it ends inside its data');
    };
    need(16);
    const order = view.getUint32(offset, true);
    const tokenizer = TOKENIZER_NAMES[view.getUint32(offset + 4, true)];
    const vocabularyLength = view.getUint32(offset + 8, true);
    if (order < 1 || order > MAX_ARPA_ORDER) fail(`order ${order}`);
    if (tokenizer === undefined) fail('an unknown tokenizer');
    offset += 16;
    need(vocabularyLength);
    const words = new TextDecoder().decode(bytes.subarray(offset, offset + vocabularyLength)).split('\n');
    offset += Math.ceil(vocabularyLength / 8) * 8;
    let vocabulary: Vocabulary;
    try {
      vocabulary = Vocabulary.fromWords(words);
    } catch (error) {
      return fail((error as Error).message);
    }
    const tables: BackoffTable[] = [];
    for (let n = 1; n <= order; n++) {
      need(8);
      const size = view.getUint32(offset, true);
      offset += 8;
      need(24 * size);
      const take = <T>(make: (buffer: ArrayBuffer, start: number, length: number) => T, width: number): T => {
        const array = make(bytes.buffer, offset, size);
        offset += width * size;
        return array;
      };
      const log10Prob = take((b, o, l) => new Float64Array(b, o, l), 8);
      const log10Backoff = take((b, o, l) => new Float64Array(b, o, l), 8);
      const parent = take((b, o, l) => new Int32Array(b, o, l), 4);
      const word = take((b, o, l) => new Int32Array(b, o, l), 4);
      offset = BACKOFF_HEADER_BYTES + Math.ceil((offset - BACKOFF_HEADER_BYTES) / 8) * 8;
      const table = new BackoffTable(n, size);
      if (n === 1 && size !== vocabulary.size) fail(`${size} unigrams for ${vocabulary.size} words`);
      const parents = n === 1 ? 0 : tables[n - 2].size;
      for (let node = 0; node < size; node++) {
        if (!(word[node] >= 0 && word[node] < vocabulary.size)) fail(`a ${n}-gram has word id ${word[node]}`);
        // As the text reader allows: log10 p ≤ 0 (NaN only marks a context without a probability of its own), γ < ∞.
        if (!(log10Prob[node] <= 0 || (n > 1 && Number.isNaN(log10Prob[node])))) fail(`a ${n}-gram has log10 probability ${log10Prob[node]}`);
        if (!(log10Backoff[node] < Infinity)) fail(`a ${n}-gram has log10 back-off ${log10Backoff[node]}`);
        if (n === 1) {
          table.setUnigram(node, log10Prob[node], log10Backoff[node]);
          continue;
        }
        if (!(parent[node] >= 0 && parent[node] < parents)) fail(`a ${n}-gram has context node ${parent[node]}`);
        if (table.find(parent[node], word[node]) >= 0) fail(`a ${n}-gram is listed twice`);
        table.add(parent[node], word[node], log10Prob[node], log10Backoff[node]);
      }
      tables.push(table);
    }
    if (offset !== bytes.length) fail('unexpected bytes after its data');
    const model = new ArpaModel(vocabulary, tables, tokenizer);
    const impossible = model.impossibleDistribution();
    if (impossible !== undefined) fail(`${impossible.describe(vocabulary)} sums to ${impossible.mass.toPrecision(4)}, more than 1`);
    return model;
  }

  /**
   * The first context whose next-word distribution sums to more than 1 (see the file comment), in
   * order of context length; `undefined` when every distribution is possible. Each context's mass is
   * computed once from its shorter context's, so the check costs one lookup per listed n-gram.
   */
  impossibleDistribution(): ImpossibleDistribution | undefined {
    const unigrams = this.tables[0];
    let rootMass = 0;
    for (let id = 0; id < unigrams.size; id++) if (id !== BOS) rootMass += 10 ** unigrams.log10Prob[id];
    const contextWords = (length: number, node: number): number[] => {
      const words: number[] = [];
      for (let n = length, at = node; n >= 1; n--) {
        words.unshift(this.tables[n - 1].word[at]);
        at = this.tables[n - 1].parent[at];
      }
      return words;
    };
    const describeContext = (length: number, node: number) => (vocabulary: Vocabulary) =>
      length === 0 ? 'the unigram distribution' : `the distribution after "${contextWords(length, node).map((id) => vocabulary.word(id)).join(' ')}"`;
    if (!(rootMass <= 1 + MASS_TOLERANCE)) return { order: 0, node: 0, mass: rootMass, describe: describeContext(0, 0) };
    // masses[k − 1][node]: the mass after the context of length k at `node` of table k − 1.
    const masses: Float64Array[] = [];
    for (let length = 1; length < this.order; length++) {
      const contexts = this.tables[length - 1];
      const next = this.tables[length];
      const mass = new Float64Array(contexts.size);
      for (let node = 0; node < contexts.size; node++) {
        const words = contextWords(length, node);
        // The shorter context h′ and its mass; h′ is listed whenever h is (or h has no children to weigh).
        const found = this.resolveSuffixes(words.slice(1), length - 1);
        const shorterMass = length === 1 ? rootMass : found === length - 1 ? masses[length - 2][this.suffixes[length - 2]] : 1;
        let listed = 0;
        let listedBelow = 0;
        const end = next.childStart[node + 1];
        for (let i = next.childStart[node]; i < end; i++) {
          const child = next.children[i];
          const word = next.word[child];
          if (Number.isNaN(next.log10Prob[child]) || word === BOS) continue;
          listed += 10 ** next.log10Prob[child];
          listedBelow += 10 ** this.lookup(found, word).log10Prob;
        }
        const total = listed + 10 ** contexts.log10Backoff[node] * Math.max(0, shorterMass - listedBelow);
        if (!(total <= 1 + MASS_TOLERANCE)) return { order: length, node, mass: total, describe: describeContext(length, node) };
        mass[node] = total;
      }
      masses.push(mass);
    }
    return undefined;
  }

  /** `distribution` as runs of equal probability, likeliest first (`<unk>` in none when `withoutUnknown`). */
  runs(context: readonly string[], options: { readonly withoutUnknown?: boolean } = {}): RunDistribution {
    const { probabilities, ...distribution } = this.distribution(context);
    return { ...distribution, runs: runsOfVector(probabilities, options.withoutUnknown === true ? UNK : -1) };
  }

  /** The k likeliest next words (ties by lower id); count and contextCount are 0 (ARPA has no counts). */
  candidates(context: readonly string[], k: number): Candidate[] {
    const { probabilities } = this.distribution(context);
    const runs = runsOfVector(probabilities);
    const ids = this.contextIds(context);
    const found = this.resolveSuffixes(ids, ids.length);
    const candidates: Candidate[] = [];
    for (let r = 0; r < runs.length && candidates.length < k; r++) {
      for (let i = 0; i < runs.size[r] && candidates.length < k; i++) {
        const id = runs.word(r, i);
        candidates.push({
          word: this.vocabulary.word(id),
          id,
          probability: probabilities[id],
          count: 0,
          contextCount: 0,
          order: this.lookup(found, id).ngramLength,
        });
      }
    }
    return candidates;
  }
}

/** log10 values as written: 9 significant digits without trailing zeros, log10 0 as −99. */
function formatLog10(value: number): string {
  if (value === -Infinity || value < ARPA_LOG10_ZERO) return String(ARPA_LOG10_ZERO);
  if (value === 0) return '0';
  const text = value.toPrecision(WRITTEN_DIGITS);
  if (text.includes('e') || !text.includes('.')) return text;
  let end = text.length;
  while (text[end - 1] === '0') end--;
  if (text[end - 1] === '.') end--;
  return text.slice(0, end);
}

/** Why `model` has no back-off form, or undefined when it has one. */
export function arpaRefusal(model: Pick<NgramModel, 'estimator' | 'order'>): string | undefined {
  const { name } = model.estimator;
  if (name === 'stupid-backoff') return 'stupid-backoff gives scores, not probabilities: an ARPA file needs kneser-ney, mle or (order 1) add-k';
  if (name === 'add-k' && model.order > 1) {
    return 'add-k gives every unseen word the same share instead of a scaled shorter context, so it has no back-off form above order 1: use kneser-ney or mle';
  }
  return undefined;
}

/** One order's listed n-grams while writing: node ids, their text and probabilities. */
interface WrittenOrder {
  readonly nodes: number[];
  /** "log10 p<TAB>words" per listed node (the back-off is appended once the next order is known). */
  readonly lines: string[];
  /** p(w | h) by node id (the next order reads p(w | h minus its first word) here). */
  readonly probability: Float64Array;
  /** Per node as a context: Σ p(w | h) and Σ p(w | h minus its first word) over the words seen after it. */
  readonly seenMass: Float64Array;
  readonly shorterMass: Float64Array;
}

/** The model in ARPA form: every n-gram with a non-zero count, its log10 probability and back-off. */
export function writeArpa(model: NgramModel): string {
  const refusal = arpaRefusal(model);
  if (refusal !== undefined) throw new Error(refusal);
  const counts = model.tables;
  const words = model.vocabulary.allWords();
  const order = model.order;
  const orders: WrittenOrder[] = [];
  const newOrder = (size: number): WrittenOrder => ({
    nodes: [],
    lines: [],
    probability: new Float64Array(size),
    seenMass: new Float64Array(size),
    shorterMass: new Float64Array(size),
  });

  // Unigram nodes are word ids: <unk>, <s> and </s> always, then every word with a count.
  const unigrams = newOrder(words.length);
  for (let id = 0; id < words.length; id++) {
    if (id !== UNK && id !== BOS && id !== EOS && counts.unigramCount(id) === 0) continue;
    const probability = id === BOS ? 0 : model.score([], words[id]).probability;
    unigrams.nodes.push(id);
    unigrams.probability[id] = probability;
    unigrams.lines.push(`${formatLog10(id === BOS ? -Infinity : Math.log10(probability))}\t${words[id]}`);
  }
  orders.push(unigrams);

  for (let n = 2; n <= order; n++) {
    const table = counts.tables[n - 1];
    const lower = orders[n - 2];
    const current = newOrder(table.size);
    for (let node = 0; node < table.size; node++) {
      if (table.get(node, COUNT) <= 0) continue;
      const ids = counts.wordsOf(n, node);
      const ngram = ids.map((id) => words[id]);
      const probability = model.score(ngram.slice(0, -1), ngram[n - 1]).probability;
      // p(w | h minus its first word) is the probability of the listed (n−1)-gram w2 … wn.
      let suffix = ids[1];
      for (let k = 2; k < n; k++) suffix = counts.tables[k - 1].find(suffix, ids[k]);
      const parent = table.get(node, PARENT);
      lower.seenMass[parent] += probability;
      // Every suffix of a counted n-gram is counted, so `suffix` exists; scoring is the safe fallback.
      lower.shorterMass[parent] += suffix >= 0 ? lower.probability[suffix] : model.score(ngram.slice(1, -1), ngram[n - 1]).probability;
      current.nodes.push(node);
      current.probability[node] = probability;
      current.lines.push(`${formatLog10(Math.log10(probability))}\t${ngram.join(' ')}`);
    }
    orders.push(current);
  }

  const out: string[] = ['\\data\\'];
  for (let n = 1; n <= order; n++) out.push(`ngram ${n}=${orders[n - 1].nodes.length}`);
  for (let n = 1; n <= order; n++) {
    out.push('', `\\${n}-grams:`);
    const { nodes, lines, seenMass, shorterMass } = orders[n - 1];
    for (let i = 0; i < nodes.length; i++) {
      out.push(n < order ? `${lines[i]}\t${formatLog10(log10Backoff(seenMass[nodes[i]], shorterMass[nodes[i]]))}` : lines[i]);
    }
  }
  out.push('', '\\end\\', '');
  return out.join('\n');
}

/** log10 γ(h) from the two sums over the words seen after h (0 when nothing follows h: γ = 1). */
function log10Backoff(seenMass: number, shorterMass: number): number {
  if (!(seenMass > 0)) return 0;
  const left = 1 - seenMass;
  if (left <= MASS_ROUNDING) return -Infinity;
  return Math.log10(left / (1 - shorterMass));
}

/**
 * KenLM `query`'s numbers for `text` under an ARPA file: perplexities and, per line, each token's
 * log10 p, matched n-gram length and vocabulary status. Lets a script check an imported KenLM model
 * against KenLM's own output token by token (text split on whitespace, as KenLM does).
 */
export function queryArpa(arpaText: string, text: string): Evaluation {
  return evaluateText(readArpa(arpaText, 'whitespace'), text, { perToken: true });
}
