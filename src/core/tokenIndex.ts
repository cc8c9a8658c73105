// The workspace's token stream, indexed so that any context of any length can be counted, its
// continuations tallied and its occurrences listed: what the longest-match estimator and the evidence
// for a prediction are read from.
//
// The stream: each document is `<s>` then its encoded sentences (every line's words then `</s>`: line
// breaks are tokens, so contexts run across lines), then a separator (id 0, `<unk>`'s id, which no
// document holds and no searched pattern contains, so no match ever runs from one document into the
// next).
//
// Structure: merged *segments* — each the stream of some documents in key order (2 bytes per token
// while every id fits in 16 bits, else 4) and its suffix array (4 bytes per token), at most
// `SEGMENT_TOKENS` tokens — plus the changes since: documents added or replaced since are *fresh*
// (their token arrays only), segment documents replaced or removed since are *retired* (flagged). A
// query searches every segment through its suffix array, subtracts what retired documents hold and
// adds what fresh ones hold, both by one linear pass over those few tokens. So an edit costs O(1)
// (the document's new tokens are kept, the old ones flagged) and queries stay exact. While a pass
// learns the workspace the fresh documents run to an eighth of the index: once those not yet sorted
// hold more than `sortFreshAbove` tokens, the older ones are sorted together into a *group* (a
// segment of those few documents), so a query searches each group as it searches a segment instead
// of reading them all; a group of several documents, not one each, so that a query searches tens of
// them, not hundreds. Once the changes hold enough tokens (`mergeDue`), a merge builds one new
// segment by SA-IS (O(its tokens)) from the fresh documents, the segments holding retired documents
// and the smallest ones, never more than `segmentTokens`: no merge rebuilds, or holds twice, the
// whole index. It runs on any thread (`mergeInput` / `completeMerge`) or at once (`merge`).

import { buildSuffixArray } from './suffixArray';
import { runToEnd } from './steps';
import { BOS, UNK } from './vocabulary';

/**
 * A segment's stream: 16-bit while every id fits (most workspaces have fewer than 65,536 distinct
 * words), which makes the index 6 bytes per token instead of 8.
 */
export type TokenStream = Int32Array | Uint16Array;

/** The stream in the narrowest array its ids fit: `alphabet` is one past its largest id. */
export function narrowed(stream: TokenStream, alphabet: number): TokenStream {
  return stream instanceof Int32Array && alphabet <= 1 << 16 ? new Uint16Array(stream) : stream;
}

/** The document separator in the stream. */
const SEPARATOR = UNK;

/** Ranges of a segment this wide keep their followers while it lasts (`followersIn`). */
const CACHED_RANGE = 512;
/** Followers kept that way, at most, over all segments (8 bytes each). */
const CACHED_FOLLOWERS = 1 << 18;
/** Left-out documents' copies sorted alone, kept (`aloneCopy`): the lens and the open editors ask for a few. */
const KEPT_COPIES = 4;

/**
 * Fresh documents not yet sorted hold at most this many tokens (and the latest document): a linear
 * pass over them costs tens of microseconds, a search of each group about a microsecond per length
 * tried, and sorting a group of this size about a millisecond (it happens within a learner's slice).
 */
const SORT_FRESH_ABOVE = 1 << 13;

/** A merge pays once the changes hold this many tokens, or an eighth of the index, whichever is more. */
const MERGE_MIN_TOKENS = 1 << 16;
const MERGE_SHARE = 8;

/**
 * A merge builds a segment of at most this many tokens (a document larger than that alone): 64 MB of
 * stream and suffix array to build, whatever the workspace's size, and some 8 segments for a query
 * to search at 60 M tokens.
 */
export const SEGMENT_TOKENS = 1 << 23;

/** One place a pattern occurs: the document's key and the index in its encoded sentences of the pattern's first token (−1: the `<s>` before them). */
export interface IndexOccurrence {
  readonly key: string;
  readonly offset: number;
}

/** The longest suffix of a context that the workspace holds followed by a token, and its continuations. */
export interface IndexMatch {
  /** Tokens of the context that matched (0: none, even its last token never occurs followed by something). */
  readonly length: number;
  /** How often that suffix occurs followed by a token. */
  readonly count: number;
  /** The distinct tokens that follow it, ids ascending, and how often each does (Σ = count). */
  readonly words: Int32Array;
  readonly counts: Int32Array;
}

export interface IndexStats {
  readonly documents: number;
  /** Tokens of the live documents: `<s>`, words and `</s>`. */
  readonly tokens: number;
  /** Tokens in the segments, and in the changes since (fresh plus retired), which queries scan. */
  readonly baseTokens: number;
  readonly pendingTokens: number;
  /** Merged segments a query searches (besides the groups of fresh documents). */
  readonly segments: number;
  readonly bytes: number;
}

/** What a merge needs: the stream of the documents it takes (built by `mergeInput`), to be suffix-sorted anywhere. */
export interface MergeInput {
  readonly stream: Int32Array;
  readonly keys: readonly string[];
  readonly starts: Int32Array;
  /** Each document's version when the input was taken: one changed since stays a fresh document. */
  readonly versions: Int32Array;
  /** The alphabet `buildSuffixArray` needs: one past the largest id in the stream. */
  readonly alphabet: number;
  /** The segments whose live documents it takes: the new segment replaces them. */
  readonly rebuilt: readonly Segment[];
}

/** Longest matches of a context read a token at a time (`TokenIndex.walk`). */
export interface IndexWalk {
  /** The match of the context read so far. */
  readonly match: IndexMatch;
  /** Reads one more token of the context; returns the new match. */
  push(token: number): IndexMatch;
}

/** A document of a segment left out of a query: its copy's positions in the segment's stream, and that copy sorted alone. */
interface LeftOutCopy {
  readonly index: Segment;
  /** Its `<s>` and tokens: stream[from..to). */
  readonly from: number;
  readonly to: number;
}

/**
 * Ranges of a segment this narrow are tallied by reading each suffix's follower (the left-out copy's
 * suffixes skipped by their positions); wider ones through the left-out copy's own index.
 */
const SCANNED_RANGE = 32;

/** A match's suffix-array ranges, carried to the next token's query while the index is as it was. */
interface Carried {
  readonly changes: Changes;
  /** The match's length: the ranges are those of the context's last `length` tokens. */
  readonly length: number;
  /** In each part, in the order `changes` lists them. */
  readonly ranges: readonly [number, number][];
  /** In the left-out document's own index, when a part holds it and it was searched. */
  readonly aloneRange: [number, number] | undefined;
}

/** The distinct tokens that follow a range's suffixes, ids ascending, and how often each does. */
interface Followers {
  readonly words: Int32Array;
  readonly counts: Int32Array;
}

const NO_FOLLOWERS: Followers = { words: new Int32Array(0), counts: new Int32Array(0) };

/** One segment's parts, as the snapshot stores them. */
export interface SegmentState {
  readonly stream: TokenStream;
  readonly suffixArray: Int32Array;
  readonly keys: readonly string[];
  readonly starts: Int32Array;
  readonly retired: Uint8Array;
}

/** The parts of an index, as the snapshot stores them. */
export interface TokenIndexState {
  readonly segments: readonly SegmentState[];
  readonly fresh: ReadonlyArray<{ readonly key: string; readonly tokens: Int32Array }>;
}

/**
 * Documents sorted together: their stream in key order and its suffix array. The merged index is a
 * list of these, and so is each group of fresh documents (a group is taken apart when one of its
 * documents changes; a merged segment flags it retired instead).
 */
export class Segment {
  private static created = 0;
  /** Names it in the follower cache and the left-out copies. */
  readonly id = ++Segment.created;
  /** Tokens (`<s>` and ids) of its retired documents. */
  retiredTokens = 0;

  constructor(
    readonly stream: TokenStream,
    readonly suffixArray: Int32Array,
    readonly keys: readonly string[],
    /** Document d occupies stream[starts[d] .. starts[d + 1] − 1], its separator last. */
    readonly starts: Int32Array,
    readonly retired: Uint8Array,
  ) {
    for (let d = 0; d < retired.length; d++) if (retired[d] === 1) this.retiredTokens += this.length(d);
  }

  /**
   * Documents (`<s>` and ids each) sorted together. The stream stays 32-bit, so that the documents'
   * tokens can be views of it (a group's documents held twice were 12 bytes a token past 65,536 words).
   */
  static of(documents: readonly (readonly [string, TokenStream])[]): Segment {
    const sorted = [...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const { stream, starts, alphabet } = runToEnd(streamOf(sorted.map(([, tokens]) => tokens), Infinity));
    return new Segment(stream, buildSuffixArray(stream, alphabet), sorted.map(([key]) => key), starts, new Uint8Array(sorted.length));
  }

  /** Its documents' tokens, `<s>` included. */
  get tokens(): number {
    return this.starts[this.keys.length] - this.keys.length;
  }

  get liveTokens(): number {
    return this.tokens - this.retiredTokens;
  }

  get bytes(): number {
    return this.stream.byteLength + this.suffixArray.byteLength + this.starts.byteLength + this.retired.byteLength;
  }

  /** The place of document `key`, or −1. */
  place(key: string): number {
    return findSortedKey(this.keys, key);
  }

  /** Document d's `<s>` and tokens, without its separator. */
  documentTokens(d: number): TokenStream {
    return this.stream.subarray(this.starts[d], this.starts[d + 1] - 1);
  }

  length(d: number): number {
    return this.starts[d + 1] - this.starts[d] - 1;
  }

  retire(d: number): void {
    this.retired[d] = 1;
    this.retiredTokens += this.length(d);
  }

  /**
   * The suffix-array range [low, high) of the suffixes starting with pattern[from..to). Each step of
   * the two binary searches compares from the prefix the pattern shares with both ends of the range
   * so far (every suffix between two sorted suffixes shares at least that much with it), so a search
   * reads O(|pattern| + log n) tokens, not O(|pattern| · log n): contexts run 64 tokens long.
   */
  range(pattern: ArrayLike<number>, from: number, to: number): [number, number] {
    const { stream, suffixArray } = this;
    const length = to - from;
    // The stream ends in a separator, which the pattern never holds: no comparison runs past its end.
    let low = 0;
    let high = suffixArray.length;
    let sharedLow = 0;
    let sharedHigh = 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const position = suffixArray[middle];
      let k = Math.min(sharedLow, sharedHigh);
      while (k < length && stream[position + k] === pattern[from + k]) k++;
      if (k < length && stream[position + k] < pattern[from + k]) {
        low = middle + 1;
        sharedLow = k;
      } else {
        high = middle;
        sharedHigh = k;
      }
    }
    const first = low;
    const starts = this.startsWith(pattern, from, to);
    if (first === suffixArray.length || !starts(first)) return [first, first];
    return [first, this.rangeEnd(first, starts)];
  }

  /** Whether the suffix at place i of the suffix array starts with pattern[from..to): compared whole, a token or two of memory. */
  private startsWith(pattern: ArrayLike<number>, from: number, to: number): (i: number) => boolean {
    const { stream, suffixArray } = this;
    return (i) => {
      const position = suffixArray[i];
      for (let k = 0; k < to - from; k++) if (stream[position + k] !== pattern[from + k]) return false;
      return true;
    };
  }

  /**
   * One past the last place of the range of suffixes for which `starts` holds, from a place `inside`
   * it: galloping out (a long context occurs a few times), then bisecting.
   */
  private rangeEnd(inside: number, starts: (i: number) => boolean): number {
    const places = this.suffixArray.length;
    let beyond = inside;
    for (let step = 1; ; step *= 2) {
      beyond = inside + step;
      if (beyond >= places || !starts(beyond)) break;
      inside = beyond;
    }
    beyond = Math.min(beyond, places);
    while (beyond - inside > 1) {
      const middle = (inside + beyond) >> 1;
      if (starts(middle)) inside = middle;
      else beyond = middle;
    }
    return beyond;
  }

  /**
   * Within [low, high), a range of suffixes sharing their first `depth` tokens (so sorted by the
   * token after them), the sub-range whose token at `depth` is `token`: one token read per step.
   */
  narrow(low: number, high: number, depth: number, token: number): [number, number] {
    const { stream, suffixArray } = this;
    let first = low;
    let last = high;
    while (first < last) {
      const middle = (first + last) >>> 1;
      if (stream[suffixArray[middle] + depth] < token) first = middle + 1;
      else last = middle;
    }
    last = high;
    let end = first;
    while (end < last) {
      const middle = (end + last) >>> 1;
      if (stream[suffixArray[middle] + depth] <= token) end = middle + 1;
      else last = middle;
    }
    return [first, end];
  }

  /**
   * The ranges of the context's suffixes, by length, for one query: found once, read twice. `known` is
   * one range found otherwise (narrowed from a shorter suffix's).
   */
  suffixRanges(context: ArrayLike<number>, known?: { readonly length: number; readonly range: [number, number] }): (length: number) => [number, number] {
    const found: ([number, number] | undefined)[] = [];
    // The empty suffix: every suffix of the stream.
    found[0] = [0, this.suffixArray.length];
    if (known !== undefined) found[known.length] = known.range;
    return (length) => (found[length] ??= this.range(context, context.length - length, context.length));
  }

  /** Of the suffixes in `range` (sharing their first `depth` tokens), how many go on with a token (not their document's end). */
  continuationsIn([low, high]: [number, number], depth: number): number {
    if (low === high) return 0;
    // Those followed by the separator sort first in the range (it is the smallest id).
    const [, ended] = this.narrow(low, high, depth, SEPARATOR);
    return high - ended;
  }

  /** The followers of a range: a narrow range's read suffix by suffix, a wider one's by a gallop per distinct follower. */
  tallyRange(range: [number, number], depth: number): Followers;
  /**
   * A narrow range's followers (at most SCANNED_RANGE suffixes), those of `copy`'s positions skipped;
   * or with `onlyCopy`, how many of `copy`'s suffixes in it go on with a token.
   */
  tallyRange(range: [number, number], depth: number, copy: LeftOutCopy, onlyCopy?: false): Followers;
  tallyRange(range: [number, number], depth: number, copy: LeftOutCopy, onlyCopy: true): { count: number };
  tallyRange([low, high]: [number, number], depth: number, copy?: LeftOutCopy, onlyCopy = false): Followers | { count: number } {
    const { stream, suffixArray } = this;
    if (high - low <= SCANNED_RANGE) {
      // A few suffixes: each one's follower read, twice (the distinct words counted, then listed).
      const counted = (position: number): boolean => copy === undefined || (position >= copy.from && position < copy.to) === onlyCopy;
      let distinct = 0;
      let count = 0;
      for (let i = low, previous = -1; i < high; i++) {
        const position = suffixArray[i];
        const word = stream[position + depth];
        if (word === SEPARATOR || !counted(position)) continue;
        count++;
        // The suffixes sort by the follower: the words come ascending.
        if (word !== previous) distinct++;
        previous = word;
      }
      if (onlyCopy) return { count };
      const words = new Int32Array(distinct);
      const counts = new Int32Array(distinct);
      for (let i = low, at = -1; i < high; i++) {
        const position = suffixArray[i];
        const word = stream[position + depth];
        if (word === SEPARATOR || !counted(position)) continue;
        if (at < 0 || words[at] !== word) words[++at] = word;
        counts[at]++;
      }
      return { words, counts };
    }
    const follower = (i: number): number => stream[suffixArray[i] + depth];
    // At most one word per suffix, and no more than the ids there are.
    const most = Math.min(high - low, stream instanceof Uint16Array ? 1 << 16 : high - low);
    const words = new Int32Array(most);
    const counts = new Int32Array(most);
    let distinct = 0;
    let i = low;
    while (i < high) {
      const word = follower(i);
      // The end of word's sub-range: gallop, then bisect.
      let step = 1;
      let last = i;
      while (last + step < high && follower(last + step) === word) {
        last += step;
        step *= 2;
      }
      let beyond = Math.min(last + step, high);
      while (beyond - last > 1) {
        const middle = (last + beyond) >>> 1;
        if (follower(middle) === word) last = middle;
        else beyond = middle;
      }
      // The suffixes sort by the follower, so the words come out ascending; the separator (no follower) first.
      if (word !== SEPARATOR) {
        words[distinct] = word;
        counts[distinct++] = beyond - i;
      }
      i = beyond;
    }
    return { words: words.slice(0, distinct), counts: counts.slice(0, distinct) };
  }

  /** Its parts, for the snapshot. */
  state(): SegmentState {
    const { stream, suffixArray, keys, starts, retired } = this;
    return { stream, suffixArray, keys, starts, retired };
  }
}

interface DocumentEntry {
  /** The segment holding its tokens: where it was merged, or its group while it is fresh and sorted; null when fresh and not sorted. */
  part: Segment | null;
  /** Its place in `part`. */
  place: number;
  /** A fresh document's `<s>` and encoded sentences (a view of its group's stream once sorted); null once merged. */
  tokens: Int32Array | null;
  version: number;
}

/** A change since the merges read by a linear pass: tokens[from..to), `weight` +1 (fresh) or −1 (retired). */
interface Scanned {
  readonly tokens: TokenStream;
  readonly from: number;
  readonly to: number;
  readonly weight: number;
  readonly key: string;
  /** Offset to subtract from a position to get the index in the document's encoded sentences. */
  readonly origin: number;
}

/** What a query reads: the changes read by a linear pass, and the parts it searches (the segments, then the groups of fresh documents). */
interface Changes {
  readonly scanned: readonly Scanned[];
  readonly parts: readonly Segment[];
  readonly groups: number;
}

export class TokenIndex {
  /** The merged segments, in the order they were built. */
  private segments: readonly Segment[] = [];
  private readonly documents = new Map<string, DocumentEntry>();
  private freshTokens = 0;
  /** Fresh documents without a suffix array yet, oldest first, and their tokens. */
  private readonly unsorted = new Set<string>();
  private unsortedTokens = 0;
  private liveTokens = 0;
  private versionCounter = 0;
  /** The changes since the merges as `changes` lists them, until the next change. */
  private changesCache: Changes | undefined;
  /** Followers of wide ranges, by segment, range start and depth, least recently used first: a segment's never change. */
  private readonly followerCache = { entries: new Map<string, Followers>(), ids: 0 };
  /** Left-out documents' copies sorted alone, by segment and place, least recently used first. */
  private readonly aloneCopies = new Map<string, LeftOutCopy>();
  /**
   * `sortFreshAbove`: see SORT_FRESH_ABOVE; `segmentTokens`: see SEGMENT_TOKENS (tests lower them to
   * exercise groups and several segments).
   */
  constructor(
    private readonly sortFreshAbove = SORT_FRESH_ABOVE,
    private readonly segmentTokens = SEGMENT_TOKENS,
  ) {}

  /** Adds a document, or replaces its tokens: `encoded` as the model takes it (sentences ending in `</s>`). */
  set(key: string, encoded: ArrayLike<number>): void {
    this.delete(key);
    this.changesCache = undefined;
    const tokens = new Int32Array(encoded.length + 1);
    tokens[0] = BOS;
    tokens.set(encoded, 1);
    for (let i = 1; i < tokens.length; i++) {
      if (tokens[i] <= SEPARATOR) throw new RangeError(`document ${JSON.stringify(key)} holds the id ${tokens[i]}, which no word has`);
    }
    this.documents.set(key, { part: null, place: -1, tokens, version: ++this.versionCounter });
    this.freshTokens += tokens.length;
    this.liveTokens += tokens.length;
    this.sortOlderFresh();
    this.unsorted.add(key);
    this.unsortedTokens += tokens.length;
  }

  /**
   * Sorts the unsorted fresh documents into groups, oldest first, each of just over `sortFreshAbove`
   * tokens, while they hold more than that. Each is sorted once (O(its tokens)) unless a document of
   * its group changes, by the `set` of a later document, so an edit never sorts the document it
   * changes (the next edit would replace it).
   */
  private sortOlderFresh(): void {
    while (this.unsortedTokens > this.sortFreshAbove) {
      const members: [string, Int32Array][] = [];
      let tokens = 0;
      for (const key of this.unsorted) {
        const memberTokens = (this.documents.get(key) as DocumentEntry).tokens as Int32Array;
        members.push([key, memberTokens]);
        tokens += memberTokens.length;
        if (tokens > this.sortFreshAbove) break;
      }
      const group = Segment.of(members);
      for (const [key] of members) {
        const entry = this.documents.get(key) as DocumentEntry;
        entry.part = group;
        entry.place = group.place(key);
        // Its tokens are held once, in the group's stream.
        entry.tokens = group.documentTokens(entry.place) as Int32Array;
        this.unsorted.delete(key);
      }
      this.unsortedTokens -= tokens;
      this.changesCache = undefined;
    }
  }

  /**
   * Takes the group's documents back to the unsorted ones (but `except`, which is leaving): one of them
   * changed, or was merged, and the group holds its old tokens. The next `set` sorts them again.
   */
  private ungroup(group: Segment, except?: string): void {
    for (const key of group.keys) {
      const entry = this.documents.get(key);
      if (key === except || entry?.part !== group) continue;
      entry.part = null;
      entry.place = -1;
      this.unsorted.add(key);
      this.unsortedTokens += (entry.tokens as Int32Array).length;
    }
    this.changesCache = undefined;
  }

  /** Takes a document out; false when it was not there. */
  delete(key: string): boolean {
    const entry = this.documents.get(key);
    if (!entry) return false;
    this.documents.delete(key);
    this.changesCache = undefined;
    if (entry.tokens) {
      this.freshTokens -= entry.tokens.length;
      this.liveTokens -= entry.tokens.length;
      if (this.unsorted.delete(key)) this.unsortedTokens -= entry.tokens.length;
      if (entry.part !== null) this.ungroup(entry.part, key);
    } else {
      const segment = entry.part as Segment;
      segment.retire(entry.place);
      this.liveTokens -= segment.length(entry.place);
    }
    return true;
  }

  has(key: string): boolean {
    return this.documents.has(key);
  }

  /**
   * A document's encoded sentences as `set` took them (without the `<s>` the index puts first), or
   * undefined when it holds no such document. The index is where a workspace keeps its documents' ids
   * (holding them beside it too doubled them: 240 MB at 60 M tokens): a view of the document's own
   * tokens, or of its segment while that stream is 32-bit, else a copy widened from the 16-bit stream.
   */
  sentences(key: string): Int32Array | undefined {
    const entry = this.documents.get(key);
    if (entry === undefined) return undefined;
    if (entry.tokens !== null) return entry.tokens.subarray(1);
    const tokens = (entry.part as Segment).documentTokens(entry.place).subarray(1);
    return tokens instanceof Int32Array ? tokens : Int32Array.from(tokens);
  }

  keys(): IterableIterator<string> {
    return this.documents.keys();
  }

  /** Tokens of the segments' retired documents, which every query scans. */
  private get retiredTokens(): number {
    return this.segments.reduce((total, segment) => total + segment.retiredTokens, 0);
  }

  /**
   * Tokens a query reads by a linear pass (documents changed since they were merged, and fresh ones not
   * sorted), those of `leftOut` aside: a query leaving that document out does not read it when fresh.
   */
  scannedTokens(leftOut?: string): number {
    const tokens = this.unsortedTokens + this.retiredTokens;
    return leftOut !== undefined && this.unsorted.has(leftOut) ? tokens - ((this.documents.get(leftOut) as DocumentEntry).tokens as Int32Array).length : tokens;
  }

  /** Groups of fresh documents a query searches one by one (sorted since they were set), `leftOut` aside when it is a group's only document. */
  searchedGroups(leftOut?: string): number {
    const { parts, groups } = this.changes();
    return parts.slice(parts.length - groups).filter((group) => !(group.keys.length === 1 && group.keys[0] === leftOut)).length;
  }

  /** Whether enough has changed since the merges for queries to be worth a new segment. */
  get mergeDue(): boolean {
    const pending = this.freshTokens + this.retiredTokens;
    return pending > Math.max(MERGE_MIN_TOKENS, this.liveTokens / MERGE_SHARE);
  }

  stats(): IndexStats {
    let bytes = 0;
    // A grouped document's tokens are a view of its group's stream, counted with the group.
    for (const key of this.unsorted) bytes += ((this.documents.get(key) as DocumentEntry).tokens as Int32Array).byteLength;
    for (const part of this.changes().parts) bytes += part.bytes;
    return {
      documents: this.documents.size,
      tokens: this.liveTokens,
      baseTokens: this.segments.reduce((total, segment) => total + segment.tokens, 0),
      pendingTokens: this.freshTokens + this.retiredTokens,
      segments: this.segments.length,
      bytes,
    };
  }

  /**
   * Merges every change now (O(tokens merged); about a second for 2.75 M tokens), a segment at a
   * time: afterwards no document is fresh and no segment holds a retired one.
   */
  merge(): void {
    while (this.freshTokens + this.retiredTokens > 0) {
      const input = this.mergeInput();
      this.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
    }
  }

  /** The stream of the next segment, for `buildSuffixArray` (which may run on another thread) and `completeMerge`. */
  mergeInput(): MergeInput {
    return runToEnd(this.mergeInputInSlices(Infinity));
  }

  /**
   * `mergeInput` a slice at a time, for a caller that lets requests in between slices: the documents
   * are taken at once (a document's token array never changes: an edit replaces it), then copied into
   * the stream `tokensPerSlice` at a time (gathering 3 M tokens at once held the server for tens of
   * milliseconds). A document changed after it was taken stays fresh, as after `mergeInput`.
   *
   * What it takes, within `segmentTokens` (one document or segment alone may be larger): the fresh
   * documents, oldest first; the segments holding retired documents, the largest share first (what is
   * retired is scanned by every query); then, as a log-structured merge, the smallest segments while
   * each is no larger than what it takes so far, so that segments grow in tiers and a query searches
   * a few of each size.
   */
  *mergeInputInSlices(tokensPerSlice: number): Generator<void, MergeInput> {
    let taken = 0;
    const fits = (tokens: number): boolean => taken === 0 || taken + tokens <= this.segmentTokens;
    const keys: string[] = [];
    for (const [key, entry] of this.documents) {
      if (entry.tokens === null) continue;
      if (!fits(entry.tokens.length)) break;
      keys.push(key);
      taken += entry.tokens.length;
    }
    const rebuilt = new Set<Segment>();
    const take = (segment: Segment): void => {
      rebuilt.add(segment);
      taken += segment.liveTokens;
      segment.keys.forEach((key, d) => {
        if (segment.retired[d] === 0) keys.push(key);
      });
    };
    const share = (segment: Segment): number => segment.retiredTokens / segment.tokens;
    for (const segment of this.segments.filter((segment) => segment.retiredTokens > 0).sort((a, b) => share(b) - share(a))) {
      if (fits(segment.liveTokens)) take(segment);
    }
    for (const segment of this.segments.filter((segment) => !rebuilt.has(segment)).sort((a, b) => a.liveTokens - b.liveTokens)) {
      if (segment.liveTokens > taken || !fits(segment.liveTokens)) break;
      take(segment);
    }
    keys.sort();
    const versions = new Int32Array(keys.length);
    const sources = keys.map((key, d) => {
      const entry = this.documents.get(key) as DocumentEntry;
      versions[d] = entry.version;
      return entry.tokens ?? (entry.part as Segment).documentTokens(entry.place);
    });
    const { stream, starts, alphabet } = yield* streamOf(sources, tokensPerSlice);
    return { stream, keys, starts, versions, alphabet, rebuilt: [...rebuilt] };
  }

  /**
   * Installs the segment `input` and its suffix array describe, in place of the segments it rebuilt.
   * A document changed or deleted after `mergeInput` keeps its newer state: retired in the new
   * segment, fresh again if it is still there. One merge at a time: another completed meanwhile
   * would have rebuilt the same segments.
   */
  completeMerge(input: Omit<MergeInput, 'stream'> & { readonly stream: TokenStream }, suffixArray: Int32Array): void {
    const stream = narrowed(input.stream, input.alphabet);
    if (suffixArray.length !== stream.length) throw new RangeError(`a suffix array of ${suffixArray.length} positions for a stream of ${stream.length}`);
    const rebuilt = new Set(input.rebuilt);
    if (!input.rebuilt.every((segment) => this.segments.includes(segment))) throw new Error('a merge was completed after another merge rebuilt its segments');
    const segment = new Segment(stream, suffixArray, input.keys, input.starts, new Uint8Array(input.keys.length));
    // Groups with a document going into the segment: those of their documents set after the input was taken stay fresh.
    const leftGroups = new Set<Segment>();
    input.keys.forEach((key, d) => {
      const entry = this.documents.get(key);
      if (entry === undefined || entry.version !== input.versions[d]) {
        segment.retire(d);
        return;
      }
      if (entry.tokens !== null) {
        this.freshTokens -= entry.tokens.length;
        if (this.unsorted.delete(key)) this.unsortedTokens -= entry.tokens.length;
        if (entry.part !== null) leftGroups.add(entry.part);
      }
      entry.part = segment;
      entry.place = d;
      entry.tokens = null;
    });
    for (const group of leftGroups) this.ungroup(group);
    this.segments = [...this.segments.filter((old) => !rebuilt.has(old)), ...(input.keys.length > 0 ? [segment] : [])];
    this.changesCache = undefined;
  }

  // ---- queries ----

  /**
   * Document `place` of `part` sorted alone, and its place in the part's stream: what a query leaving
   * the document out subtracts from the part. The last few are kept (a segment may outlive many).
   */
  private aloneCopy(part: Segment, place: number): LeftOutCopy {
    const key = `${part.id}:${place}`;
    let copy = this.aloneCopies.get(key);
    if (copy === undefined) {
      copy = { index: Segment.of([[part.keys[place], part.documentTokens(place)]]), from: part.starts[place], to: part.starts[place + 1] - 1 };
      for (const oldest of this.aloneCopies.keys()) {
        if (this.aloneCopies.size < KEPT_COPIES) break;
        this.aloneCopies.delete(oldest);
      }
    } else this.aloneCopies.delete(key);
    // Least recently used first out: (re-)inserted as the most recent.
    this.aloneCopies.set(key, copy);
    return copy;
  }

  private changes(): Changes {
    if (this.changesCache !== undefined) return this.changesCache;
    const scanned: Scanned[] = [];
    for (const segment of this.segments) {
      const { retired, starts } = segment;
      for (let d = 0; d < retired.length; d++) {
        if (retired[d] === 1) scanned.push({ tokens: segment.stream, from: starts[d], to: starts[d + 1] - 1, weight: -1, key: segment.keys[d], origin: starts[d] + 1 });
      }
    }
    // The groups in the order their first documents come.
    const groups = new Set<Segment>();
    for (const [key, entry] of this.documents) {
      if (entry.tokens === null) continue;
      if (entry.part !== null) groups.add(entry.part);
      else scanned.push({ tokens: entry.tokens, from: 0, to: entry.tokens.length, weight: 1, key, origin: 1 });
    }
    this.changesCache = { scanned, parts: [...this.segments, ...groups], groups: groups.size };
    return this.changesCache;
  }

  /**
   * The longest suffix of `context` (ids; `<unk>` never matches) that occurs followed by a token,
   * with its continuations. Suffixes longer than `maxLength` are not tried. `leftOut` names a document
   * to answer without, exactly as if it had been deleted (the surprisal lens scores a document so).
   * `likely`: the match is probably `maxLength` long, so that is tried first.
   */
  longestMatch(context: ArrayLike<number>, maxLength = context.length, leftOut?: string, likely = false): IndexMatch {
    return this.matchOf(context, maxLength, leftOut, likely ? 'likely' : undefined).match;
  }

  /**
   * Longest matches of a context read on a token at a time (matching statistics; the surprisal lens
   * reads a whole document so): each answer is `longestMatch` of the context so far, its last
   * `maxLength` tokens. The match's suffix-array ranges are carried from token to token: a match
   * one token longer is the previous range narrowed by that token (one token read per step), and
   * only when it occurs nowhere are shorter suffixes searched afresh. A change to the index meanwhile
   * is noticed (the match is then searched afresh); changes since the merges are read at every token,
   * as `longestMatch` reads them.
   */
  walk(context: ArrayLike<number>, maxLength: number, leftOut?: string): IndexWalk {
    // The context's last tokens, the newest at `end`; moved to the front when the buffer is full.
    const tokens = new Int32Array(2 * maxLength + 1);
    let end = 0;
    let carried: Carried | undefined;
    const read = (token: number): void => {
      if (end === tokens.length) {
        tokens.copyWithin(0, end - maxLength, end);
        end = maxLength;
      }
      tokens[end++] = token;
    };
    const answer = (): IndexMatch => {
      // Only an index as it was bounds the match by the previous one.
      const current = carried?.changes === this.changes() ? carried : undefined;
      const found = this.matchOf(tokens.subarray(Math.max(0, end - maxLength), end), maxLength, leftOut, current);
      carried = found.carried;
      return found.match;
    };
    for (let i = Math.max(0, context.length - maxLength); i < context.length; i++) read(context[i]);
    let match = answer();
    return {
      get match() {
        return match;
      },
      push: (token) => {
        read(token);
        return (match = answer());
      },
    };
  }

  /**
   * `longestMatch`, and each part's (and the left-out document's) suffix-array ranges of the match
   * for the next token's query. `hint` is `'likely'`, or the ranges of the match of the context
   * without its last token: the match is then at most one longer, and that length is tried first.
   */
  private matchOf(context: ArrayLike<number>, maxLength: number, leftOut: string | undefined, hint: 'likely' | Carried | undefined): { match: IndexMatch; carried: Carried } {
    const end = context.length;
    let limit = Math.min(maxLength, end, typeof hint === 'object' ? hint.length + 1 : Infinity);
    // A suffix through an unknown word occurs nowhere.
    for (let k = 1; k <= limit; k++) {
      if (context[end - k] === UNK) {
        limit = k - 1;
        break;
      }
    }
    const current = this.changes();
    const parts = current.parts;
    // A left-out document a part holds (its segment, or its group) is subtracted through an index of its
    // own tokens; a fresh one not sorted is not read.
    const leftOutEntry = leftOut === undefined ? undefined : this.documents.get(leftOut);
    const holder = leftOutEntry?.part == null ? -1 : parts.indexOf(leftOutEntry.part);
    const copy = holder < 0 ? undefined : this.aloneCopy(parts[holder], (leftOutEntry as DocumentEntry).place);
    // Changes read by a linear pass: per matched length, how many of their positions count (+ fresh, − retired).
    let pendingByLength: Int32Array | undefined;
    const pending: { span: Scanned; position: number; length: number }[] = [];
    for (const span of current.scanned) {
      if (span.weight > 0 && span.key === leftOut) continue;
      const tokens = span.tokens;
      for (let i = span.from; i < span.to - 1; i++) {
        const length = matchEndingAt(tokens, span.from, i, context, limit);
        if (length === 0) continue;
        pendingByLength ??= new Int32Array(limit + 2);
        pendingByLength[length] += span.weight;
        pending.push({ span, position: i, length });
      }
    }
    if (pendingByLength !== undefined) for (let k = limit - 1; k >= 0; k--) pendingByLength[k] += pendingByLength[k + 1];
    // One token longer than a carried match: its ranges narrowed by the new token.
    const extended = typeof hint === 'object' && limit === hint.length + 1 ? hint : undefined;
    const last = context[end - 1];
    const narrowed = (part: Segment, range: [number, number] | undefined): { length: number; range: [number, number] } | undefined =>
      extended === undefined || range === undefined ? undefined : { length: limit, range: range[0] === range[1] ? range : part.narrow(range[0], range[1], extended.length, last) };
    const ranges = parts.map((part, i) => part.suffixRanges(context, narrowed(part, extended?.ranges[i])));
    const aloneRange = copy?.index.suffixRanges(context, narrowed(copy.index, extended?.aloneRange));
    // The left-out copy's share of a narrow range of its part is read off the range itself (no search of its own).
    const scanned = (k: number): boolean => {
      const [low, high] = ranges[holder](k);
      return high - low <= SCANNED_RANGE;
    };
    const leftOutCount = (k: number): number => {
      if (copy === undefined || aloneRange === undefined) return 0;
      if (scanned(k)) return parts[holder].tallyRange(ranges[holder](k), k, copy, true).count;
      return copy.index.continuationsIn(aloneRange(k), k);
    };
    const total = (k: number): number => {
      let count = (pendingByLength?.[k] ?? 0) - leftOutCount(k);
      for (let i = 0; i < parts.length; i++) count += parts[i].continuationsIn(ranges[i](k), k);
      return count;
    };
    // total(k) cannot grow with k (every occurrence of a longer suffix is one of a shorter).
    let good = 0;
    let bad = limit + 1;
    if (hint !== undefined && limit > 0) {
      if (total(limit) > 0) good = limit;
      else bad = limit;
    }
    if (typeof hint === 'object') {
      // Read on from a match: most often a suffix a little shorter matches, so step down doubling.
      for (let step = 1; bad - step > good; step *= 2) {
        if (total(bad - step) > 0) good = bad - step;
        else {
          bad -= step;
          continue;
        }
        break;
      }
    } else if (good < limit) {
      // The longest k with total(k) > 0 by doubling from 1.
      for (let k = 1; k < bad; k *= 2) {
        if (total(k) > 0) good = k;
        else {
          bad = k;
          break;
        }
      }
      if (bad === limit + 1 && good < limit) {
        if (total(limit) > 0) good = limit;
        else bad = limit;
      }
    }
    while (bad - good > 1) {
      const middle = (good + bad) >>> 1;
      if (total(middle) > 0) good = middle;
      else bad = middle;
    }
    const carried: Carried = {
      changes: current,
      length: good,
      ranges: ranges.map((range) => range(good)),
      aloneRange: aloneRange === undefined || (good > 0 && scanned(good)) ? undefined : aloneRange(good),
    };
    if (good === 0) return { match: { length: 0, count: 0, words: new Int32Array(0), counts: new Int32Array(0) }, carried };

    // What the parts hold, less the left-out document's copy in its part, plus the changes read by a pass.
    let followers = NO_FOLLOWERS;
    for (let i = 0; i < parts.length; i++) {
      let held: Followers;
      if (i !== holder || copy === undefined || aloneRange === undefined) held = this.followersIn(parts[i], ranges[i](good), good);
      else if (scanned(good)) held = parts[i].tallyRange(ranges[i](good), good, copy);
      else held = withoutFollowers(this.followersIn(parts[i], ranges[i](good), good), this.followersIn(copy.index, aloneRange(good), good));
      followers = withFollowers(followers, held);
    }
    const changes = new Map<number, number>();
    for (const { span, position, length } of pending) {
      if (length < good) continue;
      const next = span.tokens[position + 1];
      changes.set(next, (changes.get(next) ?? 0) + span.weight);
    }
    const { words, counts } = changes.size === 0 ? followers : withChanges(followers, changes);
    let count = 0;
    for (let i = 0; i < counts.length; i++) count += counts[i];
    return { match: { length: good, count, words, counts }, carried };
  }

  /**
   * The followers of the suffixes in `range` of `part` (sharing their first `depth` tokens), ids
   * ascending, and how often each follows. Those of a wide range are kept (a part never changes what
   * its suffix array says): a common short context ("</s> } </s>") has thousands of followers, and a
   * file read by the lens asks for it again on every few lines.
   */
  private followersIn(part: Segment, range: [number, number], depth: number): Followers {
    if (range[1] - range[0] < CACHED_RANGE) return part.tallyRange(range, depth);
    const cache = this.followerCache;
    const key = `${part.id}:${range[0]}:${depth}`;
    const cached = cache.entries.get(key);
    if (cached !== undefined) {
      // Least recently used first out: re-inserted as the most recent.
      cache.entries.delete(key);
      cache.entries.set(key, cached);
      return cached;
    }
    const followers = part.tallyRange(range, depth);
    cache.entries.set(key, followers);
    cache.ids += followers.words.length;
    for (const [oldest, entry] of cache.entries) {
      if (cache.ids <= CACHED_FOLLOWERS) break;
      cache.entries.delete(oldest);
      cache.ids -= entry.words.length;
    }
    return followers;
  }

  /** How often `pattern` (ids) occurs in the live documents. */
  count(pattern: ArrayLike<number>): number {
    return this.occurrences(pattern, 0).total;
  }

  /**
   * Where `pattern` occurs in the live documents, those in `leftOut` aside (as if deleted): the total,
   * and up to `limit` occurrences in document order (keys ascending, then offsets).
   */
  occurrences(pattern: ArrayLike<number>, limit: number, leftOut?: ReadonlySet<string>): { total: number; occurrences: IndexOccurrence[] } {
    const length = pattern.length;
    if (length === 0) return { total: this.liveTokens, occurrences: [] };
    for (let k = 0; k < length; k++) if (pattern[k] === UNK) return { total: 0, occurrences: [] };
    let total = 0;
    const found: IndexOccurrence[] = [];
    const collect = limit > 0;
    const { scanned, parts } = this.changes();
    // Left-out documents a part holds: their occurrences come off the total, and none is listed.
    const leftOutPlaces = new Map<Segment, Set<number>>();
    for (const key of leftOut ?? []) {
      const entry = this.documents.get(key);
      if (entry?.part == null) continue;
      const places = leftOutPlaces.get(entry.part) ?? new Set<number>();
      leftOutPlaces.set(entry.part, places.add(entry.place));
      const { stream, starts } = entry.part;
      total -= countIn(stream, starts[entry.place], starts[entry.place + 1] - 1, pattern);
    }
    for (const part of parts) {
      const [low, high] = part.range(pattern, 0, length);
      total += high - low;
      if (!collect) continue;
      const skipped = leftOutPlaces.get(part);
      const listed = (position: number): boolean => {
        const document = documentAt(part.starts, position);
        return part.retired[document] === 0 && skipped?.has(document) !== true;
      };
      // A part lays its documents out in key order: its first places are its smallest positions.
      for (const position of smallestPositions(part.suffixArray, low, high, limit, listed)) {
        const document = documentAt(part.starts, position);
        found.push({ key: part.keys[document], offset: position - part.starts[document] - 1 });
      }
    }
    for (const span of scanned) {
      // A fresh document left out is not read; a retired one comes off as always (its segment holds it).
      if (span.weight > 0 && leftOut?.has(span.key) === true) continue;
      total += span.weight * countIn(span.tokens, span.from, span.to, pattern);
      if (collect && span.weight > 0) {
        // Each fresh document's first `limit`: the documents come in no particular order.
        for (let i = span.from, listed = 0; i + length <= span.to && listed < limit; i++) {
          if (matchEndingAt(span.tokens, span.from, i + length - 1, pattern, length) !== length) continue;
          found.push({ key: span.key, offset: i - span.origin });
          listed++;
        }
      }
    }
    // The parts' keys interleave.
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.offset - b.offset));
    return { total, occurrences: found.slice(0, limit) };
  }

  // ---- snapshot ----

  /** The index's parts, for the snapshot. */
  exportState(): TokenIndexState {
    const fresh: { key: string; tokens: Int32Array }[] = [];
    for (const [key, entry] of this.documents) if (entry.tokens) fresh.push({ key, tokens: entry.tokens });
    return { segments: this.segments.map((segment) => segment.state()), fresh };
  }

  /**
   * An index from `exportState`'s parts, checked so that no forged input can make a query read out
   * of bounds or loop: each stream's shape, its suffix array a permutation of its positions in sorted
   * order of their first tokens. A segment of more than `segmentTokens` (one base: a snapshot before
   * segments) is split into segments of at most that, by key ranges.
   */
  static fromState(state: TokenIndexState, vocabularySize: number, segmentTokens = SEGMENT_TOKENS): TokenIndex {
    const index = new TokenIndex(SORT_FRESH_ABOVE, segmentTokens);
    const segments: Segment[] = [];
    for (const segmentState of state.segments) {
      checkSegment(segmentState, vocabularySize);
      for (const { stream, suffixArray, keys, starts, retired } of split(segmentState, segmentTokens)) {
        // Every id is below the vocabulary's size (checked above).
        if (keys.length > 0) segments.push(new Segment(narrowed(stream, vocabularySize), suffixArray, keys, starts, retired));
      }
    }
    index.segments = segments;
    for (const segment of segments) {
      segment.keys.forEach((key, d) => {
        if (segment.retired[d] === 1) return;
        if (index.documents.has(key)) throw new Error(`index snapshot: document ${JSON.stringify(key)} is stored twice`);
        index.documents.set(key, { part: segment, place: d, tokens: null, version: ++index.versionCounter });
        index.liveTokens += segment.length(d);
      });
    }
    for (const { key, tokens } of state.fresh) {
      if (index.documents.has(key)) throw new Error(`index snapshot: document ${JSON.stringify(key)} is stored twice`);
      if (tokens.length === 0 || tokens[0] !== BOS) throw new Error(`index snapshot: document ${JSON.stringify(key)} is malformed`);
      checkIds(tokens.subarray(1), vocabularySize, `document ${JSON.stringify(key)}`, 1);
      index.documents.set(key, { part: null, place: -1, tokens, version: ++index.versionCounter });
      index.freshTokens += tokens.length;
      index.liveTokens += tokens.length;
      // Sorted by the documents set after (a restart learns at most what changed).
      index.unsorted.add(key);
      index.unsortedTokens += tokens.length;
    }
    return index;
  }
}

/**
 * The stream of documents (`<s>` and ids each) with a separator after each and one more at the end
 * (so that even an empty stream ends in one), copied `tokensPerSlice` at a time.
 */
function* streamOf(sources: readonly TokenStream[], tokensPerSlice: number): Generator<void, { stream: Int32Array; starts: Int32Array; alphabet: number }> {
  const starts = new Int32Array(sources.length + 1);
  const stream = new Int32Array(sources.reduce((total, tokens) => total + tokens.length, 0) + sources.length + 1);
  let position = 0;
  let alphabet = BOS + 1;
  let copied = 0;
  for (let d = 0; d < sources.length; d++) {
    const tokens = sources[d];
    starts[d] = position;
    stream.set(tokens, position);
    for (let i = 0; i < tokens.length; i++) if (tokens[i] >= alphabet) alphabet = tokens[i] + 1;
    position += tokens.length;
    stream[position++] = SEPARATOR;
    copied += tokens.length;
    if (copied >= tokensPerSlice) {
      copied = 0;
      yield;
    }
  }
  starts[sources.length] = position;
  stream[position] = SEPARATOR;
  return { stream, starts, alphabet };
}

/** The checks `fromState` makes of one segment's parts. */
function checkSegment({ stream, suffixArray, keys, starts, retired }: SegmentState, vocabularySize: number): void {
  const documents = keys.length;
  if (starts.length !== documents + 1 || retired.length !== documents) throw new Error('index snapshot: document table sizes do not match');
  if (stream.length !== (documents > 0 ? starts[documents] : 0) + 1 || suffixArray.length !== stream.length) throw new Error('index snapshot: stream and suffix array sizes do not match');
  if (starts[0] !== 0) throw new Error('index snapshot: the first document does not start the stream');
  for (let d = 0; d < documents; d++) {
    if (!(starts[d + 1] > starts[d] + 1) || stream[starts[d]] !== BOS || stream[starts[d + 1] - 1] !== SEPARATOR) throw new Error(`index snapshot: document ${d} is malformed`);
    if (d > 0 && !(keys[d - 1] < keys[d])) throw new Error('index snapshot: document keys are not sorted and distinct');
    if (retired[d] > 1) throw new Error('index snapshot: bad retired flag');
  }
  if (stream[stream.length - 1] !== SEPARATOR) throw new Error('index snapshot: the stream does not end in a separator');
  checkIds(stream, vocabularySize, 'the stream');
  // A bit per position (a byte each missed the cache at nearly every step: the positions come in no order).
  const seen = new Uint32Array((stream.length + 31) >>> 5);
  let previousFirst = -1;
  for (let i = 0; i < suffixArray.length; i++) {
    const position = suffixArray[i];
    const bit = 1 << (position & 31);
    if (!(position >= 0 && position < stream.length) || (seen[position >>> 5] & bit) !== 0) throw new Error('index snapshot: the suffix array is not a permutation of the stream');
    seen[position >>> 5] |= bit;
    const first = stream[position];
    if (first < previousFirst) throw new Error('index snapshot: the suffix array is not sorted');
    previousFirst = first;
  }
}

/**
 * A checked segment in pieces of at most `maxTokens` positions (a document larger alone), by key
 * ranges, each piece's suffix array its positions in the order of the whole's: a query never compares
 * a suffix past its first separator, and up to it a suffix reads the same in its piece, so that order
 * is sorted there too. One pass over the whole, no sorting.
 */
function split(state: SegmentState, maxTokens: number): SegmentState[] {
  const { stream, suffixArray, keys, starts, retired } = state;
  const documents = keys.length;
  // The first document of each piece.
  const firsts: number[] = [];
  for (let d = 0; d < documents; d++) if (firsts.length === 0 || starts[d + 1] - starts[firsts[firsts.length - 1]] > maxTokens) firsts.push(d);
  if (firsts.length <= 1) return [state];
  const from = firsts.map((d) => starts[d]);
  const to = [...from.slice(1), starts[documents]];
  // Each piece's own final separator sorts first (its suffix is the smallest).
  const arrays = from.map((start, i) => new Int32Array(to[i] - start + 1).fill(to[i] - start, 0, 1));
  const filled = from.map(() => 1);
  const last = stream.length - 1;
  for (let i = 0; i < suffixArray.length; i++) {
    const position = suffixArray[i];
    if (position === last) continue;
    let piece = from.length - 1;
    while (from[piece] > position) piece--;
    arrays[piece][filled[piece]++] = position - from[piece];
  }
  return firsts.map((first, i) => {
    const next = i + 1 < firsts.length ? firsts[i + 1] : documents;
    const pieceStream = new Int32Array(to[i] - from[i] + 1);
    pieceStream.set(stream.subarray(from[i], to[i]));
    return { stream: pieceStream, suffixArray: arrays[i], keys: keys.slice(first, next), starts: starts.slice(first, next + 1).map((start) => start - from[i]), retired: retired.slice(first, next) };
  });
}

function checkIds(ids: ArrayLike<number>, vocabularySize: number, what: string, smallest = 0): void {
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= smallest && ids[i] < vocabularySize)) throw new Error(`index snapshot: ${what} holds an id outside the vocabulary`);
  }
}

/** The index of `key` in `keys` (sorted, distinct), or −1. */
function findSortedKey(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low < keys.length && keys[low] === key ? low : -1;
}

/** The document holding stream position `position` (starts ascending). */
function documentAt(starts: Int32Array, position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (starts[middle] <= position) low = middle;
    else high = middle;
  }
  return low;
}

/** Two parts' followers together (both ascending: one pass). */
function withFollowers(a: Followers, b: Followers): Followers {
  if (a.words.length === 0) return b;
  if (b.words.length === 0) return a;
  const words = new Int32Array(a.words.length + b.words.length);
  const counts = new Int32Array(words.length);
  let kept = 0;
  let i = 0;
  let j = 0;
  while (i < a.words.length || j < b.words.length) {
    const fromA = j === b.words.length || (i < a.words.length && a.words[i] <= b.words[j]);
    const word = fromA ? a.words[i] : b.words[j];
    if (kept > 0 && words[kept - 1] === word) counts[kept - 1] += fromA ? a.counts[i] : b.counts[j];
    else {
      words[kept] = word;
      counts[kept++] = fromA ? a.counts[i] : b.counts[j];
    }
    if (fromA) i++;
    else j++;
  }
  return { words: words.subarray(0, kept), counts: counts.subarray(0, kept) };
}

/** `followers` less `left` (a part of them: each of its words follows as often at least), words left with no count dropped. */
function withoutFollowers(followers: Followers, left: Followers): Followers {
  if (left.words.length === 0) return followers;
  const words = new Int32Array(followers.words.length);
  const counts = new Int32Array(followers.words.length);
  let kept = 0;
  // Both lists ascend: one pass.
  for (let i = 0, j = 0; i < followers.words.length; i++) {
    const word = followers.words[i];
    while (j < left.words.length && left.words[j] < word) j++;
    const count = followers.counts[i] - (j < left.words.length && left.words[j] === word ? left.counts[j] : 0);
    if (count <= 0) continue;
    words[kept] = word;
    counts[kept++] = count;
  }
  return { words: words.subarray(0, kept), counts: counts.subarray(0, kept) };
}

/** `followers` with `changes` (word → count to add) applied, words left with no count dropped. */
function withChanges(followers: Followers, changes: Map<number, number>): Followers {
  const tally = new Map<number, number>();
  for (let i = 0; i < followers.words.length; i++) tally.set(followers.words[i], followers.counts[i]);
  for (const [word, change] of changes) tally.set(word, (tally.get(word) ?? 0) + change);
  const words = new Int32Array([...tally.keys()].filter((word) => (tally.get(word) as number) > 0)).sort();
  return { words, counts: Int32Array.from(words, (word) => tally.get(word) as number) };
}

/** How often `pattern` occurs within tokens[from, to). */
function countIn(tokens: TokenStream, from: number, to: number, pattern: ArrayLike<number>): number {
  let count = 0;
  for (let end = from + pattern.length - 1; end < to; end++) if (matchEndingAt(tokens, from, end, pattern, pattern.length) === pattern.length) count++;
  return count;
}

/**
 * The `limit` smallest of suffixArray[low, high) that are `listed`, ascending: one pass, a position
 * checked only when it would be among them (a pattern may occur 100,000 times; 50 are listed).
 */
function smallestPositions(suffixArray: Int32Array, low: number, high: number, limit: number, listed: (position: number) => boolean): number[] {
  const best: number[] = [];
  for (let i = low; i < high; i++) {
    const position = suffixArray[i];
    if (best.length === limit && position >= best[limit - 1]) continue;
    if (!listed(position)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1] > position) at--;
    best.splice(at, 0, position);
    if (best.length > limit) best.pop();
  }
  return best;
}

/**
 * How many of pattern's last tokens (at most `limit`) end at tokens[end], reading back no further
 * than `from`.
 */
function matchEndingAt(tokens: TokenStream, from: number, end: number, pattern: ArrayLike<number>, limit: number): number {
  const last = pattern.length - 1;
  let k = 0;
  while (k < limit && end - k >= from && tokens[end - k] === pattern[last - k]) k++;
  return k;
}
