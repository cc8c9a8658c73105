// The n-gram count tables: raw counts at every order and every statistic the estimators need,
// maintained incrementally as sentences are added and removed (docs/engine.md, "Count tables").
//
// Order n's n-grams are nodes of one OrderTable. A unigram's node id is its word id; an n-gram of
// order ≥ 2 is keyed by (node of its first n−1 words, last word) in an open-addressing hash whose
// slots hold node ids, so node ids never move. Node fields live in parallel typed arrays.

import { BOS, EOS, FIRST_WORD_ID } from './vocabulary';

/** "No node" in child lists and lookups. */
export const NONE = -1;
/** Adjusted counts are bucketed 1, 2, 3+ per context (N1, N2, N3+) and counted 1..4 per order (t_k). */
const COUNT_OF_COUNTS_MAX = 4;
const MIN_SLOTS = 16;
const GROWTH = 1.5;

function hashKey(parent: number, word: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ word;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function grown(array: Int32Array, capacity: number, fill: number): Int32Array {
  const next = new Int32Array(capacity);
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}

/** The typed arrays of one order, as the snapshot stores them. */
export interface OrderTableState {
  readonly size: number;
  readonly live: number;
  readonly freeHead: number;
  readonly count: Int32Array;
  readonly keys?: Int32Array;
  readonly next?: Int32Array;
  readonly slots?: Int32Array;
  readonly adjusted?: Int32Array;
  readonly firstChild?: Int32Array;
  readonly childSum?: Int32Array;
  readonly n1?: Int32Array;
  readonly n2?: Int32Array;
  readonly n3?: Int32Array;
}

/**
 * The n-grams of one order. Orders below the model's top also carry the statistics of their
 * children (they are the contexts); orders ≥ 2 are hashed.
 */
export class OrderTable {
  /** Node ids handed out so far (free ones included). */
  size = 0;
  /** Nodes with a non-zero count. */
  live = 0;
  /** Head of the free-node list, linked through `next`. */
  freeHead = NONE;
  count: Int32Array;
  /** (parent node, word) per node, interleaved so a probe touches one cache line. */
  keys: Int32Array;
  /** Next sibling in the parent's child list, or the next free node. */
  next: Int32Array;
  slots: Int32Array;
  mask: number;
  /** KN adjusted count; for the top order this is `count` itself. */
  adjusted: Int32Array;
  firstChild: Int32Array;
  /** Σ adjusted count of the children. */
  childSum: Int32Array;
  /** Children with adjusted count 1, 2 and ≥ 3. */
  n1: Int32Array;
  n2: Int32Array;
  n3: Int32Array;

  constructor(
    readonly n: number,
    readonly isTop: boolean,
    capacity = 0,
  ) {
    const empty = new Int32Array(0);
    this.count = new Int32Array(capacity);
    this.keys = this.next = this.slots = empty;
    this.mask = 0;
    this.adjusted = isTop ? this.count : new Int32Array(capacity);
    this.firstChild = this.childSum = this.n1 = this.n2 = this.n3 = empty;
    if (!isTop) {
      this.firstChild = new Int32Array(capacity).fill(NONE);
      this.childSum = new Int32Array(capacity);
      this.n1 = new Int32Array(capacity);
      this.n2 = new Int32Array(capacity);
      this.n3 = new Int32Array(capacity);
    }
    if (this.hashed) {
      this.keys = new Int32Array(2 * capacity);
      this.next = new Int32Array(capacity).fill(NONE);
      this.slots = new Int32Array(MIN_SLOTS);
      this.mask = MIN_SLOTS - 1;
    }
  }

  get hashed(): boolean {
    return this.n >= 2;
  }

  get capacity(): number {
    return this.count.length;
  }

  /** Grows every node array to hold at least `needed` nodes. */
  reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * GROWTH) + 16);
    this.count = grown(this.count, capacity, 0);
    this.adjusted = this.isTop ? this.count : grown(this.adjusted, capacity, 0);
    if (!this.isTop) {
      this.firstChild = grown(this.firstChild, capacity, NONE);
      this.childSum = grown(this.childSum, capacity, 0);
      this.n1 = grown(this.n1, capacity, 0);
      this.n2 = grown(this.n2, capacity, 0);
      this.n3 = grown(this.n3, capacity, 0);
    }
    if (this.hashed) {
      this.keys = grown(this.keys, 2 * capacity, 0);
      this.next = grown(this.next, capacity, NONE);
    }
  }

  /** The node of (parent, word), or NONE. */
  find(parent: number, word: number): number {
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let i = hashKey(parent, word) & mask;
    for (;;) {
      const slot = slots[i];
      if (slot === 0) return NONE;
      const node = slot - 1;
      if (keys[2 * node + 1] === word && keys[2 * node] === parent) return node;
      i = (i + 1) & mask;
    }
  }

  /** A fresh node for (parent, word), in the hash; its counts are 0. */
  allocate(parent: number, word: number): number {
    if (2 * (this.live + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    let node = this.freeHead;
    if (node !== NONE) {
      this.freeHead = this.next[node];
    } else {
      node = this.size;
      this.reserve(node + 1);
      this.size++;
    }
    this.keys[2 * node] = parent;
    this.keys[2 * node + 1] = word;
    this.next[node] = NONE;
    this.live++;
    const mask = this.mask;
    let i = hashKey(parent, word) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = node + 1;
    return node;
  }

  /** Takes a node whose count has dropped to 0 out of the hash and onto the free list. */
  release(node: number): void {
    const slots = this.slots;
    const keys = this.keys;
    const mask = this.mask;
    let hole = hashKey(keys[2 * node], keys[2 * node + 1]) & mask;
    while (slots[hole] !== node + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, j], so every key stays reachable from its home slot.
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const moved = slots[j] - 1;
      const home = hashKey(keys[2 * moved], keys[2 * moved + 1]) & mask;
      const homeInRange = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (!homeInRange) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = 0;
    this.next[node] = this.freeHead;
    this.freeHead = node;
    this.live--;
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    const keys = this.keys;
    for (let node = 0; node < this.size; node++) {
      if (this.count[node] === 0) continue;
      let i = hashKey(keys[2 * node], keys[2 * node + 1]) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = node + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Shrinks the node arrays to the nodes in use (after a bulk load). */
  trim(): void {
    const size = this.size;
    if (size === this.capacity) return;
    this.count = this.count.slice(0, size);
    this.adjusted = this.isTop ? this.count : this.adjusted.slice(0, size);
    if (!this.isTop) {
      this.firstChild = this.firstChild.slice(0, size);
      this.childSum = this.childSum.slice(0, size);
      this.n1 = this.n1.slice(0, size);
      this.n2 = this.n2.slice(0, size);
      this.n3 = this.n3.slice(0, size);
    }
    if (this.hashed) {
      this.keys = this.keys.slice(0, 2 * size);
      this.next = this.next.slice(0, size);
    }
  }

  byteLength(): number {
    const arrays = [this.count, this.keys, this.next, this.slots, this.firstChild, this.childSum, this.n1, this.n2, this.n3];
    if (!this.isTop) arrays.push(this.adjusted);
    return arrays.reduce((total, array) => total + array.byteLength, 0);
  }

  exportState(): OrderTableState {
    const size = this.size;
    const state: OrderTableState = {
      size,
      live: this.live,
      freeHead: this.freeHead,
      count: this.count.subarray(0, size),
      ...(this.hashed ? { keys: this.keys.subarray(0, 2 * size), next: this.next.subarray(0, size), slots: this.slots } : {}),
      ...(this.isTop
        ? {}
        : {
            adjusted: this.adjusted.subarray(0, size),
            firstChild: this.firstChild.subarray(0, size),
            childSum: this.childSum.subarray(0, size),
            n1: this.n1.subarray(0, size),
            n2: this.n2.subarray(0, size),
            n3: this.n3.subarray(0, size),
          }),
    };
    return state;
  }

  /** Rebuilds a table from `exportState`'s arrays (copied); throws if they do not fit together. */
  static fromState(n: number, isTop: boolean, state: OrderTableState): OrderTable {
    const table = new OrderTable(n, isTop, 0);
    const size = state.size;
    const need = (array: Int32Array | undefined, length: number, name: string): Int32Array => {
      if (!array || array.length !== length) throw new Error(`snapshot table ${n}: ${name} has the wrong length`);
      return array.slice();
    };
    table.size = size;
    table.live = state.live;
    table.freeHead = state.freeHead;
    table.count = need(state.count, size, 'count');
    table.adjusted = table.count;
    if (!isTop) {
      table.adjusted = need(state.adjusted, size, 'adjusted');
      table.firstChild = need(state.firstChild, size, 'firstChild');
      table.childSum = need(state.childSum, size, 'childSum');
      table.n1 = need(state.n1, size, 'n1');
      table.n2 = need(state.n2, size, 'n2');
      table.n3 = need(state.n3, size, 'n3');
    }
    if (table.hashed) {
      table.keys = need(state.keys, 2 * size, 'keys');
      table.next = need(state.next, size, 'next');
      const slots = state.slots;
      if (!slots || slots.length < MIN_SLOTS || (slots.length & (slots.length - 1)) !== 0) {
        throw new Error(`snapshot table ${n}: hash slots are not a power of two`);
      }
      table.slots = slots.slice();
      table.mask = slots.length - 1;
    }
    return table;
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

  constructor(readonly order: number) {
    this.tables = [];
    for (let n = 1; n <= order; n++) this.tables.push(new OrderTable(n, n === order, n === 1 ? FIRST_WORD_ID : 0));
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

  /** Cheap structural checks of loaded tables: every key and link points at a node that exists. */
  private checkConsistency(): void {
    const unigrams = this.tables[0];
    for (let n = 2; n <= this.order; n++) {
      const table = this.tables[n - 1];
      const parentSize = this.tables[n - 2].size;
      let live = 0;
      for (let node = 0; node < table.size; node++) {
        if (table.count[node] < 0) throw new Error(`snapshot table ${n}: negative count`);
        if (table.count[node] === 0) continue;
        live++;
        const parent = table.keys[2 * node];
        const word = table.keys[2 * node + 1];
        if (parent < 0 || parent >= parentSize || word < 0 || word >= unigrams.size) {
          throw new Error(`snapshot table ${n}: n-gram key out of range`);
        }
        if (table.next[node] < NONE || table.next[node] >= table.size) throw new Error(`snapshot table ${n}: child link out of range`);
      }
      if (live !== table.live) throw new Error(`snapshot table ${n}: live count does not match its counts`);
      for (let node = 0; node < table.size; node++) {
        if (table.count[node] > 0 && table.find(table.keys[2 * node], table.keys[2 * node + 1]) !== node) {
          throw new Error(`snapshot table ${n}: hash index does not match the n-grams`);
        }
      }
    }
  }

  unigramCount(word: number): number {
    const count = this.tables[0].count;
    return word < count.length ? count[word] : 0;
  }

  /** Makes room for word ids below `size` in the unigram table. */
  reserveWords(size: number): void {
    const unigrams = this.tables[0];
    unigrams.reserve(size);
    unigrams.size = Math.max(unigrams.size, size);
  }

  /** Adds encoded sentences (ids, each sentence ended by EOS). */
  add(sentences: Int32Array): void {
    this.validate(sentences);
    const order = this.order;
    const tables = this.tables;
    const unigrams = tables[0];
    let previous = new Int32Array(order + 1);
    let current = new Int32Array(order + 1);
    let position = 0;
    this.version++;
    for (let i = 0; i < sentences.length; i++) {
      const word = sentences[i];
      if (position === 0) {
        unigrams.count[BOS]++;
        previous[1] = BOS;
        position = 1;
      }
      this.changeUnigram(word, +1);
      current[1] = word;
      const top = Math.min(order, position + 1);
      for (let n = 2; n <= top; n++) {
        const table = tables[n - 1];
        const parent = previous[n - 1];
        let node = table.find(parent, word);
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
   * Subtracts encoded sentences that were added before. Every n-gram is looked up before anything
   * changes, so sentences that were never added are rejected with the tables untouched.
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
      for (let n = 2; n <= order; n++) {
        let node = NONE;
        if (n <= top) {
          // The (n−1)-gram that ended one token earlier; the first word's only prefix is <s>.
          const parent = position === 1 ? BOS : nodes[base - order + n - 2];
          node = this.tables[n - 1].find(parent, word);
          if (node === NONE) throw new Error(`cannot remove sentences that were never added (missing ${n}-gram)`);
        }
        nodes[base + n - 1] = node;
      }
      position = word === EOS ? 1 : position + 1;
    }
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
        this.tables[0].count[BOS]--;
        this.sentences--;
      }
      if (sentences[i] === EOS) this.tokens -= wordPosition - 1;
    }
  }

  private validate(sentences: Int32Array): void {
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
    this.reserveWords(maxId + 1);
  }

  private createNode(n: number, parent: number, word: number): number {
    const table = this.tables[n - 1];
    const node = table.allocate(parent, word);
    table.count[node] = 0;
    if (!table.isTop) {
      table.adjusted[node] = 0;
      table.firstChild[node] = NONE;
      table.childSum[node] = 0;
      table.n1[node] = table.n2[node] = table.n3[node] = 0;
    }
    const parentTable = this.tables[n - 2];
    table.next[node] = parentTable.firstChild[parent];
    parentTable.firstChild[parent] = node;
    return node;
  }

  private releaseNode(n: number, node: number): void {
    const table = this.tables[n - 1];
    const parentTable = this.tables[n - 2];
    const parent = table.keys[2 * node];
    const next = table.next;
    if (parentTable.firstChild[parent] === node) {
      parentTable.firstChild[parent] = next[node];
    } else {
      let sibling = parentTable.firstChild[parent];
      while (next[sibling] !== node) sibling = next[sibling];
      next[sibling] = next[node];
    }
    table.release(node);
  }

  private changeUnigram(word: number, delta: 1 | -1): void {
    const unigrams = this.tables[0];
    const old = unigrams.count[word];
    if (old + delta < 0) throw new Error('cannot remove sentences that were never added (count below 0)');
    unigrams.count[word] = old + delta;
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
    const old = table.count[node];
    table.count[node] = old + 1;
    if (table.isTop) {
      this.adjustedChanged(n, node, old, old + 1);
    } else if (startsWithBos) {
      const adjusted = table.adjusted[node];
      table.adjusted[node] = adjusted + 1;
      this.adjustedChanged(n, node, adjusted, adjusted + 1);
    }
    // A new n-gram v·g is one more distinct left extension of its suffix g.
    if (old === 0) this.bumpContinuation(n - 1, suffix, +1);
  }

  private decrement(n: number, node: number, startsWithBos: boolean, suffix: number): void {
    const table = this.tables[n - 1];
    const old = table.count[node];
    if (old <= 0) throw new Error('cannot remove sentences that were never added (count below 0)');
    table.count[node] = old - 1;
    if (table.isTop) {
      this.adjustedChanged(n, node, old, old - 1);
    } else if (startsWithBos) {
      const adjusted = table.adjusted[node];
      table.adjusted[node] = adjusted - 1;
      this.adjustedChanged(n, node, adjusted, adjusted - 1);
    }
    if (old === 1) {
      this.bumpContinuation(n - 1, suffix, -1);
      this.releaseNode(n, node);
    }
  }

  private bumpContinuation(n: number, node: number, delta: 1 | -1): void {
    const table = this.tables[n - 1];
    const adjusted = table.adjusted[node];
    table.adjusted[node] = adjusted + delta;
    this.adjustedChanged(n, node, adjusted, adjusted + delta);
  }

  /** Moves node's adjusted count from `from` to `to` in its parent's sums and buckets and in t_k. */
  private adjustedChanged(n: number, node: number, from: number, to: number): void {
    const cc = this.countOfCounts;
    const base = n * (COUNT_OF_COUNTS_MAX + 1);
    if (from >= 1 && from <= COUNT_OF_COUNTS_MAX) cc[base + from]--;
    if (to >= 1 && to <= COUNT_OF_COUNTS_MAX) cc[base + to]++;
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
    const parentTable = this.tables[n - 2];
    const parent = this.tables[n - 1].keys[2 * node];
    parentTable.childSum[parent] += to - from;
    if (fromBucket !== toBucket) {
      if (fromBucket === 1) parentTable.n1[parent]--;
      else if (fromBucket === 2) parentTable.n2[parent]--;
      else if (fromBucket === 3) parentTable.n3[parent]--;
      if (toBucket === 1) parentTable.n1[parent]++;
      else if (toBucket === 2) parentTable.n2[parent]++;
      else if (toBucket === 3) parentTable.n3[parent]++;
    }
  }

  /** t_k (k = 1..4) of order n's adjusted counts. */
  countOfCount(n: number, k: number): number {
    return this.countOfCounts[n * (COUNT_OF_COUNTS_MAX + 1) + k];
  }

  /** Raw count of the context node at `length` words (0 = the empty context: all tokens and `</s>`). */
  contextCount(length: number, node: number): number {
    return length === 0 ? this.root.rawTotal : this.tables[length - 1].count[node];
  }

  /** Distinct n-grams with a non-zero count, per order (unigrams include `<s>` and `</s>`). */
  ngramCounts(): number[] {
    const unigrams = this.tables[0];
    return this.tables.map((table, i) => (i === 0 ? unigrams.live + (unigrams.count[BOS] > 0 ? 1 : 0) : table.live));
  }

  /** Drops the spare capacity of every table (after a bulk load; later additions grow them again). */
  trim(): void {
    for (const table of this.tables) table.trim();
  }

  byteLength(): number {
    return this.tables.reduce((total, table) => total + table.byteLength(), this.countOfCounts.byteLength);
  }

  /** The words of node (order n), first word first. */
  wordsOf(n: number, node: number): number[] {
    const words: number[] = [];
    for (let order = n; order >= 2; order--) {
      const keys = this.tables[order - 1].keys;
      words.push(keys[2 * node + 1]);
      node = keys[2 * node];
    }
    words.push(node);
    return words.reverse();
  }
}
