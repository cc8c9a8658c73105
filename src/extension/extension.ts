// Activation: the extension-long objects (output, settings, server host, model service, status bar,
// commands), all owned by one disposable registered in the context. The returned API lets the
// integration tests (and any other extension) await the model and ask it directly.

import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { LanguageServerHost } from './client';
import { Commands, type EvidenceArgs } from './commands';
import { Config } from './config';
import { Disposable } from './disposable';
import { ClientModelService, type EvidenceResult, type ModelService, type ModelStatus } from './modelService';
import { EditorFeatures } from './editorFeatures';
import { registerVisualizer } from './panel';
import { StatusBar } from './statusBar';
import { BaseModelWarnings } from './teamModel';
import { SurprisalLens } from './surprisalLens';

export interface NextWordLabApi {
  readonly model: ModelService;
  /** Resolves when the server has finished learning the workspace (`ready` or `empty`). */
  whenReady(): Promise<ModelStatus>;
  /** Runs Predict Next Word in the active editor; resolves to the text inserted at each cursor. */
  predictNextWord(): Promise<readonly string[]>;
  /** Runs Show where… for `word` after the text `context`; resolves to the editor of the place picked. */
  showEvidence(args: EvidenceArgs): Promise<vscode.TextEditor | undefined>;
  /** Fires when Show where…'s quick pick is on screen with its places. */
  readonly onDidShowEvidence: vscode.Event<EvidenceResult>;
  /** Where the server persists the model (the workspace storage); undefined without a workspace. */
  readonly storagePath: string | undefined;
  /** Stops the language server; it saves the model first. */
  stopServer(): Promise<void>;
  /** Starts a fresh language server, which loads the saved model. */
  startServer(): void;
  /** The surprisal lens (Show Surprisal): what it shows per document, for the tests. */
  readonly surprisal: SurprisalLens;
  /** How long activate() took: the extension's own cost to the window's startup (the server starts in its own process). */
  readonly activationMs: number;
  /** Whether the ghost-text and completion providers are registered (for some language) now. */
  readonly editorProviders: { readonly inline: boolean; readonly completions: boolean };
  /** Registers or drops the editor providers to match the settings; resolves when done. */
  updateEditorProviders(): Promise<void>;
  /** The extension's log folder; the extension host's own log is in the folder above it. */
  readonly logUri: vscode.Uri;
}

class NextWordLab extends Disposable {
  readonly model: ClientModelService;
  readonly commands: Commands;
  readonly host: LanguageServerHost;
  readonly output: vscode.LogOutputChannel;
  readonly surprisal: SurprisalLens;
  readonly editorFeatures: EditorFeatures;

  constructor(context: vscode.ExtensionContext) {
    super();
    const output = (this.output = this._register(vscode.window.createOutputChannel('Next Word Lab', { log: true })));
    const config = this._register(new Config());
    const host = (this.host = this._register(new LanguageServerHost(context, output)));
    this.model = new ClientModelService(host);
    this._register(new StatusBar(this.model, config));
    this._register(new BaseModelWarnings(this.model));
    this.commands = this._register(new Commands(this.model, config));
    this.surprisal = this._register(new SurprisalLens(this.model));
    this.editorFeatures = this._register(new EditorFeatures(this.model, config));
    this._register(registerVisualizer(context, this.model, config, output));
    host.start();
  }
}

let active: NextWordLab | undefined;

export function activate(context: vscode.ExtensionContext): NextWordLabApi {
  const started = performance.now();
  const extension = (active = new NextWordLab(context));
  context.subscriptions.push(extension);
  const activationMs = performance.now() - started;
  extension.output.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    model: extension.model,
    whenReady: () => extension.model.whenReady(),
    predictNextWord: () => extension.commands.predictNextWord(),
    showEvidence: (args) => extension.commands.showEvidence(args),
    onDidShowEvidence: extension.commands.onDidShowEvidence,
    storagePath: context.storageUri?.fsPath,
    stopServer: () => extension.host.stop(),
    startServer: () => void extension.host.start(),
    surprisal: extension.surprisal,
    activationMs,
    get editorProviders() {
      return extension.editorFeatures.registered;
    },
    updateEditorProviders: () => extension.editorFeatures.update(),
    logUri: context.logUri,
  };
}

/** Waits for the server to shut down cleanly; everything else goes with context.subscriptions. */
export function deactivate(): Promise<void> | undefined {
  const stopping = active?.host.stop();
  active = undefined;
  return stopping;
}
