// Test helpers for the engine: building toy models, and reading every statistic a model holds in a
// form that does not depend on node ids (so two models counted in different orders compare equal).

import { strict as assert } from 'node:assert';
import { ADJUSTED, CHILD_SUM, COUNT, N1, N2, N3, NONE } from '../../../src/core/orderTable';
import { NgramModel, type NgramModelOptions } from '../../../src/core/model';
import { frame, SNAPSHOT_MAGIC, writeSnapshot, Writer, type SnapshotDocument } from '../../../src/core/snapshot';
import type { TokenIndex } from '../../../src/core/tokenIndex';
import type { EstimatorOptions } from '../../../src/core/types';

/** A model trained on `lines` (one sentence per line, words separated by spaces). */
export function trained(lines: readonly string[], order: number, estimator: EstimatorOptions = { name: 'kneser-ney' }, options: NgramModelOptions = {}): NgramModel {
  const model = new NgramModel({ order, estimator, tokenizer: 'whitespace', ...options });
  model.addText(lines.join('\n'));
  return model;
}

/** Every statistic of the tables, keyed by n-gram text: comparable across models. */
export function statistics(model: NgramModel): Record<string, unknown> {
  const counts = model.tables;
  const words = (ids: number[]): string => ids.map((id) => model.vocabulary.word(id)).join(' ');
  const orders: Record<string, number[]>[] = [];
  for (const table of counts.tables) {
    const entries: [string, number[]][] = [];
    for (let node = 0; node < table.size; node++) {
      const count = table.get(node, COUNT);
      if (count === 0) continue;
      const fields = table.isTop ? [count] : [count, table.get(node, ADJUSTED), table.get(node, CHILD_SUM), table.get(node, N1), table.get(node, N2), table.get(node, N3)];
      entries.push([words(counts.wordsOf(table.n, node)), fields]);
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    orders.push(Object.fromEntries(entries));
  }
  const scalars = counts.scalars();
  return {
    orders,
    root: scalars.root,
    countOfCounts: scalars.countOfCounts,
    sentences: scalars.sentences,
    tokens: scalars.tokens,
    liveWords: scalars.liveWords,
    ngrams: counts.ngramCounts(),
  };
}

/** Σ of a distribution. */
export function total(probabilities: Float64Array): number {
  let sum = 0;
  for (const p of probabilities) sum += p;
  return sum;
}

/**
 * A snapshot body of format 2, 3 or 4 (framed by the caller): the model section as those formats laid
 * it out, the documents (format 2 had no withheld note) and, in format 4, no token index.
 */
export function olderSnapshotBody(
  version: 2 | 3 | 4,
  model: NgramModel,
  documents: readonly { key: string; size: number; mtimeMs: number; withheld?: string; encoded: Int32Array }[],
): Uint8Array {
  const body = new Writer();
  body.raw(formatFourModelSection(model));
  body.u32(documents.length);
  for (const document of documents) {
    body.string(document.key);
    body.f64(document.size);
    body.f64(document.mtimeMs);
    if (version >= 3) body.string(document.withheld ?? '');
    body.int32Array(document.encoded);
  }
  if (version === 4) body.u32(0);
  return body.result();
}

/**
 * A format 5 snapshot body (framed by the caller): the documents' sentences written beside the token
 * index, which holds them too, as format 6 no longer does.
 */
export function formatFiveBody(
  model: NgramModel,
  documents: readonly { key: string; size: number; mtimeMs: number; withheld: string; encoded: Int32Array }[],
  index: TokenIndex,
): Uint8Array {
  // Format 6 without documents: the model section, then where the sentences are, the count (0) and the index.
  const modelSection = writeSnapshot(model).subarray(16);
  const prefix = modelSection.subarray(0, modelSection.length - 12);
  const indexSection = unsegmented(writeSnapshot(model, [], index).subarray(16 + prefix.length + 8));
  const body = new Writer();
  body.raw(prefix);
  body.u32(documents.length);
  for (const document of documents) {
    body.string(document.key);
    body.f64(document.size);
    body.f64(document.mtimeMs);
    body.string(document.withheld);
    body.int32Array(document.encoded);
  }
  body.raw(indexSection);
  return body.result();
}

/**
 * `model`'s snapshot with `documents` and `index` as format 6 wrote it: the token index (the body's end)
 * one base, not segments.
 */
export function formatSixSnapshot(model: NgramModel, documents: readonly SnapshotDocument[], index: TokenIndex): Uint8Array {
  const body = writeSnapshot(model, documents, index).subarray(16);
  // The index's format, byte length and bytes, where a snapshot without one has its format (0) alone.
  const sectionLength = writeSnapshot(model, [], index).length - writeSnapshot(model).length + 4;
  const at = body.length - sectionLength;
  const legacy = new Uint8Array(body.length - 4);
  legacy.set(body.subarray(0, at));
  legacy.set(unsegmented(body.subarray(at)), at);
  return frame(SNAPSHOT_MAGIC, 6, legacy);
}

/**
 * A token index section (its format, byte length and bytes) as formats before 7 laid it out: without
 * the segment count, its one segment the base (an index merged into more is refused here).
 */
function unsegmented(section: Uint8Array): Uint8Array {
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  assert.equal(view.getUint32(8, true), 1, 'an index of one segment');
  const out = new Uint8Array(section.length - 4);
  out.set(section.subarray(0, 8));
  out.set(section.subarray(12), 8);
  new DataView(out.buffer).setUint32(4, view.getUint32(4, true) - 4, true);
  return out;
}

/**
 * The body of `model`'s snapshot as formats 2–4 laid it out, up to the document count: the same
 * options, vocabulary and sums, then each order's records with the sibling link as the fourth field
 * (format 5 stores the links after the records, none for a laid-out table).
 */
function formatFourModelSection(model: NgramModel): Uint8Array {
  const current = writeSnapshot(model).subarray(16);
  // Format 5's tables: size, live, free head, records and links, each array an element count and its elements.
  const tablesBytes = model.tables.tables.reduce((total, table) => {
    const state = table.exportState();
    return total + 12 + 4 + state.data.byteLength + 4 + (state.links?.byteLength ?? 0);
  }, 0);
  // After the tables: where the documents' sentences are, the document count and the token index's format (0), four bytes each.
  const prefix = current.subarray(0, current.length - 12 - tablesBytes);
  const body = new Writer();
  body.raw(prefix);
  for (const table of model.tables.tables) {
    const state = table.exportState();
    body.i32(state.size);
    body.i32(state.live);
    body.i32(state.freeHead);
    const stride = table.stride;
    const old = new Int32Array(state.size * (stride + 1));
    for (let node = 0; node < state.size; node++) {
      const from = node * stride;
      const to = node * (stride + 1);
      old.set(state.data.subarray(from, from + 3), to);
      old[to + 3] = table.n === 1 ? NONE : state.links !== undefined ? state.links[node] : table.nextSibling(node);
      old.set(state.data.subarray(from + 3, from + stride), to + 4);
    }
    body.int32Array(old);
  }
  return body.result();
}
