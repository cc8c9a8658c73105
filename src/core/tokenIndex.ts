// The workspace's token stream, indexed so that any context of any length can be counted, its
// continuations tallied and its occurrences listed: what the longest-match estimator and the evidence
// for a prediction are read from.
//
// The stream: each document is `<s>` then its encoded sentences (every line's words then `</s>`: line
// breaks are tokens, so contexts run across lines), then a separator (id 0, `<unk>`'s id, which no
// document holds and no searched pattern contains, so no match ever runs from one document into the
// next).
//
// Structure: a merged *base* — the stream of the documents at the last merge (2 bytes per token while
// every id fits in 16 bits, else 4) and its suffix array (4 bytes per token) — plus the changes since: documents added or replaced since are *fresh*
// (their token arrays only), base documents replaced or removed since are *retired* (flagged). A
// query reads the base through its suffix array, subtracts what retired documents hold and adds what
// fresh ones hold, both by one linear pass over those few tokens. So an edit costs O(1) (the document's
// new tokens are kept, the old ones flagged) and queries stay exact. While a pass learns the workspace
// the fresh documents run to an eighth of the base: once those not yet sorted hold more than
// `sortFreshAbove` tokens, the older ones are sorted together into a *group* (an index of those few
// documents), so a query searches each group as it searches the base instead of reading them all; a
// group of several documents, not one each, so that a query searches tens of them, not hundreds. Once the changes hold enough
// tokens (`mergeDue`), a merge builds a new base by SA-IS (O(n)), on any thread (`mergeInput` /
// `completeMerge`) or at once (`merge`).

import { buildSuffixArray } from './suffixArray';
import { BOS, UNK } from './vocabulary';

/**
 * A base stream: 16-bit while every id fits (most workspaces have fewer than 65,536 distinct words),
 * which makes the index 6 bytes per token instead of 8.
 */
export type TokenStream = Int32Array | Uint16Array;

/** The stream in the narrowest array its ids fit: `alphabet` is one past its largest id. */
export function narrowed(stream: TokenStream, alphabet: number): TokenStream {
  return stream instanceof Int32Array && alphabet <= 1 << 16 ? new Uint16Array(stream) : stream;
}

/** The document separator in the stream. */
const SEPARATOR = UNK;

/** Ranges of the base this wide keep their followers until the next merge (`followersIn`). */
const CACHED_RANGE = 512;
/** Followers kept that way, at most (8 bytes each). */
const CACHED_FOLLOWERS = 1 << 18;

/**
 * Fresh documents not yet sorted hold at most this many tokens (and the latest document): a linear
 * pass over them costs tens of microseconds, a search of each group about a microsecond per length
 * tried, and sorting a group of this size about a millisecond (it happens within a learner's slice).
 */
const SORT_FRESH_ABOVE = 1 << 13;

/** A merge pays once the changes hold this many tokens, or an eighth of the base, whichever is more. */
const MERGE_MIN_TOKENS = 1 << 16;
const MERGE_SHARE = 8;

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
  /** Tokens in the base, and in the changes since (fresh plus retired), which queries scan. */
  readonly baseTokens: number;
  readonly pendingTokens: number;
  readonly bytes: number;
}

/** What a merge needs: the live documents' stream (built by `mergeInput`), to be suffix-sorted anywhere. */
export interface MergeInput {
  readonly stream: Int32Array;
  readonly keys: readonly string[];
  readonly starts: Int32Array;
  /** Each document's version when the input was taken: one changed since stays a fresh document. */
  readonly versions: Int32Array;
  /** The alphabet `buildSuffixArray` needs: one past the largest id in the stream. */
  readonly alphabet: number;
}

/** Longest matches of a context read a token at a time (`TokenIndex.walk`). */
export interface IndexWalk {
  /** The match of the context read so far. */
  readonly match: IndexMatch;
  /** Reads one more token of the context; returns the new match. */
  push(token: number): IndexMatch;
}

/** A document of the base left out of a query: its copy's positions in the stream, and that copy indexed alone. */
interface LeftOutCopy {
  readonly index: TokenIndex;
  /** Its `<s>` and tokens: stream[from..to). */
  readonly from: number;
  readonly to: number;
}

/**
 * Ranges of the base this narrow are tallied by reading each suffix's follower (the left-out copy's
 * suffixes skipped by their positions); wider ones through the left-out copy's own index.
 */
const SCANNED_RANGE = 32;

/** A match's suffix-array ranges, carried to the next token's query while the index is as it was. */
interface Carried {
  readonly base: Base;
  readonly changes: Changes;
  /** The match's length: the ranges are those of the context's last `length` tokens. */
  readonly length: number;
  readonly baseRange: [number, number];
  /** In the left-out document's own index, when it is in the base and was searched. */
  readonly aloneRange: [number, number] | undefined;
  /** In each group's index, in the order `changes` lists them. */
  readonly sortedRanges: readonly [number, number][];
}

/** The distinct tokens that follow a range's suffixes, ids ascending, and how often each does. */
interface Followers {
  readonly words: Int32Array;
  readonly counts: Int32Array;
}

/** The parts of an index, as the snapshot stores them. */
export interface TokenIndexState {
  readonly stream: TokenStream;
  readonly suffixArray: Int32Array;
  readonly keys: readonly string[];
  readonly starts: Int32Array;
  readonly retired: Uint8Array;
  readonly fresh: ReadonlyArray<{ readonly key: string; readonly tokens: Int32Array }>;
}

interface Base {
  readonly stream: TokenStream;
  readonly suffixArray: Int32Array;
  readonly keys: readonly string[];
  /** Document d occupies stream[starts[d] .. starts[d + 1] − 1], its separator last. */
  readonly starts: Int32Array;
  readonly retired: Uint8Array;
}

interface DocumentEntry {
  /** The document's place in the base, or −1 when it is fresh. */
  base: number;
  /** A fresh document's `<s>` and encoded sentences. */
  tokens: Int32Array | null;
  /** The group a fresh document is sorted in (an index of it and the others sorted with it), once it is sorted. */
  sorted: TokenIndex | null;
  version: number;
}

const EMPTY_BASE: Base = {
  stream: new Int32Array([SEPARATOR]),
  suffixArray: new Int32Array([0]),
  keys: [],
  starts: new Int32Array([0]),
  retired: new Uint8Array(0),
};

/** A change since the merge read by a linear pass: tokens[from..to), `weight` +1 (fresh) or −1 (retired). */
interface Segment {
  readonly tokens: TokenStream;
  readonly from: number;
  readonly to: number;
  readonly weight: number;
  readonly key: string;
  /** Offset to subtract from a position to get the index in the document's encoded sentences. */
  readonly origin: number;
}

/** The changes since the merge: those read by a linear pass, and the groups of fresh documents, searched. */
interface Changes {
  readonly segments: readonly Segment[];
  readonly groups: readonly TokenIndex[];
}

export class TokenIndex {
  private base: Base = EMPTY_BASE;
  private readonly documents = new Map<string, DocumentEntry>();
  private freshTokens = 0;
  /** Fresh documents without a suffix array yet, oldest first, and their tokens. */
  private readonly unsorted = new Set<string>();
  private unsortedTokens = 0;
  private retiredTokens = 0;
  private liveTokens = 0;
  private versionCounter = 0;
  /** The changes since the merge as `changes` lists them, until the next change. */
  private changesCache: Changes | undefined;
  /** Followers of wide ranges of one base, by range start and depth, least recently used first. */
  private followerCache: { readonly base: Base; readonly entries: Map<string, Followers>; ids: number } | undefined;
  /** `baseAlone`'s answers (null: the base does not hold the document), for one base. */
  private alone: { readonly base: Base; readonly indexes: Map<string, LeftOutCopy | null> } | undefined;
  /** `sortFreshAbove`: see SORT_FRESH_ABOVE (tests lower it to exercise sorted documents). */
  constructor(private readonly sortFreshAbove = SORT_FRESH_ABOVE) {}

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
    this.documents.set(key, { base: -1, tokens, sorted: null, version: ++this.versionCounter });
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
        members.push([key, memberTokens.subarray(1)]);
        tokens += memberTokens.length;
        if (tokens > this.sortFreshAbove) break;
      }
      const group = TokenIndex.indexedTogether(members);
      const { stream, starts } = group.base;
      for (const [key] of members) {
        const entry = this.documents.get(key) as DocumentEntry;
        const d = (group.documents.get(key) as DocumentEntry).base;
        // Its tokens are held once, in the group's stream (`<s>` first, the separator after them left out).
        entry.tokens = (stream as Int32Array).subarray(starts[d], starts[d + 1] - 1);
        entry.sorted = group;
        this.unsorted.delete(key);
      }
      this.unsortedTokens -= tokens;
      this.changesCache = undefined;
    }
  }

  /**
   * Documents' encoded sentences indexed together: one merged base, no fresh documents. Its stream
   * stays 32-bit, so that the documents' tokens can be views of it (a sorted document's tokens held
   * twice were 12 bytes a token past 65,536 words).
   */
  private static indexedTogether(documents: readonly (readonly [string, ArrayLike<number>])[]): TokenIndex {
    // Sorted only by the merge, not one by one as they are set.
    const index = new TokenIndex(Infinity);
    for (const [key, encoded] of documents) index.set(key, encoded);
    const input = index.mergeInput();
    index.install(input, buildSuffixArray(input.stream, input.alphabet), input.stream);
    return index;
  }

  /**
   * Takes the group's documents back to the unsorted ones (but `except`, which is leaving): one of them
   * changed, or went into the base, and the group holds its old tokens. The next `set` sorts them again.
   */
  private ungroup(group: TokenIndex, except?: string): void {
    for (const key of group.keys()) {
      const entry = this.documents.get(key);
      if (key === except || entry?.sorted !== group) continue;
      entry.sorted = null;
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
      if (entry.sorted !== null) this.ungroup(entry.sorted, key);
    } else {
      const length = this.baseLength(entry.base);
      this.base.retired[entry.base] = 1;
      this.retiredTokens += length;
      this.liveTokens -= length;
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
   * tokens, or of the base while its stream is 32-bit, else a copy widened from the 16-bit stream.
   */
  sentences(key: string): Int32Array | undefined {
    const entry = this.documents.get(key);
    if (entry === undefined) return undefined;
    if (entry.tokens !== null) return entry.tokens.subarray(1);
    const { stream, starts } = this.base;
    const tokens = stream.subarray(starts[entry.base] + 1, starts[entry.base + 1] - 1);
    return tokens instanceof Int32Array ? tokens : Int32Array.from(tokens);
  }

  keys(): IterableIterator<string> {
    return this.documents.keys();
  }

  /** The document's `<s>` and tokens without its separator, in the base or fresh. */
  private baseLength(document: number): number {
    return this.base.starts[document + 1] - this.base.starts[document] - 1;
  }

  /**
   * Tokens a query reads by a linear pass (documents changed since the merge and not sorted), those
   * of `leftOut` aside: a query leaving that document out does not read them, unless it is in a group
   * (its tokens are read to be subtracted from the group's).
   */
  scannedTokens(leftOut?: string): number {
    let tokens = this.unsortedTokens + this.retiredTokens;
    if (leftOut === undefined) return tokens;
    const entry = this.documents.get(leftOut);
    if (entry?.tokens && this.unsorted.has(leftOut)) tokens -= entry.tokens.length;
    if (entry?.tokens && entry.sorted !== null) tokens += entry.tokens.length;
    const document = findSortedKey(this.base.keys, leftOut);
    if (document >= 0 && this.base.retired[document] === 1) tokens -= this.baseLength(document);
    return tokens;
  }

  /** Groups of fresh documents a query searches one by one (sorted together since the merge), `leftOut` aside when it is a group's only document. */
  searchedGroups(leftOut?: string): number {
    return this.changes().groups.filter((group) => !(group.documents.size === 1 && group.has(leftOut ?? ''))).length;
  }

  /** Whether enough has changed since the last merge for queries to be worth a new base. */
  get mergeDue(): boolean {
    const pending = this.freshTokens + this.retiredTokens;
    return pending > Math.max(MERGE_MIN_TOKENS, this.liveTokens / MERGE_SHARE);
  }

  stats(): IndexStats {
    const base = this.base;
    let freshBytes = 0;
    // A grouped document's tokens are a view of its group's stream, counted with the group.
    for (const entry of this.documents.values()) if (entry.tokens && entry.sorted === null) freshBytes += entry.tokens.byteLength;
    for (const group of this.changes().groups) freshBytes += group.stats().bytes;
    return {
      documents: this.documents.size,
      tokens: this.liveTokens,
      baseTokens: base.stream.length - base.keys.length - 1,
      pendingTokens: this.freshTokens + this.retiredTokens,
      bytes: base.stream.byteLength + base.suffixArray.byteLength + base.starts.byteLength + base.retired.byteLength + freshBytes,
    };
  }

  /** Builds a new base from every live document now (O(tokens); about a second for 2.75 M tokens). */
  merge(): void {
    const input = this.mergeInput();
    this.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
  }

  /** The live documents' stream, for `buildSuffixArray` (which may run on another thread) and `completeMerge`. */
  mergeInput(): MergeInput {
    const steps = this.mergeInputInSlices(Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * `mergeInput` a slice at a time, for a caller that lets requests in between slices: the documents
   * are taken at once (a document's token array never changes: an edit replaces it), then copied into
   * the stream `tokensPerSlice` at a time (gathering 3 M tokens at once held the server for tens of
   * milliseconds). A document changed after it was taken stays fresh, as after `mergeInput`.
   */
  *mergeInputInSlices(tokensPerSlice: number): Generator<void, MergeInput> {
    const keys = [...this.documents.keys()].sort();
    const starts = new Int32Array(keys.length + 1);
    const versions = new Int32Array(keys.length);
    const sources = keys.map((key, d) => {
      const entry = this.documents.get(key) as DocumentEntry;
      versions[d] = entry.version;
      return entry.tokens ?? this.base.stream.subarray(this.base.starts[entry.base], this.base.starts[entry.base + 1] - 1);
    });
    const stream = new Int32Array(sources.reduce((total, tokens) => total + tokens.length, 0) + keys.length + 1);
    let position = 0;
    let alphabet = BOS + 1;
    let copied = 0;
    for (let d = 0; d < keys.length; d++) {
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
    starts[keys.length] = position;
    // One separator more, so that even an empty index ends in one.
    stream[position] = SEPARATOR;
    return { stream, keys, starts, versions, alphabet };
  }

  /**
   * Installs the base `input` and its suffix array describe. A document changed or deleted after
   * `mergeInput` keeps its newer state: retired in the new base, fresh again if it is still there.
   */
  completeMerge(input: Omit<MergeInput, 'stream'> & { readonly stream: TokenStream }, suffixArray: Int32Array): void {
    this.install(input, suffixArray, narrowed(input.stream, input.alphabet));
  }

  /** `completeMerge` with the stream as the base is to hold it. */
  private install(input: Omit<MergeInput, 'stream'>, suffixArray: Int32Array, stream: TokenStream): void {
    if (suffixArray.length !== stream.length) throw new RangeError(`a suffix array of ${suffixArray.length} positions for a stream of ${stream.length}`);
    const retired = new Uint8Array(input.keys.length);
    const fresh = new Map<string, DocumentEntry>();
    for (const [key, entry] of this.documents) fresh.set(key, entry);
    // Groups with a document going into the base: those of their documents set after the input was taken stay fresh.
    const leftGroups = new Set<TokenIndex>();
    input.keys.forEach((key, d) => {
      const entry = this.documents.get(key);
      if (entry && entry.version === input.versions[d]) {
        if (this.unsorted.delete(key)) this.unsortedTokens -= (entry.tokens as Int32Array).length;
        if (entry.sorted !== null) leftGroups.add(entry.sorted);
        entry.base = d;
        entry.tokens = null;
        entry.sorted = null;
        fresh.delete(key);
      } else {
        retired[d] = 1;
      }
    });
    for (const group of leftGroups) this.ungroup(group);
    this.base = { stream, suffixArray, keys: input.keys, starts: input.starts, retired };
    this.changesCache = undefined;
    this.freshTokens = 0;
    this.retiredTokens = 0;
    for (const entry of fresh.values()) {
      // A document that was in the base before this merge and changed since: copy its tokens out of the old base.
      if (!entry.tokens) throw new Error('a merge left a document neither in the base nor fresh');
      this.freshTokens += entry.tokens.length;
    }
    for (let d = 0; d < retired.length; d++) if (retired[d] === 1) this.retiredTokens += this.baseLength(d);
  }

  // ---- queries ----

  /**
   * The base's copy of document `key`, its place in the stream and indexed alone (undefined when the
   * base does not hold it), kept until the next merge: what a query leaving the document out
   * subtracts from the base.
   */
  private baseAlone(key: string): LeftOutCopy | undefined {
    const base = this.base;
    if (this.alone?.base !== base) this.alone = { base, indexes: new Map() };
    const cached = this.alone.indexes.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const document = findSortedKey(base.keys, key);
    const from = base.starts[document];
    const to = base.starts[document + 1] - 1;
    // The stream holds the document's `<s>` first, which `set` puts back.
    const copy = document >= 0 ? { index: TokenIndex.indexedTogether([[key, base.stream.subarray(from + 1, to)]]), from, to } : null;
    this.alone.indexes.set(key, copy);
    return copy ?? undefined;
  }

  /**
   * The base's suffix-array range [low, high) of the suffixes starting with pattern[from..to). Each
   * step of the two binary searches compares from the prefix the pattern shares with both ends of
   * the range so far (every suffix between two sorted suffixes shares at least that much with it), so
   * a search reads O(|pattern| + log n) tokens, not O(|pattern| · log n): contexts run 64 tokens long.
   */
  private range(pattern: ArrayLike<number>, from: number, to: number): [number, number] {
    const { stream, suffixArray } = this.base;
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

  /** Whether the suffix at place i of the base's suffix array starts with pattern[from..to): compared whole, a token or two of memory. */
  private startsWith(pattern: ArrayLike<number>, from: number, to: number): (i: number) => boolean {
    const { stream, suffixArray } = this.base;
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
    const places = this.base.suffixArray.length;
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
  private narrow(low: number, high: number, depth: number, token: number): [number, number] {
    const { stream, suffixArray } = this.base;
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
   * The base's ranges of the context's suffixes, by length, for one query: found once, read twice.
   * `known` is one range found otherwise (narrowed from a shorter suffix's).
   */
  private suffixRanges(context: ArrayLike<number>, known?: { readonly length: number; readonly range: [number, number] }): (length: number) => [number, number] {
    const found: ([number, number] | undefined)[] = [];
    // The empty suffix: every suffix of the stream.
    found[0] = [0, this.base.suffixArray.length];
    if (known !== undefined) found[known.length] = known.range;
    return (length) => (found[length] ??= this.range(context, context.length - length, context.length));
  }

  /** Of the suffixes in `range` (sharing their first `depth` tokens), how many go on with a token (not their document's end). */
  private continuationsIn([low, high]: [number, number], depth: number): number {
    if (low === high) return 0;
    // Those followed by the separator sort first in the range (it is the smallest id).
    const [, ended] = this.narrow(low, high, depth, SEPARATOR);
    return high - ended;
  }

  private changes(): Changes {
    if (this.changesCache !== undefined) return this.changesCache;
    const segments: Segment[] = [];
    const base = this.base;
    for (let d = 0; d < base.retired.length; d++) {
      if (base.retired[d] === 1) segments.push({ tokens: base.stream, from: base.starts[d], to: base.starts[d + 1] - 1, weight: -1, key: base.keys[d], origin: base.starts[d] + 1 });
    }
    // The groups in the order their first documents come.
    const groups = new Set<TokenIndex>();
    for (const [key, entry] of this.documents) {
      if (entry.sorted !== null) groups.add(entry.sorted);
      else if (entry.tokens) segments.push({ tokens: entry.tokens, from: 0, to: entry.tokens.length, weight: 1, key, origin: 1 });
    }
    this.changesCache = { segments, groups: [...groups] };
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
   * is noticed (the match is then searched afresh); changes since the merge are read at every token,
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
      const current = carried?.base === this.base && carried.changes === this.changes() ? carried : undefined;
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
   * `longestMatch`, and the base's (and the left-out document's) suffix-array ranges of the match
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
    // A left-out document in the base is subtracted through an index of its own tokens (its base copy
    // is not scanned as retired then), a fresh one is skipped.
    const leftOutCopy = leftOut === undefined ? undefined : this.baseAlone(leftOut);
    const alone = leftOutCopy?.index;
    // Changes since the merge: per matched length, how many of their positions count (+ fresh, − retired).
    let pendingByLength: Int32Array | undefined;
    const pending: { segment: Segment; position: number; length: number }[] = [];
    // Groups are searched as the base is, their ranges found once per length.
    const current = this.changes();
    const sortedParts = current.groups;
    const linear = current.segments.filter((segment) => segment.key !== leftOut);
    // A left-out document in a group is subtracted from it by a pass over its tokens, as a retired one is from the base.
    const leftOutFresh = leftOut === undefined ? undefined : this.documents.get(leftOut);
    if (leftOutFresh?.tokens && leftOutFresh.sorted !== null) {
      linear.push({ tokens: leftOutFresh.tokens, from: 0, to: leftOutFresh.tokens.length, weight: -1, key: leftOut as string, origin: 1 });
    }
    for (const segment of linear) {
      const tokens = segment.tokens;
      for (let i = segment.from; i < segment.to - 1; i++) {
        const length = matchEndingAt(tokens, segment.from, i, context, limit);
        if (length === 0) continue;
        pendingByLength ??= new Int32Array(limit + 2);
        pendingByLength[length] += segment.weight;
        pending.push({ segment, position: i, length });
      }
    }
    if (pendingByLength !== undefined) for (let k = limit - 1; k >= 0; k--) pendingByLength[k] += pendingByLength[k + 1];
    // One token longer than a carried match: its ranges narrowed by the new token.
    const extended = typeof hint === 'object' && limit === hint.length + 1 ? hint : undefined;
    const last = context[end - 1];
    const narrowed = (index: TokenIndex, range: [number, number] | undefined): { length: number; range: [number, number] } | undefined =>
      extended === undefined || range === undefined ? undefined : { length: limit, range: range[0] === range[1] ? range : index.narrow(range[0], range[1], extended.length, last) };
    const baseRange = this.suffixRanges(context, narrowed(this, extended?.baseRange));
    const aloneRange = alone?.suffixRanges(context, narrowed(alone, extended?.aloneRange));
    const sorted = sortedParts.map((index, i) => index.suffixRanges(context, narrowed(index, extended?.sortedRanges[i])));
    // The left-out copy's share of a narrow base range is read off the range itself (no search of its own).
    const scanned = (k: number): boolean => {
      const [low, high] = baseRange(k);
      return high - low <= SCANNED_RANGE;
    };
    const leftOutCount = (k: number): number => {
      if (leftOutCopy === undefined || aloneRange === undefined) return 0;
      if (scanned(k)) return this.tallyRange(baseRange(k), k, leftOutCopy, true).count;
      return leftOutCopy.index.continuationsIn(aloneRange(k), k);
    };
    const total = (k: number): number => {
      let count = this.continuationsIn(baseRange(k), k) + (pendingByLength?.[k] ?? 0) - leftOutCount(k);
      for (let i = 0; i < sorted.length; i++) count += sortedParts[i].continuationsIn(sorted[i](k), k);
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
      base: this.base,
      changes: current,
      length: good,
      baseRange: baseRange(good),
      aloneRange: good === 0 || !scanned(good) ? aloneRange?.(good) : undefined,
      sortedRanges: sorted.map((range) => range(good)),
    };
    if (good === 0) return { match: { length: 0, count: 0, words: new Int32Array(0), counts: new Int32Array(0) }, carried };

    // What the base holds, less the left-out document's copy in it, plus the changes since the merge.
    let followers: Followers;
    if (leftOutCopy !== undefined && aloneRange !== undefined && scanned(good)) followers = this.tallyRange(baseRange(good), good, leftOutCopy);
    else {
      followers = this.followersIn(baseRange(good), good);
      if (alone !== undefined && aloneRange !== undefined) followers = withoutFollowers(followers, alone.followersIn(aloneRange(good), good));
    }
    const changes = new Map<number, number>();
    for (const { segment, position, length } of pending) {
      if (length < good) continue;
      const next = segment.tokens[position + 1];
      changes.set(next, (changes.get(next) ?? 0) + segment.weight);
    }
    for (let i = 0; i < sorted.length; i++) {
      const added = sortedParts[i].followersIn(sorted[i](good), good);
      for (let i = 0; i < added.words.length; i++) changes.set(added.words[i], (changes.get(added.words[i]) ?? 0) + added.counts[i]);
    }
    const { words, counts } = changes.size === 0 ? followers : withChanges(followers, changes);
    let count = 0;
    for (let i = 0; i < counts.length; i++) count += counts[i];
    return { match: { length: good, count, words, counts }, carried };
  }

  /**
   * The followers of the suffixes in `range` (sharing their first `depth` tokens), ids ascending, and
   * how often each follows. Those of a wide range are kept until the next merge (the base does not
   * change before it): a common short context ("</s> } </s>") has thousands of followers, and a file
   * read by the lens asks for it again on every few lines.
   */
  private followersIn(range: [number, number], depth: number): Followers {
    if (range[1] - range[0] < CACHED_RANGE) return this.tallyRange(range, depth);
    if (this.followerCache?.base !== this.base) this.followerCache = { base: this.base, entries: new Map(), ids: 0 };
    const cache = this.followerCache;
    const key = `${range[0]}:${depth}`;
    const cached = cache.entries.get(key);
    if (cached !== undefined) {
      // Least recently used last out: re-inserted as the most recent.
      cache.entries.delete(key);
      cache.entries.set(key, cached);
      return cached;
    }
    const followers = this.tallyRange(range, depth);
    cache.entries.set(key, followers);
    cache.ids += followers.words.length;
    for (const [oldest, entry] of cache.entries) {
      if (cache.ids <= CACHED_FOLLOWERS) break;
      cache.entries.delete(oldest);
      cache.ids -= entry.words.length;
    }
    return followers;
  }

  /** `followersIn` without the cache: a narrow range's read suffix by suffix, a wider one's by a gallop per distinct follower. */
  private tallyRange(range: [number, number], depth: number): Followers;
  /**
   * A narrow range's followers (at most SCANNED_RANGE suffixes), those of `copy`'s positions skipped;
   * or with `onlyCopy`, how many of `copy`'s suffixes in it go on with a token.
   */
  private tallyRange(range: [number, number], depth: number, copy: LeftOutCopy, onlyCopy?: false): Followers;
  private tallyRange(range: [number, number], depth: number, copy: LeftOutCopy, onlyCopy: true): { count: number };
  private tallyRange([low, high]: [number, number], depth: number, copy?: LeftOutCopy, onlyCopy = false): Followers | { count: number } {
    const { stream, suffixArray } = this.base;
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
    const base = this.base;
    const [low, high] = this.range(pattern, 0, length);
    let total = high - low;
    const found: IndexOccurrence[] = [];
    const collect = limit > 0;
    const { segments, groups } = this.changes();
    for (const group of groups) {
      // A group is an index with no changes of its own: it lists its places, its left-out documents aside.
      const inGroup = group.occurrences(pattern, limit, leftOut);
      total += inGroup.total;
      found.push(...inGroup.occurrences);
    }
    for (const segment of segments) {
      // A fresh document left out is not read; a retired one comes off as always (the base holds it).
      if (segment.weight > 0 && leftOut?.has(segment.key) === true) continue;
      total += segment.weight * countIn(segment.tokens, segment.from, segment.to, pattern);
      if (collect && segment.weight > 0) {
        // Each fresh document's first `limit`: the documents come in no particular order.
        for (let i = segment.from, listed = 0; i + length <= segment.to && listed < limit; i++) {
          if (matchEndingAt(segment.tokens, segment.from, i + length - 1, pattern, length) !== length) continue;
          found.push({ key: segment.key, offset: i - segment.origin });
          listed++;
        }
      }
    }
    // Base documents left out: their occurrences come off the total, and none is listed.
    const leftOutOfBase = new Set<number>();
    for (const key of leftOut ?? []) {
      const entry = this.documents.get(key);
      if (entry === undefined || entry.tokens !== null) continue;
      leftOutOfBase.add(entry.base);
      total -= countIn(base.stream, base.starts[entry.base], base.starts[entry.base + 1] - 1, pattern);
    }
    if (collect) {
      const listed = (position: number): boolean => {
        const document = documentAt(base.starts, position);
        return base.retired[document] === 0 && !leftOutOfBase.has(document);
      };
      // The stream lays documents out in key order: the first places are the smallest positions.
      for (const position of smallestPositions(base.suffixArray, low, high, limit, listed)) {
        const document = documentAt(base.starts, position);
        found.push({ key: base.keys[document], offset: position - base.starts[document] - 1 });
      }
      found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.offset - b.offset));
    }
    return { total, occurrences: found.slice(0, limit) };
  }

  // ---- snapshot ----

  /** The index's parts, for the snapshot. */
  exportState(): TokenIndexState {
    const fresh: { key: string; tokens: Int32Array }[] = [];
    for (const [key, entry] of this.documents) if (entry.tokens) fresh.push({ key, tokens: entry.tokens });
    const { stream, suffixArray, keys, starts, retired } = this.base;
    return { stream, suffixArray, keys, starts, retired, fresh };
  }

  /**
   * An index from `exportState`'s parts, checked so that no forged input can make a query read out
   * of bounds or loop: the stream's shape, the suffix array a permutation of its positions in
   * sorted order of their first tokens.
   */
  static fromState(state: TokenIndexState, vocabularySize: number): TokenIndex {
    const { stream, suffixArray, keys, starts, retired } = state;
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
    const index = new TokenIndex();
    // Every id is below the vocabulary's size (checked above).
    index.base = { stream: narrowed(stream, vocabularySize), suffixArray, keys: [...keys], starts, retired };
    for (let d = 0; d < documents; d++) {
      const length = starts[d + 1] - starts[d] - 1;
      if (retired[d] === 1) index.retiredTokens += length;
      else {
        index.documents.set(keys[d], { base: d, tokens: null, sorted: null, version: ++index.versionCounter });
        index.liveTokens += length;
      }
    }
    for (const { key, tokens } of state.fresh) {
      if (index.documents.has(key)) throw new Error(`index snapshot: document ${JSON.stringify(key)} is stored twice`);
      if (tokens.length === 0 || tokens[0] !== BOS) throw new Error(`index snapshot: document ${JSON.stringify(key)} is malformed`);
      checkIds(tokens.subarray(1), vocabularySize, `document ${JSON.stringify(key)}`, 1);
      index.documents.set(key, { base: -1, tokens, sorted: null, version: ++index.versionCounter });
      index.freshTokens += tokens.length;
      index.liveTokens += tokens.length;
      // Sorted by the documents set after (a restart learns at most what changed).
      index.unsorted.add(key);
      index.unsortedTokens += tokens.length;
    }
    return index;
  }
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
