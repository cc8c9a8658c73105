// The language client and its two lifetimes. `LanguageServerHost` lives as long as the extension:
// it owns the output channel, the status event and the restart policy. Each `ServerSession` lives
// as long as one server process: its client, file watcher and notification handlers are disposed
// together when that process ends, so a restart starts from a clean slate.

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { StatusNotification, StatusRequest, type InitializationOptions, type ModelStatus } from '../protocol/lsp';
import { SETTINGS_SECTION } from '../protocol/settings';
import { Disposable } from './disposable';

const CLIENT_ID = 'nextWordLab';
const CLIENT_NAME = 'Next Word Lab';
/** A crash loop: this many unexpected exits within the window and the server is left stopped. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 3 * 60 * 1000;
/** Connection errors tolerated before the client gives up on a server. */
const MAX_CONNECTION_ERRORS = 3;

/** One run of the server process. */
export class ServerSession extends Disposable {
  readonly client: LanguageClient;
  private readonly started: Promise<void>;

  constructor(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, host: LanguageServerHost) {
    super();
    const serverModule = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const initializationOptions: InitializationOptions = { storagePath: context.storageUri?.fsPath };
    const clientOptions: LanguageClientOptions = {
      // Every text file: the model is language-agnostic (the extension registers its own editor
      // providers, per language, where they are on).
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      initializationOptions,
      outputChannel: output,
      synchronize: {
        // The server pulls settings itself; these notifications only tell it to pull again.
        configurationSection: [SETTINGS_SECTION, 'files.exclude', 'search.exclude'],
        // Created, changed and deleted files (a rename arrives as a delete and a create).
        fileEvents: this._register(vscode.workspace.createFileSystemWatcher('**/*')),
      },
      errorHandler: host.errorHandler(this),
      middleware: {
        workspace: {
          // The server pulls every setting for the resource it concerns; an empty notification tells it to.
          // (The client's default would read files.exclude and search.exclude with no resource, which VS
          // Code logs as a warning on every change.)
          didChangeConfiguration: (_sections, next) => next(undefined),
        },
      },
    };
    this.client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    // Handlers are registered before start so the first status is not missed.
    this._register(this.client.onNotification(StatusNotification.type, (status) => host.acceptStatus(this, status)));
    this.started = this.client.start().then(async () => {
      host.acceptStatus(this, await this.client.sendRequest(StatusRequest.type));
    });
  }

  /** Resolves once the server answered `initialize` (rejects if it never does). */
  whenStarted(): Promise<void> {
    return this.started;
  }

  override dispose(): void {
    // stop() can only be asked of a client that is starting or running; afterwards it is a no-op.
    if (this.client.state !== State.Stopped) void this.client.stop().catch(() => undefined);
    super.dispose();
  }
}

/** The extension-long side of the server: which session is current, its status, and crash recovery. */
export class LanguageServerHost extends Disposable {
  private session: ServerSession | undefined;
  private lastStatus: ModelStatus | undefined;
  private crashTimes: number[] = [];
  private readonly statusEmitter = this._register(new vscode.EventEmitter<ModelStatus>());
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
  }

  get status(): ModelStatus | undefined {
    return this.lastStatus;
  }

  /** The current session, starting one if there is none (after a crash loop, this tries again). */
  current(): ServerSession {
    if (this.isDisposed) throw new Error('Next Word Lab is shutting down.');
    return this.session ?? this.start();
  }

  /** Ends the current server (if any) and starts a fresh one. */
  start(): ServerSession {
    this.session?.dispose();
    this.lastStatus = undefined;
    const session = new ServerSession(this.context, this.output, this);
    this.session = session;
    session.whenStarted().catch((error: unknown) => {
      this.output.error(`The language server did not start: ${String(error)}`);
    });
    return session;
  }

  acceptStatus(from: ServerSession, status: ModelStatus): void {
    if (from !== this.session) return; // a late message from a server that is being replaced
    this.lastStatus = status;
    this.statusEmitter.fire(status);
  }

  /**
   * The client's error handler for one session. On an unexpected exit the session is replaced by a
   * fresh one (which reloads the persisted model), and the user sees one sentence, not a stack trace.
   */
  errorHandler(session: ServerSession): ErrorHandler {
    return {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: (count ?? 0) <= MAX_CONNECTION_ERRORS ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: (): CloseHandlerResult => {
        // Restarting is done here rather than by the client, so the new process gets a new session.
        queueMicrotask(() => this.recoverFrom(session));
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  private recoverFrom(session: ServerSession): void {
    if (session !== this.session || this.isDisposed) return;
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < CRASH_WINDOW_MS), now];
    this.session.dispose();
    this.session = undefined;
    if (this.crashTimes.length > MAX_CRASHES) {
      this.output.error(`The language server stopped ${this.crashTimes.length} times in a few minutes; it is left stopped.`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Next Word Lab: the language server keeps stopping, so it was not restarted. Run "Re-learn the Workspace" to try again; details are in the Next Word Lab output.'),
      );
      return;
    }
    this.output.warn('The language server stopped unexpectedly; restarting it.');
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Next Word Lab: the language server stopped unexpectedly and was restarted. The model is being reloaded.'),
    );
    this.start();
  }

  /** Stops the server and waits for it to exit (VS Code awaits this on deactivation). */
  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session === undefined) return;
    if (session.client.state !== State.Stopped) await session.client.stop().catch(() => undefined);
    session.dispose();
  }

  override dispose(): void {
    this.session?.dispose();
    this.session = undefined;
    super.dispose();
  }
}
