// The extension's view of the workspace model, for the commands, the status bar and the panel host.
// It hides the language client: callers see typed requests and a status event, and keep working
// across a server restart.

import type * as vscode from 'vscode';
import type {
  GenerateParams,
  GenerateResult,
  ModelStatus,
  PredictParams,
  PredictResult,
  SkippedFile,
} from '../protocol/lsp';

export type { GenerateParams, GenerateResult, ModelStatus, PredictParams, PredictResult, SkippedFile };

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
  /** P(next word | context) and one draw; sampling fields left out come from the settings. */
  predict(params: PredictParams, token?: vscode.CancellationToken): Promise<PredictResult>;
  /** A greedy or sampled continuation, with where it starts looping. */
  generate(params: GenerateParams, token?: vscode.CancellationToken): Promise<GenerateResult>;
  /** The files left out of the model, and why. */
  skippedFiles(): Promise<readonly SkippedFile[]>;
}
