// The background work that keeps the model in step with the workspace: a full pass (find the files,
// read those that are new or changed since they were learned, forget those that are gone), single-file
// updates from the file watcher, and recounts after an order change. One pass runs at a time, in
// short slices: between slices the event loop serves requests, so predictions stay prompt while the
// workspace is being learned, and they answer from whatever has been learned so far.

import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { SkippedFile } from '../protocol/lsp';
import { BYTES_PER_MB } from '../protocol/settings';
import { checkSinglePath, discoverFiles, statFile, type FoundFile, type WorkspaceFolderInfo } from '../files/discovery';
import { decodeText, learnableText, type LearnableText, type Skip } from '../files/fileFilter';
import { splitLines } from '../core/lines';
import { describeWithheld, editLeavesTextWhole } from '../files/secrets';
import { IndexMerger } from './indexMerger';
import { folderOf, pathToUri, type Folder } from './paths';
import type { SettingsCache } from './settingsCache';
import type { FileStamp, WorkspaceModel } from './workspaceModel';

/**
 * CPU time a slice may take before the learner yields to pending requests: a request that arrives
 * while a slice runs waits for the rest of it (the prediction itself takes about a millisecond).
 */
const SLICE_MS = 2;
/** Texts longer than this (in UTF-16 units) are counted a piece at a time (`learnInSteps`). */
const LARGE_TEXT_CHARS = 65_536;
/** About how much text one piece holds: whole lines, some 2 ms of counting. */
const TEXT_PIECE_CHARS = 16_384;
/** Files read from disk concurrently. */
const READ_BATCH = 16;
/** Minimum time between two progress reports to the client. */
const PROGRESS_INTERVAL_MS = 100;

export interface LearnerHost {
  readonly connection: Connection;
  readonly settings: SettingsCache;
  workspace(): WorkspaceModel;
  folders(): readonly Folder[];
  /** The text of the document if it is open in an editor (its unsaved edits are what counts). */
  editorText(fsPath: string): string | undefined;
  /** `nextWordLab.maxModelMB`: no file joins a model that has reached it. */
  maxModelMB(): number;
  /** Resolves once the requests being answered are answered (at once when there are none). */
  whenRequestsAnswered(): Promise<void>;
  /** Something the status shows has changed. */
  changed(): void;
  /** The learner has no work left; `afterPass` when that work included a full pass or a recount. */
  idle(afterPass: boolean): void;
  /** A merge of the token index ended (the snapshot's copy of the index is older). */
  indexMerged(): void;
}

export interface PassProgress {
  readonly done: number;
  readonly total: number;
}

/** A withheld-lines entry's detail: the file was learned, without the lines the note counts. */
const WITHHELD_PREFIX = 'learned, ';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Ends a slice of background work: every request that arrived during it is answered before the next
 * one. The connection reads a message in the event loop's poll phase and dispatches it from a
 * `setImmediate` queued there, behind the one queued here at the end of the slice; the second turn
 * comes after the dispatch, and then the work waits for the answers to be written.
 */
export async function answerWaitingRequests(whenRequestsAnswered: () => Promise<void>): Promise<void> {
  await nextTurn();
  await nextTurn();
  await whenRequestsAnswered();
}

export class Learner {
  /** Files left out of the model and why, by path. */
  readonly skipped = new Map<string, SkippedFile>();
  /** Files learned without some of their lines (secrets), by path. */
  readonly withheld = new Map<string, SkippedFile>();
  private discoveryWanted = false;
  private readonly changedPaths = new Set<string>();
  /** Bumped to abandon the pass in progress (new settings, new folders, re-learn). */
  private generation = 0;
  /** Set by the user cancelling the progress: background passes stop until asked again. */
  private paused = false;
  private running: Promise<void> | undefined;
  private firstPassDone = false;
  private currentProgress: PassProgress | undefined;
  /** Ids of the file learned last: the room made in the tables before the next file is counted. */
  private expectedIds = 0;
  /** Files the running pass found that the model does not hold yet. */
  private readonly unreadNewFiles = new Set<string>();

  private readonly merger: IndexMerger;

  constructor(private readonly host: LearnerHost) {
    this.merger = new IndexMerger((message) => host.connection.console.info(message));
  }

  /** Work is pending or running (true until the first full pass has finished). */
  get busy(): boolean {
    return this.running !== undefined || !this.firstPassDone;
  }

  /** Whether the token index is being merged in the background (its end calls `indexMerged`). */
  get indexMerging(): boolean {
    return this.merger.busy;
  }

  get hasFinishedFirstPass(): boolean {
    return this.firstPassDone;
  }

  get progress(): PassProgress | undefined {
    return this.currentProgress;
  }

  /** Files found but not read yet in the running pass, and not in the model from before. */
  get pendingReads(): number {
    return this.unreadNewFiles.size;
  }

  /** Finds the files again and brings the model in line with them. */
  requestFullPass(): void {
    this.discoveryWanted = true;
    this.paused = false;
    this.generation++;
    this.kick();
  }

  /**
   * Counts the documents a reconfiguration left uncounted. A pass in progress goes on: everything it
   * learns from now on is counted into the new model, and the recount follows it.
   */
  requestRecount(): void {
    this.paused = false;
    this.kick();
  }

  /** A file was created or changed on disk. */
  fileChanged(fsPath: string): void {
    this.changedPaths.add(fsPath);
    this.kick();
  }

  /** A file or folder was deleted: forget everything at or below it, at once. */
  deleted(fsPath: string): void {
    const removed = this.host.workspace().removeUnder(fsPath, path.sep);
    let unskipped = 0;
    for (const map of [this.skipped, this.withheld]) {
      for (const skippedPath of [...map.keys()]) {
        if (skippedPath === fsPath || skippedPath.startsWith(fsPath + path.sep)) unskipped += map.delete(skippedPath) ? 1 : 0;
      }
    }
    if (removed + unskipped > 0) this.host.changed();
  }

  /** A document closed in the editor: its unsaved edits are dropped, the disk's text is learned again. */
  editorClosed(fsPath: string): void {
    const entry = this.host.workspace().get(fsPath);
    if (entry === undefined) return;
    this.host.workspace().releaseEditor(entry);
    this.fileChanged(fsPath);
  }

  private kick(): void {
    if (this.running !== undefined) return;
    let afterPass = false;
    this.running = this.run(() => (afterPass = true)).finally(() => {
      this.running = undefined;
      this.currentProgress = undefined;
      this.host.changed();
      this.host.idle(afterPass);
    });
  }

  private async run(passRan: () => void): Promise<void> {
    for (;;) {
      try {
        if (this.discoveryWanted && !this.paused) {
          this.discoveryWanted = false;
          passRan();
          await this.fullPass(this.generation);
          this.firstPassDone = true;
        } else if (this.changedPaths.size > 0) {
          const paths = [...this.changedPaths];
          this.changedPaths.clear();
          for (const fsPath of paths) await this.updateFile(fsPath);
        } else if (!this.paused && this.hasUncounted()) {
          passRan();
          await this.recountPass(this.generation);
        } else if (this.host.workspace().model.compactionDue) {
          // Then look for work again: it may have come in while the compaction let requests in first.
          await this.compact();
        } else {
          this.mergeIndexIfDue();
          return;
        }
      } catch (error) {
        // One bad pass must not stop the learner: log it and carry on with whatever is pending.
        this.host.connection.console.error(`Learning failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        this.firstPassDone = true;
      }
    }
  }

  private async fullPass(generation: number): Promise<void> {
    const folders = await this.folderInfos();
    const stale = (): boolean => generation !== this.generation;
    const found = await discoverFiles(folders, stale);
    if (stale()) return;

    this.skipped.clear();
    for (const skip of found.skipped) this.skip(skip.fsPath, skip, skip.isDirectory);
    const workspace = this.host.workspace();
    const present = new Set(found.files.map((file) => file.fsPath));
    // Files learned before keep their withheld lines' entry until they are read again (or found gone).
    for (const withheldPath of [...this.withheld.keys()]) if (!present.has(withheldPath)) this.withheld.delete(withheldPath);
    for (const entry of [...workspace.entries()]) if (!present.has(entry.fsPath)) workspace.remove(entry.fsPath);

    const toRead = found.files.filter((file) => {
      const entry = workspace.get(file.fsPath);
      return entry === undefined || entry.stamp.size !== file.size || entry.stamp.mtimeMs !== file.mtimeMs;
    });
    this.host.connection.console.info(
      `Found ${found.files.length} files to read (${toRead.length} new or changed) and ${found.skipped.length} files or folders left out by the file rules; a file may still be skipped for its content.`,
    );
    await this.withProgress('Learning the workspace', toRead.length, generation, async (advance) => {
      for (const file of toRead) if (workspace.get(file.fsPath) === undefined) this.unreadNewFiles.add(file.fsPath);
      const readBatch = (start: number): Promise<(Uint8Array | NodeJS.ErrnoException)[]> =>
        Promise.all(toRead.slice(start, start + READ_BATCH).map((file) => readBytes(file.fsPath)));
      try {
        let reading = readBatch(0);
        for (let start = 0; start < toRead.length; start += READ_BATCH) {
          const batch = toRead.slice(start, start + READ_BATCH);
          const contents = await reading;
          // The next files are read while these are learned.
          if (start + READ_BATCH < toRead.length) reading = readBatch(start + READ_BATCH);
          // Reads finish in the poll phase: start the slice from the check phase, behind any request they let in.
          await this.yieldToRequests();
          if (stale() || this.paused) return;
          let sliceStart = performance.now();
          for (let i = 0; i < batch.length; i++) {
            await this.learnBytes(batch[i], contents[i]);
            this.unreadNewFiles.delete(batch[i].fsPath);
            advance();
            if (performance.now() - sliceStart > SLICE_MS) {
              await this.yieldToRequests();
              if (stale() || this.paused) return;
              sliceStart = performance.now();
            }
          }
        }
      } finally {
        this.unreadNewFiles.clear();
      }
    });
  }

  private async recountPass(generation: number): Promise<void> {
    const workspace = this.host.workspace();
    const uncounted = [...workspace.entries()].filter((entry) => !entry.counted);
    await this.withProgress(`Re-counting at order ${workspace.model.order}`, uncounted.length, generation, async (advance) => {
      let sliceStart = performance.now();
      for (const entry of uncounted) {
        // The entry may have been removed or replaced (and counted) while the learner yielded.
        if (workspace.get(entry.fsPath) === entry) await this.makeRoomFor(entry.encoded.length);
        if (workspace.get(entry.fsPath) === entry) workspace.count(entry);
        advance();
        if (performance.now() - sliceStart > SLICE_MS) {
          await this.yieldToRequests();
          if (generation !== this.generation || this.paused) return;
          sliceStart = performance.now();
        }
      }
    });
  }

  /**
   * Once the work is done, lays the tables out again if a pass (or a batch of changed files) created
   * many n-grams since the last time: their continuations lie scattered, which slows every prediction.
   * It is one synchronous step, so no learning step or request ever sees the tables half laid out.
   */
  private async compact(): Promise<void> {
    // Requests that came in during the last slice go first.
    await this.yieldToRequests();
    // Not while a merge of the index is built: the tables twice and the new stream and suffix array
    // are the largest memory either takes (together, 200 MB more at the peak of a 60 M-token workspace).
    await this.merger.idle();
    const model = this.host.workspace().model;
    if (!model.compactionDue) return;
    const started = performance.now();
    model.compact();
    this.host.connection.console.info(`Compacted the model in ${Math.round(performance.now() - started)} ms.`);
  }

  /** Ends a slice (`answerWaitingRequests`), starting a merge of the index first if one is due. */
  private async yieldToRequests(): Promise<void> {
    this.mergeIndexIfDue();
    await answerWaitingRequests(() => this.host.whenRequestsAnswered());
  }

  /**
   * Starts a merge of the token index when enough documents changed since the last (its suffix array
   * is built in a worker thread; learning and requests go on meanwhile), and looks again when it ends.
   */
  private mergeIndexIfDue(): void {
    const index = this.host.workspace().index;
    if (!index.mergeDue || this.merger.busy) return;
    void this.merger.merge(index).then(() => {
      this.host.indexMerged();
      if (this.host.workspace().index.mergeDue) this.kick();
    });
  }

  /**
   * Merges the token index now, whatever has changed (the surprisal lens asks before reading a whole
   * document across lines, whose every query would otherwise read the changes by a linear pass).
   */
  async mergeIndexNow(): Promise<void> {
    await this.merger.merge(this.host.workspace().index, true);
    this.host.indexMerged();
  }

  /** Brings one file in line with the disk (a watcher event or a closed editor). */
  private async updateFile(fsPath: string): Promise<void> {
    const workspace = this.host.workspace();
    const folder = folderOf(this.host.folders(), fsPath);
    const forget = (): void => {
      const changed = workspace.remove(fsPath) || this.skipped.delete(fsPath) || this.withheld.delete(fsPath);
      if (changed) this.host.changed();
    };
    if (folder === undefined) return forget();
    if (path.basename(fsPath) === '.gitignore') {
      // Its rules may include or exclude anything below it: look at the whole workspace again.
      this.requestFullPass();
      return;
    }
    const info: WorkspaceFolderInfo = { fsPath: folder.fsPath, rules: await this.host.settings.folderRules(folder.uri) };
    const verdict = await checkSinglePath(info, fsPath);
    if (verdict === 'outside' || verdict === 'ignore') return forget();
    if (verdict !== undefined) {
      workspace.remove(fsPath);
      this.skip(fsPath, verdict, false);
      this.host.changed();
      return;
    }
    let entry: Stats;
    try {
      entry = await fs.lstat(fsPath);
    } catch {
      this.deleted(fsPath);
      return;
    }
    // Links are not followed, as in discovery: a link may point anywhere (a key outside the workspace, /dev/zero).
    if (entry.isSymbolicLink()) return forget();
    if (entry.isDirectory()) {
      // A folder appeared (moved in, checked out): only a walk finds what it holds.
      this.requestFullPass();
      return;
    }
    const found = await statFile(fsPath, info.rules.maxFileSizeKB);
    if ('reason' in found) {
      workspace.remove(fsPath);
      this.skip(fsPath, found, false);
    } else {
      await this.learnBytes(found, await readBytes(fsPath));
    }
    this.host.changed();
  }

  /** Learns a file's bytes, or records why they cannot be learned. */
  private async learnBytes(file: FoundFile, bytes: Uint8Array | NodeJS.ErrnoException): Promise<void> {
    const workspace = this.host.workspace();
    if (!(bytes instanceof Uint8Array)) {
      workspace.remove(file.fsPath);
      // A file deleted between listing and reading is simply gone; anything else is worth reporting.
      if (bytes.code !== 'ENOENT') this.skip(file.fsPath, { reason: 'unreadable', detail: bytes.code ?? bytes.message }, false);
      return;
    }
    if (workspace.get(file.fsPath) === undefined && this.atMemoryBudget()) {
      this.skip(file.fsPath, { reason: 'memory budget', detail: `not learned: the model reached its ${this.host.maxModelMB().toLocaleString('en-US')} MB budget (nextWordLab.maxModelMB)` }, false);
      return;
    }
    await this.makeRoomFor(this.expectedIds);
    const onDisk = decodeText(bytes);
    const openText = this.host.editorText(file.fsPath);
    // An open document's unsaved text is what is learned, under the same secret rules as the disk's.
    const decoded = this.screened(file.fsPath, 'reason' in onDisk ? onDisk : learnableText(openText ?? onDisk.text));
    if (decoded === undefined) return;
    const stamp = { size: file.size, mtimeMs: file.mtimeMs };
    const editorText = openText === undefined ? undefined : decoded.text;
    if (editorText === undefined && workspace.keepIfUnchanged(file.fsPath, decoded.text, stamp)) return;
    if (editorText === undefined && decoded.text.length > LARGE_TEXT_CHARS) {
      await this.learnInSteps(file.fsPath, decoded.text, stamp);
      return;
    }
    const entry = workspace.setText(file.fsPath, pathToUri(file.fsPath), editorText ?? decoded.text, stamp);
    // An open document gets its line index now, so its next keystroke re-counts one line.
    if (editorText !== undefined && entry.lines === undefined) workspace.applyEditorText(entry, editorText);
    // The next file is most often of the same kind.
    this.expectedIds = entry.encoded.length;
  }

  /**
   * Makes room in the tables for a text of `ids` ids before it is counted, a step at a time with
   * requests answered between steps: counting it then grows no table in one go. The growth is
   * counting's own (by half), only earlier.
   */
  private async makeRoomFor(ids: number): Promise<void> {
    const model = this.host.workspace().model;
    const steps = model.makeRoom(ids);
    while (steps.next().done !== true) {
      await this.yieldToRequests();
      if (this.host.workspace().model !== model) return;
    }
  }

  /**
   * Counts a large text a few whole lines at a time, yielding to requests between pieces, so that one
   * big file does not hold them for tens of milliseconds (a 1 MB file takes 50–100 ms). The document
   * is registered once it is counted whole; a model replaced meanwhile (another order or tokenizer, a
   * re-learn) takes the pieces with it.
   */
  private async learnInSteps(fsPath: string, text: string, stamp: FileStamp): Promise<void> {
    const workspace = this.host.workspace();
    const pending = workspace.beginDocument(fsPath);
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf('\n', start + TEXT_PIECE_CHARS);
      const end = newline < 0 ? text.length : newline + 1;
      pending.add(text.slice(start, end));
      start = end;
      if (start < text.length) {
        await this.yieldToRequests();
        if (this.host.workspace() !== workspace || !pending.current) return;
      }
    }
    pending.finish(pathToUri(fsPath), stamp);
  }

  /**
   * An open document's text changed: the model follows it, under the same secret rules as a file
   * (a pasted key is withheld; credentials by structure take the document out until it is saved).
   */
  editorTextChanged(fsPath: string, text: string): void {
    const workspace = this.host.workspace();
    const entry = workspace.get(fsPath);
    if (entry === undefined) return;
    // Its last text was learned whole (its lines are the editor's): the changed lines may say so again.
    const before = this.withheld.has(fsPath) ? undefined : entry.lines?.texts;
    const lines = splitLines(text);
    if (before !== undefined && editLeavesTextWhole(before, text, lines)) {
      this.screened(fsPath, { text });
      workspace.applyEditorText(entry, text, lines);
    } else {
      const screened = this.screened(fsPath, learnableText(text));
      if (screened !== undefined) workspace.applyEditorText(entry, screened.text);
    }
    this.host.changed();
  }

  /**
   * The text to learn, with its withheld lines recorded; `undefined` (the file taken out of the model
   * and recorded as skipped) when none of it may be learned.
   */
  private screened(fsPath: string, learnable: LearnableText): { readonly text: string } | undefined {
    if ('reason' in learnable) {
      this.host.workspace().remove(fsPath);
      this.withheld.delete(fsPath);
      this.skip(fsPath, learnable, false);
      return undefined;
    }
    this.skipped.delete(fsPath);
    if (learnable.withheld === undefined) this.withheld.delete(fsPath);
    else this.recordWithheld(fsPath, describeWithheld(learnable.withheld));
    return learnable;
  }

  /** What was withheld from a learned file ("2 lines withheld: …"), as a snapshot keeps it. */
  withheldNote(fsPath: string): string | undefined {
    return this.withheld.get(fsPath)?.detail.replace(WITHHELD_PREFIX, '');
  }

  /** Files restored from a snapshot keep their withheld lines' entry until they are read again. */
  restoreWithheld(notes: ReadonlyMap<string, string>): void {
    for (const [fsPath, note] of notes) this.recordWithheld(fsPath, note);
  }

  private recordWithheld(fsPath: string, note: string): void {
    this.withheld.set(fsPath, { uri: pathToUri(fsPath), reason: 'secret lines', detail: WITHHELD_PREFIX + note });
  }

  /** Files left out because the model reached its memory budget. */
  get leftOutForBudget(): number {
    let count = 0;
    for (const skipped of this.skipped.values()) if (skipped.reason === 'memory budget') count++;
    return count;
  }

  private atMemoryBudget(): boolean {
    return this.host.workspace().model.byteLength() >= this.host.maxModelMB() * BYTES_PER_MB;
  }

  private skip(fsPath: string, skip: Skip, isDirectory: boolean): void {
    const uri = pathToUri(fsPath) + (isDirectory ? '/' : '');
    this.skipped.set(fsPath, { uri, reason: skip.reason, detail: isDirectory ? `folder ${skip.detail}` : skip.detail });
  }

  private hasUncounted(): boolean {
    const workspace = this.host.workspace();
    return workspace.countedCount < workspace.documentCount;
  }

  private async folderInfos(): Promise<WorkspaceFolderInfo[]> {
    return Promise.all(
      this.host.folders().map(async (folder) => ({ fsPath: folder.fsPath, rules: await this.host.settings.folderRules(folder.uri) })),
    );
  }

  /**
   * Runs a pass under LSP work-done progress ("Learning the workspace: 1,234 / 5,000 files"), which
   * the user can cancel. `advance` counts one file done.
   */
  private async withProgress(
    title: string,
    total: number,
    generation: number,
    work: (advance: () => void) => Promise<void>,
  ): Promise<void> {
    if (total === 0) return;
    let reporter: WorkDoneProgressServerReporter | undefined;
    let done = 0;
    let lastReport = 0;
    const message = (): string => `${title}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} files`;
    this.currentProgress = { done, total };
    this.host.changed();
    try {
      reporter = await this.host.connection.window.createWorkDoneProgress();
      reporter.begin('Next Word Lab', 0, message(), true);
      reporter.token.onCancellationRequested(() => {
        this.paused = true;
        this.host.connection.console.info(`${title}: cancelled after ${done} of ${total} files.`);
      });
    } catch {
      reporter = undefined; // no progress UI: the work is the same
    }
    try {
      await work(() => {
        done++;
        this.currentProgress = { done, total };
        const now = performance.now();
        if (now - lastReport >= PROGRESS_INTERVAL_MS || done === total) {
          lastReport = now;
          reporter?.report(Math.round((done / total) * 100), message());
          this.host.changed();
        }
      });
    } finally {
      reporter?.done();
      if (generation === this.generation) this.currentProgress = undefined;
    }
  }
}

async function readBytes(fsPath: string): Promise<Uint8Array | NodeJS.ErrnoException> {
  try {
    return await fs.readFile(fsPath);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}
