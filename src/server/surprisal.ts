// The surprisal lens on the server: an open document scored line by line against the workspace model
// without the document's own counts. That model is a copy of the shared tables with the document's
// sentences removed from it once (exact: removal restores every table), built and scored in short
// slices that let requests in; the shared model is never changed, so predictions elsewhere never see
// anything else and never wait for more than a slice. Lines are sentences, so a line's scores depend
// only on its text and that model (with the longest-match estimator, which reads across lines, on
// the tokens before it too): they are kept by line and reused after an edit of the document (which
// leaves the model without it as it was) until anything else in the model changes. A request may
// ask for some lines only (what the editor shows): they are scored first and answered at once.

import { splitLines, unchangedEnds } from '../core/lines';
import { answeringNgram } from '../core/evidence';
import { LongestMatchModel, type LongestMatchReader } from '../core/longestMatch';
import type { MixtureModel, WorkspaceAnswering } from '../core/mixture';
import type { EncodedSentences, NgramModel } from '../core/model';
import { contextsBeforeLines, scoreLineAfter, scoreLineMixed, scoreLines, type LineSurprisal } from '../core/surprisal';
import { tokenizeLine } from '../core/tokenizer';
import { BOS_TOKEN, EOS } from '../core/vocabulary';
import { SURPRISAL_SPAN_FIELDS, type SurprisalParams, type SurprisalResult, type SurprisalTokenResult } from '../protocol/lsp';
import type { WorkspaceModel } from './workspaceModel';

/** Scoring time per slice before the lens lets requests in. */
const SLICE_MS = 2;
/** Tokens of the document taken out of the copy per slice (whole sentences; about a millisecond's work). */
const REMOVAL_TOKENS = 2048;
/**
 * Documents whose model-without-them is kept: each is a copy of the tables, so a lens on a third
 * document drops the least recent one's (scored again, if shown again).
 */
const KEPT_DOCUMENTS = 2;
/** Changed tokens of the token index (besides the document's own) above which it is merged before a lens reads across lines. */
const MERGE_BEFORE_READING = 16_384;
/**
 * Or groups of documents sorted since the merge: a whole file read across lines searches each of
 * them at nearly every token (a match as long as the context is searched afresh at each).
 */
const SEARCHED_BEFORE_READING = 8;
const ALTERNATIVES = 5;
/** How long a dropped copy is kept for the next one to be written into: then its memory goes back. */
const SPARE_KEPT_MS = 30_000;
const LOG2_10 = Math.log2(10);

export interface LensDocument {
  readonly uri: string;
  /** The file the document is learned as, if any. */
  readonly fsPath: string | undefined;
  /** The version of the text `getText` returns now. */
  readonly version: number;
  getText(): string;
}

export interface SurprisalHost {
  workspace(): WorkspaceModel;
  /** Merges the workspace's token index (in the background); resolves when the merged index answers. */
  mergeIndex(): Promise<void>;
  /** Resolves once no request is being answered (slices wait for it, as learning does). */
  whenRequestsAnswered(): Promise<void>;
  /** The mixture of the team's base model with `workspace`, when one is loaded and mixed. */
  mixture(workspace: WorkspaceAnswering): MixtureModel | undefined;
  /** Changes whenever the mixture would (a base model loaded or unloaded, its weight changed). */
  mixtureKey(): string;
}

/** The model a document is scored on and the scores of its line texts, valid for one state of the workspace model. */
interface LineCache {
  readonly workspace: WorkspaceModel;
  /** The shared model in the state this cache follows: this model, at `version`. */
  readonly model: NgramModel;
  version: number;
  /**
   * Once the model without the document is taken (a copy), the workspace's `versionWithout` the
   * document then: the document's own changes (an edit, a re-read of its file) leave that copy valid.
   */
  leftOutVersion: { readonly fsPath: string; readonly version: number } | undefined;
  /** The shared model without the document (a copy), or the shared model when the document is not counted; undefined until built. */
  scoring: NgramModel | undefined;
  /** With the longest-match estimator: it over `scoring` and the workspace's index, without the document. */
  longestMatch: LongestMatchModel | undefined;
  /** Whether `scoring` leaves the document's counts out. */
  ownCountsLeftOut: boolean;
  /** The document's lines as last read, at `textsVersion`: `scored` is by line of this text. */
  texts: readonly string[];
  textsVersion: number | undefined;
  /** Per line of `texts`, its scores once scored (kept while the line and the context it is read with are unchanged). */
  scored: (LineSurprisal | undefined)[];
  /** Scores by line text when lines are read as sentences (equal lines score alike). */
  readonly byText: Map<string, LineSurprisal>;
  /** Line words by line text (the longest-match reading walks back over earlier lines' words for each line). */
  readonly words: Map<string, readonly string[]>;
  /** Set when the cache is dropped: its copy may then be written over (`SurprisalLens.spare`), so nothing reads it again. */
  retired: boolean;
  /** The base model and weight the scores were mixed with (`SurprisalHost.mixtureKey`). */
  readonly mixtureKey: string;
}

/** A token explained: the model and context it was scored with. */
export interface LensToken {
  readonly model: NgramModel;
  readonly longestMatch: LongestMatchModel | undefined;
  readonly context: readonly string[];
  readonly word: string;
  /** The document the model leaves out (its path), if it does. */
  readonly leftOut: string | undefined;
  /** The mixture the lens scored with, when a base model is mixed in. */
  readonly mixture: MixtureModel | undefined;
}

export class SurprisalLens {
  /** By document URI, least recently used first. */
  private readonly caches = new Map<string, LineCache>();
  /**
   * A retired cache's model without its document, nothing reading it any more: the next copy is
   * written into its memory (fresh memory costs several times more to fill, on first touch). Kept
   * SPARE_KEPT_MS: a lens turned off gives its memory back then.
   */
  private spare: NgramModel | undefined;
  private spareTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: SurprisalHost) {}

  /**
   * Scores `document`'s lines from `lines.start` to `lines.end` (all of them when not given) that are
   * not scored already, in slices, and answers with those lines; null when the document was closed or
   * the request cancelled meanwhile.
   */
  async score(document: LensDocument, stopped: () => boolean, options: Omit<SurprisalParams, 'textDocument'> = {}): Promise<SurprisalResult | null> {
    // A prediction sent with the edit that asked for this is answered first: reading the document
    // (its lines and their contexts) is milliseconds of work that nothing else can interrupt.
    await this.yieldToRequests();
    if (stopped()) return null;
    for (;;) {
      const cache = this.cacheFor(document.uri);
      if (cache.scoring === undefined) {
        const steps = this.leaveOut(cache, document.fsPath);
        while (!steps.next().done) {
          await this.yieldToRequests();
          if (stopped()) return null;
          if (!this.isCurrent(cache)) break;
        }
      }
      if (cache.scoring === undefined) continue;
      // Reading the whole document across lines asks the index once per token: merge the changes it
      // would otherwise read by a linear pass, or search one by one, for each of them (the merge runs
      // on another thread). A merge under way ends first, without what changed since it began: then
      // once more.
      const index = cache.longestMatch === undefined ? undefined : cache.workspace.index;
      const leftOut = cache.longestMatch?.leftOut;
      for (let merges = 0; merges < 2 && index !== undefined && (index.scannedTokens(leftOut) > MERGE_BEFORE_READING || index.searchedGroups(leftOut) > SEARCHED_BEFORE_READING); merges++) {
        await this.host.mergeIndex();
        if (stopped()) return null;
      }
      const version = document.version;
      const texts = this.read(cache, document);
      const start = Math.min(Math.max(0, options.lines?.start ?? 0), texts.length);
      const end = Math.min(Math.max(start, options.lines?.end ?? texts.length), texts.length);
      const score = this.lineScorer(cache, texts);
      let sliceStart = performance.now();
      let line = start;
      for (; line < end; line++) {
        if (cache.scored[line] !== undefined) continue;
        cache.scored[line] = score(line);
        if (performance.now() - sliceStart < SLICE_MS) continue;
        await this.yieldToRequests();
        if (stopped()) return null;
        // Anything else learned meanwhile changes every score, and another request may have read a newer text: start again.
        if (!this.isCurrent(cache) || cache.texts !== texts) break;
        sliceStart = performance.now();
      }
      if (line < end) continue;
      if (start === 0 && end === texts.length) this.forgetOtherLines(cache, texts);
      return this.result(cache, start, end, version, { withSpans: options.withoutSpans !== true, withProbabilities: options.withProbabilities === true });
    }
  }

  /** The token at `line`:`character` explained, or null when the position is on no word. */
  token(document: LensDocument, line: number, character: number): SurprisalTokenResult | null {
    const found = this.scoredTokenAt(document, line, character);
    if (found === null) return null;
    const { token, cache, explained } = found;
    const { model, longestMatch, context, word } = explained;
    const answer = longestMatch?.answer(context);
    const answering = answeringNgram(longestMatch ?? model, context, word);
    const { mixture } = explained;
    const mixed = mixture?.score(context, word);
    const alternatives =
      mixture !== undefined
        ? mixture.candidates(context, ALTERNATIVES)
        : longestMatch === undefined
          ? model.candidates(context, ALTERNATIVES)
          : longestMatch.rank(context, ALTERNATIVES).candidates;
    const own = longestMatch === undefined || answer === undefined ? model.score(context, word).probability : longestMatch.scoreWith(answer, word).probability;
    return {
      version: document.version,
      ...(mixture === undefined || mixed === undefined ? {} : { mixture: { ...mixture.answer, parts: { base: mixed.base, workspace: mixed.workspace } } }),
      word,
      start: token.start,
      end: token.end,
      context: longestMatch === undefined || answer === undefined ? model.usedContext(context) : longestMatch.usedContext(answer),
      probability: mixed?.probability ?? own,
      rank: token.rank,
      inVocabulary: token.inVocabulary,
      isProbability: model.estimator.name !== 'stupid-backoff',
      ownCountsLeftOut: cache.ownCountsLeftOut,
      count: answering.count,
      contextCount: answering.contextCount,
      order: answering.ngram.length,
      alternatives: alternatives.map(({ word: alternative, probability: p, count, contextCount, order }) => ({ word: alternative, probability: p, count, contextCount, order })),
    };
  }

  /**
   * The word at `line`:`character` with the model and the context the lens scores it with (the
   * evidence for a hover's "Show where…" is searched so), or null off a word.
   */
  tokenAt(document: LensDocument, line: number, character: number): LensToken | null {
    return this.scoredTokenAt(document, line, character)?.explained ?? null;
  }

  private scoredTokenAt(document: LensDocument, line: number, character: number): { token: LineSurprisal[number]; cache: LineCache; explained: LensToken } | null {
    const cache = this.cacheFor(document.uri);
    // Asked before the lens was shown: the model without the document is built at once.
    if (cache.scoring === undefined) for (const steps = this.leaveOut(cache, document.fsPath); !steps.next().done; );
    const model = cache.scoring as NgramModel;
    const texts = this.read(cache, document);
    const text = texts[line];
    if (text === undefined) return null;
    const scored = (cache.scored[line] ??= this.lineScorer(cache, texts)(line));
    // The last token is the line's `</s>`, which has no characters to point at.
    const index = scored.findIndex((token, i) => i < scored.length - 1 && token.start <= character && character < token.end);
    if (index < 0) return null;
    const words = this.wordsOf(cache, text);
    const context = [...this.contextBefore(cache, texts, line), ...words.slice(0, index)];
    const leftOut = cache.ownCountsLeftOut ? document.fsPath : undefined;
    return {
      token: scored[index],
      cache,
      explained: { model, longestMatch: cache.longestMatch, context, word: words[index], leftOut, mixture: this.host.mixture(cache.longestMatch ?? model) },
    };
  }

  /** The tokens before a line that its tokens' contexts start with: `<s>` for lines read as sentences. */
  private contextBefore(cache: LineCache, texts: readonly string[], line: number): readonly string[] {
    const { longestMatch } = cache;
    if (longestMatch === undefined) return [BOS_TOKEN];
    return contextsBeforeLines(cache.model.tokenizer, texts, longestMatch.options.maxContext, (text) => this.wordsOf(cache, text), line, line + 1)[0];
  }

  /** Scores a line of `texts`: as a sentence on the n-gram model, or across lines on the longest-match estimator. */
  private lineScorer(cache: LineCache, texts: readonly string[]): (line: number) => LineSurprisal {
    const model = cache.scoring as NgramModel;
    const { longestMatch } = cache;
    const mixture = this.host.mixture(longestMatch ?? model);
    if (longestMatch === undefined) {
      return (line) => {
        const text = texts[line];
        let scored = cache.byText.get(text);
        if (scored === undefined) {
          scored = mixture === undefined ? scoreLines(model, [text])[0] : scoreLineMixed(mixture, text, [BOS_TOKEN]);
          cache.byText.set(text, scored);
        }
        return scored;
      };
    }
    // The reader that scored a line has read on to the next line's context: lines scored in order share one.
    let next: { line: number; reader: LongestMatchReader } | undefined;
    return (line) => {
      const before = this.contextBefore(cache, texts, line);
      if (mixture !== undefined) return scoreLineMixed(mixture, texts[line], before);
      const reader = next?.line === line ? next.reader : longestMatch.reader(before);
      next = { line: line + 1, reader };
      return scoreLineAfter(longestMatch, texts[line], before, reader);
    };
  }

  /** The document's lines, `cache.scored` made to follow them (split again only when the document's version changed). */
  private read(cache: LineCache, document: LensDocument): readonly string[] {
    if (cache.textsVersion !== document.version) {
      const version = document.version;
      this.align(cache, splitLines(document.getText()));
      cache.textsVersion = version;
    }
    return cache.texts;
  }

  /**
   * Makes `cache.scored` follow the document's new lines: an edit's unchanged lines keep their scores,
   * except (when reading across lines) those after it whose context reaches back into it.
   */
  private align(cache: LineCache, texts: readonly string[]): void {
    const previous = cache.texts;
    const { head, tail } = unchangedEnds(previous, texts);
    if (head === previous.length && head === texts.length) return;
    const scored = [...cache.scored.slice(0, head), ...new Array<undefined>(texts.length - head - tail), ...cache.scored.slice(previous.length - tail)];
    const maxContext = cache.longestMatch?.options.maxContext ?? 0;
    for (let line = texts.length - tail, behind = 0; line < texts.length && behind < maxContext; line++) {
      scored[line] = undefined;
      const words = this.wordsOf(cache, texts[line]).length;
      if (words > 0) behind += words + 1;
    }
    cache.texts = texts;
    cache.scored = scored;
  }

  /** After the whole document is scored: forget scores and words of lines it no longer has, once they are as many as its lines. */
  private forgetOtherLines(cache: LineCache, texts: readonly string[]): void {
    if (Math.max(cache.byText.size, cache.words.size) < 2 * texts.length) return;
    const present = new Set(texts);
    for (const text of cache.byText.keys()) if (!present.has(text)) cache.byText.delete(text);
    for (const text of cache.words.keys()) if (!present.has(text)) cache.words.delete(text);
  }

  /**
   * The server applied an edit of this document to the model: the model without the document is
   * unchanged, so its line scores stay valid if they were before the edit.
   */
  documentEdited(uri: string, versionBefore: number, versionAfter: number): void {
    const cache = this.caches.get(uri);
    if (cache !== undefined && cache.version === versionBefore) cache.version = versionAfter;
  }

  closed(uri: string): void {
    const cache = this.caches.get(uri);
    this.caches.delete(uri);
    if (cache !== undefined) this.retire(cache);
  }

  /**
   * Drops a cache for good: a request still scoring with it stops at its next turn (`isCurrent`),
   * and its model without the document becomes the spare the next copy is written into.
   */
  private retire(cache: LineCache): void {
    cache.retired = true;
    if (!cache.ownCountsLeftOut || cache.scoring === undefined) return;
    this.spare = cache.scoring;
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(() => (this.spare = undefined), SPARE_KEPT_MS);
    this.spareTimer.unref();
  }

  private wordsOf(cache: LineCache, text: string): readonly string[] {
    let words = cache.words.get(text);
    if (words === undefined) cache.words.set(text, (words = tokenizeLine(cache.model.tokenizer, text)));
    return words;
  }

  private cacheFor(uri: string): LineCache {
    const cached = this.caches.get(uri);
    this.caches.delete(uri);
    if (cached !== undefined && this.isCurrent(cached)) {
      this.caches.set(uri, cached);
      return cached;
    }
    const workspace = this.host.workspace();
    const fresh: LineCache = {
      workspace,
      model: workspace.model,
      version: workspace.version,
      leftOutVersion: undefined,
      scoring: undefined,
      longestMatch: undefined,
      ownCountsLeftOut: false,
      texts: [],
      textsVersion: undefined,
      scored: [],
      byText: new Map(),
      words: new Map(),
      retired: false,
      mixtureKey: this.host.mixtureKey(),
    };
    if (cached !== undefined) this.retire(cached);
    this.caches.set(uri, fresh);
    for (const [stale, dropped] of this.caches) {
      if (this.caches.size <= KEPT_DOCUMENTS) break;
      this.caches.delete(stale);
      this.retire(dropped);
    }
    return fresh;
  }

  /** Whether the workspace model is still in the state `cache` follows (edits of its own document aside). */
  private isCurrent(cache: LineCache): boolean {
    const workspace = this.host.workspace();
    const { leftOutVersion } = cache;
    const version = leftOutVersion === undefined ? cache.version === workspace.version : leftOutVersion.version === workspace.versionWithout(leftOutVersion.fsPath);
    return !cache.retired && cache.workspace === workspace && cache.model === workspace.model && version && cache.mixtureKey === this.host.mixtureKey();
  }

  /**
   * Builds `cache.scoring`, one step per slice: a copy of the shared tables with the document's
   * sentences as they were then (the model unchanged until the copy is done), then the document's
   * sentences removed from the copy a few thousand tokens at a time.
   */
  private *leaveOut(cache: LineCache, fsPath: string | undefined): Generator<void, void> {
    const entry = fsPath === undefined ? undefined : cache.workspace.get(fsPath);
    const readsAcrossLines = cache.model.estimator.name === 'longest-match';
    if (entry?.counted !== true) {
      cache.scoring = cache.model;
      // A document not counted (yet) may still be indexed: its positions are left out all the same.
      cache.longestMatch = readsAcrossLines ? new LongestMatchModel(cache.model, cache.workspace.index, undefined, fsPath) : undefined;
      cache.ownCountsLeftOut = false;
      return;
    }
    const encoded: EncodedSentences = entry.encoded;
    // Tens of megabytes: copied a piece per step, as long as the shared model stays as it was (the caller checks).
    const spare = this.spare;
    this.spare = undefined;
    clearTimeout(this.spareTimer);
    const copy = yield* cache.model.copyInSteps(spare);
    cache.leftOutVersion = { fsPath: entry.fsPath, version: cache.workspace.versionWithout(entry.fsPath) };
    for (let from = 0; from < encoded.length; ) {
      yield;
      // Whole sentences: up to the first `</s>` after REMOVAL_TOKENS more tokens.
      let to = Math.min(encoded.length, from + REMOVAL_TOKENS) - 1;
      while (encoded[to] !== EOS) to++;
      copy.removeSentences(encoded.subarray(from, to + 1));
      from = to + 1;
    }
    cache.scoring = copy;
    // The index keys documents by path; the document's positions in it are left out as its counts are.
    cache.longestMatch = readsAcrossLines ? new LongestMatchModel(copy, cache.workspace.index, undefined, entry.fsPath) : undefined;
    cache.ownCountsLeftOut = true;
  }

  /** Two turns of the event loop (a request read meanwhile is dispatched first), then any request's answer. */
  private async yieldToRequests(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await this.host.whenRequestsAnswered();
  }

  private result(cache: LineCache, start: number, end: number, version: number, { withSpans, withProbabilities }: { withSpans: boolean; withProbabilities: boolean }): SurprisalResult {
    let words = 0;
    if (withSpans) for (let line = start; line < end; line++) words += Math.max(0, (cache.scored[line]?.length ?? 0) - 1);
    // Filled in place: a whole file's spans are a hundred thousand numbers.
    const spans = new Array<number>(words * SURPRISAL_SPAN_FIELDS);
    const log10Probs = new Array<number | null>(withProbabilities ? words : 0);
    const lineBits: (number | null)[] = [];
    let tokens = 0;
    let oov = 0;
    let log10ProbTotal = 0;
    let word = 0;
    for (let line = start; line < end; line++) {
      const scored = cache.scored[line] ?? [];
      let lineTotal = 0;
      for (let index = 0; index < scored.length; index++) {
        const token = scored[index];
        if (!token.inVocabulary) oov++;
        lineTotal += token.log10Prob;
        if (index === scored.length - 1 || !withSpans) continue; // `</s>`: counted, not shown
        const at = word * SURPRISAL_SPAN_FIELDS;
        spans[at] = line;
        spans[at + 1] = token.start;
        spans[at + 2] = token.end;
        spans[at + 3] = token.rank;
        if (withProbabilities) log10Probs[word] = Number.isFinite(token.log10Prob) ? token.log10Prob : null;
        word++;
      }
      tokens += scored.length;
      log10ProbTotal += lineTotal;
      lineBits.push(scored.length > 0 && Number.isFinite(lineTotal) ? (-lineTotal * LOG2_10) / scored.length : null);
    }
    const finite = tokens > 0 && Number.isFinite(log10ProbTotal);
    const model = cache.scoring as NgramModel;
    const mixture = this.host.mixture(cache.longestMatch ?? model);
    return {
      version,
      lines: { start, end },
      ...(mixture === undefined ? {} : { mixture: mixture.answer }),
      ownCountsLeftOut: cache.ownCountsLeftOut,
      isProbability: model.estimator.name !== 'stupid-backoff',
      order: model.order,
      estimator: model.estimator.name,
      tokens,
      oov,
      log10ProbTotal,
      bitsPerToken: finite ? (-log10ProbTotal * LOG2_10) / tokens : null,
      perplexity: finite ? 10 ** (-log10ProbTotal / tokens) : null,
      spans,
      ...(withProbabilities && withSpans ? { log10Probs } : {}),
      lineBits,
    };
  }
}
