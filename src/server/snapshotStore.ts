// The persisted model: the engine's snapshot (tables, vocabulary, every document with the size and
// mtime its file had, and the documents' token index, which holds their sentences) in the extension's workspace storage,
// one file. Written atomically (a temp file renamed over the old one), so a crash mid-write leaves the
// previous snapshot intact, and the index always belongs to the model beside it. On start,
// a snapshot that cannot be read, that was made with another tokenizer, or that an older format wrote
// (before secret scanning by content: it may hold lines the rules now withhold), is discarded and the
// workspace is learned from its files. An index the snapshot cannot give (saved without one, another
// index format) is said in the log and built again in the background; the model is kept. Each document
// keeps what the rules withheld from it, so Show Skipped Files still lists it after a restart.

import { closeSync, fstatSync, openSync, readSync, writeSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { readSnapshotFrom, writeSnapshotInSteps, type ByteSink, type ByteSource, type SavedDocument, type Snapshot } from '../core/snapshot';
import { nativeCrc32 } from '../files/checksum';
import { SNAPSHOT_FILE_NAME } from '../protocol/lsp';
import { pathToUri } from './paths';
import { WorkspaceModel, type ModelConfiguration } from './workspaceModel';

/** Bytes read ahead from a snapshot file at a time (see `fileSource`). */
const READ_AHEAD_BYTES = 1 << 16;

/** A stamp no file has: documents saved with it are read again on the next start. */
const UNKNOWN_MTIME = -1;
/**
 * Why a workspace snapshot of an older format is learned again rather than restored: its documents were
 * read under rules that have changed since, by the format that brought the change.
 */
const OUTDATED_READINGS: readonly { readonly before: number; readonly reason: string }[] = [
  { before: 3, reason: 'saved before secret scanning by content' },
  { before: 4, reason: 'saved when a literal <s>, </s> or <unk> in the text was dropped' },
];

export interface RestoredModel {
  readonly workspace: WorkspaceModel;
  /** What the secret rules withheld, by path, for the documents that had lines withheld. */
  readonly withheld: ReadonlyMap<string, string>;
  /** Whether the token index came with it (otherwise it is built again in the background). */
  readonly indexRestored: boolean;
}

export class SnapshotStore {
  private readonly file: string;

  constructor(private readonly directory: string) {
    this.file = path.join(directory, SNAPSHOT_FILE_NAME);
  }

  /** The saved model configured as `configuration` asks, or undefined (nothing usable was saved). */
  async load(configuration: ModelConfiguration, log: (message: string) => void): Promise<RestoredModel | undefined> {
    await this.removeUnfinishedWrites();
    let descriptor: number;
    try {
      descriptor = openSync(this.file, 'r');
    } catch {
      return undefined; // first start: nothing saved yet
    }
    let snapshot: Snapshot;
    try {
      snapshot = readSnapshotFrom(fileSource(descriptor));
    } catch (error) {
      closeSync(descriptor);
      log(`Discarded the saved model (${error instanceof Error ? error.message : String(error)}); learning the workspace again.`);
      await this.discard();
      return undefined;
    }
    closeSync(descriptor);
    const outdated = OUTDATED_READINGS.find((reading) => snapshot.formatVersion < reading.before);
    if (outdated !== undefined) {
      log(`Discarded the saved model (format ${snapshot.formatVersion}, ${outdated.reason}); learning the workspace again.`);
      await this.discard();
      return undefined;
    }
    if (snapshot.model.tokenizer !== configuration.tokenizer) {
      log(`Discarded the saved model (tokenizer ${snapshot.model.tokenizer}, now ${configuration.tokenizer}); learning the workspace again.`);
      await this.discard();
      return undefined;
    }
    const workspace = new WorkspaceModel(configuration, snapshot.model);
    // Without its index the documents go in as changed ones, merged again in the background.
    if (snapshot.index !== undefined) workspace.adoptIndex(snapshot.index);
    else log(`The saved model's token index is not used (${snapshot.indexProblem ?? 'none saved'}); indexing the workspace again in the background.`);
    const withheld = new Map<string, string>();
    for (const document of snapshot.documents) {
      if (document.withheld !== '') withheld.set(document.key, document.withheld);
      // A restored index holds the documents' sentences: they are not read out of it.
      workspace.adoptCounted(document.key, pathToUri(document.key), snapshot.index === undefined ? document.encoded : undefined, {
        size: document.size,
        mtimeMs: document.mtimeMs,
      });
    }
    // Another order is recounted from the saved sentences; another estimator is just switched.
    workspace.reconfigure(configuration);
    return { workspace, withheld, indexRestored: snapshot.index !== undefined };
  }

  /**
   * Writes the snapshot, with what `withheld` says was withheld from each file, a step at a time with
   * `betweenSteps` awaited after each (requests are answered meanwhile); resolves to its size in bytes.
   * The model as it was at the first step is written: if its counts change before the last step (they
   * are changed in place), the write is given up with `SaveOutdated` and the previous snapshot stays.
   */
  async save(workspace: WorkspaceModel, withheld: (fsPath: string) => string | undefined, betweenSteps: () => Promise<void> = async () => {}): Promise<number> {
    await fs.mkdir(this.directory, { recursive: true });
    const documents: SavedDocument[] = [];
    for (const entry of workspace.entries()) {
      if (!entry.counted) continue;
      // Text from an open editor may hold unsaved edits: make the next start read the file again.
      const mtimeMs = entry.lines === undefined ? entry.stamp.mtimeMs : UNKNOWN_MTIME;
      // The sentences are the index's, saved with it.
      documents.push({ key: entry.fsPath, size: entry.stamp.size, mtimeMs, withheld: withheld(entry.fsPath) ?? '' });
    }
    const counts = workspace.model.tables;
    const version = counts.version;
    const temporary = `${this.file}.${process.pid}.tmp`;
    // Written to the file as it is produced: never held whole in memory (670 MB for a 60 M-token workspace).
    const descriptor = openSync(temporary, 'w');
    let length: number;
    try {
      const steps = writeSnapshotInSteps(() => fileSink(descriptor), workspace.model, documents, workspace.index);
      for (;;) {
        const step = steps.next();
        if (step.done) {
          length = step.value;
          break;
        }
        await betweenSteps();
        if (workspace.model.tables !== counts || counts.version !== version) throw new SaveOutdated();
      }
    } catch (error) {
      closeSync(descriptor);
      await fs.rm(temporary, { force: true });
      throw error;
    }
    closeSync(descriptor);
    await fs.rename(temporary, this.file);
    return length;
  }

  async discard(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }

  /** Temp files of writes a killed server never finished (the snapshot they were to replace is intact). */
  private async removeUnfinishedWrites(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return;
    }
    const unfinished = names.filter((name) => name.startsWith(`${SNAPSHOT_FILE_NAME}.`) && name.endsWith('.tmp'));
    await Promise.all(unfinished.map((name) => fs.rm(path.join(this.directory, name), { force: true })));
  }
}

/** A save given up because the model changed while it was written (it is saved again later). */
export class SaveOutdated extends Error {
  constructor() {
    super('the model changed while it was saved');
  }
}

/** An open file written at the positions given. */
function fileSink(descriptor: number): ByteSink {
  return {
    checksum: nativeCrc32,
    write(bytes, position) {
      for (let done = 0; done < bytes.length; ) done += writeSync(descriptor, bytes, done, bytes.length - done, position + done);
    },
  };
}

/**
 * An open file read in order as the snapshot is parsed: each array is read straight into its own
 * memory, so a workspace's snapshot is not held twice (file bytes and arrays) while it loads.
 */
function fileSource(descriptor: number): ByteSource {
  const length = fstatSync(descriptor).size;
  // Read ahead a block at a time: a snapshot holds thousands of scalars of a few bytes (each
  // document's key, size and time), a system call each otherwise (10,000 calls for the reference
  // workspace, a fifth of its restore). An array longer than a block is read straight into place.
  const block = new Uint8Array(READ_AHEAD_BYTES);
  let blockStart = 0;
  let blockEnd = 0;
  let position = 0;
  const fill = (target: Uint8Array, offset: number, count: number): void => {
    for (let done = 0; done < count; ) {
      const read = readSync(descriptor, target, offset + done, count - done, position);
      if (read === 0) throw new Error('the file ended early (it changed while it was read)');
      done += read;
      position += read;
    }
  };
  return {
    length,
    checksum: nativeCrc32,
    read(target) {
      const buffered = Math.min(target.length, blockEnd - blockStart);
      target.set(block.subarray(blockStart, blockStart + buffered));
      blockStart += buffered;
      const rest = target.length - buffered;
      if (rest === 0) return;
      if (rest >= block.length) {
        fill(target, buffered, rest);
        return;
      }
      const count = Math.min(block.length, length - position);
      if (count < rest) throw new Error('the file ended early (it changed while it was read)');
      fill(block, 0, count);
      target.set(block.subarray(0, rest), buffered);
      blockStart = rest;
      blockEnd = count;
    },
  };
}
