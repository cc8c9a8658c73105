// Faults around the persisted model (model.nwlm in the workspace storage): a snapshot cut off at any
// point or with a flipped bit is detected, discarded with a log line and rebuilt from the files; and
// writes are atomic (a temp file, then rename), so a server killed at any moment of a save leaves the
// previous snapshot whole. The kills are real: a child process saving a model is SIGKILLed mid-write,
// between the write and the rename, and at arbitrary moments of a save loop.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readSnapshot } from '../../src/core/snapshot';
import { SNAPSHOT_FILE_NAME, type ModelStatus } from '../../src/protocol/lsp';
import { SaveOutdated, SnapshotStore } from '../../src/server/snapshotStore';
import { WorkspaceModel } from '../../src/server/workspaceModel';
import { TestSession, copyFixture, removeTempDirs, tempDir } from './harness';

const CONFIGURATION = { order: 3, estimator: { name: 'kneser-ney' as const }, tokenizer: 'words' as const };
/** Contexts whose answers must be the same from a rebuilt model as from the original. */
const PROBES = ['the', 'the cat', 'function greet', ''];

async function answers(session: TestSession): Promise<unknown[]> {
  const results = await Promise.all(PROBES.map((context) => session.predict({ context, temperature: 0, candidates: 5 })));
  return results.map(({ context, candidates }) => ({ context, candidates: candidates.map(({ word, probability }) => [word, probability]) }));
}

const modelFigures = ({ filesLearned, tokens, sentences, vocabularySize, ngrams }: ModelStatus): unknown => ({ filesLearned, tokens, sentences, vocabularySize, ngrams });

/** Runs a child process that saves models with the real SnapshotStore and stops (or is killed) as `mode` says. */
function snapshotWriter(storage: string, mode: 'loop' | 'before-rename' | 'mid-write'): { child: ReturnType<typeof spawn>; lines: AsyncIterable<string> } {
  // Each save adds a document, so a snapshot's document count says which save wrote it.
  const script = `
    const fs = require('node:fs');
    const { SnapshotStore } = require(${JSON.stringify(path.resolve(__dirname, '../../src/server/snapshotStore.ts'))});
    const { WorkspaceModel } = require(${JSON.stringify(path.resolve(__dirname, '../../src/server/workspaceModel.ts'))});
    const [storage, mode] = process.argv.slice(1);
    const workspace = new WorkspaceModel(${JSON.stringify(CONFIGURATION)});
    const text = Array.from({ length: 4000 }, (_, i) => 'line ' + i + ' of a document with word' + (i % 997) + ' in it').join('\\n');
    const store = new SnapshotStore(storage);
    let saves = 0;
    const addDocument = () => workspace.setText('/w/doc' + saves + '.txt', 'file:///w/doc' + saves + '.txt', text + saves, { size: 1, mtimeMs: saves });
    const hang = (marker) => { console.log(marker); setInterval(() => undefined, 1000); return new Promise(() => undefined); };
    (async () => {
      addDocument();
      await store.save(workspace, () => undefined);
      console.log('saved ' + ++saves);
      if (mode === 'before-rename') fs.promises.rename = () => hang('renaming');
      if (mode === 'mid-write') {
        // The snapshot is streamed to the file synchronously: the first write goes half-way, then the process stops there.
        const writeSync = fs.writeSync;
        fs.writeSync = (descriptor, bytes, offset, length, position) => {
          writeSync(descriptor, bytes, offset, length >> 1, position);
          console.log('half written');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        };
      }
      for (;;) {
        addDocument();
        await store.save(workspace, () => undefined);
        console.log('saved ' + ++saves);
      }
    })();`;
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, storage, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  async function* readLines(): AsyncIterable<string> {
    let buffered = '';
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      yield* parts;
    }
  }
  return { child, lines: readLines() };
}

/**
 * SIGKILLs the writer once it printed a line `done` accepts, `delayMs` later (a fault injected at a
 * chosen moment, not a wait); resolves to the number of saves it had reported when it died.
 */
async function killWhen(writer: ReturnType<typeof snapshotWriter>, done: (line: string, saves: number) => boolean, delayMs = 0): Promise<number> {
  let saves = 0;
  const exited = new Promise((resolve) => writer.child.once('exit', resolve));
  const lines = writer.lines[Symbol.asyncIterator]();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value.startsWith('saved ')) saves = Number(next.value.slice('saved '.length));
    if (done(next.value, saves)) break;
  }
  if (delayMs > 0) {
    // Keep counting the saves that complete before the kill lands.
    const killAt = Date.now() + delayMs;
    const timer = setTimeout(() => writer.child.kill('SIGKILL'), delayMs);
    for (let next = await lines.next(); !next.done && Date.now() < killAt; next = await lines.next()) {
      if (next.value.startsWith('saved ')) saves = Number(next.value.slice('saved '.length));
    }
    clearTimeout(timer);
  }
  writer.child.kill('SIGKILL');
  await exited;
  return saves;
}

const strayTempFiles = (storage: string): string[] => fs.readdirSync(storage).filter((name) => name !== SNAPSHOT_FILE_NAME);

describe('snapshot faults', function () {
  this.timeout(120_000);
  after(removeTempDirs);

  describe('a damaged snapshot is detected and rebuilt', () => {
    let folder: string;
    let storage: string;
    let saved: Uint8Array;
    let original: { figures: unknown; answers: unknown[] };

    before(async () => {
      folder = copyFixture('basic');
      storage = tempDir('storage');
      const session = await TestSession.start({ folders: [folder], storagePath: storage });
      original = { figures: modelFigures(await session.whenReady()), answers: await answers(session) };
      await session.dispose();
      saved = fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME));
      assert.ok(saved.length > 100);
    });

    /** Starts a server on the damaged snapshot and checks it discarded it and learned the same model again. */
    async function restartOn(damaged: Uint8Array): Promise<string> {
      fs.writeFileSync(path.join(storage, SNAPSHOT_FILE_NAME), damaged);
      const session = await TestSession.start({ folders: [folder], storagePath: storage });
      try {
        const status = await session.whenReady();
        assert.equal(status.restoredFromSnapshot, false, 'the damaged snapshot was used');
        const discarded = await session.waitForLog(/^Discarded the saved model/);
        assert.deepEqual(modelFigures(status), original.figures);
        assert.deepEqual(await answers(session), original.answers);
        return discarded;
      } finally {
        await session.dispose();
        // The rebuilt model was saved whole again.
        assert.deepEqual(modelFigures(await restoredStatus()), original.figures);
      }
    }

    async function restoredStatus(): Promise<ModelStatus> {
      const session = await TestSession.start({ folders: [folder], storagePath: storage });
      try {
        const status = await session.whenReady();
        assert.equal(status.restoredFromSnapshot, true);
        return status;
      } finally {
        await session.dispose();
      }
    }

    it('cut off at random points (and at both ends): discarded, learned again, saved again', async () => {
      const messages = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constantFrom(0, 1, 15, 16, saved.length - 1), fc.integer({ min: 0, max: saved.length - 1 })), async (cut) => {
          messages.add((await restartOn(saved.subarray(0, cut))).replace(/\d+/g, 'N'));
        }),
        { numRuns: 12 },
      );
      assert.ok([...messages].every((message) => /truncated|shorter than the header/.test(message)), [...messages].join('\n'));
    });

    it('with a flipped bit anywhere: discarded, learned again', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: saved.length - 1 }), fc.integer({ min: 0, max: 7 }), async (at, bit) => {
          const flipped = saved.slice();
          flipped[at] ^= 1 << bit;
          assert.match(await restartOn(flipped), /snapshot|Next Word Lab/);
        }),
        { numRuns: 6 },
      );
    });
  });

  describe('writes are atomic: temp file, then rename', () => {
    it('a save lets requests in between its steps; counts changed meanwhile give it up (SaveOutdated), the previous snapshot whole and no temp file left', async () => {
      const storage = tempDir('save-in-steps');
      const store = new SnapshotStore(storage);
      const workspace = new WorkspaceModel(CONFIGURATION);
      const text = Array.from({ length: 30_000 }, (_, i) => `line ${i} of a document with word${i % 997} in it`).join('\n');
      const addDocument = (n: number): void => void workspace.setText(`/w/doc${n}.txt`, `file:///w/doc${n}.txt`, `${text} ${n}`, { size: 1, mtimeMs: n });
      addDocument(0);
      let pauses = 0;
      await store.save(workspace, () => undefined, async () => void pauses++);
      assert.ok(pauses >= 3, `${pauses} pauses`);
      const saved = fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME));

      addDocument(1);
      pauses = 0;
      const interrupted = store.save(workspace, () => undefined, async () => {
        if (++pauses === 2) addDocument(2);
      });
      await assert.rejects(interrupted, SaveOutdated);
      assert.deepEqual(fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME)), saved);
      assert.deepEqual(strayTempFiles(storage), []);

      await store.save(workspace, () => undefined, async () => undefined);
      assert.equal((await new SnapshotStore(storage).load(CONFIGURATION, assert.fail))?.workspace.documentCount, 3);
    });

    it('a server killed mid-write leaves the previous snapshot whole; the next start loads it and removes the partial temp file', async () => {
      const storage = tempDir('killed-mid-write');
      const saves = await killWhen(snapshotWriter(storage, 'mid-write'), (line) => line === 'half written');
      assert.equal(saves, 1);
      assert.equal(strayTempFiles(storage).length, 1, 'the half-written temp file is there');
      assert.equal(readSnapshot(fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME))).documents.length, 1);
      const loaded = await new SnapshotStore(storage).load(CONFIGURATION, assert.fail);
      assert.equal(loaded?.workspace.documentCount, 1);
      assert.deepEqual(strayTempFiles(storage), []);
    });

    it('a server killed between the write and the rename leaves the previous snapshot, never the new one half-used', async () => {
      const storage = tempDir('killed-before-rename');
      await killWhen(snapshotWriter(storage, 'before-rename'), (line) => line === 'renaming');
      const [temp] = strayTempFiles(storage);
      // The new snapshot was written in full, but only the rename would have made it the model.
      assert.equal(readSnapshot(fs.readFileSync(path.join(storage, temp))).documents.length, 2);
      assert.equal(readSnapshot(fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME))).documents.length, 1);
      assert.equal((await new SnapshotStore(storage).load(CONFIGURATION, assert.fail))?.workspace.documentCount, 1);
      assert.deepEqual(strayTempFiles(storage), []);
    });

    it('killed at arbitrary moments of a save loop, the snapshot is always whole and at least as new as the last save reported', async () => {
      // How long one save takes on this machine, so the kills land anywhere in one.
      const timing = snapshotWriter(tempDir('save-timing'), 'loop');
      const stamps: number[] = [];
      await killWhen(timing, () => stamps.push(Date.now()) > 3);
      const saveMs = Math.max(1, (stamps[3] - stamps[1]) / 2);
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.double({ min: 0, max: 1.5, noNaN: true }), async (fraction) => {
          const storage = tempDir('killed-anytime');
          const reported = await killWhen(snapshotWriter(storage, 'loop'), (_line, saves) => saves >= 2, fraction * saveMs);
          const documents = readSnapshot(fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME))).documents.length;
          // The save in flight when it died may or may not have been renamed into place.
          assert.ok(documents === reported || documents === reported + 1, `${documents} documents after ${reported} reported saves`);
          const outcome = strayTempFiles(storage).length > 0 ? 'during the temp file write' : 'outside it';
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          await new SnapshotStore(storage).load(CONFIGURATION, assert.fail);
          assert.deepEqual(strayTempFiles(storage), []);
        }),
        { numRuns: 8 },
      );
      console.log(`      random kills (one save ≈ ${saveMs.toFixed(0)} ms): ${[...outcomes].map(([where, count]) => `${count} ${where}`).join(', ')}`);
    });
  });
});
