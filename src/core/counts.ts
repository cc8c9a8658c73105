// The n-gram count tables: raw counts at every order and every statistic the estimators need,
// maintained incrementally as sentences are added and removed (docs/engine.md, "Count tables"). The
// tables' layout and hashing are orderTable.ts; the checks a loaded snapshot passes, countsCheck.ts.

import { checkStructure, verifyStatistics } from './countsCheck';
import { ADJUSTED, CHILD_SUM, COUNT, COUNT_OF_COUNTS_MAX, FIRST_CHILD, hashKey, N1, NONE, OrderTable, PARENT, WORD, type OrderTableState } from './orderTable';
import { runToEnd } from './steps';
import { BOS, EOS, FIRST_WORD_ID } from './vocabulary';

/** Counts and statistics of the empty context (the parent of every unigram). */
export interface RootStats {
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
    checkStructure(counts);
    verifyStatistics(counts);
    return counts;
  }

  /** Independent tables with the same counts and node ids (what one document's leave-one-out view is made from). */
  copy(): NgramCounts {
    return runToEnd(this.copyInSteps());
  }

  /**
   * `copy`, a bounded piece per step: the counts must not change meanwhile (a caller that lets them
   * drops the copy). `spare`: counts no longer used whose tables' memory is written over (see OrderTable.copyInSteps).
   */
  *copyInSteps(spare?: NgramCounts): Generator<void, NgramCounts> {
    const copy = new NgramCounts(this.order);
    for (let n = 1; n <= this.order; n++) copy.tables[n - 1] = yield* this.tables[n - 1].copyInSteps(spare?.tables[n - 1]);
    copy.countOfCounts.set(this.countOfCounts);
    Object.assign(copy.root, this.root);
    copy.sentences = this.sentences;
    copy.tokens = this.tokens;
    copy.liveWords = this.liveWords;
    copy.createdSinceCompaction = this.createdSinceCompaction;
    return copy;
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

  unigramCount(word: number): number {
    const unigrams = this.tables[0];
    return word < unigrams.size ? unigrams.data[word * unigrams.stride + COUNT] : 0;
  }

  /**
   * Makes room in every order's table for sentences of up to `ids` ids, a bounded piece per step
   * (`OrderTable.makeRoom`), so that adding them grows no table in one go. The counts may be read
   * between steps; a change to them drops the rest of the work.
   */
  *makeRoom(ids: number): Generator<void, void> {
    const version = this.version;
    const unchanged = (): boolean => this.version === version;
    for (const table of this.tables) {
      yield* table.makeRoom(ids, unchanged);
      if (!unchanged()) return;
    }
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
    const probeHash = new Int32Array(order + 1);
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
        const hash = hashKey(previous[n - 1], word);
        const index = table.homeOf(hash);
        probeHash[n] = hash;
        probeIndex[n] = index;
        probeSlot[n] = table.slots[index];
      }
      for (let n = 2; n <= top; n++) {
        const table = tables[n - 1];
        const parent = previous[n - 1];
        let node = table.findFrom(probeIndex[n], probeSlot[n], probeHash[n], parent, word);
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
    const table = this.tables[n - 1];
    const node = table.allocate(parent, word);
    const parentTable = this.tables[n - 2];
    const parentBase = parent * parentTable.stride;
    table.setNextSibling(node, parentTable.data[parentBase + FIRST_CHILD]);
    parentTable.data[parentBase + FIRST_CHILD] = node;
    return node;
  }

  private releaseNode(n: number, node: number): void {
    const table = this.tables[n - 1];
    const parentTable = this.tables[n - 2];
    const parentBase = table.get(node, PARENT) * parentTable.stride;
    const next = table.nextSibling(node);
    let sibling = parentTable.data[parentBase + FIRST_CHILD];
    if (sibling === node) {
      parentTable.data[parentBase + FIRST_CHILD] = next;
    } else {
      while (table.nextSibling(sibling) !== node) sibling = table.nextSibling(sibling);
      table.setNextSibling(sibling, next);
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
    // Node ids change: whatever a reader cached by node is stale.
    this.version++;
    this.tables[0].trim();
    // Every order's links and hash are rebuilt: none is held while the new records are built.
    for (let n = 2; n <= this.order; n++) this.tables[n - 1].dropIndex();
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
