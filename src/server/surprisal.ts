// The surprisal lens on the server: an open document scored line by line against the workspace model
// without the document's own counts (removed and added back exactly, within one turn of the event
// loop, so no other request ever sees the model without them), in slices that let requests in.
// Lines are sentences, so a line's scores depend only on its text and that model: they are kept per
// line text and reused after an edit until anything else in the model changes.

import type { NgramModel } from '../core/model';
import { scoreLines, type LineSurprisal } from '../core/surprisal';
import { tokenizeLine } from '../core/tokenizer';
import { BOS_TOKEN, isReservedToken } from '../core/vocabulary';
import type { SurprisalResult, SurprisalTokenResult } from '../protocol/lsp';
import { splitLines, type WorkspaceModel } from './workspaceModel';

/** Least scoring time per slice; removing and adding back the document's counts come on top. */
const SLICE_MS = 8;
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

/** Scores of line texts, valid for one model state: this workspace, this model, at this version. */
interface LineCache {
  /** Names this model state for the engine's rank caches (kept across the removals of the document). */
  readonly id: number;
  readonly workspace: WorkspaceModel;
  readonly model: NgramModel;
  version: number;
  readonly lines: Map<string, LineSurprisal>;
}

export class SurprisalLens {
  private readonly caches = new Map<string, LineCache>();
  private cacheIds = 0;

  constructor(private readonly host: SurprisalHost) {}

  /** Scores `document` (the lines not already scored, in slices); null when the document was closed meanwhile. */
  async score(document: LensDocument, isOpen: () => boolean): Promise<SurprisalResult | null> {
    for (;;) {
      const cache = this.cacheFor(document.uri);
      const texts = splitLines(document.getText());
      const version = document.version;
      const missing = [...new Set(texts)].filter((text) => !cache.lines.has(text));
      let next = 0;
      // Removing and adding back the document's counts is a slice's fixed cost: score for at least as long.
      let budget = SLICE_MS;
      while (next < missing.length) {
        const sliceStart = performance.now();
        let scoring = 0;
        this.withoutOwnCounts(document.fsPath, () => {
          const start = performance.now();
          do {
            cache.lines.set(missing[next], scoreLines(cache.model, [missing[next]], cache.id)[0]);
            next++;
          } while (next < missing.length && performance.now() - start < budget);
          scoring = performance.now() - start;
        });
        budget = Math.max(SLICE_MS, performance.now() - sliceStart - scoring);
        if (next < missing.length) {
          await this.yieldToRequests();
          if (!isOpen()) return null;
          // Anything else learned meanwhile changes every score: start again on the new model.
          if (this.cacheFor(document.uri) !== cache) break;
        }
      }
      if (next < missing.length) continue;
      // Forget lines the document no longer has.
      const present = new Set(texts);
      for (const text of cache.lines.keys()) if (!present.has(text)) cache.lines.delete(text);
      return this.result(cache, texts, version, document.fsPath);
    }
  }

  /** The token at `line`:`character` explained, or null when the position is on no word. */
  token(document: LensDocument, line: number, character: number): SurprisalTokenResult | null {
    const text = splitLines(document.getText())[line];
    if (text === undefined) return null;
    const cache = this.cacheFor(document.uri);
    const model = cache.model;
    return this.withoutOwnCounts(document.fsPath, () => {
      const scored = cache.lines.get(text) ?? scoreLines(model, [text], cache.id)[0];
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
        ownCountsLeftOut: this.isCounted(document.fsPath),
        ...model.answering(context, word),
        alternatives: model.candidates(context, ALTERNATIVES).map(({ word: alternative, probability: p, count, contextCount, order }) => ({ word: alternative, probability: p, count, contextCount, order })),
      };
    });
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
    const workspace = this.host.workspace();
    const cached = this.caches.get(uri);
    if (cached?.workspace === workspace && cached.model === workspace.model && cached.version === workspace.version) return cached;
    const fresh: LineCache = { id: ++this.cacheIds, workspace, model: workspace.model, version: workspace.version, lines: new Map() };
    this.caches.set(uri, fresh);
    return fresh;
  }

  private isCounted(fsPath: string | undefined): boolean {
    return fsPath !== undefined && this.host.workspace().get(fsPath)?.counted === true;
  }

  /** Runs `score` on the model minus the document's own counts, restoring them exactly before returning. */
  private withoutOwnCounts<T>(fsPath: string | undefined, score: () => T): T {
    const workspace = this.host.workspace();
    const entry = fsPath === undefined ? undefined : workspace.get(fsPath);
    if (entry?.counted !== true) return score();
    const { encoded } = entry;
    workspace.model.removeSentences(encoded);
    try {
      return score();
    } finally {
      workspace.model.addSentences(encoded);
    }
  }

  /** Two turns of the event loop (a request read meanwhile is dispatched first), then any request's answer. */
  private async yieldToRequests(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await this.host.whenRequestsAnswered();
  }

  private result(cache: LineCache, texts: readonly string[], version: number, fsPath: string | undefined): SurprisalResult {
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
    const { model } = cache;
    return {
      version,
      ownCountsLeftOut: this.isCounted(fsPath),
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
