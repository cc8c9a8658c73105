// The packed n-gram tables (src/core/orderTable.ts): a laid-out table stores no sibling links and
// writes them out on the first change; the hash (any size, fingerprints beside the node ids) finds
// every key through growth, removal and the widening of its id field.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import fc from 'fast-check';
import { verifyStatistics } from '../../../src/core/countsCheck';
import { NgramModel } from '../../../src/core/model';
import { COUNT, FIRST_CHILD, NONE, OrderTable } from '../../../src/core/orderTable';
import { readSnapshot, writeSnapshot } from '../../../src/core/snapshot';
import { runToEnd } from '../../../src/core/steps';
import { statistics, trained } from './helpers';

const LINES = ['a b c a b', 'b c a', 'c c c a b', 'a b c d e f', 'd e a b'];

/** Each context's children by walking its list, as sorted node ids (comparable across layouts). */
function childLists(model: NgramModel): number[][][] {
  const tables = model.tables.tables;
  return tables.slice(0, -1).map((table, i) => {
    const lists: number[][] = [];
    for (let node = 0; node < table.size; node++) {
      if (table.get(node, COUNT) === 0) continue;
      const children: number[] = [];
      for (let child = table.get(node, FIRST_CHILD); child !== NONE; child = tables[i + 1].nextSibling(child)) children.push(child);
      lists.push(children.sort((x, y) => x - y));
    }
    return lists;
  });
}

/** An order-2 table whose keys are counted once each, beside the map of the nodes it must hold. */
class TrackedTable {
  readonly table = new OrderTable(2, true);
  private readonly live = new Map<string, number>();
  /** Keys added or removed so far. */
  changes = 0;

  /** Adds the key (parent, word) if it is absent, or removes it if it is there and `add` is false. */
  count(add: boolean, parent: number, word: number): void {
    const { table, live } = this;
    const key = `${parent} ${word}`;
    const node = live.get(key);
    if (add && node === undefined) {
      const created = table.allocate(parent, word);
      table.data[created * table.stride + COUNT] = 1;
      live.set(key, created);
    } else if (!add && node !== undefined) {
      table.data[node * table.stride + COUNT] = 0;
      table.release(node);
      live.delete(key);
    }
    this.changes++;
  }

  /** Every key held finds its node, every other key below 41 finds none, and node ids fit the slots. */
  assertFindsEveryKey(): void {
    const { table, live } = this;
    assert.equal(table.live, live.size);
    for (let parent = 0; parent <= 40; parent++) {
      for (let word = 0; word <= 40; word++) assert.equal(table.find(parent, word), live.get(`${parent} ${word}`) ?? NONE);
    }
    for (const [key, node] of live) {
      const [parent, word] = key.split(' ').map(Number);
      assert.equal(table.find(parent, word), node);
    }
    // Node ids stay inside the slots' id field as it widens.
    assert.ok(table.capacity <= table.idMask);
  }
}

describe('order tables', () => {
  it('a compacted table stores no links: each child list is its parent’s adjacent records, the same lists as the links gave', () => {
    const model = trained(LINES, 3);
    assert.ok(model.tables.tables.slice(1).every((table) => table.links !== null), 'counted piece by piece, the lists are linked');
    model.compact();
    assert.ok(model.tables.tables.every((table) => table.links === null));
    const fresh = trained(LINES, 3);
    fresh.compact();
    // Compaction numbers nodes alike for the same text, so the lists compare by id.
    assert.deepEqual(childLists(model), childLists(fresh));
    verifyStatistics(model.tables);
  });

  it('the first change after compaction writes the links out; removing and adding back is exact, and compaction drops them again', () => {
    const model = trained(LINES, 3);
    model.compact();
    const before = statistics(model);
    const extra = model.encodeText('a b c x y\nc a b');
    model.addSentences(extra);
    assert.ok(model.tables.tables.slice(1).every((table) => table.links !== null));
    verifyStatistics(model.tables);
    model.removeSentences(extra);
    assert.deepEqual(statistics(model), before);
    verifyStatistics(model.tables);
    model.compact();
    assert.ok(model.tables.tables.every((table) => table.links === null));
    assert.deepEqual(statistics(model), before);
  });

  it('removal from a laid-out table leaves the other lists intact (a freed node leaves its parent’s run)', () => {
    const model = trained(LINES, 3);
    const text = model.encodeText('d e a b');
    model.compact();
    model.removeSentences(text);
    const expected = trained(LINES.filter((line) => line !== 'd e a b'), 3);
    assert.deepEqual(statistics(model), statistics(expected));
    verifyStatistics(model.tables);
    for (let i = 0; i < 3; i++) model.removeSentences(model.encodeText(LINES[i]));
    assert.deepEqual(statistics(model), statistics(trained(LINES.slice(3).filter((line) => line !== 'd e a b'), 3)));
  });

  it('snapshots round-trip a laid-out and a linked table (links saved only when kept)', () => {
    const model = trained(LINES, 3);
    const linked = readSnapshot(writeSnapshot(model)).model;
    assert.deepEqual(statistics(linked), statistics(model));
    assert.ok(linked.tables.tables.slice(1).every((table) => table.links !== null));
    model.compact();
    const laidOut = readSnapshot(writeSnapshot(model)).model;
    assert.deepEqual(statistics(laidOut), statistics(model));
    assert.ok(laidOut.tables.tables.every((table) => table.links === null));
    assert.deepEqual(childLists(laidOut), childLists(model));
  });

  it('a snapshot that claims a laid-out table with free n-grams is refused', () => {
    assert.throws(() => OrderTable.fromState(2, true, { size: 2, live: 1, freeHead: NONE, data: new Int32Array(6) }), /laid out with free n-grams/);
  });

  it('the hash finds every key through growth past its id field, removals (backward shifts across the wrap) and re-adds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 900 }),
        (operations) => {
          const tracked = new TrackedTable();
          for (const [add, parent, word] of operations) tracked.count(add, parent, word);
          tracked.assertFindsEveryKey();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('makeRoom grows the records and the hash a step at a time, installs them whole, and drops its work when the table changes meanwhile', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('count' as const), fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })),
            // Room for `extra` nodes, with a change after `steps` steps (or none, when it finishes first).
            fc.tuple(fc.constant('room' as const), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 40 })),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        (operations) => {
          const tracked = new TrackedTable();
          const { table } = tracked;
          for (const [kind, a, b, c] of operations) {
            if (kind === 'count') {
              tracked.count(a, b, c);
              continue;
            }
            const before = tracked.changes;
            const steps = table.makeRoom(a, () => tracked.changes === before);
            let step = 0;
            while (steps.next().done !== true) {
              // Read between steps: the table answers as before.
              tracked.assertFindsEveryKey();
              if (++step === b) tracked.count(true, c, (c * 7) % 41);
            }
            if (tracked.changes === before) {
              // Room made: that many new nodes grow neither the records nor the hash.
              const { data, slots } = table;
              for (let i = 0; i < a && table.size < table.capacity; i++) tracked.count(true, 41 + (i % 50), i);
              assert.ok(table.data === data && table.slots === slots, `room for ${a} more nodes was made ahead`);
            }
          }
          tracked.assertFindsEveryKey();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a model given room ahead counts a text without growing a table, and counts it exactly', () => {
    const text = Array.from({ length: 400 }, (_, i) => `w${i % 97} w${(i * 7) % 89} w${(i * 13) % 83} w${i}`).join('\n');
    const model = trained(LINES, 3);
    const steps = model.makeRoom(text.length);
    let stepCount = 0;
    while (steps.next().done !== true) stepCount++;
    const arrays = model.tables.tables.map((table) => [table.data, table.slots]);
    model.addSentences(model.encodeText(text));
    assert.deepEqual(model.tables.tables.map((table, n) => table.data === arrays[n][0] && table.slots === arrays[n][1]), [true, true, true]);
    assert.deepEqual(statistics(model), statistics(trained([...LINES, ...text.split('\n')], 3)));
    verifyStatistics(model.tables);
    assert.ok(stepCount > 0);
  });

  it('a hash that outgrows its load is rebuilt half full, by allocate and by makeRoom alike', () => {
    const tracked = new TrackedTable();
    const { table } = tracked;
    for (let i = 0; i < 20_000; i++) {
      const slots = table.slots.length;
      if (i % 1000 === 999) runToEnd(table.makeRoom(3000, () => true));
      else tracked.count(true, i % 97, i);
      if (table.slots.length !== slots) {
        // Room made ahead counts its extra nodes as held: the load at which they will be there.
        const held = i % 1000 === 999 ? table.live + 3000 : table.live;
        assert.equal(table.slots.length, Math.ceil(held / 0.5), `${table.slots.length} slots for ${held} n-grams`);
      }
    }
    tracked.assertFindsEveryKey();
  });

  it('growing the records writes only those handed out: the spare ones take no resident memory until used', function () {
    if (process.platform !== 'linux') this.skip();
    const residentBytes = (): number => Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096;
    const table = new OrderTable(1, false);
    table.extendTo(200_000);
    const before = residentBytes();
    // Room for 3 M more records of 36 bytes: 115 MB of capacity beside the 7.2 MB held.
    runToEnd(table.makeRoom(3_000_000, () => true));
    const grown = residentBytes() - before;
    assert.ok(table.data.byteLength >= 100e6, `${table.data.byteLength} bytes of records`);
    assert.ok(grown < 30e6, `${(grown / 1e6).toFixed(1)} MB more resident for ${(table.data.byteLength / 1e6).toFixed(0)} MB of records`);
    // The records handed out after the copy start as any new node does.
    table.extendTo(200_010);
    assert.ok(table.isInitial(200_005, NONE, 200_005));
  });

  it('a laid-out table fills its hash to the target load, whatever the size (no rounding up to a power of two)', () => {
    const model = trained(Array.from({ length: 300 }, (_, i) => `w${i % 37} w${(i * 7) % 41} w${(i * 13) % 43} w${i % 11}`), 3);
    model.compact();
    for (const table of model.tables.tables.slice(1)) {
      assert.ok(table.slots.length <= Math.max(16, Math.ceil(table.live / 0.6)), `${table.slots.length} slots for ${table.live} n-grams`);
      assert.ok(table.live <= 0.75 * table.slots.length);
    }
  });
});
