// One order's n-gram table: the field layout of a node's record and the hashing that finds a node
// by its key (docs/engine.md, "Count tables"). counts.ts keeps the statistics in these records.
//
// Order n's n-grams are nodes of one OrderTable. A unigram's node id is its word id; an n-gram of
// order ≥ 2 is keyed by (node of its first n−1 words, last word) in an open-addressing hash whose
// slots hold node ids, so node ids never move. A node's fields are one record of adjacent int32s.

/** "No node" in child lists and lookups. */
export const NONE = -1;
/** Adjusted counts are bucketed 1, 2, 3+ per context (N1, N2, N3+) and counted 1..4 per order (t_k). */
export const COUNT_OF_COUNTS_MAX = 4;
const MIN_SLOTS = 16;

/** Hash slots for `live` keys: a power of two, at least twice as many (load ≤ ½). */
function slotsFor(live: number): number {
  let slotCount = MIN_SLOTS;
  while (slotCount < 2 * live) slotCount *= 2;
  return slotCount;
}
const GROWTH = 1.5;

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
/** Next sibling in the parent's child list, or the next free node. */
export const NEXT = 3;
/** KN adjusted count (below the top order; the top order's adjusted count is COUNT). */
export const ADJUSTED = 4;
export const FIRST_CHILD = 5;
/** Σ adjusted count of the children. */
export const CHILD_SUM = 6;
/** Children with adjusted count 1, 2 and ≥ 3. */
export const N1 = 7;
export const N2 = 8;
export const N3 = 9;
const CONTEXT_STRIDE = 10;
const TOP_STRIDE = 4;

/** One order's arrays, as the snapshot stores them. */
export interface OrderTableState {
  readonly size: number;
  readonly live: number;
  readonly freeHead: number;
  /** `size` node records (the hash index is rebuilt from them). */
  readonly data: Int32Array;
}

/**
 * The n-grams of one order. Orders below the model's top also carry the statistics of their
 * children (they are the contexts); orders ≥ 2 are hashed by (parent node, word). A unigram's
 * node id is its word id.
 */
export class OrderTable {
  /** Node ids handed out so far (free ones included). */
  size = 0;
  /** Nodes with a non-zero count. */
  live = 0;
  /** Head of the free-node list, linked through NEXT. */
  freeHead = NONE;
  data: Int32Array;
  readonly stride: number;
  /** Where a node's adjusted count lives: ADJUSTED, or COUNT for the top order. */
  readonly adjustedField: number;
  slots: Int32Array;
  mask: number;

  constructor(
    readonly n: number,
    readonly isTop: boolean,
  ) {
    this.stride = isTop ? TOP_STRIDE : CONTEXT_STRIDE;
    this.adjustedField = isTop ? COUNT : ADJUSTED;
    this.data = new Int32Array(0);
    this.slots = new Int32Array(this.hashed ? MIN_SLOTS : 0);
    this.mask = this.slots.length - 1;
  }

  get hashed(): boolean {
    return this.n >= 2;
  }

  get capacity(): number {
    return this.data.length / this.stride;
  }

  /** Grows the records to hold at least `needed` nodes. */
  reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * GROWTH) + 16);
    const data = new Int32Array(capacity * this.stride);
    data.set(this.data);
    this.data = data;
  }

  /** Resets node's record: the key, no count, no links, no children. */
  initNode(node: number, parent: number, word: number): void {
    const data = this.data;
    const base = node * this.stride;
    data.fill(0, base, base + this.stride);
    data[base + PARENT] = parent;
    data[base + WORD] = word;
    data[base + NEXT] = NONE;
    if (!this.isTop) data[base + FIRST_CHILD] = NONE;
  }

  /** Whether `node` holds exactly what `initNode(node, parent, word)` wrote. */
  isInitial(node: number, parent: number, word: number): boolean {
    const base = node * this.stride;
    for (let field = 0; field < this.stride; field++) {
      const initial = field === PARENT ? parent : field === WORD ? word : field === NEXT || (field === FIRST_CHILD && !this.isTop) ? NONE : 0;
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

  /** The node of (parent, word), or NONE. */
  find(parent: number, word: number): number {
    const slots = this.slots;
    const data = this.data;
    const stride = this.stride;
    const mask = this.mask;
    let i = hashKey(parent, word) & mask;
    for (;;) {
      const slot = slots[i];
      if (slot === 0) return NONE;
      const base = (slot - 1) * stride;
      if (data[base + WORD] === word && data[base + PARENT] === parent) return slot - 1;
      i = (i + 1) & mask;
    }
  }

  /**
   * `find` continued from a slot value already read at `index` (the first probe): lets a caller
   * read the first slot of several tables before resolving any, so their cache misses overlap.
   */
  findFrom(index: number, slot: number, parent: number, word: number): number {
    const slots = this.slots;
    const data = this.data;
    const stride = this.stride;
    const mask = this.mask;
    for (let i = index; slot !== 0; slot = slots[(i = (i + 1) & mask)]) {
      const base = (slot - 1) * stride;
      if (data[base + WORD] === word && data[base + PARENT] === parent) return slot - 1;
    }
    return NONE;
  }

  /** A fresh node for (parent, word), in the hash; its counts are 0. */
  allocate(parent: number, word: number): number {
    if (2 * (this.live + 1) > this.slots.length) this.index(this.slots.length * 2, false);
    let node = this.freeHead;
    if (node !== NONE) {
      this.freeHead = this.data[node * this.stride + NEXT];
    } else {
      node = this.size;
      this.reserve(node + 1);
      this.size++;
    }
    this.initNode(node, parent, word);
    this.live++;
    const mask = this.mask;
    let i = hashKey(parent, word) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = node + 1;
    return node;
  }

  private homeSlot(node: number): number {
    const base = node * this.stride;
    return hashKey(this.data[base + PARENT], this.data[base + WORD]) & this.mask;
  }

  /** Takes a node whose count has dropped to 0 out of the hash and onto the free list. */
  release(node: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.homeSlot(node);
    while (slots[hole] !== node + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, j], so every key stays reachable from its home slot.
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.homeSlot(slots[j] - 1);
      const homeInRange = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (!homeInRange) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = 0;
    this.data[node * this.stride + NEXT] = this.freeHead;
    this.freeHead = node;
    this.live--;
  }

  /** Takes `data` (exactly `size` live records) as the table's records, and re-indexes them. */
  replaceRecords(data: Int32Array, size: number): void {
    this.data = data;
    this.size = this.live = size;
    this.freeHead = NONE;
    this.index(slotsFor(size), false);
  }

  /** An independent table holding the same nodes under the same ids. */
  copy(): OrderTable {
    const table = new OrderTable(this.n, this.isTop);
    table.size = this.size;
    table.live = this.live;
    table.freeHead = this.freeHead;
    table.data = this.data.slice(0, this.size * this.stride);
    table.slots = this.slots.slice();
    table.mask = this.mask;
    return table;
  }

  /** Drops the spare capacity of the records. */
  trim(): void {
    if (this.size < this.capacity) this.data = this.data.slice(0, this.size * this.stride);
  }

  byteLength(): number {
    return this.data.byteLength + this.slots.byteLength;
  }

  exportState(): OrderTableState {
    return {
      size: this.size,
      live: this.live,
      freeHead: this.freeHead,
      data: this.data.subarray(0, this.size * this.stride),
    };
  }

  /**
   * Rebuilds a table from `exportState`'s records, adopting the array (callers pass a copy), and
   * indexes them afresh; throws if they do not fit together or two nodes share a key.
   */
  static fromState(n: number, isTop: boolean, state: OrderTableState): OrderTable {
    const table = new OrderTable(n, isTop);
    if (!(state.size >= 0 && state.live >= 0 && state.live <= state.size) || state.data.length !== state.size * table.stride) {
      throw new Error(`snapshot table ${n}: ${state.data.length} values for ${state.size} n-grams`);
    }
    table.size = state.size;
    table.live = state.live;
    table.freeHead = state.freeHead;
    table.data = state.data;
    if (table.hashed) table.index(slotsFor(table.live), true);
    return table;
  }

  /** Builds a hash index of `slotCount` slots over the live nodes (optionally refusing a key stored twice). */
  private index(slotCount: number, checkUnique: boolean): void {
    const slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    const data = this.data;
    const stride = this.stride;
    let indexed = 0;
    for (let node = 0; node < this.size; node++) {
      const base = node * stride;
      if (data[base + COUNT] === 0) continue;
      if (++indexed > this.live) throw new Error(`snapshot table ${this.n}: more n-grams than it says it has`);
      const parent = data[base + PARENT];
      const word = data[base + WORD];
      let i = hashKey(parent, word) & mask;
      for (; slots[i] !== 0; i = (i + 1) & mask) {
        const other = (slots[i] - 1) * stride;
        if (checkUnique && data[other + WORD] === word && data[other + PARENT] === parent) {
          throw new Error(`snapshot table ${this.n}: the same n-gram is stored twice`);
        }
      }
      slots[i] = node + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

}
