// Evidence for a prediction: the places in the learned text where the answering context was followed
// by the word. The documents' token ids say where (document, token offset); the document's text,
// tokenized again exactly as it was learned, says at which line and column, and each listed place is
// checked against the ids it was found by, so nothing is shown that the model did not learn there.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LongestMatchModel } from '../core/longestMatch';
import { encodeSentences, type NgramModel } from '../core/model';
import { normalizeForTokenizer } from '../core/tokenizer';
import { BOS, BOS_TOKEN, EOS, EOS_TOKEN, UNK } from '../core/vocabulary';
import { learnableBytes, learnableText, type LearnableText } from '../files/fileFilter';
import type { EvidenceOccurrence } from '../protocol/lsp';
import { folderOf, type Folder } from './paths';
import type { DocumentEntry } from './workspaceModel';

/**
 * What to look for: token ids in a row, optionally only at a line start (an n-gram context that began
 * with `<s>`), only at the document's start (a longest match that reached it) or only right after a
 * line break (a longest match that began with `</s>`: a line start that is not the document's).
 */
export interface EvidencePattern {
  readonly ids: Int32Array;
  readonly atLineStart: boolean;
  readonly atDocumentStart?: boolean;
  readonly afterLineBreak?: boolean;
}

export interface Hit {
  readonly entry: DocumentEntry;
  /** The document's ids when it was searched (an edit replaces `entry.encoded`). */
  readonly encoded: Int32Array;
  /** Offset of the pattern's first id in `encoded`. */
  readonly offset: number;
}

export interface Found {
  /** Every occurrence in the learned documents. */
  readonly total: number;
  /** The first `limit` of them, in document order. */
  readonly hits: readonly Hit[];
}

interface AnsweringPattern {
  readonly context: string[];
  readonly count: number;
  readonly contextCount: number;
  /** Null when the model never saw the word: nothing to find. */
  readonly pattern: EvidencePattern | null;
  /** Whether the index's match answered (else the n-gram model's n-gram). */
  readonly fromIndex: boolean;
}

/**
 * The context that answered for `word` after `context`, with its counts, and the id pattern of
 * context·word. With the longest-match estimator that is the index's match when it answered the word
 * (`context` then runs across lines), otherwise the n-gram model's answering n-gram within the line.
 */
export function evidencePattern(model: NgramModel, context: readonly string[], word: string, longestMatch?: LongestMatchModel): AnsweringPattern {
  if (longestMatch === undefined) return ngramPattern(model, context, word);
  const answer = longestMatch.answer(context);
  const wordId = word === EOS_TOKEN ? EOS : model.vocabulary.idOf(word);
  const at = answer.lambda > 0 && wordId !== UNK ? answer.match.words.indexOf(wordId) : -1;
  if (at < 0) return ngramPattern(model, answer.lineContext, word);
  const matched = answer.contextIds.subarray(answer.contextIds.length - answer.match.length);
  // A leading `<s>` or `</s>` is where the place starts, not a word of it: the place begins after it.
  const atDocumentStart = matched[0] === BOS;
  const afterLineBreak = matched[0] === EOS;
  return {
    context: Array.from(matched, (id) => model.vocabulary.word(id)),
    count: answer.match.counts[at],
    contextCount: answer.match.count,
    fromIndex: true,
    pattern: { ids: Int32Array.from([...(atDocumentStart || afterLineBreak ? matched.subarray(1) : matched), wordId]), atLineStart: false, atDocumentStart, afterLineBreak },
  };
}

function ngramPattern(model: NgramModel, context: readonly string[], word: string): AnsweringPattern {
  const answer = model.answering(context, word);
  const used = model.usedContext(context);
  const answeringContext = used.slice(used.length - (answer.order - 1));
  const wordId = word === EOS_TOKEN ? EOS : model.vocabulary.idOf(word);
  // `<s>` is never a next word (probability 0): its count as a unigram (the line starts) answers nothing.
  if (answer.count === 0 || wordId === UNK || wordId === BOS) return { context: answeringContext, ...answer, count: 0, pattern: null, fromIndex: false };
  const atLineStart = answeringContext[0] === BOS_TOKEN;
  const words = atLineStart ? answeringContext.slice(1) : answeringContext;
  const ids = Int32Array.from([...words.map((token) => (token === EOS_TOKEN ? EOS : model.vocabulary.idOf(token))), wordId]);
  return { context: answeringContext, ...answer, pattern: { ids, atLineStart }, fromIndex: false };
}

/**
 * Every occurrence of the pattern in the counted documents, by a scan of their ids: O(tokens), a few
 * milliseconds for 3 M tokens.
 */
export function scanDocuments(entries: Iterable<DocumentEntry>, pattern: EvidencePattern, limit: number): Found {
  const { ids, atLineStart, atDocumentStart = false, afterLineBreak = false } = pattern;
  const first = ids[0];
  const hits: Hit[] = [];
  let total = 0;
  for (const entry of entries) {
    if (!entry.counted) continue;
    const encoded = entry.encoded;
    const last = atDocumentStart ? Math.min(0, encoded.length - ids.length) : encoded.length - ids.length;
    for (let i = 0; i <= last; i++) {
      if (encoded[i] !== first) continue;
      if (atLineStart && i > 0 && encoded[i - 1] !== EOS) continue;
      if (afterLineBreak && (i === 0 || encoded[i - 1] !== EOS)) continue;
      let j = 1;
      while (j < ids.length && encoded[i + j] === ids[j]) j++;
      if (j < ids.length) continue;
      total++;
      if (hits.length < limit) hits.push({ entry, encoded, offset: i });
    }
  }
  return { total, hits };
}

/** Where a document's text comes from: the open editor's text, or else the file. */
export type TextSource = (entry: DocumentEntry) => Promise<string | undefined>;

/**
 * Line, column and line text of each hit. A document whose text no longer gives the ids it was learned
 * with at a hit (its file changed and is not learned again yet) does not list that hit.
 */
export async function locate(
  model: NgramModel,
  hits: readonly Hit[],
  patternLength: number,
  folders: readonly Folder[],
  textOf: TextSource,
): Promise<EvidenceOccurrence[]> {
  const byDocument = new Map<DocumentEntry, Hit[]>();
  for (const hit of hits) {
    const inDocument = byDocument.get(hit.entry) ?? [];
    inDocument.push(hit);
    byDocument.set(hit.entry, inDocument);
  }
  const located = await Promise.all(
    [...byDocument].map(async ([entry, inDocument]) => {
      const text = await textOf(entry);
      return text === undefined ? [] : locateInText(model, entry, text, inDocument, relativeName(folders, entry.fsPath), patternLength);
    }),
  );
  return located.flat();
}

function locateInText(
  model: NgramModel,
  entry: DocumentEntry,
  text: string,
  hits: readonly Hit[],
  file: string,
  patternLength: number,
): EvidenceOccurrence[] {
  const vocabulary = model.vocabulary;
  // The text tokenized as it was learned; `places[i]` is where the i-th id's token starts in the text
  // as the tokenizer normalised it, and for a line break (EOS) where it stands: after the line's last token.
  const normalized = normalizeForTokenizer(model.tokenizer, text);
  const starts: number[] = [];
  const ends: number[] = [];
  const ids = encodeSentences(model.tokenizer, normalized, (tokenText, start, end) => {
    starts.push(start);
    ends.push(end);
    return vocabulary.idOfRange(tokenText, start, end);
  });
  const places = new Int32Array(ids.length);
  for (let i = 0, token = 0; i < ids.length; i++) places[i] = ids[i] === EOS ? ends[token - 1] : starts[token++];
  // Normalisation never moves a line break: lines are the same in both texts, columns may differ.
  const normalizedLines = lineStartsOf(normalized);
  const lines = normalized === text ? normalizedLines : lineStartsOf(text);
  const occurrences: EvidenceOccurrence[] = [];
  for (const { encoded, offset } of hits) {
    if (!sameIds(ids, encoded, offset, patternLength)) continue;
    const start = places[offset];
    const line = lineIndexOf(normalizedLines, start);
    const lineText = lineAt(text, lines, line);
    const normalizedColumn = start - normalizedLines[line];
    occurrences.push({
      uri: entry.uri,
      file,
      line: line + 1,
      column: (normalized === text ? normalizedColumn : originalColumn(model, lineText, normalizedColumn)) + 1,
      text: lineText,
    });
  }
  return occurrences;
}

function lineAt(text: string, lineStarts: readonly number[], line: number): string {
  const end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  return text.slice(lineStarts[line], end).replace(/\r?\n$|\r$/u, '');
}

/** The offset in `line` whose normalised prefix is `normalizedOffset` long (code point by code point). */
function originalColumn(model: NgramModel, line: string, normalizedOffset: number): number {
  let offset = 0;
  while (offset < line.length && normalizeForTokenizer(model.tokenizer, line.slice(0, offset)).length < normalizedOffset) {
    offset += line.codePointAt(offset)! > 0xffff ? 2 : 1;
  }
  return offset;
}

function sameIds(a: Int32Array, b: Int32Array, offset: number, length: number): boolean {
  if (offset + length > a.length || offset + length > b.length) return false;
  for (let i = offset; i < offset + length; i++) if (a[i] !== b[i] || a[i] === UNK) return false;
  return true;
}

/** Offsets where each line starts (`\r\n`, `\r` and `\n` end a line, as the tokenizer reads them). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    if (code === 0x0a || code === 0x0d) starts.push(i + 1);
  }
  return starts;
}

function lineIndexOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** `src/a.ts`, or `folder/src/a.ts` in a multi-root workspace (as VS Code's asRelativePath names it). */
export function relativeName(folders: readonly Folder[], fsPath: string): string {
  const folder = folderOf(folders, fsPath);
  if (folder === undefined) return fsPath.split(path.sep).join('/');
  const relative = path.relative(folder.fsPath, fsPath).split(path.sep).join('/');
  return folders.length > 1 ? `${path.basename(folder.fsPath)}/${relative}` : relative;
}

/**
 * The text a document was learned from, under the same rules: its editor's when open, else its file's;
 * secret lines blanked as the learner blanked them (a listed line is never one that was withheld).
 */
export function textSource(editorText: (fsPath: string) => string | undefined): TextSource {
  return async (entry) => {
    const open = entry.lines === undefined ? undefined : editorText(entry.fsPath);
    let learnable: LearnableText;
    try {
      learnable = open === undefined ? learnableBytes(await fs.readFile(entry.fsPath)) : learnableText(open);
    } catch {
      return undefined;
    }
    return 'text' in learnable ? learnable.text : undefined;
  };
}
