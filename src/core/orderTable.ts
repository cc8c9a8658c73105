// One order's n-gram table: the field layout of a node's record and the hashing that finds a node
// by its key (docs/engine.md, "Count tables"). counts.ts keeps the statistics in these records.
//
// Order n's n-grams are nodes of one OrderTable. A unigram's node id is its word id; an n-gram of
// order ≥ 2 is keyed by (node of its first n−1 words, last word) in an open-addressing hash whose
// slots hold node ids, so node ids never move. A node's fields are one record of adjacent int32s.

import { runToEnd } from './steps';

/** "No node" in child lists and lookups. */
export const NONE = -1;
/** Adjusted counts are bucketed 1, 2, 3+ per context (N1, N2, N3+) and counted 1..4 per order (t_k). */
export const COUNT_OF_COUNTS_MAX = 4;
const MIN_SLOTS = 16;
/**
 * The hash is filled to at most TARGET_LOAD when it is built (after compaction, on load) and grows
 * past MAX_LOAD. Its size need not be a power of two (a slot is picked by the hash's high bits scaled
 * to the size), so a laid-out table pays 1/TARGET_LOAD slots per n-gram, not up to four times as many.
 * Probes stay cheap at this load because a slot carries a fingerprint of its key (below).
 */
const TARGET_LOAD = 0.6;
const MAX_LOAD = 0.75;
/** Node ids take at least this many of a slot's 32 bits; the rest hold the key's fingerprint. */
const MIN_ID_BITS = 8;
const TWO_TO_32 = 4294967296;

/**
 * A hash that outgrows MAX_LOAD is rebuilt at this load: half its slots spare, not more. (Built at
 * 0.3, the top order's hash of a 60 M-token workspace held 84 MB where 42 MB were laid out, and 112 MB
 * more while it was rebuilt beside the old one.)
 */
const GROWN_LOAD = 0.5;

/** Hash slots for `live` keys at `load` (the target load unless given). */
function slotsFor(live: number, load = TARGET_LOAD): number {
  return Math.max(MIN_SLOTS, Math.ceil(live / load));
}
const GROWTH = 1.5;
/**
 * `makeRoom` writes this many values of fresh memory (512 KB), or hashes this many records, between
 * yields. Fresh memory is slow to touch first where page faults are (3 ms a MB on the 2-core VMs the
 * benchmarks run on), so new arrays are also filled a step at a time before they are written at random.
 */
const WRITTEN_PER_STEP = 1 << 17;
const HASHED_PER_STEP = 1 << 15;

/** A hash index's slots with the mapping of keys to them (see `OrderTable.slots`). */
interface HashIndex {
  readonly slots: Int32Array;
  readonly scale: number;
  readonly idBits: number;
  readonly idMask: number;
}

/**
 * Copies `from` into the start of `to`, yielding after every WRITTEN_PER_STEP values. The rest of `to`
 * is left as allocated: fresh memory reads as zeros and takes no resident pages until written, so a
 * table's spare capacity costs nothing until its records are handed out (in order, by `allocate`).
 */
function* copyInSteps(from: Int32Array, to: Int32Array): Generator<void, void> {
  for (let start = 0; start < from.length; start += WRITTEN_PER_STEP) {
    to.set(from.subarray(start, Math.min(from.length, start + WRITTEN_PER_STEP)), start);
    yield;
  }
}

/** Writes zeros over `to` in steps, paying its page faults in order before it is written at random. */
function* touchInSteps(to: Int32Array): Generator<void, void> {
  for (let start = 0; start < to.length; start += WRITTEN_PER_STEP) {
    to.fill(0, start, Math.min(to.length, start + WRITTEN_PER_STEP));
    yield;
  }
}

/** The slot a key's hash starts probing at, in slots of `scale` = slot count / 2^32. */
function homeSlotOf(hash: number, scale: number): number {
  return ((hash >>> 0) * scale) | 0;
}

/** A slot's value for `node` under key hash `hash`: the hash's fingerprint above the node's id + 1. */
function slotValueOf(hash: number, node: number, idBits: number): number {
  return ((hash & ~(-1 << (32 - idBits))) << idBits) | (node + 1);
}

export function hashKey(parent: number, word: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ word;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Field offsets in a node record. Each node's fields are adjacent (one record of `stride` int32s),
 * so following a hash slot to a node, reading its count and, one token later, its statistics as a
 * context touches one cache line instead of one per field.
 */
export const PARENT = 0;
export const WORD = 1;
export const COUNT = 2;
/** KN adjusted count (below the top order; the top order's adjusted count is COUNT). */
export const ADJUSTED = 3;
export const FIRST_CHILD = 4;
/** Σ adjusted count of the children. */
export const CHILD_SUM = 5;
/** Children with adjusted count 1, 2 and ≥ 3. */
export const N1 = 6;
export const N2 = 7;
export const N3 = 8;
const CONTEXT_STRIDE = 9;
const TOP_STRIDE = 3;

/** One order's arrays, as the snapshot stores them. */
export interface OrderTableState {
  readonly size: number;
  readonly live: number;
  readonly freeHead: number;
  /** `size` node records (the hash index is rebuilt from them). */
  readonly data: Int32Array;
  /** Each node's next sibling (or next free node), `size` of them; absent when the table is laid out (see `links`). */
  readonly links?: Int32Array;
}

/**
 * The n-grams of one order. Orders below the model's top also carry the statistics of their
 * children (they are the contexts); orders ≥ 2 are hashed by (parent node, word). A unigram's
 * node id is its word id.
 *
 * A context's children form a list. Once `NgramCounts.compact` has laid the table out, every node
 * is live and each context's children are adjacent, sorted by nothing but their parent: a child's
 * next sibling is the next record when that has the same parent, so no link is stored (`links` is
 * null). The first change that adds or frees a node writes the links out (4 bytes a node) and the
 * lists are kept as linked lists until the next compaction lays the table out again.
 */
export class OrderTable {
  /** Node ids handed out so far (free ones included). */
  size = 0;
  /** Nodes with a non-zero count. */
  live = 0;
  /** Head of the free-node list, linked through `links`. */
  freeHead = NONE;
  data: Int32Array;
  /** Next sibling (or next free node) per node; null while the table is laid out. */
  links: Int32Array | null = null;
  readonly stride: number;
  /** Where a node's adjusted count lives: ADJUSTED, or COUNT for the top order. */
  readonly adjustedField: number;
  /**
   * The hash: 0 for an empty slot, else (fingerprint << idBits) | (node + 1). The fingerprint is the
   * key hash's low bits, so a probe passes over other keys without reading their records.
   */
  slots: Int32Array;
  /** slots.length / 2^32: a hash's slot is ⌊(hash >>> 0) · scale⌋. */
  scale = 0;
  idBits = MIN_ID_BITS;
  idMask = (1 << MIN_ID_BITS) - 1;

  constructor(
    readonly n: number,
    readonly isTop: boolean,
  ) {
    this.stride = isTop ? TOP_STRIDE : CONTEXT_STRIDE;
    this.adjustedField = isTop ? COUNT : ADJUSTED;
    this.data = new Int32Array(0);
    this.slots = new Int32Array(this.hashed ? MIN_SLOTS : 0);
    this.scale = this.slots.length / TWO_TO_32;
  }

  get hashed(): boolean {
    return this.n >= 2;
  }

  get capacity(): number {
    return this.data.length / this.stride;
  }

  /** The capacity the records grow to when they must hold `needed` nodes. */
  private grownCapacity(needed: number): number {
    return Math.max(needed, Math.ceil(this.capacity * GROWTH) + 16);
  }

  /** Grows the records (and the links, when kept) to hold at least `needed` nodes. */
  reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = this.grownCapacity(needed);
    // Only the records handed out are copied: the spare ones stay untouched (see copyInSteps).
    const data = new Int32Array(capacity * this.stride);
    data.set(this.data.subarray(0, this.size * this.stride));
    this.data = data;
    if (this.links !== null) {
      const links = new Int32Array(capacity);
      links.set(this.links.subarray(0, this.size));
      this.links = links;
    }
    // Node ids must fit the slots' id field.
    if (this.hashed && capacity > this.idMask) this.index(this.slots.length, false);
  }

  /**
   * Makes room for `extra` more nodes before they are counted, a bounded piece per step: the records
   * are copied and the hash rebuilt into new arrays, installed together at the last step, so that the
   * `allocate` calls that follow never grow the table in one go (copying and re-hashing a million
   * records held the thread for tens of milliseconds). The table may be read between steps; if it was
   * also changed (`unchanged` says), the work is dropped and `allocate` grows it as it always could.
   */
  *makeRoom(extra: number, unchanged: () => boolean): Generator<void, void> {
    const growRecords = this.size + extra > this.capacity;
    const capacity = growRecords ? this.grownCapacity(this.size + extra) : this.capacity;
    const rehash = this.hashed && (this.live + extra > MAX_LOAD * this.slots.length || capacity > this.idMask);
    let data = this.data;
    let links = this.links;
    if (growRecords) {
      data = new Int32Array(capacity * this.stride);
      yield* copyInSteps(this.data.subarray(0, this.size * this.stride), data);
      if (!unchanged()) return;
      if (links !== null) {
        links = new Int32Array(capacity);
        yield* copyInSteps((this.links as Int32Array).subarray(0, this.size), links);
        if (!unchanged()) return;
      }
    }
    let index: HashIndex | undefined;
    if (rehash) {
      const steps = this.buildIndex(slotsFor(this.live + extra, GROWN_LOAD), capacity, false, HASHED_PER_STEP);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done === true) {
          index = step.value;
          break;
        }
        yield;
        if (!unchanged()) return;
      }
    }
    this.data = data;
    this.links = links;
    if (index !== undefined) this.install(index);
  }

  /** Resets node's record: the key, no count, no children. */
  initNode(node: number, parent: number, word: number): void {
    const data = this.data;
    const base = node * this.stride;
    data.fill(0, base, base + this.stride);
    data[base + PARENT] = parent;
    data[base + WORD] = word;
    if (!this.isTop) data[base + FIRST_CHILD] = NONE;
  }

  /** Whether `node` holds exactly what `initNode(node, parent, word)` wrote. */
  isInitial(node: number, parent: number, word: number): boolean {
    const base = node * this.stride;
    for (let field = 0; field < this.stride; field++) {
      const initial = field === PARENT ? parent : field === WORD ? word : field === FIRST_CHILD && !this.isTop ? NONE : 0;
      if (this.data[base + field] !== initial) return false;
    }
    return true;
  }

  /** Makes node ids below `size` valid (unigrams, whose ids are word ids). */
  extendTo(size: number): void {
    this.reserve(size);
    for (let node = this.size; node < size; node++) this.initNode(node, NONE, node);
    this.size = Math.max(this.size, size);
  }

  get(node: number, field: number): number {
    return this.data[node * this.stride + field];
  }

  /** The sibling after `node` in its parent's child list, or NONE. */
  nextSibling(node: number): number {
    if (this.links !== null) return this.links[node];
    const next = node + 1;
    const stride = this.stride;
    return next < this.size && this.data[next * stride + PARENT] === this.data[node * stride + PARENT] ? next : NONE;
  }

  /** Makes `next` the sibling after `node` (writing the links out if the table was laid out). */
  setNextSibling(node: number, next: number): void {
    this.linked()[node] = next;
  }

  /** The links, written out from the layout on the first change after a compaction. */
  private linked(): Int32Array {
    if (this.links === null) {
      const links = new Int32Array(this.capacity);
      for (let node = 0; node < this.size; node++) links[node] = this.nextSibling(node);
      this.links = links;
    }
    return this.links;
  }

  /** The slot a key's hash starts probing at. */
  homeOf(hash: number): number {
    return homeSlotOf(hash, this.scale);
  }

  /** The node of (parent, word), or NONE. */
  find(parent: number, word: number): number {
    const hash = hashKey(parent, word);
    const index = this.homeOf(hash);
    return this.findFrom(index, this.slots[index], hash, parent, word);
  }

  /**
   * `find` continued from a slot value already read at `index` (the key's home slot, for `hash` =
   * hashKey(parent, word)): lets a caller read the first slot of several tables before resolving
   * any, so their cache misses overlap.
   */
  findFrom(index: number, slot: number, hash: number, parent: number, word: number): number {
    const slots = this.slots;
    const data = this.data;
    const stride = this.stride;
    const idBits = this.idBits;
    const idMask = this.idMask;
    const fingerprint = (hash & ~(-1 << (32 - idBits))) >>> 0;
    const last = slots.length - 1;
    for (let i = index; slot !== 0; slot = slots[(i = i === last ? 0 : i + 1)]) {
      if (slot >>> idBits !== fingerprint) continue;
      const node = (slot & idMask) - 1;
      const base = node * stride;
      if (data[base + WORD] === word && data[base + PARENT] === parent) return node;
    }
    return NONE;
  }

  /** A slot's value for `node` under key hash `hash`. */
  private slotValue(hash: number, node: number): number {
    return slotValueOf(hash, node, this.idBits);
  }

  /** A fresh node for (parent, word), in the hash; its counts are 0. */
  allocate(parent: number, word: number): number {
    if (this.live + 1 > MAX_LOAD * this.slots.length) this.index(slotsFor(this.live + 1, GROWN_LOAD), false);
    const links = this.linked();
    let node = this.freeHead;
    if (node !== NONE) {
      this.freeHead = links[node];
    } else {
      node = this.size;
      this.reserve(node + 1);
      this.size++;
    }
    this.initNode(node, parent, word);
    this.links![node] = NONE;
    this.live++;
    const hash = hashKey(parent, word);
    const last = this.slots.length - 1;
    let i = this.homeOf(hash);
    while (this.slots[i] !== 0) i = i === last ? 0 : i + 1;
    this.slots[i] = this.slotValue(hash, node);
    return node;
  }

  private homeSlot(node: number): number {
    const base = node * this.stride;
    return this.homeOf(hashKey(this.data[base + PARENT], this.data[base + WORD]));
  }

  /** Takes a node whose count has dropped to 0 out of the hash and onto the free list. */
  release(node: number): void {
    const links = this.linked();
    const slots = this.slots;
    const last = slots.length - 1;
    const idMask = this.idMask;
    const step = (i: number): number => (i === last ? 0 : i + 1);
    let hole = this.homeSlot(node);
    while ((slots[hole] & idMask) !== node + 1) hole = step(hole);
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, j], so every key stays reachable from its home slot.
    for (let j = step(hole); slots[j] !== 0; j = step(j)) {
      const home = this.homeSlot((slots[j] & idMask) - 1);
      const homeInRange = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (!homeInRange) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = 0;
    links[node] = this.freeHead;
    this.freeHead = node;
    this.live--;
  }

  /**
   * Lets go of the links and the hash ahead of `replaceRecords` (the table answers no lookup until
   * then): a compaction rebuilds both, and holding them meanwhile only adds to its peak.
   */
  dropIndex(): void {
    this.links = null;
    this.slots = new Int32Array(0);
  }

  /**
   * Takes `data` (exactly `size` live records, each context's children adjacent) as the table's
   * records, laid out, and re-indexes them.
   */
  replaceRecords(data: Int32Array, size: number): void {
    this.data = data;
    this.links = null;
    this.size = this.live = size;
    this.freeHead = NONE;
    this.index(slotsFor(size), false);
  }

  /** An independent table holding the same nodes under the same ids. */
  copy(): OrderTable {
    return runToEnd(this.copyInSteps());
  }

  /**
   * `copy`, a bounded piece per step: the table must not change meanwhile (a caller that lets it
   * drops the copy). The arrays of `spare`, a table no longer used, are written over where they are
   * large enough: memory already touched is copied into several times faster than fresh memory.
   */
  *copyInSteps(spare?: OrderTable): Generator<void, OrderTable> {
    // A view of exactly the length a fresh copy would have, so the copy's capacity is its size as ever.
    const reuse = (array: Int32Array | null | undefined, length: number): Int32Array =>
      array !== null && array !== undefined && array.length >= length ? array.subarray(0, length) : new Int32Array(length);
    const table = new OrderTable(this.n, this.isTop);
    table.size = this.size;
    table.live = this.live;
    table.freeHead = this.freeHead;
    const records = this.size * this.stride;
    table.data = reuse(spare?.data, records);
    yield* copyInSteps(this.data.subarray(0, records), table.data);
    if (this.links !== null) {
      table.links = reuse(spare?.links, this.size);
      yield* copyInSteps(this.links.subarray(0, this.size), table.links);
    } else {
      table.links = null;
    }
    table.slots = reuse(spare?.slots, this.slots.length);
    yield* copyInSteps(this.slots, table.slots);
    table.scale = this.scale;
    table.idBits = this.idBits;
    table.idMask = this.idMask;
    return table;
  }

  /** Drops the spare capacity of the records. */
  trim(): void {
    if (this.size < this.capacity) {
      this.data = this.data.slice(0, this.size * this.stride);
      if (this.links !== null) this.links = this.links.slice(0, this.size);
    }
  }

  byteLength(): number {
    return this.data.byteLength + this.slots.byteLength + (this.links?.byteLength ?? 0);
  }

  exportState(): OrderTableState {
    return {
      size: this.size,
      live: this.live,
      freeHead: this.freeHead,
      data: this.data.subarray(0, this.size * this.stride),
      ...(this.links === null ? {} : { links: this.links.subarray(0, this.size) }),
    };
  }

  /**
   * Rebuilds a table from `exportState`'s records, adopting the arrays (callers pass copies), and
   * indexes them afresh; throws if they do not fit together or two nodes share a key.
   */
  static fromState(n: number, isTop: boolean, state: OrderTableState): OrderTable {
    const table = new OrderTable(n, isTop);
    if (!(state.size >= 0 && state.live >= 0 && state.live <= state.size) || state.data.length !== state.size * table.stride) {
      throw new Error(`snapshot table ${n}: ${state.data.length} values for ${state.size} n-grams`);
    }
    if (state.links !== undefined && state.links.length !== state.size) throw new Error(`snapshot table ${n}: ${state.links.length} links for ${state.size} n-grams`);
    // A laid-out table has no free node (a unigram's id is its word's, counted or not).
    if (state.links === undefined && n >= 2 && (state.live !== state.size || state.freeHead !== NONE)) {
      throw new Error(`snapshot table ${n}: laid out with free n-grams`);
    }
    table.size = state.size;
    table.live = state.live;
    table.freeHead = state.freeHead;
    table.data = state.data;
    table.links = state.links ?? null;
    if (table.hashed) table.index(slotsFor(table.live), true);
    return table;
  }

  /** Builds a hash index of `slotCount` slots over the live nodes (optionally refusing a key stored twice). */
  private index(slotCount: number, checkUnique: boolean): void {
    const steps = this.buildIndex(slotCount, this.capacity, checkUnique, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return this.install(step.value);
    }
  }

  /**
   * A hash index of `slotCount` slots over the live nodes, with id bits for node ids below `capacity`,
   * built aside (the table's own answers meanwhile) and yielding after every `nodesPerStep` records.
   */
  private *buildIndex(slotCount: number, capacity: number, checkUnique: boolean, nodesPerStep: number): Generator<void, HashIndex> {
    const slots = new Int32Array(slotCount);
    // In steps, the fresh slots are touched in order (zeros) before the records are hashed into them at random.
    if (nodesPerStep < this.size) yield* touchInSteps(slots);
    const scale = slotCount / TWO_TO_32;
    // Room for every id the records can hold, with the slot's other bits left to the fingerprint.
    const idBits = Math.min(31, Math.max(MIN_ID_BITS, 32 - Math.clz32(capacity + 1)));
    const idMask = idBits === 31 ? 0x7fffffff : (1 << idBits) - 1;
    const last = slotCount - 1;
    const data = this.data;
    const stride = this.stride;
    let indexed = 0;
    let stepLeft = nodesPerStep;
    for (let node = 0; node < this.size; node++) {
      if (--stepLeft === 0) {
        stepLeft = nodesPerStep;
        yield;
      }
      const base = node * stride;
      if (data[base + COUNT] === 0) continue;
      if (++indexed > this.live) throw new Error(`snapshot table ${this.n}: more n-grams than it says it has`);
      const parent = data[base + PARENT];
      const word = data[base + WORD];
      const hash = hashKey(parent, word);
      const value = slotValueOf(hash, node, idBits);
      let i = homeSlotOf(hash, scale);
      for (; slots[i] !== 0; i = i === last ? 0 : i + 1) {
        // Only a slot with the same fingerprint can hold the same key: others are passed without reading their records.
        if (!checkUnique || (slots[i] ^ value) >>> idBits !== 0) continue;
        const other = ((slots[i] & idMask) - 1) * stride;
        if (data[other + WORD] === word && data[other + PARENT] === parent) {
          throw new Error(`snapshot table ${this.n}: the same n-gram is stored twice`);
        }
      }
      slots[i] = value;
    }
    return { slots, scale, idBits, idMask };
  }

  private install(index: HashIndex): void {
    this.slots = index.slots;
    this.scale = index.scale;
    this.idBits = index.idBits;
    this.idMask = index.idMask;
  }
}
