// Where the evidence for a prediction is: the places the index found (core/evidence.ts), each read
// again from the text it was learned from — the open editor's, else the file's, under the learner's
// rules — and listed only when that text still holds the ids it was found by, so nothing is shown that
// the model did not learn there.

import fs from 'node:fs';
import path from 'node:path';
import { LocatableText, type Evidence } from '../core/evidence';
import type { NgramModel } from '../core/model';
import type { TokenizerName } from '../core/types';
import { decodeText, learnableBytes, learnableText, type LearnableText } from '../files/fileFilter';
import type { EvidenceOccurrence } from '../protocol/lsp';
import { folderOf, type Folder } from './paths';
import type { DocumentEntry } from './workspaceModel';

/** Where a document's text comes from, read by `tokenizer`: the open editor's text, or else the file. */
export type TextSource = (entry: DocumentEntry, tokenizer: TokenizerName) => Promise<LocatableText | undefined>;

/**
 * Line, column and line text of each of the evidence's places, in its order. A place whose document
 * is gone, or whose text no longer gives the ids it was learned with there (its file changed and is
 * not learned again yet), is not listed.
 */
export async function locate(
  model: NgramModel,
  evidence: Evidence,
  documentOf: (key: string) => DocumentEntry | undefined,
  folders: readonly Folder[],
  textOf: TextSource,
): Promise<EvidenceOccurrence[]> {
  const offsetsByKey = new Map<string, number[]>();
  for (const { key, offset } of evidence.places) {
    const offsets = offsetsByKey.get(key);
    if (offsets === undefined) offsetsByKey.set(key, [offset]);
    else offsets.push(offset);
  }
  const located = await Promise.all(
    [...offsetsByKey].map(async ([key, offsets]): Promise<EvidenceOccurrence[]> => {
      const entry = documentOf(key);
      const text = entry === undefined ? undefined : await textOf(entry, model.tokenizer);
      if (entry === undefined || text === undefined) return [];
      const file = relativeName(folders, entry.fsPath);
      const locations = text.locate(model.vocabulary, offsets.map((offset) => ({ offset, ids: evidence.placeIds })));
      return locations.flatMap((location) => (location === undefined ? [] : [{ uri: entry.uri, file, ...location }]));
    }),
  );
  // Documents were read in parallel; the places stay in the evidence's (workspace) order.
  return located.flat();
}

/** `src/a.ts`, or `folder/src/a.ts` in a multi-root workspace (as VS Code's asRelativePath names it). */
function relativeName(folders: readonly Folder[], fsPath: string): string {
  const folder = folderOf(folders, fsPath);
  if (folder === undefined) return fsPath.split(path.sep).join('/');
  const relative = path.relative(folder.fsPath, fsPath).split(path.sep).join('/');
  return folders.length > 1 ? `${path.basename(folder.fsPath)}/${relative}` : relative;
}

/** Characters of file text kept for the next evidence requests (a place's file is often listed again). */
const KEPT_CHARACTERS = 4_000_000;

/**
 * The text a document was learned from, under the same rules: its editor's when open, else its file's;
 * secret lines blanked as the learner blanked them (a listed line is never one that was withheld).
 * Files' texts are kept while their size and modification time stay the same, with what their first
 * locating learned of their lines: applying the rules costs more than finding the places (a quarter of
 * a millisecond for a 9 KB file), and reading a kept text whole again cost a tenth of a millisecond
 * per listed file (12 ms for 50 places in 34 files while the workspace was learned).
 */
export class LearnedTexts {
  /** By path, least recently used first. */
  private readonly kept = new Map<string, KeptText>();
  private keptCharacters = 0;
  /** The editor text asked last, as `textOf` gave it. */
  private lastOpen: { readonly source: string; readonly tokenizer: TokenizerName; readonly text: LocatableText | undefined } | undefined;

  /**
   * `learnedWhole`: whether the learner took a file's text with no line withheld (a file whose stamp
   * has not changed since then is decoded again without the secret rules: the same bytes pass them
   * the same way, and they cost four times the decoding).
   */
  constructor(
    private readonly editorText: (fsPath: string) => string | undefined,
    private readonly learnedWhole: (fsPath: string) => boolean,
  ) {}

  readonly textOf: TextSource = async (entry, tokenizer) => {
    const open = entry.lines === undefined ? undefined : this.editorText(entry.fsPath);
    if (open !== undefined) {
      // An editor's text is the same string until it is edited: its rules and lines are kept for the next request.
      if (this.lastOpen?.source !== open || this.lastOpen.tokenizer !== tokenizer) this.lastOpen = { source: open, tokenizer, text: locatable(tokenizer, learnableText(open)) };
      return this.lastOpen.text;
    }
    try {
      // Synchronous: a few small reads, where the thread pool may be queued behind the learner's reads.
      const { size, mtimeMs } = fs.statSync(entry.fsPath);
      const kept = this.kept.get(entry.fsPath);
      if (kept !== undefined) this.forget(entry.fsPath);
      if (kept?.size === size && kept.mtimeMs === mtimeMs && kept.tokenizer === tokenizer) {
        this.keep(entry.fsPath, kept);
        return kept.text;
      }
      const bytes = fs.readFileSync(entry.fsPath);
      const unchanged = entry.stamp.size === size && entry.stamp.mtimeMs === mtimeMs && this.learnedWhole(entry.fsPath);
      const text = locatable(tokenizer, unchanged ? decodeText(bytes) : learnableBytes(bytes));
      if (text !== undefined) this.keep(entry.fsPath, { size, mtimeMs, tokenizer, text });
      return text;
    } catch {
      return undefined;
    }
  };

  private keep(fsPath: string, kept: KeptText): void {
    this.kept.set(fsPath, kept);
    this.keptCharacters += kept.text.text.length;
    for (const [oldest] of this.kept) {
      if (this.keptCharacters <= KEPT_CHARACTERS) break;
      this.forget(oldest);
    }
  }

  private forget(fsPath: string): void {
    const kept = this.kept.get(fsPath);
    if (kept === undefined) return;
    this.kept.delete(fsPath);
    this.keptCharacters -= kept.text.text.length;
  }
}

interface KeptText {
  readonly size: number;
  readonly mtimeMs: number;
  readonly tokenizer: TokenizerName;
  readonly text: LocatableText;
}

function locatable(tokenizer: TokenizerName, learnable: LearnableText): LocatableText | undefined {
  return 'text' in learnable ? new LocatableText(tokenizer, learnable.text) : undefined;
}
