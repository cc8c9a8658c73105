// The surprisal lens on the server: an open document scored line by line against the workspace model
// without the document's own counts. That model is a copy of the shared tables with the document's
// sentences removed from it once (exact: removal restores every table), built and scored in short
// slices that let requests in; the shared model is never changed, so predictions elsewhere never see
// anything else and never wait for more than a slice. Lines are sentences, so a line's scores depend
// only on its text and that model: they are kept per line text and reused after an edit of the
// document (which leaves the model without it as it was) until anything else in the model changes.

import type { EncodedSentences, NgramModel } from '../core/model';
import { scoreLines, type LineSurprisal } from '../core/surprisal';
import { tokenizeLine } from '../core/tokenizer';
import { BOS_TOKEN, EOS, isReservedToken } from '../core/vocabulary';
import type { SurprisalResult, SurprisalTokenResult } from '../protocol/lsp';
import { splitLines, type WorkspaceModel } from './workspaceModel';

/** Scoring time per slice before the lens lets requests in. */
const SLICE_MS = 4;
/** Tokens of the document taken out of the copy per slice (whole sentences; about a millisecond's work). */
const REMOVAL_TOKENS = 2048;
/**
 * Documents whose model-without-them is kept: each is a copy of the tables, so a lens on a third
 * document drops the least recent one's (scored again, if shown again).
 */
const KEPT_DOCUMENTS = 2;
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
  /** Resolves once no request is being answered (slices wait for it, as learning does). */
  whenRequestsAnswered(): Promise<void>;
}

/** The model a document is scored on and the scores of its line texts, valid for one state of the workspace model. */
interface LineCache {
  readonly workspace: WorkspaceModel;
  /** The shared model in the state this cache follows: this model, at `version`. */
  readonly model: NgramModel;
  version: number;
  /** The shared model without the document (a copy), or the shared model when the document is not counted; undefined until built. */
  scoring: NgramModel | undefined;
  /** Whether `scoring` leaves the document's counts out. */
  ownCountsLeftOut: boolean;
  readonly lines: Map<string, LineSurprisal>;
}

export class SurprisalLens {
  /** By document URI, least recently used first. */
  private readonly caches = new Map<string, LineCache>();

  constructor(private readonly host: SurprisalHost) {}

  /** Scores `document` (the lines not already scored, in slices); null when the document was closed meanwhile. */
  async score(document: LensDocument, isOpen: () => boolean): Promise<SurprisalResult | null> {
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
      const scoring = cache.scoring;
      if (scoring === undefined) continue;
      const texts = splitLines(document.getText());
      const version = document.version;
      const missing = [...new Set(texts)].filter((text) => !cache.lines.has(text));
      let next = 0;
      while (next < missing.length) {
        const start = performance.now();
        do {
          cache.lines.set(missing[next], scoreLines(scoring, [missing[next]])[0]);
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
      const present = new Set(texts);
      for (const text of cache.lines.keys()) if (!present.has(text)) cache.lines.delete(text);
      return this.result(cache, texts, version);
    }
  }

  /** The token at `line`:`character` explained, or null when the position is on no word. */
  token(document: LensDocument, line: number, character: number): SurprisalTokenResult | null {
    const text = splitLines(document.getText())[line];
    if (text === undefined) return null;
    const cache = this.cacheFor(document.uri);
    // A hover before the lens was shown: the model without the document is built at once.
    if (cache.scoring === undefined) for (const steps = this.leaveOut(cache, document.fsPath); !steps.next().done; );
    const model = cache.scoring as NgramModel;
    const scored = cache.lines.get(text) ?? scoreLines(model, [text])[0];
    // The last token is the line's `</s>`, which has no characters to point at.
    const index = scored.findIndex((token, i) => i < scored.length - 1 && token.start <= character && character < token.end);
    if (index < 0) return null;
    const words = tokenizeLine(model.tokenizer, text).filter((word) => !isReservedToken(word));
    const word = words[index];
    const context = [BOS_TOKEN, ...words.slice(0, index)];
    const { probability } = model.score(context, word);
    const token = scored[index];
    return {
      version: document.version,
      word,
      start: token.start,
      end: token.end,
      context: model.usedContext(context),
      probability,
      rank: token.rank,
      inVocabulary: token.inVocabulary,
      isProbability: model.estimator.name !== 'stupid-backoff',
      ownCountsLeftOut: cache.ownCountsLeftOut,
      ...model.answering(context, word),
      alternatives: model.candidates(context, ALTERNATIVES).map(({ word: alternative, probability: p, count, contextCount, order }) => ({ word: alternative, probability: p, count, contextCount, order })),
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

  private cacheFor(uri: string): LineCache {
    const cached = this.caches.get(uri);
    this.caches.delete(uri);
    if (cached !== undefined && this.isCurrent(cached)) {
      this.caches.set(uri, cached);
      return cached;
    }
    const workspace = this.host.workspace();
    const fresh: LineCache = { workspace, model: workspace.model, version: workspace.version, scoring: undefined, ownCountsLeftOut: false, lines: new Map() };
    this.caches.set(uri, fresh);
    for (const stale of this.caches.keys()) if (this.caches.size > KEPT_DOCUMENTS) this.caches.delete(stale);
    return fresh;
  }

  /** Whether the workspace model is still in the state `cache` follows (edits of its own document aside). */
  private isCurrent(cache: LineCache): boolean {
    const workspace = this.host.workspace();
    return cache.workspace === workspace && cache.model === workspace.model && cache.version === workspace.version;
  }

  /**
   * Builds `cache.scoring`, one step per slice: a copy of the shared tables (taken together with the
   * document's sentences, in one turn), then the document's sentences removed from the copy a few
   * thousand tokens at a time.
   */
  private *leaveOut(cache: LineCache, fsPath: string | undefined): Generator<void, void> {
    const entry = fsPath === undefined ? undefined : cache.workspace.get(fsPath);
    if (entry?.counted !== true) {
      cache.scoring = cache.model;
      cache.ownCountsLeftOut = false;
      return;
    }
    const copy = cache.model.copy();
    const encoded: EncodedSentences = entry.encoded;
    for (let from = 0; from < encoded.length; ) {
      yield;
      // Whole sentences: up to the first `</s>` after REMOVAL_TOKENS more tokens.
      let to = Math.min(encoded.length, from + REMOVAL_TOKENS) - 1;
      while (encoded[to] !== EOS) to++;
      copy.removeSentences(encoded.subarray(from, to + 1));
      from = to + 1;
    }
    cache.scoring = copy;
    cache.ownCountsLeftOut = true;
  }

  /** Two turns of the event loop (a request read meanwhile is dispatched first), then any request's answer. */
  private async yieldToRequests(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await this.host.whenRequestsAnswered();
  }

  private result(cache: LineCache, texts: readonly string[], version: number): SurprisalResult {
    const spans: number[] = [];
    const log10Probs: (number | null)[] = [];
    const lineBits: (number | null)[] = [];
    let tokens = 0;
    let oov = 0;
    let log10ProbTotal = 0;
    texts.forEach((text, line) => {
      const scored = cache.lines.get(text) ?? [];
      let lineTotal = 0;
      scored.forEach((token, index) => {
        tokens++;
        if (!token.inVocabulary) oov++;
        lineTotal += token.log10Prob;
        if (index === scored.length - 1) return; // `</s>`: counted, not shown
        spans.push(line, token.start, token.end, token.rank, token.ngramLength, token.inVocabulary ? 1 : 0);
        log10Probs.push(Number.isFinite(token.log10Prob) ? token.log10Prob : null);
      });
      log10ProbTotal += lineTotal;
      lineBits.push(scored.length > 0 && Number.isFinite(lineTotal) ? (-lineTotal * LOG2_10) / scored.length : null);
    });
    const finite = tokens > 0 && Number.isFinite(log10ProbTotal);
    const model = cache.scoring as NgramModel;
    return {
      version,
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
      log10Probs,
      lineBits,
    };
  }
}
