// The visualizer panel's host: one webview panel (revealed if already open, restored after a window
// reload), typed and validated messages both ways, model questions forwarded to the model service,
// and the two things only the extension can do: edit the editor and write the temperature setting.

import * as vscode from 'vscode';
import { insertionText } from '../core/spacing';
import type { PredictResult } from '../protocol/lsp';
import { MAX_TEXT_LENGTH, VISUALIZER_VIEW_TYPE, isFromWebview } from '../protocol/webview';
import type {
  EditorContext,
  FromWebview,
  PanelBootstrap,
  SamplingSettings,
  ToWebview,
} from '../protocol/webview';
import { COMMANDS } from './commands';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { ModelService } from './modelService';
import { renderPanelHtml } from './panelHtml';
import { toPredictionView } from './predictionView';

/** Candidates per prediction (the bars and tables show the top of them; the rest comes as runs). */
const PANEL_CANDIDATES = 200;
/** Cursor moves and typing settle for this long before the panel hears of them. */
const EDITOR_SETTLE_MS = 80;


/** Editors of real text (not output channels, diff views of git objects, …), as the language client sees them. */
const CONTEXT_SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled']);

function isTextEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && CONTEXT_SCHEMES.has(editor.document.uri.scheme);
}

/** Registers the Open Visualizer command and the serializer that restores the panel after a reload. */
export function registerVisualizer(
  context: vscode.ExtensionContext,
  model: ModelService,
  config: Config,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return new Visualizer(context.extensionUri, model, config, log);
}

class Visualizer extends Disposable {
  private panel: VisualizerPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: ModelService,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(vscode.commands.registerCommand(COMMANDS.openVisualizer, () => this.show()));
    this._register(
      vscode.window.registerWebviewPanelSerializer(VISUALIZER_VIEW_TYPE, {
        // The webview keeps its own state (getState/setState); the host only reattaches.
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
    );
  }

  private show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      VISUALIZER_VIEW_TYPE,
      vscode.l10n.t('Next Word Lab'),
      // Beside the editor, which keeps the focus: the panel follows the cursor as you type.
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    this.adopt(panel);
  }

  private adopt(webviewPanel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    const panel = new VisualizerPanel(webviewPanel, this.extensionUri, this.model, this.config, this.log);
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the built bundle and the static media; nothing else of the extension or the workspace.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

class VisualizerPanel extends Disposable {
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  /** Set by the webview's "ready"; nothing is posted before it (and none while the page is gone). */
  private ready = false;
  /** The editor the context comes from: the last focused text editor, which stays put while the panel has focus. */
  private editor: vscode.TextEditor | undefined;
  private editorTimer: ReturnType<typeof setTimeout> | undefined;
  /** The running distribution request: superseded ones are cancelled. */
  private distribution: vscode.CancellationTokenSource | undefined;
  /** The files evidence answers have listed: the only ones an `openLocation` message may open. */
  private readonly evidenceFiles = new Set<string>();

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly model: ModelService,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'visualizer-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'visualizer-dark.svg'),
    };
    const bootstrap: PanelBootstrap = { settings: this.settings(), status: model.status ?? null };
    webview.html = renderPanelHtml(
      {
        cspSource: webview.cspSource,
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
      },
      bootstrap,
    );

    this.editor = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find(isTextEditor);
    this._register(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this._register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden a hidden webview is torn down; it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(model.onDidChangeStatus((status) => this.post({ type: 'status', status })));
    this._register(config.onDidChange(() => this.post({ type: 'settings', settings: this.settings() })));
    this._register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (isTextEditor(editor)) this.follow(editor);
      }),
    );
    this._register(
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === this.editor) this.editorChanged();
      }),
    );
    this._register(
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        if (this.editor !== undefined && !editors.includes(this.editor)) {
          this.follow([vscode.window.activeTextEditor, ...editors].find(isTextEditor));
        }
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearTimeout(this.editorTimer);
    this.distribution?.cancel();
    this.distribution?.dispose();
    this.disposeEmitter.fire();
    super.dispose();
    // Last: closing the panel fires its onDidDispose, which must find this already disposed.
    this.panel.dispose();
  }

  private settings(): SamplingSettings {
    return { temperature: this.config.temperature, topK: this.config.topK, topP: this.config.topP, seed: this.config.seed };
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    this.editor = editor;
    this.editorChanged();
  }

  private editorChanged(): void {
    clearTimeout(this.editorTimer);
    this.editorTimer = setTimeout(() => this.post({ type: 'editorContext', context: this.editorContext() }), EDITOR_SETTLE_MS);
  }

  /**
   * The current line up to the cursor: a line is a sentence, so that is all the model conditions on.
   * Only its end matters (the last few tokens), so a very long line is cut to what a request may carry.
   */
  private editorContext(): EditorContext | null {
    const editor = this.editor;
    if (editor === undefined || editor.document.isClosed) return null;
    const cursor = editor.selection.active;
    const before = editor.document.lineAt(cursor.line).text.slice(0, cursor.character);
    return { fileName: editor.document.fileName, line: cursor.line, textBeforeCursor: before.slice(-MAX_TEXT_LENGTH) };
  }

  private post(message: ToWebview): void {
    if (!this.ready || this.isDisposed) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isFromWebview(message)) {
      this.log.warn(`Visualizer: ignored a malformed message from the webview: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => this.log.error('Visualizer:', error));
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'settings', settings: this.settings() });
        this.post({ type: 'status', status: this.model.status ?? null });
        this.post({ type: 'editorContext', context: this.editorContext() });
        return;
      case 'predict':
        return this.answer(message.requestId, async () => ({
          type: 'prediction',
          requestId: message.requestId,
          prediction: toPredictionView(message.text, await this.predict(message)),
        }));
      case 'generate':
        return this.answer(message.requestId, async () => {
          const result = await this.model.generate({
            context: message.text,
            words: message.length,
            mode: message.mode,
            temperature: message.temperature,
            seed: message.seed === '' ? undefined : message.seed,
            // Greedy loops often span lines: keep going after a line ends.
            acrossLines: true,
          });
          return { type: 'generation', requestId: message.requestId, tokens: result.tokens, loop: result.loop };
        });
      case 'explain':
        return this.answer(message.requestId, async () => {
          const { columns, longestMatch } = await this.model.explain({ context: message.text, words: message.words });
          return { type: 'explanation', requestId: message.requestId, explanation: { columns, longestMatch } };
        });
      case 'evidence':
        return this.answer(message.requestId, async () => {
          const { word, context, contextCount, count, total, occurrences } = await this.model.evidence({ context: message.text, word: message.word });
          for (const occurrence of occurrences) this.evidenceFiles.add(occurrence.uri);
          return { type: 'evidence', requestId: message.requestId, evidence: { word, context, contextCount, count, total, occurrences } };
        });
      case 'openLocation':
        return this.openLocation(message.uri, message.line, message.column);
      case 'insert':
        return this.insert(message.word, message.context);
      case 'setTemperature':
        return this.config.setTemperature(message.temperature);
    }
  }

  private predict(message: Extract<FromWebview, { type: 'predict' }>): Promise<PredictResult> {
    const sampling = message.sampling;
    if (sampling !== null) {
      return this.model.predict({
        context: message.text,
        candidates: PANEL_CANDIDATES,
        temperature: sampling.temperature,
        topK: sampling.topK,
        topP: sampling.topP,
        seed: sampling.seed === '' ? undefined : sampling.seed,
        draws: sampling.draws === 0 ? undefined : sampling.draws,
      });
    }
    // The panel asks again on every cursor move: only the latest distribution matters.
    this.distribution?.cancel();
    this.distribution?.dispose();
    const cancellation = (this.distribution = new vscode.CancellationTokenSource());
    // With every other word's probability: the temperature step re-weights the whole distribution itself.
    return this.model.predict({ context: message.text, candidates: PANEL_CANDIDATES, rest: true }, cancellation.token);
  }

  private async answer(requestId: number, ask: () => Promise<ToWebview>): Promise<void> {
    try {
      this.post(await ask());
    } catch (error) {
      this.post({ type: 'requestFailed', requestId, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Opens a place an evidence answer listed, in the editor the context comes from (the panel stays beside it). */
  private async openLocation(uri: string, line: number, column: number): Promise<void> {
    if (!this.evidenceFiles.has(uri)) {
      this.log.warn(`Visualizer: ignored a request to open a file no evidence listed: ${uri.slice(0, 200)}`);
      return;
    }
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(vscode.Uri.parse(uri, true), {
      viewColumn: this.editor?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
  }

  /** Inserts `word` if the editor's cursor is still where it was predicted for (`context` before it). */
  private async insert(word: string, context: string): Promise<void> {
    const editor = this.editor;
    const tokenizer = this.model.status?.tokenizer;
    if (editor === undefined || editor.document.isClosed || tokenizer === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Next Word Lab: open a file and put the cursor where the word should go.'));
      return;
    }
    const cursor = editor.selection.active;
    const line = editor.document.lineAt(cursor.line).text;
    const before = line.slice(0, cursor.character);
    if (before.slice(-MAX_TEXT_LENGTH) !== context) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          "Next Word Lab did not insert “{0}”: it was predicted after “{1}”, and the editor's cursor is now after “{2}”.",
          word,
          context.slice(-40),
          before.slice(-40),
        ),
      );
      return;
    }
    const text = insertionText(word, before, line.slice(cursor.character), tokenizer);
    const inserted = await editor.edit((builder) => builder.insert(cursor, text));
    if (!inserted) void vscode.window.showWarningMessage(vscode.l10n.t('Next Word Lab could not insert “{0}”: the editor refused the edit.', word));
  }
}
