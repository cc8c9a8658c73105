// A real language server and a real protocol client talking over two in-process streams (no VS Code,
// no child process), with the client answering what VS Code would: workspace/configuration from a
// settings object, work-done progress creation, messages and log lines recorded for assertions.

import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  EvidenceRequest,
  ExplainRequest,
  GenerateRequest,
  PredictRequest,
  RelearnRequest,
  SkippedFilesRequest,
  StatusNotification,
  StatusRequest,
  type EvidenceParams,
  type EvidenceResult,
  type ExplainParams,
  type ExplainResult,
  type GenerateParams,
  type GenerateResult,
  type ModelStatus,
  type PredictParams,
  type PredictResult,
  type SkippedFile,
} from '../../src/protocol/lsp';
import { NextWordServer } from '../../src/server/nextWordServer';
import { SnapshotStore } from '../../src/server/snapshotStore';

/** A duplex whose writes come out of its own read side: one direction of a connection. */
class LoopbackStream extends Duplex {
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.push(chunk);
    done();
  }
  override _read(): void {
    // data is pushed by _write
  }
}

export type SettingsSections = Record<string, unknown>;

export interface StartOptions {
  readonly folders: readonly string[];
  readonly storagePath?: string;
  /** `nextWordLab` section values (nested as VS Code returns them). */
  readonly settings?: SettingsSections;
  readonly filesExclude?: Record<string, unknown>;
}

export class TestSession {
  readonly statuses: ModelStatus[] = [];
  readonly logs: string[] = [];
  readonly messages: string[] = [];
  readonly progress: string[] = [];
  private settings: SettingsSections;
  private readonly filesExclude: Record<string, unknown>;
  private readonly waiters: { predicate: (status: ModelStatus) => boolean; resolve: (status: ModelStatus) => void }[] = [];
  private readonly logWaiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly client: ProtocolConnection,
    options: StartOptions,
    /** The server's process, when it runs in one of its own (`spawn`). */
    readonly serverProcess?: ChildProcess,
  ) {
    this.settings = { ...(options.settings ?? {}) };
    this.filesExclude = options.filesExclude ?? {};
  }

  static async start(options: StartOptions): Promise<TestSession> {
    const toServer = new LoopbackStream();
    const toClient = new LoopbackStream();
    // Reader/writer objects (not raw streams): with raw streams the library exits the process on close.
    const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    new NextWordServer(serverConnection, { createSnapshotStore: (storagePath) => new SnapshotStore(storagePath) });
    serverConnection.listen();
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    return TestSession.initialize(new TestSession(client, options), options);
  }

  /**
   * The built server (`serverModule`, dist/server.js) in a process of its own over Node IPC, as VS Code
   * runs it: requests cross a process boundary, and the client's work does not share the server's
   * event loop (in-process, each request also waits for the turns the client takes).
   */
  static async spawn(serverModule: string, options: StartOptions): Promise<TestSession> {
    const server = fork(serverModule, ['--node-ipc'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const client = createProtocolConnection(new IPCMessageReader(server), new IPCMessageWriter(server));
    return TestSession.initialize(new TestSession(client, options, server), options);
  }

  private static async initialize(session: TestSession, options: StartOptions): Promise<TestSession> {
    const { client } = session;
    session.listen();
    client.listen();
    await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      workspaceFolders: options.folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })),
      capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
      initializationOptions: { storagePath: options.storagePath },
    });
    await client.sendNotification(InitializedNotification.type, {});
    return session;
  }

  private listen(): void {
    this.client.onRequest(ConfigurationRequest.type, ({ items }) =>
      items.map((item) => {
        if (item.section === 'nextWordLab') return this.settings;
        if (item.section === 'files.exclude') return this.filesExclude;
        return {};
      }),
    );
    this.client.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.client.onNotification('$/progress', (params: { value: { message?: string } }) => {
      if (params.value.message !== undefined) this.progress.push(params.value.message);
    });
    this.client.onNotification(LogMessageNotification.type, ({ message }) => {
      this.logs.push(message);
      for (const waiter of this.logWaiters.filter(({ pattern }) => pattern.test(message))) {
        this.logWaiters.splice(this.logWaiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
    this.client.onNotification(ShowMessageNotification.type, ({ message }) => {
      this.messages.push(message);
    });
    this.client.onRequest(ShowMessageRequest.type, ({ message }) => {
      this.messages.push(message);
      return null;
    });
    this.client.onNotification(StatusNotification.type, (status) => {
      this.statuses.push(status);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(status)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(status);
        }
      }
    });
  }

  /** The first status (the current one included) that satisfies `predicate`. */
  async waitForStatus(predicate: (status: ModelStatus) => boolean): Promise<ModelStatus> {
    const current = await this.client.sendRequest(StatusRequest.type);
    if (predicate(current)) return current;
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** The first log line matching `pattern` from the `from`-th line on (logged already or still to come). */
  waitForLog(pattern: RegExp, from = 0): Promise<string> {
    const logged = this.logs.slice(from).find((line) => pattern.test(line));
    if (logged !== undefined) return Promise.resolve(logged);
    return new Promise((resolve) => this.logWaiters.push({ pattern, resolve }));
  }

  whenReady(): Promise<ModelStatus> {
    return this.waitForStatus((status) => status.state === 'ready' || status.state === 'empty');
  }

  predict(params: PredictParams): Promise<PredictResult> {
    return this.client.sendRequest(PredictRequest.type, params);
  }

  /** The likeliest next word after `context` (temperature 0). */
  async argmax(context: string): Promise<string | undefined> {
    return (await this.predict({ context, temperature: 0 })).chosen?.word;
  }

  generate(params: GenerateParams): Promise<GenerateResult> {
    return this.client.sendRequest(GenerateRequest.type, params);
  }

  evidence(params: EvidenceParams): Promise<EvidenceResult> {
    return this.client.sendRequest(EvidenceRequest.type, params);
  }

  explain(params: ExplainParams): Promise<ExplainResult> {
    return this.client.sendRequest(ExplainRequest.type, params);
  }

  skippedFiles(): Promise<readonly SkippedFile[]> {
    return this.client.sendRequest(SkippedFilesRequest.type);
  }

  relearn(): Promise<void> {
    return this.client.sendRequest(RelearnRequest.type);
  }

  /** Changes settings the way VS Code does: new values to pull, then a change notification. */
  async updateSettings(values: SettingsSections): Promise<void> {
    this.settings = { ...this.settings, ...values };
    await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async open(fsPath: string, text: string): Promise<string> {
    const uri = pathToFileURL(fsPath).href;
    this.versions.set(uri, 1);
    await this.client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'plaintext', version: 1, text },
    });
    return uri;
  }

  /** Replaces lines [startLine, endLine) of an open document by `text` (an incremental change). */
  async edit(uri: string, range: { start: [number, number]; end: [number, number] }, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [
        {
          range: {
            start: { line: range.start[0], character: range.start[1] },
            end: { line: range.end[0], character: range.end[1] },
          },
          text,
        },
      ],
    });
  }

  async close(uri: string): Promise<void> {
    await this.client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async fileEvent(fsPath: string, type: 'created' | 'changed' | 'deleted'): Promise<void> {
    const kinds: Record<typeof type, FileChangeType> = {
      created: FileChangeType.Created,
      changed: FileChangeType.Changed,
      deleted: FileChangeType.Deleted,
    };
    await this.client.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(fsPath).href, type: kinds[type] }],
    });
  }

  /** Shuts the server down (it saves its snapshot) and closes both ends. */
  async dispose(): Promise<void> {
    await this.client.sendRequest(ShutdownRequest.type);
    const server = this.serverProcess;
    if (server === undefined) {
      // No exit notification: the server's library would end this very process.
      this.client.dispose();
      return;
    }
    const exited = once(server, 'exit');
    await this.client.sendNotification(ExitNotification.type);
    await exited;
    this.client.dispose();
  }
}

const createdDirs: string[] = [];

/** A fresh copy of a fixture folder under the OS temp dir (tests write into their workspace). */
export function copyFixture(name: string): string {
  const source = path.join(__dirname, '..', 'fixtures', 'server', name);
  const target = tempDir(name);
  fs.cpSync(source, target, { recursive: true });
  return target;
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nwl-${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

/** Removes every folder copyFixture and tempDir made. */
/**
 * Starts ready sessions for the suite that calls it (inside its `describe`): each session is disposed
 * after its test, and the temporary folders after the suite.
 */
export function readySessions(): (folder: string, settings?: SettingsSections) => Promise<TestSession> {
  const sessions: TestSession[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.dispose();
  });
  after(removeTempDirs);
  return async (folder, settings = {}) => {
    const session = await TestSession.start({ folders: [folder], settings });
    sessions.push(session);
    await session.whenReady();
    return session;
  };
}

export function removeTempDirs(): void {
  for (const dir of createdDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
