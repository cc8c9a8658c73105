// The n-gram count tables: raw counts at every order and every statistic the estimators need,
// maintained incrementally as sentences are added and removed (docs/engine.md, "Count tables").
//
// Order n's n-grams are nodes of one OrderTable. A unigram's node id is its word id; an n-gram of
// order ≥ 2 is keyed by (node of its first n−1 words, last word) in an open-addressing hash whose
// slots hold node ids, so node ids never move. A node's fields are one record of adjacent int32s.

import { BOS, EOS, FIRST_WORD_ID } from './vocabulary';

/** "No node" in child lists and lookups. */
export const NONE = -1;
/** Adjusted counts are bucketed 1, 2, 3+ per context (N1, N2, N3+) and counted 1..4 per order (t_k). */
const COUNT_OF_COUNTS_MAX = 4;
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

/** Counts and statistics of the empty context (the parent of every unigram). */
interface RootStats {
  /** Σ adjusted unigram counts (the KN unigram denominator). */
  childSum: number;
  n1: number;
  n2: number;
  n3: number;
  /** Σ raw unigram counts without `<s>`: the words plus one `</s>` per sentence. */
  rawTotal: number;
}

/** Everything `NgramCounts` holds besides its tables, as the snapshot stores it. */
export interface CountsScalars {
  readonly sentences: number;
  readonly tokens: number;
  readonly liveWords: number;
  readonly root: Readonly<RootStats>;
  readonly countOfCounts: readonly number[];
}

export class NgramCounts {
  /** tables[n − 1] holds the n-grams. */
  readonly tables: OrderTable[];
  /** t_k of order n at [n · 5 + k], k = 1..4, over adjusted counts. */
  readonly countOfCounts: Float64Array;
  readonly root: RootStats = { childSum: 0, n1: 0, n2: 0, n3: 0, rawTotal: 0 };
  sentences = 0;
  /** Word tokens, without `<s>`/`</s>`. */
  tokens = 0;
  /** Words (ids ≥ FIRST_WORD_ID) with a non-zero count. */
  liveWords = 0;
  /** Bumped by every change, for the estimators' caches. */
  version = 0;

  private scratchNodes = new Int32Array(0);
  private scratchPositions = new Int32Array(0);
  private scratchColumn = new Int32Array(0);
  /** N-grams (orders ≥ 2) created since the tables were last laid out by `compact`. */
  private createdSinceCompaction = 0;

  constructor(readonly order: number) {
    this.tables = [];
    for (let n = 1; n <= order; n++) this.tables.push(new OrderTable(n, n === order));
    this.tables[0].extendTo(FIRST_WORD_ID);
    this.countOfCounts = new Float64Array((order + 1) * (COUNT_OF_COUNTS_MAX + 1));
  }

  static fromState(order: number, tables: readonly OrderTableState[], scalars: CountsScalars): NgramCounts {
    if (tables.length !== order) throw new Error(`snapshot has ${tables.length} tables for order ${order}`);
    const counts = new NgramCounts(order);
    for (let n = 1; n <= order; n++) counts.tables[n - 1] = OrderTable.fromState(n, n === order, tables[n - 1]);
    if (scalars.countOfCounts.length !== counts.countOfCounts.length) throw new Error('snapshot count-of-counts have the wrong length');
    counts.countOfCounts.set(scalars.countOfCounts);
    Object.assign(counts.root, scalars.root);
    counts.sentences = scalars.sentences;
    counts.tokens = scalars.tokens;
    counts.liveWords = scalars.liveWords;
    counts.checkConsistency();
    counts.verify();
    return counts;
  }

  scalars(): CountsScalars {
    return {
      sentences: this.sentences,
      tokens: this.tokens,
      liveWords: this.liveWords,
      root: { ...this.root },
      countOfCounts: Array.from(this.countOfCounts),
    };
  }

  /**
   * Structural checks of loaded tables, one pass: counts are not negative, every key and link points
   * at a node that exists, the hash finds every n-gram, and the live counts add up.
   */
  private checkConsistency(): void {
    const unigrams = this.tables[0];
    if (unigrams.size < FIRST_WORD_ID) throw new Error('snapshot unigram table lacks the reserved ids');
    for (const table of this.tables) {
      const n = table.n;
      const parentSize = n >= 2 ? this.tables[n - 2].size : 0;
      const childSize = n < this.order ? this.tables[n].size : 0;
      let live = 0;
      for (let node = 0; node < table.size; node++) {
        const count = table.get(node, COUNT);
        if (count < 0) throw new Error(`snapshot table ${n}: negative count`);
        if (count === 0) {
          // Unigrams are read by word id, counted or not: an uncounted word must be as new (a stray
          // continuation count would give it probability and make the distribution sum past 1).
          if (n === 1 && !table.isInitial(node, NONE, node)) throw new Error(`snapshot table 1: uncounted word ${node} has statistics`);
          continue;
        }
        if (!table.isTop) {
          const firstChild = table.get(node, FIRST_CHILD);
          if (firstChild < NONE || firstChild >= childSize) throw new Error(`snapshot table ${n}: child link out of range`);
        }
        if (n === 1) {
          if (node !== BOS) live++;
          continue;
        }
        live++;
        const parent = table.get(node, PARENT);
        const word = table.get(node, WORD);
        const next = table.get(node, NEXT);
        if (parent < 0 || parent >= parentSize || word < 0 || word >= unigrams.size) throw new Error(`snapshot table ${n}: n-gram key out of range`);
        if (next < NONE || next >= table.size) throw new Error(`snapshot table ${n}: sibling link out of range`);
      }
      if (live !== table.live) throw new Error(`snapshot table ${n}: live count does not match its counts`);
      if (!table.isTop) this.checkChildLists(table);
    }
  }

  /** Every context's child list holds exactly its children, once each (no cycles, nothing missing). */
  private checkChildLists(table: OrderTable): void {
    const children = this.tables[table.n];
    let budget = children.live;
    for (let node = 0; node < table.size; node++) {
      if (table.get(node, COUNT) === 0) continue;
      for (let child = table.get(node, FIRST_CHILD); child !== NONE; child = children.get(child, NEXT)) {
        if (child < 0 || child >= children.size || budget-- === 0) throw new Error(`snapshot table ${table.n + 1}: child lists are broken`);
        if (children.get(child, PARENT) !== node || children.get(child, COUNT) <= 0) {
          throw new Error(`snapshot table ${table.n + 1}: a child list holds an n-gram of another context`);
        }
      }
    }
    if (budget !== 0) throw new Error(`snapshot table ${table.n + 1}: ${budget} n-grams are in no child list`);
  }

  /**
   * Recomputes every derived statistic from the raw counts and the n-gram structure alone (KN
   * adjusted counts from the left extensions, each context's sums and buckets, count-of-counts, the
   * root's sums and the totals) and throws if any stored value differs. One pass per order, one
   * hash probe per n-gram: how a loaded snapshot proves it is not a silently wrong model, and how the
   * tests check the incremental bookkeeping.
   */
  verify(): void {
    const fail = (what: string): never => {
      throw new Error(`snapshot statistics do not match its counts: ${what}`);
    };
    const order = this.order;
    const tables = this.tables;
    const unigrams = tables[0];
    // Suffix link (the node of its last n−1 words) and "starts with <s>" of every n-gram, n ≥ 2.
    const suffixOf: Int32Array[] = [];
    const startsWithBos: Uint8Array[] = [];
    for (let n = 2; n <= order; n++) {
      const table = tables[n - 1];
      const suffix = new Int32Array(table.size).fill(NONE);
      const bos = new Uint8Array(table.size);
      for (let node = 0; node < table.size; node++) {
        if (table.get(node, COUNT) === 0) continue;
        const parent = table.get(node, PARENT);
        const word = table.get(node, WORD);
        if (n === 2) {
          suffix[node] = word;
          bos[node] = parent === BOS ? 1 : 0;
        } else {
          const parentSuffix = suffixOf[n - 3][parent];
          suffix[node] = tables[n - 2].find(parentSuffix, word);
          if (suffix[node] === NONE) fail(`a ${n}-gram's last ${n - 1} words were never counted`);
          bos[node] = startsWithBos[n - 3][parent];
        }
      }
      suffixOf.push(suffix);
      startsWithBos.push(bos);
    }
    // Distinct left extensions of every n-gram below the top order.
    const extensions: Int32Array[] = [];
    for (let n = 1; n < order; n++) {
      const counted = new Int32Array(tables[n - 1].size);
      const longer = tables[n];
      const suffix = suffixOf[n - 1];
      for (let node = 0; node < longer.size; node++) if (longer.get(node, COUNT) > 0) counted[suffix[node]]++;
      extensions.push(counted);
    }
    const expectedAdjusted = (n: number, node: number): number => {
      if (n === 1 && node === BOS) return 0;
      if (n === order || (n >= 2 && startsWithBos[n - 2][node] === 1)) return tables[n - 1].get(node, COUNT);
      return extensions[n - 1][node];
    };
    const countOfCounts = new Float64Array(this.countOfCounts.length);
    for (let n = 1; n <= order; n++) {
      const table = tables[n - 1];
      const children = n < order ? tables[n] : null;
      for (let node = 0; node < table.size; node++) {
        const count = table.get(node, COUNT);
        if (count === 0) continue;
        const adjusted = expectedAdjusted(n, node);
        // The unigram <s> has no adjusted count (in a unigram model its field is its raw count).
        if (table.get(node, table.adjustedField) !== adjusted && !(n === 1 && node === BOS)) fail(`adjusted count of a ${n}-gram`);
        if (adjusted >= 1 && adjusted <= COUNT_OF_COUNTS_MAX) countOfCounts[n * (COUNT_OF_COUNTS_MAX + 1) + adjusted]++;
        if (!children) continue;
        // Every occurrence of a context is followed by a token, unless the context ends a sentence.
        let rawSum = 0;
        let adjustedSum = 0;
        const buckets = [0, 0, 0, 0];
        for (let child = table.get(node, FIRST_CHILD); child !== NONE; child = children.get(child, NEXT)) {
          const childAdjusted = expectedAdjusted(n + 1, child);
          rawSum += children.get(child, COUNT);
          adjustedSum += childAdjusted;
          buckets[childAdjusted >= 3 ? 3 : childAdjusted]++;
        }
        const endsSentence = (n === 1 ? node : table.get(node, WORD)) === EOS;
        if (rawSum !== (endsSentence ? 0 : count)) fail(`the continuations of a ${n}-gram do not add up to its count`);
        if (table.get(node, CHILD_SUM) !== adjustedSum || table.get(node, N1) !== buckets[1] || table.get(node, N2) !== buckets[2] || table.get(node, N3) !== buckets[3]) {
          fail(`the sums of a ${n}-gram's continuations`);
        }
      }
    }
    if (countOfCounts.some((value, i) => value !== this.countOfCounts[i])) fail('count-of-counts');
    const root = { childSum: 0, n1: 0, n2: 0, n3: 0, rawTotal: 0 };
    let liveWords = 0;
    for (let word = 0; word < unigrams.size; word++) {
      const count = unigrams.get(word, COUNT);
      if (count === 0 || word === BOS) continue;
      root.rawTotal += count;
      if (word >= FIRST_WORD_ID) liveWords++;
      const adjusted = expectedAdjusted(1, word);
      root.childSum += adjusted;
      if (adjusted === 1) root.n1++;
      else if (adjusted === 2) root.n2++;
      else if (adjusted >= 3) root.n3++;
    }
    const stored = this.root;
    if (stored.childSum !== root.childSum || stored.n1 !== root.n1 || stored.n2 !== root.n2 || stored.n3 !== root.n3 || stored.rawTotal !== root.rawTotal) {
      fail('unigram sums');
    }
    const sentences = unigrams.get(BOS, COUNT);
    if (this.sentences !== sentences || this.tokens !== root.rawTotal - sentences || this.liveWords !== liveWords) fail('totals');
  }

  unigramCount(word: number): number {
    const unigrams = this.tables[0];
    return word < unigrams.size ? unigrams.data[word * unigrams.stride + COUNT] : 0;
  }

  /** Adds encoded sentences (ids, each sentence ended by EOS). */
  add(sentences: Int32Array): void {
    this.tables[0].extendTo(this.validate(sentences) + 1);
    const order = this.order;
    const tables = this.tables;
    let previous = new Int32Array(order + 1);
    let current = new Int32Array(order + 1);
    const probeIndex = new Int32Array(order + 1);
    const probeSlot = new Int32Array(order + 1);
    let position = 0;
    this.version++;
    for (let i = 0; i < sentences.length; i++) {
      const word = sentences[i];
      if (position === 0) {
        this.changeBos(+1);
        previous[1] = BOS;
        position = 1;
      }
      this.changeUnigram(word, +1);
      current[1] = word;
      const top = Math.min(order, position + 1);
      // First probe of every order before resolving any, so their cache misses overlap.
      for (let n = 2; n <= top; n++) {
        const table = tables[n - 1];
        const index = hashKey(previous[n - 1], word) & table.mask;
        probeIndex[n] = index;
        probeSlot[n] = table.slots[index];
      }
      for (let n = 2; n <= top; n++) {
        const table = tables[n - 1];
        const parent = previous[n - 1];
        let node = table.findFrom(probeIndex[n], probeSlot[n], parent, word);
        if (node === NONE) node = this.createNode(n, parent, word);
        this.increment(n, node, n === position + 1, current[n - 1]);
        current[n] = node;
      }
      const swap = previous;
      previous = current;
      current = swap;
      if (word === EOS) {
        this.sentences++;
        this.tokens += position - 1;
        position = 0;
      } else {
        position++;
      }
    }
  }

  /**
   * Subtracts encoded sentences that were added before. Every n-gram is looked up, and its count
   * checked against how often the sentences hold it, before anything changes: sentences that were
   * never added (or more copies than were added) are rejected with the tables untouched.
   */
  remove(sentences: Int32Array): void {
    this.validate(sentences);
    const order = this.order;
    const length = sentences.length;
    if (this.scratchNodes.length < length * order) this.scratchNodes = new Int32Array(length * order);
    if (this.scratchPositions.length < length) this.scratchPositions = new Int32Array(length);
    const nodes = this.scratchNodes;
    const positions = this.scratchPositions;
    // Resolve every n-gram's node, left to right (a node is the child of the one before it).
    let position = 1;
    for (let i = 0; i < length; i++) {
      const word = sentences[i];
      if (this.unigramCount(word) === 0) throw new Error('cannot remove sentences that were never added (unknown word)');
      const base = i * order;
      nodes[base] = word;
      positions[i] = position;
      const top = Math.min(order, position + 1);
      for (let n = 2; n <= top; n++) {
        // The (n−1)-gram that ended one token earlier; the first word's only prefix is <s>.
        const parent = position === 1 ? BOS : nodes[base - order + n - 2];
        const node = this.tables[n - 1].find(parent, word);
        if (node === NONE) throw new Error(`cannot remove sentences that were never added (missing ${n}-gram)`);
        nodes[base + n - 1] = node;
      }
      position = word === EOS ? 1 : position + 1;
    }
    this.checkRemovable(length, positions);
    // Release right to left, longest n-grams first: children and left extensions go before the
    // n-grams they extend, so a node is freed exactly when its count reaches 0.
    this.version++;
    for (let i = length - 1; i >= 0; i--) {
      const base = i * order;
      const wordPosition = positions[i];
      for (let n = Math.min(order, wordPosition + 1); n >= 2; n--) {
        this.decrement(n, nodes[base + n - 1], n === wordPosition + 1, nodes[base + n - 2]);
      }
      this.changeUnigram(sentences[i], -1);
      if (wordPosition === 1) {
        this.changeBos(-1);
        this.sentences--;
      }
      if (sentences[i] === EOS) this.tokens -= wordPosition - 1;
    }
  }

  /**
   * Throws unless every n-gram the resolved sentences hold (`scratchNodes`, `positions`) has a count
   * at least as large as the number of times they hold it: otherwise the removal would run a count
   * below 0 partway through. Each order's nodes are sorted so that repeats sit together.
   */
  private checkRemovable(length: number, positions: Int32Array): void {
    const order = this.order;
    const nodes = this.scratchNodes;
    let sentences = 0;
    for (let i = 0; i < length; i++) if (positions[i] === 1) sentences++;
    if (sentences > this.sentences) throw new Error('cannot remove sentences that were never added (more sentences than were added)');
    if (this.scratchColumn.length < length) this.scratchColumn = new Int32Array(length);
    for (let n = 1; n <= order; n++) {
      let size = 0;
      // A word at position p ends n-grams of every order up to p + 1 (`<s>` starts the longest).
      for (let i = 0; i < length; i++) if (n <= positions[i] + 1) this.scratchColumn[size++] = nodes[i * order + n - 1];
      const column = this.scratchColumn.subarray(0, size).sort();
      const table = this.tables[n - 1];
      for (let start = 0, end = 0; start < size; start = end) {
        while (end < size && column[end] === column[start]) end++;
        if (table.get(column[start], COUNT) < end - start) {
          throw new Error(`cannot remove sentences that were never added (a ${n}-gram more often than it was counted)`);
        }
      }
    }
  }

  /** Checks the shape of encoded sentences; returns their largest id. */
  private validate(sentences: Int32Array): number {
    const length = sentences.length;
    if (length > 0 && sentences[length - 1] !== EOS) throw new Error('encoded sentences must end with </s>');
    let maxId = 0;
    let previous = EOS;
    for (let i = 0; i < length; i++) {
      const word = sentences[i];
      if (word === EOS && previous === EOS) throw new Error(`empty sentence at index ${i} (a sentence needs a word)`);
      if (word < FIRST_WORD_ID && word !== EOS) throw new Error(`reserved id ${word} inside a sentence at index ${i}`);
      if (word > maxId) maxId = word;
      previous = word;
    }
    return maxId;
  }

  private createNode(n: number, parent: number, word: number): number {
    this.createdSinceCompaction++;
    const node = this.tables[n - 1].allocate(parent, word);
    const parentTable = this.tables[n - 2];
    const parentBase = parent * parentTable.stride;
    this.tables[n - 1].data[node * this.tables[n - 1].stride + NEXT] = parentTable.data[parentBase + FIRST_CHILD];
    parentTable.data[parentBase + FIRST_CHILD] = node;
    return node;
  }

  private releaseNode(n: number, node: number): void {
    const table = this.tables[n - 1];
    const parentTable = this.tables[n - 2];
    const data = table.data;
    const stride = table.stride;
    const parentBase = data[node * stride + PARENT] * parentTable.stride;
    const next = data[node * stride + NEXT];
    let sibling = parentTable.data[parentBase + FIRST_CHILD];
    if (sibling === node) {
      parentTable.data[parentBase + FIRST_CHILD] = next;
    } else {
      while (data[sibling * stride + NEXT] !== node) sibling = data[sibling * stride + NEXT];
      data[sibling * stride + NEXT] = next;
    }
    table.release(node);
  }

  /** `<s>` is counted (c(<s>) = sentences, the context count of a line start) but has no adjusted count. */
  private changeBos(delta: 1 | -1): void {
    const unigrams = this.tables[0];
    unigrams.data[BOS * unigrams.stride + COUNT] += delta;
  }

  private changeUnigram(word: number, delta: 1 | -1): void {
    const unigrams = this.tables[0];
    const index = word * unigrams.stride + COUNT;
    const old = unigrams.data[index];
    if (old + delta < 0) throw new Error('cannot remove sentences that were never added (count below 0)');
    unigrams.data[index] = old + delta;
    this.root.rawTotal += delta;
    if (old === 0 || old + delta === 0) {
      unigrams.live += delta;
      if (word >= FIRST_WORD_ID) this.liveWords += delta;
    }
    // With a unigram model the unigrams are the top order: their adjusted count is the raw count.
    if (this.order === 1) this.adjustedChanged(1, word, old, old + delta);
  }

  /** One more occurrence of node (order n ≥ 2); `suffix` is its last n−1 words' node. */
  private increment(n: number, node: number, startsWithBos: boolean, suffix: number): void {
    const table = this.tables[n - 1];
    const base = node * table.stride;
    const old = table.data[base + COUNT];
    table.data[base + COUNT] = old + 1;
    if (table.isTop) {
      this.adjustedChanged(n, node, old, old + 1);
    } else if (startsWithBos) {
      const adjusted = table.data[base + ADJUSTED];
      table.data[base + ADJUSTED] = adjusted + 1;
      this.adjustedChanged(n, node, adjusted, adjusted + 1);
    }
    // A new n-gram v·g is one more distinct left extension of its suffix g.
    if (old === 0) this.bumpContinuation(n - 1, suffix, +1);
  }

  private decrement(n: number, node: number, startsWithBos: boolean, suffix: number): void {
    const table = this.tables[n - 1];
    const base = node * table.stride;
    const old = table.data[base + COUNT];
    if (old <= 0) throw new Error('cannot remove sentences that were never added (count below 0)');
    table.data[base + COUNT] = old - 1;
    if (table.isTop) {
      this.adjustedChanged(n, node, old, old - 1);
    } else if (startsWithBos) {
      const adjusted = table.data[base + ADJUSTED];
      table.data[base + ADJUSTED] = adjusted - 1;
      this.adjustedChanged(n, node, adjusted, adjusted - 1);
    }
    if (old === 1) {
      this.bumpContinuation(n - 1, suffix, -1);
      this.releaseNode(n, node);
    }
  }

  private bumpContinuation(n: number, node: number, delta: 1 | -1): void {
    const table = this.tables[n - 1];
    const index = node * table.stride + ADJUSTED;
    const adjusted = table.data[index];
    table.data[index] = adjusted + delta;
    this.adjustedChanged(n, node, adjusted, adjusted + delta);
  }

  /** Moves node's adjusted count from `from` to `to` in its parent's sums and buckets and in t_k. */
  private adjustedChanged(n: number, node: number, from: number, to: number): void {
    const cc = this.countOfCounts;
    const ccBase = n * (COUNT_OF_COUNTS_MAX + 1);
    if (from >= 1 && from <= COUNT_OF_COUNTS_MAX) cc[ccBase + from]--;
    if (to >= 1 && to <= COUNT_OF_COUNTS_MAX) cc[ccBase + to]++;
    const fromBucket = from >= 3 ? 3 : from;
    const toBucket = to >= 3 ? 3 : to;
    if (n === 1) {
      const root = this.root;
      root.childSum += to - from;
      if (fromBucket !== toBucket) {
        if (fromBucket === 1) root.n1--;
        else if (fromBucket === 2) root.n2--;
        else if (fromBucket === 3) root.n3--;
        if (toBucket === 1) root.n1++;
        else if (toBucket === 2) root.n2++;
        else if (toBucket === 3) root.n3++;
      }
      return;
    }
    const table = this.tables[n - 1];
    const parentTable = this.tables[n - 2];
    const data = parentTable.data;
    const parentBase = table.data[node * table.stride + PARENT] * parentTable.stride;
    data[parentBase + CHILD_SUM] += to - from;
    // N1, N2, N3+ are adjacent fields: bucket b lives at N1 + b − 1.
    if (fromBucket !== toBucket) {
      if (fromBucket > 0) data[parentBase + N1 + fromBucket - 1]--;
      if (toBucket > 0) data[parentBase + N1 + toBucket - 1]++;
    }
  }

  /** t_k (k = 1..4) of order n's adjusted counts. */
  countOfCount(n: number, k: number): number {
    return this.countOfCounts[n * (COUNT_OF_COUNTS_MAX + 1) + k];
  }

  /** Raw count of the context node at `length` words (0 = the empty context: all tokens and `</s>`). */
  contextCount(length: number, node: number): number {
    return length === 0 ? this.root.rawTotal : this.tables[length - 1].get(node, COUNT);
  }

  /** Distinct n-grams with a non-zero count, per order (unigrams include `<s>` and `</s>`). */
  ngramCounts(): number[] {
    return this.tables.map((table, i) => (i === 0 ? table.live + (this.sentences > 0 ? 1 : 0) : table.live));
  }

  /**
   * Whether enough n-grams were created since the last `compact` (at least a quarter of those there
   * are) that their contexts' continuations lie scattered: a model learned piece by piece, or after
   * many files changed.
   */
  get compactionDue(): boolean {
    let live = 0;
    for (let n = 2; n <= this.order; n++) live += this.tables[n - 1].live;
    return this.createdSinceCompaction > 0 && 4 * this.createdSinceCompaction >= live;
  }

  /**
   * Renumbers every order's nodes so that each context's continuations sit side by side in memory
   * (walking them for a distribution or a top-k then streams through memory instead of jumping),
   * drops freed nodes and spare capacity. Counts do not change, node ids do. Per order, a counting
   * sort by (renumbered) parent that reads the old records in order: following the child lists
   * instead would jump through memory on a model learned piece by piece.
   */
  compact(): void {
    this.createdSinceCompaction = 0;
    // Node ids change: whatever a reader cached by node for this version is stale.
    this.version++;
    this.tables[0].trim();
    // Old node id → new node id of the order just compacted (unigrams keep their ids: word ids).
    let renumbered: Int32Array | undefined;
    for (let n = 2; n <= this.order; n++) {
      const table = this.tables[n - 1];
      const parentTable = this.tables[n - 2];
      const old = table.data;
      const stride = table.stride;
      const parents = parentTable.size;
      const newParent = (node: number): number => {
        const parent = old[node * stride + PARENT];
        return renumbered === undefined ? parent : renumbered[parent];
      };
      const start = new Int32Array(parents + 1);
      for (let node = 0; node < table.size; node++) if (old[node * stride + COUNT] !== 0) start[newParent(node) + 1]++;
      for (let parent = 0; parent < parents; parent++) start[parent + 1] += start[parent];
      const live = start[parents];
      if (live !== table.live) throw new Error(`order ${n}: ${live} n-grams with a count, ${table.live} counted`);
      const next = start.slice(0, parents);
      const data = new Int32Array(live * stride);
      const map = new Int32Array(table.size).fill(NONE);
      for (let node = 0; node < table.size; node++) {
        const from = node * stride;
        if (old[from + COUNT] === 0) continue;
        const parent = newParent(node);
        const to = next[parent]++;
        map[node] = to;
        const base = to * stride;
        for (let field = 0; field < stride; field++) data[base + field] = old[from + field];
        data[base + PARENT] = parent;
        data[base + NEXT] = to + 1 < start[parent + 1] ? to + 1 : NONE;
      }
      const parentData = parentTable.data;
      const parentStride = parentTable.stride;
      for (let parent = 0; parent < parents; parent++) {
        parentData[parent * parentStride + FIRST_CHILD] = start[parent] < start[parent + 1] ? start[parent] : NONE;
      }
      table.replaceRecords(data, live);
      renumbered = map;
    }
  }

  byteLength(): number {
    return this.tables.reduce((total, table) => total + table.byteLength(), this.countOfCounts.byteLength);
  }

  /** The words of node (order n), first word first. */
  wordsOf(n: number, node: number): number[] {
    const words: number[] = [];
    for (let order = n; order >= 2; order--) {
      const table = this.tables[order - 1];
      words.push(table.get(node, WORD));
      node = table.get(node, PARENT);
    }
    words.push(node);
    return words.reverse();
  }
}
