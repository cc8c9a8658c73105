// The workspace's documents and the one NgramModel they are counted into. Each document's sentences
// are kept as word ids, so it can be subtracted exactly when its text changes, recounted at another
// order without reading any file, and persisted: the token index holds them (once: a copy of its own
// beside the index's was 4 bytes a token more), and a document reads them from it. Documents open in an
// editor also keep a line index, so an edit re-counts only the lines it touched.

import { splitLines, unchangedEnds } from '../core/lines';
import { NgramModel, type EncodedSentences } from '../core/model';
import { TokenIndex } from '../core/tokenIndex';
import type { EstimatorOptions, ModelStats, TokenizerName } from '../core/types';

/** What the disk said about a file when its text was read (null fields: never read from disk). */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The stamp of a text that is not a file's as it was on disk (no file has a negative size). */
const NO_STAMP: FileStamp = { size: -1, mtimeMs: -1 };

export interface DocumentEntry {
  readonly fsPath: string;
  readonly uri: string;
  stamp: FileStamp;
  /** The document's sentences, each terminated by EOS, as the token index holds them. */
  readonly encoded: EncodedSentences;
  /** Whether `encoded` is in the model's counts (false while a recount has not reached it yet). */
  counted: boolean;
  /** Set while the text comes from an open editor: it may differ from the disk. */
  lines?: LineIndex;
}

/** A workspace document: its sentences are read from the workspace's token index, which holds every document. */
class Document implements DocumentEntry {
  lines?: LineIndex;

  constructor(
    private readonly workspace: WorkspaceModel,
    readonly fsPath: string,
    readonly uri: string,
    public stamp: FileStamp,
    public counted: boolean,
  ) {}

  get encoded(): EncodedSentences {
    const sentences = this.workspace.index.sentences(this.fsPath);
    if (sentences === undefined) throw new Error(`the token index does not hold ${this.fsPath}`);
    return sentences;
  }
}

/** The text lines of an open document and where each line's sentence starts in `encoded`. */
interface LineIndex {
  readonly texts: readonly string[];
  /** `starts[i]` is the offset of line i's sentence (blank lines have none); `starts[texts.length]` is the end. */
  readonly starts: Int32Array;
}

export interface ModelConfiguration {
  readonly order: number;
  readonly estimator: EstimatorOptions;
  readonly tokenizer: TokenizerName;
}

export class WorkspaceModel {
  private current: NgramModel;
  /**
   * Every document's ids as one indexed token stream (contexts of any length, across lines): what the
   * longest-match estimator reads. It follows each document as it changes; merges run in the background.
   */
  private tokenIndex = new TokenIndex();
  private readonly documents = new Map<string, DocumentEntry>();
  /** Documents being counted a piece at a time, by path. */
  private readonly pending = new Map<string, PendingDocument>();
  private countedDocuments = 0;
  private mutations = 0;
  /** Of `mutations`, those that concerned one document alone, by its path (`versionWithout`). */
  private readonly ownMutations = new Map<string, number>();

  constructor(configuration: ModelConfiguration, model?: NgramModel) {
    this.current = model ?? new NgramModel(configuration);
  }

  get model(): NgramModel {
    return this.current;
  }

  get index(): TokenIndex {
    return this.tokenIndex;
  }

  /** Takes a restored index in (its documents must be the ones `adoptCounted` adds, with the same ids). */
  adoptIndex(index: TokenIndex): void {
    this.tokenIndex = index;
  }

  get documentCount(): number {
    return this.documents.size;
  }

  get countedCount(): number {
    return this.countedDocuments;
  }

  /** Changes with every change to what a snapshot would hold (so the server knows when to save). */
  get version(): number {
    return this.mutations;
  }

  /**
   * Changes with every change but those of the document at `fsPath` alone: the model without that
   * document (the surprisal lens's) stays as it was while this does.
   */
  versionWithout(fsPath: string): number {
    return this.mutations - (this.ownMutations.get(fsPath) ?? 0);
  }

  /** A change that concerns the document at `fsPath` alone. */
  private mutated(fsPath: string): void {
    this.mutations++;
    this.ownMutations.set(fsPath, (this.ownMutations.get(fsPath) ?? 0) + 1);
  }

  stats(): ModelStats {
    return this.current.stats();
  }

  get(fsPath: string): DocumentEntry | undefined {
    return this.documents.get(fsPath);
  }

  entries(): IterableIterator<DocumentEntry> {
    return this.documents.values();
  }

  /**
   * Whether the document at `fsPath` is counted from exactly the sentences of `text` (its file read
   * again unchanged, as when an editor closes without unsaved edits): then it is kept as it is, with
   * the new stamp, instead of being learned again.
   */
  keepIfUnchanged(fsPath: string, text: string, stamp: FileStamp): boolean {
    const entry = this.documents.get(fsPath);
    if (entry === undefined || !entry.counted || entry.lines !== undefined || !equalArrays(entry.encoded, this.current.encodeText(text))) return false;
    if (entry.stamp.size !== stamp.size || entry.stamp.mtimeMs !== stamp.mtimeMs) {
      entry.stamp = stamp;
      this.mutated(fsPath);
    }
    return true;
  }

  /** Learns (or re-learns) a document's whole text. */
  setText(fsPath: string, uri: string, text: string, stamp: FileStamp): DocumentEntry {
    const existing = this.documents.get(fsPath);
    if (existing?.lines !== undefined) {
      existing.stamp = stamp;
      this.applyEditorText(existing, text);
      return existing;
    }
    return this.setEncoded(fsPath, uri, this.current.encodeText(text), stamp);
  }

  /** Adopts sentences encoded earlier (a snapshot, or a previous count of this model's vocabulary). */
  setEncoded(fsPath: string, uri: string, encoded: EncodedSentences, stamp: FileStamp): DocumentEntry {
    this.remove(fsPath);
    const entry = new Document(this, fsPath, uri, stamp, false);
    this.documents.set(fsPath, entry);
    this.tokenIndex.set(fsPath, encoded);
    this.count(entry);
    return entry;
  }

  /**
   * Takes in a document whose sentences the model already counts (restored with it from a snapshot);
   * `encoded` undefined: a restored index holds them.
   */
  adoptCounted(fsPath: string, uri: string, encoded: EncodedSentences | undefined, stamp: FileStamp): void {
    this.remove(fsPath);
    if (encoded !== undefined) this.tokenIndex.set(fsPath, encoded);
    else if (!this.tokenIndex.has(fsPath)) throw new Error(`the token index does not hold ${fsPath}`);
    this.documents.set(fsPath, new Document(this, fsPath, uri, stamp, true));
    this.countedDocuments++;
    this.mutated(fsPath);
  }

  /**
   * Starts counting a document a piece at a time (the learner yields between pieces); it joins the
   * documents when `finish` is called. Whatever it was before is forgotten now.
   */
  beginDocument(fsPath: string): PendingDocument {
    this.remove(fsPath);
    const pending = new PendingDocument(this, this.current, fsPath);
    this.pending.set(fsPath, pending);
    return pending;
  }

  /** A pending document is done: counted whole and registered, or dropped. */
  settled(pending: PendingDocument): void {
    if (this.pending.get(pending.fsPath) === pending) this.pending.delete(pending.fsPath);
  }

  /** A change to the counts that belongs to no document yet (a piece of the `PendingDocument` at `fsPath`). */
  touch(fsPath: string): void {
    this.mutated(fsPath);
  }

  /** Counts a document that is not counted yet (after a recount reset). */
  count(entry: DocumentEntry): void {
    if (entry.counted) return;
    this.current.addSentences(entry.encoded);
    entry.counted = true;
    this.countedDocuments++;
    this.mutated(entry.fsPath);
  }

  remove(fsPath: string): boolean {
    // A file deleted while it was being counted: its pieces go now, and it never joins the documents.
    this.pending.get(fsPath)?.drop();
    const entry = this.documents.get(fsPath);
    if (entry === undefined) return false;
    if (entry.counted) {
      this.current.removeSentences(entry.encoded);
      this.countedDocuments--;
    }
    this.documents.delete(fsPath);
    this.tokenIndex.delete(fsPath);
    this.mutated(fsPath);
    return true;
  }

  /** Removes every document at or below `fsPath` (a deleted folder); returns how many. */
  removeUnder(fsPath: string, separator: string): number {
    const prefix = fsPath.endsWith(separator) ? fsPath : fsPath + separator;
    for (const path of [...this.pending.keys()]) if (path === fsPath || path.startsWith(prefix)) this.pending.get(path)?.drop();
    let removed = 0;
    for (const path of [...this.documents.keys()]) {
      if ((path === fsPath || path.startsWith(prefix)) && this.remove(path)) removed++;
    }
    return removed;
  }

  /**
   * Replaces an open document's text by `text` (its lines `texts`, when the caller has split it),
   * re-counting only the lines between the unchanged head and tail of the document (one typed
   * character re-counts one line).
   */
  applyEditorText(entry: DocumentEntry, text: string, texts = splitLines(text)): void {
    const index = entry.lines;
    if (index === undefined) {
      this.indexLines(entry, texts);
      return;
    }
    const old = index.texts;
    const { head, tail } = unchangedEnds(old, texts);
    if (head === old.length && head === texts.length) return;
    this.mutated(entry.fsPath);
    const removeFrom = index.starts[head];
    const removeTo = index.starts[old.length - tail];
    const addedLines = texts.slice(head, texts.length - tail).map((line) => this.current.encodeText(line));
    const added = concat(addedLines);
    const encoded = entry.encoded;
    if (entry.counted) {
      this.current.removeSentences(encoded.subarray(removeFrom, removeTo));
      this.current.addSentences(added);
    }
    this.tokenIndex.set(entry.fsPath, concat([encoded.subarray(0, removeFrom), added, encoded.subarray(removeTo)]));

    const starts = new Int32Array(texts.length + 1);
    starts.set(index.starts.subarray(0, head + 1));
    let offset = removeFrom;
    for (let i = 0; i < addedLines.length; i++) {
      offset += addedLines[i].length;
      starts[head + i + 1] = offset;
    }
    const shift = added.length - (removeTo - removeFrom);
    for (let i = 1; i <= tail; i++) starts[texts.length - tail + i] = index.starts[old.length - tail + i] + shift;
    entry.lines = { texts, starts };
  }

  /** The document no longer comes from an editor (closed): forget its line index. */
  releaseEditor(entry: DocumentEntry): void {
    entry.lines = undefined;
    // What was counted is the editor's text, not the file's: no stamp describes it.
    entry.stamp = NO_STAMP;
    this.mutated(entry.fsPath);
  }

  /**
   * Starts counting again under a new configuration. The same tokenizer keeps the vocabulary and every
   * document's ids: the documents stay, uncounted, for `count` to add back in the background. A new
   * tokenizer makes the ids meaningless: the documents are dropped and must be read again.
   */
  reconfigure(configuration: ModelConfiguration): 'estimator' | 'recount' | 'relearn' | 'none' {
    const model = this.current;
    if (configuration.tokenizer !== model.tokenizer) {
      this.mutations++;
      this.current = new NgramModel(configuration);
      this.documents.clear();
      this.tokenIndex = new TokenIndex();
      this.pending.clear();
      this.countedDocuments = 0;
      return 'relearn';
    }
    if (configuration.order !== model.order) {
      this.mutations++;
      this.current = new NgramModel(configuration, model.vocabulary);
      this.pending.clear();
      for (const entry of this.documents.values()) entry.counted = false;
      this.countedDocuments = 0;
      return 'recount';
    }
    if (!sameEstimator(configuration.estimator, model.estimator)) {
      model.setEstimator(configuration.estimator);
      this.mutations++;
      return 'estimator';
    }
    return 'none';
  }

  /** Forgets everything (re-learn from scratch). */
  clear(configuration: ModelConfiguration): void {
    this.mutations++;
    this.current = new NgramModel(configuration);
    this.documents.clear();
    this.tokenIndex = new TokenIndex();
    this.pending.clear();
    this.countedDocuments = 0;
  }

  /**
   * Gives a document learned whole its line index, encoding its lines one by one. When they give back
   * exactly the sentences learned (the editor shows the file as it was read) nothing is re-counted;
   * otherwise the document is re-counted once, whole.
   */
  private indexLines(entry: DocumentEntry, texts: readonly string[]): void {
    const perLine = texts.map((line) => this.current.encodeText(line));
    const encoded = concat(perLine);
    const learned = entry.encoded;
    if (!equalArrays(encoded, learned)) {
      if (entry.counted) {
        this.current.removeSentences(learned);
        this.current.addSentences(encoded);
      }
      this.tokenIndex.set(entry.fsPath, encoded);
    }
    this.mutated(entry.fsPath);
    const starts = new Int32Array(texts.length + 1);
    for (let i = 0; i < perLine.length; i++) starts[i + 1] = starts[i] + perLine[i].length;
    entry.lines = { texts, starts };
  }
}

/** A document counted piece by piece (`WorkspaceModel.beginDocument`). */
export class PendingDocument {
  private readonly pieces: Int32Array[] = [];
  private dropped = false;

  constructor(
    private readonly workspace: WorkspaceModel,
    private readonly model: NgramModel,
    readonly fsPath: string,
  ) {}

  /**
   * Whether counting should go on: the document was not dropped (its file deleted) and the workspace
   * still counts into the model the pieces went into (no new order, tokenizer or re-learn since).
   */
  get current(): boolean {
    return !this.dropped && this.workspace.model === this.model;
  }

  /** Counts whole lines of the document, in order. */
  add(lines: string): void {
    if (!this.current) throw new Error(`${this.fsPath} is no longer being learned`);
    const sentences = this.model.encodeText(lines);
    this.model.addSentences(sentences);
    this.pieces.push(sentences);
    this.workspace.touch(this.fsPath);
  }

  /** The document, counted whole, joins the workspace's documents. */
  finish(uri: string, stamp: FileStamp): void {
    if (!this.current) throw new Error(`${this.fsPath} is no longer being learned`);
    this.workspace.settled(this);
    this.workspace.adoptCounted(this.fsPath, uri, concat(this.pieces), stamp);
  }

  /** Takes the pieces counted so far out of the model: the document will not join. */
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.workspace.settled(this);
    if (this.workspace.model !== this.model) return;
    for (const sentences of this.pieces) this.model.removeSentences(sentences);
    this.workspace.touch(this.fsPath);
  }
}

function sameEstimator(a: EstimatorOptions, b: EstimatorOptions): boolean {
  return a.name === b.name && (a.name !== 'add-k' || a.addK === b.addK);
}

function concat(parts: readonly Int32Array[]): Int32Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Int32Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function equalArrays(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
