// The checks a loaded snapshot's count tables pass before the model uses them (and the tests' check
// of the incremental bookkeeping): the structure is sound, and every derived statistic equals what
// the raw counts imply.

import type { NgramCounts } from './counts';
import { CHILD_SUM, COUNT, COUNT_OF_COUNTS_MAX, FIRST_CHILD, N1, N2, N3, NONE, PARENT, WORD, type OrderTable } from './orderTable';
import { BOS, EOS, FIRST_WORD_ID } from './vocabulary';

/**
 * Structural checks of loaded tables, one pass: counts are not negative, every key and link points
 * at a node that exists, the hash finds every n-gram, and the live counts add up.
 */
export function checkStructure(counts: NgramCounts): void {
  const unigrams = counts.tables[0];
  if (unigrams.size < FIRST_WORD_ID) throw new Error('snapshot unigram table lacks the reserved ids');
  // The records are read straight from the arrays (a load reads every field of every n-gram once).
  for (const table of counts.tables) {
    const n = table.n;
    const parentSize = n >= 2 ? counts.tables[n - 2].size : 0;
    const childSize = n < counts.order ? counts.tables[n].size : 0;
    const { data, stride, links } = table;
    const wordCount = unigrams.size;
    let live = 0;
    for (let node = 0, base = 0; node < table.size; node++, base += stride) {
      const count = data[base + COUNT];
      if (count < 0) throw new Error(`snapshot table ${n}: negative count`);
      if (count === 0) {
        // Unigrams are read by word id, counted or not: an uncounted word must be as new (a stray
        // continuation count would give it probability and make the distribution sum past 1).
        if (n === 1 && !table.isInitial(node, NONE, node)) throw new Error(`snapshot table 1: uncounted word ${node} has statistics`);
        continue;
      }
      if (!table.isTop) {
        const firstChild = data[base + FIRST_CHILD];
        if (firstChild < NONE || firstChild >= childSize) throw new Error(`snapshot table ${n}: child link out of range`);
      }
      if (n === 1) {
        if (node !== BOS) live++;
        continue;
      }
      live++;
      const parent = data[base + PARENT];
      const word = data[base + WORD];
      const next = links === null ? NONE : links[node];
      if (parent < 0 || parent >= parentSize || word < 0 || word >= wordCount) throw new Error(`snapshot table ${n}: n-gram key out of range`);
      if (next < NONE || next >= table.size) throw new Error(`snapshot table ${n}: sibling link out of range`);
    }
    if (live !== table.live) throw new Error(`snapshot table ${n}: live count does not match its counts`);
    if (!table.isTop) checkChildLists(counts, table);
  }
}

/** Every context's child list holds exactly its children, once each (no cycles, nothing missing). */
function checkChildLists(counts: NgramCounts, table: OrderTable): void {
  const children = counts.tables[table.n];
  const { data, stride } = table;
  const childData = children.data;
  const childStride = children.stride;
  let budget = children.live;
  for (let node = 0, base = 0; node < table.size; node++, base += stride) {
    if (data[base + COUNT] === 0) continue;
    for (let child = data[base + FIRST_CHILD]; child !== NONE; child = children.nextSibling(child)) {
      if (child < 0 || child >= children.size || budget-- === 0) throw new Error(`snapshot table ${table.n + 1}: child lists are broken`);
      if (childData[child * childStride + PARENT] !== node || childData[child * childStride + COUNT] <= 0) {
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
export function verifyStatistics(counts: NgramCounts): void {
  const fail = (what: string): never => {
    throw new Error(`snapshot statistics do not match its counts: ${what}`);
  };
  const order = counts.order;
  const tables = counts.tables;
  const unigrams = tables[0];
  // Suffix link (the node of its last n−1 words) and "starts with <s>" of every n-gram, n ≥ 2.
  const suffixOf: Int32Array[] = [];
  const startsWithBos: Uint8Array[] = [];
  for (let n = 2; n <= order; n++) {
    const table = tables[n - 1];
    const { data, stride } = table;
    const suffix = new Int32Array(table.size).fill(NONE);
    const bos = new Uint8Array(table.size);
    for (let node = 0, base = 0; node < table.size; node++, base += stride) {
      if (data[base + COUNT] === 0) continue;
      const parent = data[base + PARENT];
      const word = data[base + WORD];
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
    const { data, stride, size } = tables[n];
    const suffix = suffixOf[n - 1];
    for (let node = 0, base = 0; node < size; node++, base += stride) if (data[base + COUNT] > 0) counted[suffix[node]]++;
    extensions.push(counted);
  }
  // The adjusted count every n-gram should have, per order (index n − 1), from the above.
  const expected: Int32Array[] = [];
  for (let n = 1; n <= order; n++) {
    const { data, stride, size } = tables[n - 1];
    const adjusted = n === order ? new Int32Array(size) : extensions[n - 1];
    for (let node = 0, base = 0; node < size; node++, base += stride) {
      if (n === order || (n >= 2 && startsWithBos[n - 2][node] === 1)) adjusted[node] = data[base + COUNT];
    }
    if (n === 1) adjusted[BOS] = 0;
    expected.push(adjusted);
  }
  const countOfCounts = new Float64Array(counts.countOfCounts.length);
  for (let n = 1; n <= order; n++) {
    const table = tables[n - 1];
    const { data, stride, adjustedField } = table;
    const adjustedOf = expected[n - 1];
    const children = n < order ? tables[n] : null;
    const childData = children?.data;
    const childStride = children?.stride ?? 0;
    const childAdjustedOf = n < order ? expected[n] : adjustedOf;
    for (let node = 0, base = 0; node < table.size; node++, base += stride) {
      const count = data[base + COUNT];
      if (count === 0) continue;
      const adjusted = adjustedOf[node];
      // The unigram <s> has no adjusted count (in a unigram model its field is its raw count).
      if (data[base + adjustedField] !== adjusted && !(n === 1 && node === BOS)) fail(`adjusted count of a ${n}-gram`);
      if (adjusted >= 1 && adjusted <= COUNT_OF_COUNTS_MAX) countOfCounts[n * (COUNT_OF_COUNTS_MAX + 1) + adjusted]++;
      if (children === null || childData === undefined) continue;
      // Every occurrence of a context is followed by a token, unless the context ends a sentence.
      let rawSum = 0;
      let adjustedSum = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      for (let child = data[base + FIRST_CHILD]; child !== NONE; child = children.nextSibling(child)) {
        const childAdjusted = childAdjustedOf[child];
        rawSum += childData[child * childStride + COUNT];
        adjustedSum += childAdjusted;
        if (childAdjusted === 1) n1++;
        else if (childAdjusted === 2) n2++;
        else if (childAdjusted >= 3) n3++;
      }
      const endsSentence = (n === 1 ? node : data[base + WORD]) === EOS;
      if (rawSum !== (endsSentence ? 0 : count)) fail(`the continuations of a ${n}-gram do not add up to its count`);
      if (data[base + CHILD_SUM] !== adjustedSum || data[base + N1] !== n1 || data[base + N2] !== n2 || data[base + N3] !== n3) {
        fail(`the sums of a ${n}-gram's continuations`);
      }
    }
  }
  if (countOfCounts.some((value, i) => value !== counts.countOfCounts[i])) fail('count-of-counts');
  const root = { childSum: 0, n1: 0, n2: 0, n3: 0, rawTotal: 0 };
  let liveWords = 0;
  for (let word = 0; word < unigrams.size; word++) {
    const count = unigrams.get(word, COUNT);
    if (count === 0 || word === BOS) continue;
    root.rawTotal += count;
    if (word >= FIRST_WORD_ID) liveWords++;
    const adjusted = expected[0][word];
    root.childSum += adjusted;
    if (adjusted === 1) root.n1++;
    else if (adjusted === 2) root.n2++;
    else if (adjusted >= 3) root.n3++;
  }
  const stored = counts.root;
  if (stored.childSum !== root.childSum || stored.n1 !== root.n1 || stored.n2 !== root.n2 || stored.n3 !== root.n3 || stored.rawTotal !== root.rawTotal) {
    fail('unigram sums');
  }
  const sentences = unigrams.get(BOS, COUNT);
  if (counts.sentences !== sentences || counts.tokens !== root.rawTotal - sentences || counts.liveWords !== liveWords) fail('totals');
}
