// The surprisal lens on the server: an open document scored line by line against the workspace model
// without the document's own counts. That model is a copy of the shared tables with the document's
// sentences removed from it once (exact: removal restores every table), built and scored in short
// slices that let requests in; the shared model is never changed, so predictions elsewhere never see
// anything else and never wait for more than a slice. Lines are sentences, so a line's scores depend
// only on its text and that model (with the longest-match estimator, which reads across lines, on
// the tokens before it too): they are kept by line and reused after an edit of the document (which
// leaves the model without it as it was) until anything else in the model changes.

import { splitLines } from '../core/lines';
import { answeringNgram } from '../core/evidence';
import { LongestMatchModel, type LongestMatchReader } from '../core/longestMatch';
import type { MixtureModel, WorkspaceAnswering } from '../core/mixture';
import type { EncodedSentences, NgramModel } from '../core/model';
import { contextsBeforeLines, scoreLineAfter, scoreLineMixed, scoreLines, type LineSurprisal } from '../core/surprisal';
import { tokenizeLine } from '../core/tokenizer';
import { BOS_TOKEN, EOS } from '../core/vocabulary';
import type { SurprisalResult, SurprisalTokenResult } from '../protocol/lsp';
import type { WorkspaceModel } from './workspaceModel';

/** Scoring time per slice before the lens lets requests in. */
const SLICE_MS = 4;
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
 * Or documents sorted on their own since the merge: a whole file read across lines searches each of
 * them at nearly every token (a match as long as the context is searched afresh at each).
 */
const SEARCHED_BEFORE_READING = 8;
const ALTERNATIVES = 5;
const LOG2_10 = Math.log2(10);

export interface LensDocument {
  readonly uri: string;
  /** The file the document is learned as, if any. */
  readonly fsPath: string | undefined;
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
  /** Line scores by `Reading.keys`. */
  readonly lines: Map<string, LineSurprisal>;
  /** Line words by line text (the longest-match reading walks every line's words for each request). */
  readonly words: Map<string, readonly string[]>;
  /** The base model and weight the scores were mixed with (`SurprisalHost.mixtureKey`). */
  readonly mixtureKey: string;
}

/** How the lines of one text are scored on a cache's model. */
interface Reading {
  /** Per line, what its scores depend on besides the model: lines with equal keys score alike. */
  readonly keys: readonly string[];
  score(line: number): LineSurprisal;
  /** The tokens before the line that its tokens' contexts start with. */
  before(line: number): readonly string[];
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

  constructor(private readonly host: SurprisalHost) {}

  /** Scores `document` (the lines not already scored, in slices); null when the document was closed meanwhile. */
  async score(document: LensDocument, isOpen: () => boolean, withProbabilities = false): Promise<SurprisalResult | null> {
    // A prediction sent with the edit that asked for this is answered first: reading the document
    // (its lines and their contexts) is milliseconds of work that nothing else can interrupt.
    await this.yieldToRequests();
    if (!isOpen()) return null;
    for (;;) {
      const cache = this.cacheFor(document.uri);
      if (cache.scoring === undefined) {
        const steps = this.leaveOut(cache, document.fsPath);
        while (!steps.next().done) {
          await this.yieldToRequests();
          if (!isOpen()) return null;
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
      for (let merges = 0; merges < 2 && index !== undefined && (index.scannedTokens(leftOut) > MERGE_BEFORE_READING || index.searchedDocuments(leftOut) > SEARCHED_BEFORE_READING); merges++) {
        await this.host.mergeIndex();
        if (!isOpen()) return null;
      }
      const texts = splitLines(document.getText());
      const version = document.version;
      const reading = this.reading(cache, texts);
      const { keys } = reading;
      const missing = [...new Map(keys.map((key, line) => [key, line])).values()].filter((line) => !cache.lines.has(keys[line]));
      let next = 0;
      while (next < missing.length) {
        const start = performance.now();
        do {
          cache.lines.set(keys[missing[next]], reading.score(missing[next]));
          next++;
        } while (next < missing.length && performance.now() - start < SLICE_MS);
        if (next < missing.length) {
          await this.yieldToRequests();
          if (!isOpen()) return null;
          // Anything else learned meanwhile changes every score: start again on the new model.
          if (!this.isCurrent(cache)) break;
        }
      }
      if (next < missing.length) continue;
      // Forget lines the document no longer has.
      const present = new Set(keys);
      for (const key of cache.lines.keys()) if (!present.has(key)) cache.lines.delete(key);
      const presentTexts = new Set(texts);
      for (const text of cache.words.keys()) if (!presentTexts.has(text)) cache.words.delete(text);
      return this.result(cache, keys, version, withProbabilities);
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
    const texts = splitLines(document.getText());
    const text = texts[line];
    if (text === undefined) return null;
    const cache = this.cacheFor(document.uri);
    // Asked before the lens was shown: the model without the document is built at once.
    if (cache.scoring === undefined) for (const steps = this.leaveOut(cache, document.fsPath); !steps.next().done; );
    const model = cache.scoring as NgramModel;
    const reading = this.reading(cache, texts);
    const scored = cache.lines.get(reading.keys[line]) ?? reading.score(line);
    // The last token is the line's `</s>`, which has no characters to point at.
    const index = scored.findIndex((token, i) => i < scored.length - 1 && token.start <= character && character < token.end);
    if (index < 0) return null;
    const words = this.wordsOf(cache, text);
    const context = [...reading.before(line), ...words.slice(0, index)];
    const leftOut = cache.ownCountsLeftOut ? document.fsPath : undefined;
    return {
      token: scored[index],
      cache,
      explained: { model, longestMatch: cache.longestMatch, context, word: words[index], leftOut, mixture: this.host.mixture(cache.longestMatch ?? model) },
    };
  }

  /** Lines as sentences on the n-gram model, or across lines on the longest-match estimator. */
  private reading(cache: LineCache, texts: readonly string[]): Reading {
    const model = cache.scoring as NgramModel;
    const longestMatch = cache.longestMatch;
    const mixture = this.host.mixture(longestMatch ?? model);
    if (longestMatch === undefined) {
      return {
        keys: texts,
        score: (line) => (mixture === undefined ? scoreLines(model, [texts[line]])[0] : scoreLineMixed(mixture, texts[line], [BOS_TOKEN])),
        before: () => [BOS_TOKEN],
      };
    }
    const before = contextsBeforeLines(model.tokenizer, texts, longestMatch.options.maxContext, (text) => this.wordsOf(cache, text));
    // The reader that scored a line has read on to the next line's `before`: lines scored in order share one.
    let next: { line: number; reader: LongestMatchReader } | undefined;
    return {
      // The context's tokens and the line's text, apart by characters no token holds (a line has no line break).
      keys: texts.map((text, line) => `${before[line].join('\n')}\r${text}`),
      score: (line) => {
        if (mixture !== undefined) return scoreLineMixed(mixture, texts[line], before[line]);
        const reader = next?.line === line ? next.reader : longestMatch.reader(before[line]);
        next = { line: line + 1, reader };
        return scoreLineAfter(longestMatch, texts[line], before[line], reader);
      },
      before: (line) => before[line],
    };
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
    this.caches.delete(uri);
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
      lines: new Map(),
      words: new Map(),
      mixtureKey: this.host.mixtureKey(),
    };
    this.caches.set(uri, fresh);
    for (const stale of this.caches.keys()) if (this.caches.size > KEPT_DOCUMENTS) this.caches.delete(stale);
    return fresh;
  }

  /** Whether the workspace model is still in the state `cache` follows (edits of its own document aside). */
  private isCurrent(cache: LineCache): boolean {
    const workspace = this.host.workspace();
    const { leftOutVersion } = cache;
    const version = leftOutVersion === undefined ? cache.version === workspace.version : leftOutVersion.version === workspace.versionWithout(leftOutVersion.fsPath);
    return cache.workspace === workspace && cache.model === workspace.model && version && cache.mixtureKey === this.host.mixtureKey();
  }

  /**
   * Builds `cache.scoring`, one step per slice: a copy of the shared tables (taken together with the
   * document's sentences, in one turn), then the document's sentences removed from the copy a few
   * thousand tokens at a time.
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
    const copy = cache.model.copy();
    const encoded: EncodedSentences = entry.encoded;
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

  private result(cache: LineCache, keys: readonly string[], version: number, withProbabilities: boolean): SurprisalResult {
    const spans: number[] = [];
    const log10Probs: (number | null)[] = [];
    const lineBits: (number | null)[] = [];
    let tokens = 0;
    let oov = 0;
    let log10ProbTotal = 0;
    for (let line = 0; line < keys.length; line++) {
      const scored = cache.lines.get(keys[line]) ?? [];
      let lineTotal = 0;
      for (let index = 0; index < scored.length; index++) {
        const token = scored[index];
        if (!token.inVocabulary) oov++;
        lineTotal += token.log10Prob;
        if (index === scored.length - 1) break; // `</s>`: counted, not shown
        spans.push(line, token.start, token.end, token.rank);
        if (withProbabilities) log10Probs.push(Number.isFinite(token.log10Prob) ? token.log10Prob : null);
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
      ...(withProbabilities ? { log10Probs } : {}),
      lineBits,
    };
  }
}
