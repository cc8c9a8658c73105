// The language server: one workspace model, kept current from the files, the open editors and the
// settings, answering the custom requests of src/protocol/lsp.ts and (optionally) completions.

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CompletionItemKind,
  DidChangeWorkspaceFoldersNotification,
  ErrorCodes,
  FileChangeType,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_ADD_K } from '../core/estimators';
import { evidenceFor } from '../core/evidence';
import { contextAcrossLines, DEFAULT_LONGEST_MATCH, LongestMatchModel } from '../core/longestMatch';
import { MixtureModel, type WorkspaceAnswering } from '../core/mixture';
import { createRandom, randomSeed, type UniformRandom } from '../core/prng';
import type { EstimatorOptions, ModelStats } from '../core/types';
import type { NgramModel } from '../core/model';
import { writtenForm } from '../core/tokenizer';
import { EOS_TOKEN } from '../core/vocabulary';
import { answeringName, answersFromContexts, mixtureWording } from '../protocol/wording';
import {
  boundedContext,
  contextStartLine,
  EvidenceRequest,
  ExplainRequest,
  GenerateRequest,
  COMPARED_ESTIMATORS,
  MAX_EVIDENCE_OCCURRENCES,
  InlineSuggestionRequest,
  PredictRequest,
  RelearnRequest,
  SkippedFilesRequest,
  StatusNotification,
  StatusRequest,
  SurprisalRequest,
  SurprisalTokenRequest,
  type ContextParams,
  type EvidenceParams,
  type EvidenceResult,
  type ExplainParams,
  type ExplainResult,
  type GenerateParams,
  type GenerateResult,
  type BaseModelStatus,
  type InitializationOptions,
  type InlineSuggestionParams,
  type InlineSuggestionResult,
  type ModelStatus,
  type PredictParams,
  type PredictResult,
  type SamplingParams,
  type SurprisalParams,
  type SurprisalResult,
  type SurprisalTokenParams,
  type SurprisalTokenResult,
} from '../protocol/lsp';
import { MAX_EXPLAIN_WORDS } from '../protocol/limits';
import { DEFAULT_SETTINGS, TEMPERATURE_RANGE, TOP_K_RANGE, TOP_P_RANGE, type Settings } from '../protocol/settings';
import { BaseModelLoader } from './baseModel';
import { LearnedTexts, locate } from './evidence';
import { answerWaitingRequests, Learner } from './learner';
import { uriToPath, type Folder } from './paths';
import type { Reweighting } from '../core/types';
import { DEFAULT_CANDIDATES, contextTokens, generateAfter, lastLine, predict } from './predictor';
import { SettingsCache } from './settingsCache';
import { suggestInline } from './inlineSuggestion';
import { SaveOutdated, type SnapshotStore } from './snapshotStore';
import { SurprisalLens, type LensDocument } from './surprisal';
import { WorkspaceModel, type ModelConfiguration } from './workspaceModel';

/** Status notifications at most this often while learning (state changes are sent at once). */
const STATUS_INTERVAL_MS = 200;
/**
 * After a small change (an edit, a saved file) the snapshot is written this much later. Small changes
 * are cheap to redo on the next start (a changed file is read again by its stamp; text from an open
 * editor always is), so they never cost a full write each: only passes are saved at once.
 */
const SAVE_DELAY_MS = 60_000;
/** Words offered as completion items. */
const COMPLETION_CANDIDATES = 20;
/** Sorts after any label a language server would use, so the language's own items come first. */
const COMPLETION_SORT_PREFIX = '\uffff';

export function modelConfiguration(settings: Settings): ModelConfiguration {
  const estimator: EstimatorOptions =
    settings.smoothing === 'add-k' ? { name: 'add-k', addK: settings.addK } : { name: settings.smoothing };
  return { order: settings.order, estimator, tokenizer: settings.tokenizer };
}

export interface ServerOptions {
  /** Where the model is persisted, given the storage folder the client passed (none: not persisted). */
  readonly createSnapshotStore?: (storagePath: string) => SnapshotStore;
}

export class NextWordServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly settings: SettingsCache;
  private workspace: WorkspaceModel;
  private readonly learner: Learner;
  private readonly lens = new SurprisalLens({
    workspace: () => this.workspace,
    mergeIndex: () => this.learner.mergeIndexNow(),
    whenRequestsAnswered: () => this.whenRequestsAnswered(),
    mixture: (workspace) => this.mixture(workspace),
    mixtureKey: () => this.mixtureKey(),
  });
  /** The texts evidence is located in, as they were learned. */
  private readonly learnedTexts = new LearnedTexts(
    (fsPath) => this.openDocumentText(fsPath),
    (fsPath) => !this.learner.withheld.has(fsPath),
  );
  private snapshots: SnapshotStore | undefined;
  private readonly baseModel: BaseModelLoader;
  private folders: Folder[] = [];
  private foldersChangeSupported = false;
  /** The settings the model was last configured with (undefined until initialized). */
  private applied: Settings | undefined;
  private appliedFolderRules = '';
  private random: UniformRandom | undefined;
  private restoredFromSnapshot = false;
  private lastSentStatus = '';
  private lastSentState: ModelStatus['state'] | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Whether a merge of the token index ended after the snapshot on disk was taken. */
  private indexMergedSinceSave = false;
  /** What the snapshot on disk holds: this workspace model at this version. */
  private saved: { readonly workspace: WorkspaceModel; readonly version: number } | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stats: { readonly workspace: WorkspaceModel; readonly version: number; readonly stats: ModelStats } | undefined;
  /** Requests received and not answered yet; learning waits for them (see `answering`). */
  private requestsInProgress = 0;
  private readonly waitingForAnswers: (() => void)[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions = {},
  ) {
    this.settings = new SettingsCache(connection);
    this.baseModel = new BaseModelLoader({
      log: (line) => connection.console.info(line),
      error: (line) => connection.console.error(line),
      changed: () => this.modelChanged(),
    });
    this.workspace = new WorkspaceModel(modelConfiguration(DEFAULT_SETTINGS));
    this.learner = new Learner({
      connection,
      settings: this.settings,
      workspace: () => this.workspace,
      folders: () => this.folders,
      editorText: (fsPath) => this.openDocumentText(fsPath),
      maxModelMB: () => (this.applied ?? DEFAULT_SETTINGS).maxModelMB,
      whenRequestsAnswered: () => this.whenRequestsAnswered(),
      changed: () => this.modelChanged(),
      idle: (afterPass) => this.learnerIdle(afterPass),
      indexMerged: () => this.indexMerged(),
    });

    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => void this.initialized());
    connection.onDidChangeConfiguration(() => {
      this.settings.clear();
      void this.applySettings();
    });
    connection.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) {
        const fsPath = uriToPath(change.uri);
        if (fsPath === undefined) continue;
        if (change.type === FileChangeType.Deleted) this.learner.deleted(fsPath);
        else this.learner.fileChanged(fsPath);
      }
    });
    this.documents.onDidChangeContent(({ document }) => this.editorTextChanged(document));
    this.documents.onDidClose(({ document }) => {
      this.lens.closed(document.uri);
      const fsPath = uriToPath(document.uri);
      if (fsPath !== undefined) this.learner.editorClosed(fsPath);
    });
    connection.onRequest(StatusRequest.type, this.answering(() => this.status()));
    connection.onRequest(PredictRequest.type, this.answering((params: PredictParams) => this.predict(params)));
    connection.onRequest(GenerateRequest.type, this.answering((params: GenerateParams) => this.generate(params)));
    connection.onRequest(EvidenceRequest.type, this.answering((params: EvidenceParams) => this.evidence(params)));
    connection.onRequest(ExplainRequest.type, this.answering((params: ExplainParams) => this.explain(params)));
    connection.onRequest(SkippedFilesRequest.type, this.answering(() => [...this.learner.skipped.values(), ...this.learner.withheld.values()]));
    connection.onRequest(RelearnRequest.type, this.answering(() => this.relearn()));
    // Not `answering`: the lens scores in slices that themselves wait for other requests' answers.
    connection.onRequest(SurprisalRequest.type, (params: SurprisalParams, token) => this.surprisal(params, token));
    connection.onRequest(SurprisalTokenRequest.type, this.answering((params: SurprisalTokenParams) => this.surprisalToken(params)));
    connection.onRequest(InlineSuggestionRequest.type, this.answering((params: InlineSuggestionParams) => this.suggestInline(params)));
    // Asked only by the extension's own provider, which it registers only where completions are on.
    connection.onCompletion(this.answering((params: CompletionParams) => this.complete(params)));
    connection.onShutdown(() => {
      this.baseModel.dispose();
      return this.flushSnapshot({ atOnce: true });
    });
    this.documents.listen(connection);
  }

  /**
   * Wraps a request handler so that background learning holds its next slice until the answer is
   * written. Over a stream the connection writes a response from a `setImmediate` it queues once the
   * handler's promise settles (over Node IPC at once); the count drops one turn after that.
   */
  private answering<P extends unknown[], R>(handler: (...params: P) => R | Promise<R>): (...params: P) => Promise<R> {
    return async (...params) => {
      this.requestsInProgress++;
      try {
        return await handler(...params);
      } finally {
        setImmediate(() => setImmediate(() => this.requestAnswered()));
      }
    };
  }

  private requestAnswered(): void {
    if (--this.requestsInProgress === 0) for (const resume of this.waitingForAnswers.splice(0)) resume();
  }

  /** Resolves once no request is being answered. */
  private whenRequestsAnswered(): Promise<void> {
    return this.requestsInProgress === 0 ? Promise.resolve() : new Promise((resolve) => this.waitingForAnswers.push(resolve));
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.folders = foldersOf(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []));
    const options = params.initializationOptions as InitializationOptions | undefined;
    if (typeof options?.storagePath === 'string') this.snapshots = this.options.createSnapshotStore?.(options.storagePath);
    this.settings.clientCanAnswer(params.capabilities.workspace?.configuration === true);
    this.foldersChangeSupported = params.capabilities.workspace?.workspaceFolders === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'Next Word Lab' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.foldersChangeSupported) {
      void this.connection.client.register(DidChangeWorkspaceFoldersNotification.type);
      this.connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const removedUris = new Set(removed.map((folder) => folder.uri));
        this.folders = [...this.folders.filter((folder) => !removedUris.has(folder.uri)), ...foldersOf(added)];
        // A relative base model path is read against the first folder, which may have changed.
        if (this.applied !== undefined) this.configureBaseModel(this.applied);
        this.settings.clear();
        this.learner.requestFullPass();
      });
    }
    const { settings } = await this.settings.get();
    this.applied = settings;
    this.configureBaseModel(settings);
    this.appliedFolderRules = await this.folderRulesKey();
    await this.restoreSnapshot(settings);
    // Editors opened while the snapshot loaded: their text, not the saved one, is what counts.
    for (const document of this.documents.all()) this.editorTextChanged(document);
    this.learner.requestFullPass();
    this.modelChanged();
  }

  /** Loads the persisted model; a missing, corrupt or outdated one is discarded and rebuilt by learning. */
  private async restoreSnapshot(settings: Settings): Promise<void> {
    const configuration = modelConfiguration(settings);
    const started = performance.now();
    const restored = await this.snapshots?.load(configuration, (message: string) => this.connection.console.warn(message));
    if (restored === undefined) {
      this.workspace = new WorkspaceModel(configuration);
      return;
    }
    this.workspace = restored.workspace;
    this.learner.restoreWithheld(restored.withheld);
    this.saved = { workspace: restored.workspace, version: restored.workspace.version };
    this.restoredFromSnapshot = true;
    this.connection.console.info(
      `Restored the model ${restored.indexRestored ? 'and its token index ' : ''}from its snapshot in ${Math.round(performance.now() - started)} ms: ${restored.workspace.documentCount} documents; files changed since are learned again.`,
    );
  }

  /** Applies changed settings: re-weighting takes effect on the next request; the rest in the background. */
  private async applySettings(): Promise<void> {
    const previous = this.applied;
    if (previous === undefined) return; // not initialized yet: initialized() reads them
    const { settings } = await this.settings.get();
    this.applied = settings;
    this.configureBaseModel(settings);
    if (settings.seed !== previous.seed) this.random = undefined;
    const change = this.workspace.reconfigure(modelConfiguration(settings));
    if (change === 'recount') this.learner.requestRecount();
    const folderRules = await this.folderRulesKey();
    // A larger budget lets the files it left out in; a smaller one keeps what was learned and adds nothing.
    const budgetRaised = settings.maxModelMB > previous.maxModelMB && this.learner.leftOutForBudget > 0;
    if (change === 'relearn' || folderRules !== this.appliedFolderRules || budgetRaised) {
      this.appliedFolderRules = folderRules;
      this.learner.requestFullPass();
    }
    this.modelChanged();
  }

  /** Loads, reloads or unloads the base model as `nextWordLab.baseModel` says (in the background). */
  private configureBaseModel(settings: Settings): void {
    this.baseModel.configure(settings.baseModel, this.folders[0]?.fsPath, settings.tokenizer);
  }

  /** Resolves once the base model's load under way, if any, has ended (for tests). */
  whenBaseModelSettled(): Promise<void> {
    return this.baseModel.whenSettled();
  }

  private async folderRulesKey(): Promise<string> {
    const rules = await Promise.all(this.folders.map((folder) => this.settings.folderRules(folder.uri)));
    return JSON.stringify(rules);
  }

  private async relearn(): Promise<void> {
    await this.snapshots?.discard();
    const { settings } = await this.settings.get();
    this.workspace.clear(modelConfiguration(settings));
    this.restoredFromSnapshot = false;
    this.learner.requestFullPass();
    this.modelChanged();
  }

  private editorTextChanged(document: TextDocument): void {
    const fsPath = uriToPath(document.uri);
    const entry = fsPath === undefined ? undefined : this.workspace.get(fsPath);
    // Only files the model learned follow their editor: an open .env or an excluded file stays out.
    if (fsPath === undefined || entry === undefined) return;
    const before = this.workspace.version;
    this.learner.editorTextChanged(fsPath, document.getText());
    this.lens.documentEdited(document.uri, before, this.workspace.version);
    this.modelChanged();
  }

  /** Open documents are keyed by the client's URI spelling, which may differ from Node's: match by path. */
  private openDocumentText(fsPath: string): string | undefined {
    for (const document of this.documents.all()) {
      if (uriToPath(document.uri) === fsPath) return document.getText();
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /**
   * The longest-match estimator over the model and the token index, when it is the estimator set. A
   * prediction at a place in a learned document reads the index without that document (as `eval`
   * reads a held-out text): the document holds the context itself, followed by what comes after the
   * cursor, and that one place would always be the longest match.
   */
  private longestMatch(params: ContextParams): LongestMatchModel | undefined {
    const model = this.workspace.model;
    if (!answersFromContexts(model.estimator.name)) return undefined;
    const uri = params.context !== undefined ? params.document : params.textDocument.uri;
    const fsPath = typeof uri === 'string' ? uriToPath(uri) : undefined;
    const leftOut = fsPath !== undefined && this.workspace.index.has(fsPath) ? fsPath : undefined;
    return new LongestMatchModel(model, this.workspace.index, DEFAULT_LONGEST_MATCH, leftOut);
  }

  /**
   * The mixture of the base model and `workspace` (the workspace's answering model), when a base
   * model is loaded and the workspace's estimator gives probabilities (stupid backoff's scores cannot
   * be mixed into a distribution).
   */
  private mixture(workspace: WorkspaceAnswering): MixtureModel | undefined {
    const base = this.baseModel.model;
    if (base === undefined || !this.mixable()) return undefined;
    return new MixtureModel(workspace, base, (this.applied ?? DEFAULT_SETTINGS).baseModelWeight);
  }

  /** What the mixture depends on besides the workspace model: the base model loaded and its weight. */
  private mixtureKey(): string {
    const base = this.baseModel.model;
    return base === undefined || !this.mixable() ? '' : `${this.baseModel.generation}\u0000${(this.applied ?? DEFAULT_SETTINGS).baseModelWeight}`;
  }

  private mixable(): boolean {
    return this.workspace.model.estimator.name !== 'stupid-backoff';
  }

  private async predict(params: PredictParams): Promise<PredictResult> {
    const sampling = await this.reweighting(params);
    const random = await this.randomFor(params);
    const status = this.status();
    const longestMatch = this.longestMatch(params);
    const model = this.workspace.model;
    const result = predict(model, {
      textBefore: this.textBefore(params),
      learned: status.tokens > 0 || this.baseModel.model !== undefined,
      candidates: params.candidates ?? DEFAULT_CANDIDATES,
      insertableOnly: params.insertableOnly === true,
      draws: params.draws ?? 0,
      rest: params.rest === true,
      sampling,
      random,
      longestMatch,
      mixture: this.mixture(longestMatch ?? model),
    });
    return { ...result, status };
  }

  /** The surprisal lens: the document scored without its own counts; null when it is not open. */
  private async surprisal(params: SurprisalParams, token: CancellationToken): Promise<SurprisalResult | null> {
    const uri = params.textDocument.uri;
    const { lines } = params;
    if (lines !== undefined && (!isPositionNumber(lines?.start) || !isPositionNumber(lines?.end))) {
      throw new ResponseError(ErrorCodes.InvalidParams, `"lines" needs a start and an end, whole numbers from 0; got ${JSON.stringify(lines)}.`);
    }
    const document = this.lensDocument(uri);
    if (document === undefined) return null;
    return this.lens.score(document, () => token.isCancellationRequested || this.documents.get(uri) === undefined, params);
  }

  private surprisalToken(params: SurprisalTokenParams): SurprisalTokenResult | null {
    const document = this.lensDocument(params.textDocument.uri);
    return document === undefined ? null : this.lens.token(document, params.position.line, params.position.character);
  }

  private lensDocument(uri: string): LensDocument | undefined {
    const document = this.documents.get(uri);
    return document === undefined ? undefined : { uri, fsPath: uriToPath(uri), get version() { return document.version; }, getText: () => document.getText() };
  }

  private async generate(params: GenerateParams): Promise<GenerateResult> {
    const longestMatch = this.longestMatch(params);
    const model = this.workspace.model;
    const result = generateAfter(model, {
      textBefore: this.textBefore(params),
      words: params.words,
      greedy: params.mode === 'greedy',
      acrossLines: params.acrossLines === true,
      sampling: await this.reweighting(params),
      random: await this.randomFor(params),
      longestMatch,
      mixture: this.mixture(longestMatch ?? model),
    });
    return { ...result, status: this.status() };
  }

  private async evidence(params: EvidenceParams): Promise<EvidenceResult> {
    if (typeof params.word !== 'string' || params.word === '') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'evidence needs the "word" to explain.');
    }
    // null: what a NaN or an infinite limit becomes in JSON, taken as no limit given.
    const given: unknown = params.limit ?? MAX_EVIDENCE_OCCURRENCES;
    if (typeof given !== 'number' || !Number.isFinite(given)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `evidence's "limit" is how many places to list (0 to ${MAX_EVIDENCE_OCCURRENCES}), got ${JSON.stringify(given)}.`);
    }
    const limit = Math.max(0, Math.min(MAX_EVIDENCE_OCCURRENCES, Math.floor(given)));
    const { model, longestMatch, context, leftOut } = this.evidenceSource(params);
    // The n-gram model's counts hold neither a document still being counted nor the one it was built without.
    const notCounted = new Set([...this.workspace.entries()].filter((entry) => !entry.counted).map((entry) => entry.fsPath));
    if (leftOut !== undefined) notCounted.add(leftOut);
    const evidence = evidenceFor(longestMatch ?? model, this.workspace.index, context, params.word, { limit, notCounted });
    const occurrences = await locate(model, evidence, (fsPath) => this.workspace.get(fsPath), this.folders, this.learnedTexts.textOf);
    return {
      word: params.word,
      context: evidence.ngram.slice(0, -1),
      contextCount: evidence.contextCount,
      count: evidence.count,
      total: evidence.total,
      occurrences,
      status: this.status(),
    };
  }

  /** The compared estimators on the model's counts for the same context, each number with its arithmetic. */
  private explain(params: ExplainParams): ExplainResult {
    if (!Array.isArray(params.words) || params.words.length > MAX_EXPLAIN_WORDS || !params.words.every((word) => typeof word === 'string')) {
      throw new ResponseError(ErrorCodes.InvalidParams, `explain needs "words": at most ${MAX_EXPLAIN_WORDS} strings.`);
    }
    const model = this.workspace.model;
    const textBefore = this.textBefore(params);
    const lineContext = contextTokens(model, textBefore);
    const context = model.usedContext(lineContext);
    const own = model.estimator;
    const columns = COMPARED_ESTIMATORS.map((name) => ({
      ...model.explain(lineContext, params.words, name === 'add-k' ? { name, addK: (own.name === 'add-k' ? own.addK : undefined) ?? DEFAULT_ADD_K } : { name }),
      context,
    }));
    // Longest match interpolates with the model's own n-gram estimator, which must then be Kneser-Ney.
    const longestMatch =
      own.name === 'kneser-ney' || own.name === 'longest-match'
        ? new LongestMatchModel(model, this.workspace.index).explain(contextAcrossLines(model.tokenizer, textBefore, false), params.words)
        : null;
    return { columns, longestMatch, status: this.status() };
  }

  /** The model, estimator and context an evidence request is answered with, and the document it leaves out. */
  private evidenceSource(params: EvidenceParams): { model: NgramModel; longestMatch: LongestMatchModel | undefined; context: readonly string[]; leftOut: string | undefined } {
    if (params.leaveOutDocument === true && params.textDocument !== undefined) {
      const { line, character } = params.position ?? {};
      if (!isPositionNumber(line) || !isPositionNumber(character)) {
        throw new ResponseError(ErrorCodes.InvalidParams, `"position" needs a line and a character, whole numbers from 0; got ${JSON.stringify(params.position)}.`);
      }
      const document = this.lensDocument(params.textDocument.uri);
      if (document === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `${params.textDocument.uri} is not open.`);
      const token = this.lens.tokenAt(document, params.position.line, params.position.character);
      if (token === null) throw new ResponseError(ErrorCodes.InvalidParams, `no word at ${params.position.line + 1}:${params.position.character + 1}.`);
      return token;
    }
    const model = this.workspace.model;
    const longestMatch = this.longestMatch(params);
    const textBefore = this.textBefore(params);
    const context = longestMatch === undefined ? contextTokens(model, textBefore) : contextAcrossLines(model.tokenizer, textBefore, false);
    return { model, longestMatch, context, leftOut: undefined };
  }

  private async suggestInline(params: InlineSuggestionParams): Promise<InlineSuggestionResult> {
    const model = this.workspace.model;
    const suggestion = suggestInline(this.mixture(model) ?? model, {
      linePrefix: lastLine(this.textBefore(params)),
      maxWords: params.maxWords,
      learned: this.modelStats().tokens > 0 || this.baseModel.model !== undefined,
      sampling: await this.reweighting(params),
      random: await this.randomFor(params),
    });
    return { ...suggestion, status: this.status() };
  }

  private complete(params: CompletionParams): CompletionItem[] | null {
    const document = this.documents.get(params.textDocument.uri);
    if (document === undefined) return null;
    const before = documentTextBefore(document, params.position);
    // The word being typed is what the editor filters on; the context is what precedes it.
    const typedWord = /[\p{L}\p{N}\p{M}_]*$/u.exec(before)?.[0] ?? '';
    const longestMatch = this.longestMatch({ textDocument: params.textDocument, position: params.position });
    const model = this.workspace.model;
    const result = predict(model, {
      textBefore: before.slice(0, before.length - typedWord.length),
      learned: this.status().tokens > 0 || this.baseModel.model !== undefined,
      candidates: COMPLETION_CANDIDATES,
      insertableOnly: true,
      draws: 0,
      sampling: { temperature: 1, topK: 0, topP: 1 },
      random: () => 0,
      longestMatch,
      mixture: this.mixture(longestMatch ?? model),
    });
    const { mixture } = result;
    return result.candidates
      .filter((candidate) => candidate.word !== EOS_TOKEN)
      // A literal marker's word (`\<s>`) is typed as written (`<s>`); no marker itself is offered here.
      .map((candidate, rank) => ({
        label: writtenForm(candidate.word),
        kind: CompletionItemKind.Text,
        detail:
          mixture === undefined || candidate.parts === undefined
            ? `${(candidate.probability * 100).toFixed(1)} % · next word (${candidate.count}/${candidate.contextCount}, ${answeringName(model.estimator.name, candidate.order)})`
            : `${(candidate.probability * 100).toFixed(1)} % · next word (${mixtureWording(mixture, candidate.parts)})`,
        sortText: `${COMPLETION_SORT_PREFIX}${String(rank).padStart(3, '0')}`,
        insertText: writtenForm(candidate.word),
      }));
  }

  /**
   * The text before the cursor, from an explicit context or the document's current text: at most
   * MAX_CONTEXT_LINES lines and MAX_CONTEXT_CHARS characters (the estimator takes what it can use).
   */
  private textBefore(params: ContextParams): string {
    if (params.context !== undefined) return boundedContext(params.context);
    const document = this.documents.get(params.textDocument.uri);
    if (document === undefined) {
      throw new ResponseError(ErrorCodes.InvalidParams, `${params.textDocument.uri} is not open: send its text as "context" instead.`);
    }
    return documentTextBefore(document, params.position);
  }

  private async reweighting(params: SamplingParams): Promise<Reweighting> {
    const { settings } = await this.settings.get();
    const clamp = (value: number | undefined, fallback: number, range: { min: number; max: number }): number =>
      typeof value === 'number' && !Number.isNaN(value) ? Math.min(range.max, Math.max(range.min, value)) : fallback;
    return {
      temperature: clamp(params.temperature, settings.temperature, TEMPERATURE_RANGE),
      topK: Math.round(clamp(params.topK, settings.topK, TOP_K_RANGE)),
      topP: clamp(params.topP, settings.topP, TOP_P_RANGE),
    };
  }

  /** A request's own seed gives a fresh generator; otherwise draws continue the server's sequence. */
  private async randomFor(params: SamplingParams): Promise<UniformRandom> {
    if (params.seed !== undefined) return createRandom(params.seed);
    if (this.random === undefined) {
      const { settings } = await this.settings.get();
      this.random = createRandom(settings.seed === '' ? randomSeed() : settings.seed);
    }
    return this.random;
  }

  // -------------------------------------------------------------------------------------------
  // Status and persistence

  status(): ModelStatus {
    const stats = this.modelStats();
    const learner = this.learner;
    const leftOut = learner.leftOutForBudget;
    return {
      state: this.state(),
      filesLearned: this.workspace.countedCount,
      filesTotal: this.workspace.documentCount + learner.pendingReads,
      filesSkipped: learner.skipped.size,
      tokens: stats.tokens,
      sentences: stats.sentences,
      vocabularySize: stats.vocabularySize,
      ngrams: stats.ngrams,
      order: stats.order,
      estimator: stats.estimator,
      tokenizer: stats.tokenizer,
      modelBytes: stats.modelBytes,
      ...(leftOut === 0 ? {} : { memoryBudget: { maxModelMB: (this.applied ?? DEFAULT_SETTINGS).maxModelMB, filesLeftOut: leftOut } }),
      ...(learner.progress === undefined ? {} : { progress: learner.progress }),
      restoredFromSnapshot: this.restoredFromSnapshot,
      ...baseModelField(this.baseModel.status((this.applied ?? DEFAULT_SETTINGS).baseModelWeight, this.mixable())),
    };
  }

  private state(): ModelStatus['state'] {
    const learned = this.workspace.model.tables.tokens > 0;
    if (this.learner.busy) return this.learner.hasFinishedFirstPass || learned ? 'learning' : 'starting';
    return learned ? 'ready' : 'empty';
  }

  /** The model's statistics, computed once per version of the workspace. */
  private modelStats(): ModelStats {
    const { workspace } = this;
    if (this.stats?.workspace !== workspace || this.stats.version !== workspace.version) {
      this.stats = { workspace, version: workspace.version, stats: workspace.stats() };
    }
    return this.stats.stats;
  }

  private modelChanged(): void {
    if (!this.learner.busy && this.isDirty()) this.scheduleSave();
    if (this.statusTimer !== undefined) return;
    // Every learned file and edit lands here: the full status is built only when it is sent.
    if (this.state() !== this.lastSentState) {
      this.sendStatus(this.status());
      return;
    }
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.sendStatus(this.status());
    }, STATUS_INTERVAL_MS).unref();
  }

  private sendStatus(status: ModelStatus): void {
    const serialized = JSON.stringify(status);
    if (serialized === this.lastSentStatus) return;
    this.lastSentStatus = serialized;
    this.lastSentState = status.state;
    void this.connection.sendNotification(StatusNotification.type, status);
  }

  private learnerIdle(afterPass: boolean): void {
    if (afterPass) {
      // The same counts the status bar and Show Skipped Files give.
      const status = this.status();
      this.connection.console.info(
        `Learned ${status.filesLearned} files (${status.tokens} words); ${status.filesSkipped} files or folders skipped (Show Skipped Files lists why).`,
      );
    }
    // A finished pass leaves its index merged, whatever is left since the last merge: reading a whole
    // file across lines (the surprisal lens) would otherwise search or scan those changes at every token.
    if (afterPass && !this.learner.indexMerging && this.workspace.index.stats().pendingTokens > 0) void this.learner.mergeIndexNow();
    if (!this.isDirty()) return;
    // A finished pass is saved at once: it is the expensive work a restart should not repeat. Its
    // index is merging still: it is saved when the merge ends, merged, so a restart does not merge again.
    if (afterPass) {
      if (!this.learner.indexMerging) void this.flushSnapshot();
    } else this.scheduleSave();
  }

  /** A merge is expensive work too: the snapshot takes the merged index at once. */
  private indexMerged(): void {
    this.indexMergedSinceSave = true;
    if (!this.learner.busy) void this.flushSnapshot();
  }

  private isDirty(): boolean {
    return this.saved?.workspace !== this.workspace || this.saved.version !== this.workspace.version || this.indexMergedSinceSave;
  }

  private scheduleSave(): void {
    if (this.snapshots === undefined) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.flushSnapshot(), SAVE_DELAY_MS).unref();
  }

  /**
   * Saves the model if it changed since the last save; saves never overlap. The file is written in
   * steps that let requests in (a step at once when the server is shutting down): 300–450 ms in one
   * go for the reference workspace held every request that came meanwhile.
   */
  private flushSnapshot({ atOnce = false } = {}): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saving = this.saving.then(async () => {
      const snapshots = this.snapshots;
      if (snapshots === undefined || !this.isDirty() || this.learner.busy) return;
      const state = { workspace: this.workspace, version: this.workspace.version };
      const started = performance.now();
      this.indexMergedSinceSave = false;
      try {
        const bytes = await snapshots.save(
          state.workspace,
          (fsPath) => this.learner.withheldNote(fsPath),
          atOnce ? undefined : () => answerWaitingRequests(() => this.whenRequestsAnswered()),
        );
        this.saved = state;
        this.connection.console.info(
          `Saved the model (${state.workspace.documentCount} documents, ${(bytes / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - started)} ms.`,
        );
      } catch (error) {
        this.indexMergedSinceSave = true;
        if (error instanceof SaveOutdated) {
          // Learning resumed or an edit came: saved again once the model is still.
          this.connection.console.info('The model changed while it was saved; it is saved again later.');
          if (!this.learner.busy) this.scheduleSave();
        } else this.connection.console.error(`Could not save the model: ${String(error)}`);
      }
    });
    return this.saving;
  }
}

function foldersOf(folders: readonly WorkspaceFolder[]): Folder[] {
  return folders.flatMap((folder) => {
    const fsPath = uriToPath(folder.uri);
    return fsPath === undefined ? [] : [{ uri: folder.uri, fsPath: path.normalize(fsPath) }];
  });
}

/** The document's text before `position`, bounded as clients bound it. */
function documentTextBefore(document: TextDocument, position: Position): string {
  return boundedContext(document.getText({ start: { line: contextStartLine(position.line), character: 0 }, end: position }));
}

/** An LSP position's line or character: an unsigned integer. */
function isPositionNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function baseModelField(status: BaseModelStatus | undefined): { baseModel?: BaseModelStatus } {
  return status === undefined ? {} : { baseModel: status };
}
