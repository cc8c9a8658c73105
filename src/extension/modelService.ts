// The extension's view of the workspace model, for the commands, the status bar and the panel host.
// It hides the language client: callers see typed requests and a status event, and keep working
// across a server restart.

import type * as vscode from 'vscode';
import { CompletionRequest, type LanguageClient } from 'vscode-languageclient/node';
import {
  EvidenceRequest,
  ExplainRequest,
  GenerateRequest,
  InlineSuggestionRequest,
  PredictRequest,
  RelearnRequest,
  SkippedFilesRequest,
  SurprisalRequest,
  SurprisalTokenRequest,
  type EvidenceParams,
  type EvidenceResult,
  type ExplainParams,
  type ExplainResult,
  type GenerateParams,
  type GenerateResult,
  type InlineSuggestionParams,
  type InlineSuggestionResult,
  type ModelStatus,
  type PredictParams,
  type PredictResult,
  type SkippedFile,
  type SurprisalParams,
  type SurprisalResult,
  type SurprisalTokenParams,
  type SurprisalTokenResult,
} from '../protocol/lsp';
import type { LanguageServerHost } from './client';

export type { EvidenceParams, EvidenceResult, ExplainParams, ExplainResult, GenerateParams, GenerateResult, ModelStatus, PredictParams, PredictResult, SkippedFile };

export interface ModelService {
  /** The last status the server sent; undefined until the server has started. */
  readonly status: ModelStatus | undefined;
  /** Fires on every status the server sends (learning progress, edits, settings changes, restarts). */
  readonly onDidChangeStatus: vscode.Event<ModelStatus>;
  /**
   * Resolves with the first status in which learning has finished (`ready` or `empty`), or at once
   * if it already has. Not a timer: it follows the server's status notifications.
   */
  whenReady(): Promise<ModelStatus>;
  /** Resolves with the first status (the current one included) that satisfies `predicate`. */
  whenStatus(predicate: (status: ModelStatus) => boolean): Promise<ModelStatus>;
  /** P(next word | context) and one draw; sampling fields left out come from the settings. */
  predict(params: PredictParams, token?: vscode.CancellationToken): Promise<PredictResult>;
  /** A greedy or sampled continuation, with where it starts looping. */
  generate(params: GenerateParams, token?: vscode.CancellationToken): Promise<GenerateResult>;
  /** Where the learned text shows the context that answered followed by `word`, with the counts. */
  evidence(params: EvidenceParams, token?: vscode.CancellationToken): Promise<EvidenceResult>;
  /** The compared estimators' numbers for a few words after the context, with their arithmetic. */
  explain(params: ExplainParams, token?: vscode.CancellationToken): Promise<ExplainResult>;
  /** The files left out of the model, and why. */
  skippedFiles(): Promise<readonly SkippedFile[]>;
}

/** The model service over the language client: requests go to whichever server session is current. */
export class ClientModelService implements ModelService {
  constructor(private readonly host: LanguageServerHost) {}

  get status(): ModelStatus | undefined {
    return this.host.status;
  }

  get onDidChangeStatus(): vscode.Event<ModelStatus> {
    return this.host.onDidChangeStatus;
  }

  whenReady(): Promise<ModelStatus> {
    return this.whenStatus(isSettled);
  }

  whenStatus(predicate: (status: ModelStatus) => boolean): Promise<ModelStatus> {
    const current = this.host.status;
    if (current !== undefined && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve) => {
      const listener = this.host.onDidChangeStatus((status) => {
        if (!predicate(status)) return;
        listener.dispose();
        resolve(status);
      });
    });
  }

  async predict(params: PredictParams, token?: vscode.CancellationToken): Promise<PredictResult> {
    return (await this.startedClient()).sendRequest(PredictRequest.type, params, token);
  }

  async generate(params: GenerateParams, token?: vscode.CancellationToken): Promise<GenerateResult> {
    return (await this.startedClient()).sendRequest(GenerateRequest.type, params, token);
  }

  async evidence(params: EvidenceParams, token?: vscode.CancellationToken): Promise<EvidenceResult> {
    return (await this.startedClient()).sendRequest(EvidenceRequest.type, params, token);
  }

  async explain(params: ExplainParams, token?: vscode.CancellationToken): Promise<ExplainResult> {
    return (await this.startedClient()).sendRequest(ExplainRequest.type, params, token);
  }

  /** Ghost text at a cursor (see InlineSuggestionRequest). */
  async inlineSuggestion(params: InlineSuggestionParams, token?: vscode.CancellationToken): Promise<InlineSuggestionResult> {
    return (await this.startedClient()).sendRequest(InlineSuggestionRequest.type, params, token);
  }

  /** The server's completion items at a position, converted for VS Code. */
  async completions(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.CompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CompletionItem[] | undefined> {
    const client = await this.startedClient();
    const params = client.code2ProtocolConverter.asCompletionParams(document, position, context);
    const result = await client.sendRequest(CompletionRequest.type, params, token);
    if (result === null) return undefined;
    const converted = await client.protocol2CodeConverter.asCompletionResult(result, undefined, token);
    return Array.isArray(converted) ? converted : converted?.items;
  }

  async skippedFiles(): Promise<readonly SkippedFile[]> {
    return (await this.startedClient()).sendRequest(SkippedFilesRequest.type);
  }

  /** An open document scored without its own counts (the surprisal lens); null when the server does not have it open. */
  async surprisal(params: SurprisalParams, token?: vscode.CancellationToken): Promise<SurprisalResult | null> {
    return (await this.startedClient()).sendRequest(SurprisalRequest.type, params, token);
  }

  /** One token of the lens explained (its hover). */
  async surprisalToken(params: SurprisalTokenParams, token?: vscode.CancellationToken): Promise<SurprisalTokenResult | null> {
    return (await this.startedClient()).sendRequest(SurprisalTokenRequest.type, params, token);
  }

  private readonly relearnListeners = new Set<() => void>();

  /** Calls `listener` whenever the model is about to be forgotten and learned again. */
  onWillRelearn(listener: () => void): vscode.Disposable {
    this.relearnListeners.add(listener);
    return { dispose: () => this.relearnListeners.delete(listener) };
  }

  /**
   * Forgets the model and learns the workspace again (starting the server if it was left stopped).
   * Resolves with the status once that learning has finished (the first settled status after the
   * server reported the new pass or answered the request), or with undefined if the server was
   * restarted meanwhile (the restart has its own message, and the new server learns on its own).
   */
  async relearn(): Promise<ModelStatus | undefined> {
    for (const listener of this.relearnListeners) listener();
    const session = this.host.current();
    await session.whenStarted();
    let passStarted = false;
    const finished = new Promise<ModelStatus | undefined>((resolve) => {
      const listener = this.host.onDidChangeStatus((status) => {
        if (this.host.current() !== session) {
          listener.dispose();
          resolve(undefined);
        } else if (!isSettled(status)) {
          passStarted = true;
        } else if (passStarted) {
          listener.dispose();
          resolve(status);
        }
      });
    });
    await session.client.sendRequest(RelearnRequest.type);
    passStarted = true;
    return finished;
  }

  private async startedClient(): Promise<LanguageClient> {
    const session = this.host.current();
    await session.whenStarted();
    return session.client;
  }
}

/** Learning has finished, whether or not anything was learned. */
function isSettled(status: ModelStatus): boolean {
  return status.state === 'ready' || status.state === 'empty';
}
