// The persisted model: the engine's snapshot (tables, vocabulary and every document's sentences with
// the size and mtime its file had) in the extension's workspace storage. Written atomically (a temp
// file renamed over the old one), so a crash mid-write leaves the previous snapshot intact. On start,
// a snapshot that cannot be read, or that was made with another tokenizer, is discarded and the
// workspace is learned from its files.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readIndexSnapshot, writeIndexSnapshot } from '../core/indexSnapshot';
import { readSnapshot, writeSnapshot, type SnapshotDocument } from '../core/snapshot';
import type { TokenIndex } from '../core/tokenIndex';
import { SNAPSHOT_FILE_NAME } from '../protocol/lsp';
import { pathToUri } from './paths';
import { WorkspaceModel, type ModelConfiguration } from './workspaceModel';

/** The token index's file beside the model's. */
const INDEX_FILE_NAME = 'index.nwli';

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, bytes);
  await fs.rename(temporary, file);
}

/** A stamp no file has: documents saved with it are read again on the next start. */
const UNKNOWN_MTIME = -1;

export class SnapshotStore {
  private readonly file: string;
  /** The token index beside the model: its suffix array is copied back, not rebuilt (≈1 s for 3 M tokens). */
  private readonly indexFile: string;

  constructor(private readonly directory: string) {
    this.file = path.join(directory, SNAPSHOT_FILE_NAME);
    this.indexFile = path.join(directory, INDEX_FILE_NAME);
  }

  /** The saved model configured as `configuration` asks, or undefined (nothing usable was saved). */
  async load(configuration: ModelConfiguration, log: (message: string) => void): Promise<WorkspaceModel | undefined> {
    await this.removeUnfinishedWrites();
    let bytes: Uint8Array;
    try {
      const buffer = await fs.readFile(this.file);
      // A plain Uint8Array view: a Buffer's slice() shares memory where Uint8Array's copies.
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch {
      return undefined; // first start: nothing saved yet
    }
    let snapshot: ReturnType<typeof readSnapshot>;
    try {
      snapshot = readSnapshot(bytes);
    } catch (error) {
      log(`Discarded the saved model (${error instanceof Error ? error.message : String(error)}); learning the workspace again.`);
      await this.discard();
      return undefined;
    }
    if (snapshot.model.tokenizer !== configuration.tokenizer) {
      log(`Discarded the saved model (tokenizer ${snapshot.model.tokenizer}, now ${configuration.tokenizer}); learning the workspace again.`);
      await this.discard();
      return undefined;
    }
    const workspace = new WorkspaceModel(configuration, snapshot.model);
    const index = await this.loadIndex(snapshot.model.vocabulary.size, snapshot.documents, log);
    // Without a usable index the documents go in fresh and the index is merged again in the background.
    if (index !== undefined) workspace.adoptIndex(index);
    for (const document of snapshot.documents) {
      workspace.adoptCounted(document.key, pathToUri(document.key), document.encoded, {
        size: document.size,
        mtimeMs: document.mtimeMs,
      });
    }
    // Another order is recounted from the saved sentences; another estimator is just switched.
    workspace.reconfigure(configuration);
    return workspace;
  }

  /** Writes the snapshot; resolves to its size in bytes. */
  async save(workspace: WorkspaceModel): Promise<number> {
    const documents: SnapshotDocument[] = [];
    for (const entry of workspace.entries()) {
      if (!entry.counted) continue;
      // Text from an open editor may hold unsaved edits: make the next start read the file again.
      const mtimeMs = entry.lines === undefined ? entry.stamp.mtimeMs : UNKNOWN_MTIME;
      documents.push({ key: entry.fsPath, size: entry.stamp.size, mtimeMs, encoded: entry.encoded });
    }
    const bytes = writeSnapshot(workspace.model, documents);
    const indexBytes = writeIndexSnapshot(workspace.index);
    await fs.mkdir(this.directory, { recursive: true });
    // The index first: a model saved without its index of the same moment would be read with a stale one.
    await writeAtomically(this.indexFile, indexBytes);
    await writeAtomically(this.file, bytes);
    return bytes.length + indexBytes.length;
  }

  /**
   * The saved index, when it holds exactly the saved documents (the two files are written together,
   * the index first; anything else is discarded with a log line and the index is rebuilt).
   */
  private async loadIndex(vocabularySize: number, documents: readonly SnapshotDocument[], log: (message: string) => void): Promise<TokenIndex | undefined> {
    let index: TokenIndex;
    try {
      const buffer = await fs.readFile(this.indexFile);
      index = readIndexSnapshot(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), vocabularySize);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`Discarded the saved token index (${error instanceof Error ? error.message : String(error)}); indexing again.`);
      return undefined;
    }
    const keys = new Set(index.keys());
    const same = keys.size === documents.length && documents.every((document) => keys.has(document.key));
    if (!same) {
      log('Discarded the saved token index (it does not hold the saved documents); indexing again.');
      return undefined;
    }
    return index;
  }

  async discard(): Promise<void> {
    await fs.rm(this.file, { force: true });
    await fs.rm(this.indexFile, { force: true });
  }

  /** Temp files of writes a killed server never finished (the snapshot they were to replace is intact). */
  private async removeUnfinishedWrites(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return;
    }
    const unfinished = names.filter((name) => (name.startsWith(`${SNAPSHOT_FILE_NAME}.`) || name.startsWith(`${INDEX_FILE_NAME}.`)) && name.endsWith('.tmp'));
    await Promise.all(unfinished.map((name) => fs.rm(path.join(this.directory, name), { force: true })));
  }
}
