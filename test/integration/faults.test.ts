// Faults in the real extension host: the language server process is SIGKILLed in the middle of
// learning and in the middle of a predict request. The client must restart it, the user must see
// exactly one message, and the next prediction must work. Restart times are printed for
// docs/robustness.md. Every wait is on the model's status events, never a timer.
//
// Learning the 5-file fixture takes milliseconds, so for the first kill the test adds a few hundred
// generated files (faults-generated/, removed afterwards) and re-learns, to kill while a pass runs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { NextWordLabApi } from '../../src/extension/extension';
import type { ModelStatus } from '../../src/protocol/lsp';
import { readyExtension } from './extensionUnderTest';

const FIXTURE_FILES = 5;
const GENERATED_FILES = 400;
const GENERATED_FOLDER = 'faults-generated';


/** The language server: the extension host's child running dist/server.js. */
function serverPid(): number {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const servers = children.split('\n').filter((line) => line.includes('dist/server.js'));
  assert.equal(servers.length, 1, `expected one server process among:\n${children}`);
  return Number(servers[0].trim().split(/\s+/)[0]);
}

type MessageKind = 'information' | 'warning' | 'error';

/** Records every message the extension shows (the test shares the extension's `vscode` API object). */
class MessageRecorder {
  readonly shown: { kind: MessageKind; text: string }[] = [];
  private readonly originals = {
    information: vscode.window.showInformationMessage,
    warning: vscode.window.showWarningMessage,
    error: vscode.window.showErrorMessage,
  };

  constructor() {
    type Show = (message: string, ...rest: unknown[]) => Thenable<unknown>;
    const record = (kind: MessageKind, original: Show): Show => (message, ...rest) => {
      this.shown.push({ kind, text: message });
      return original.call(vscode.window, message, ...rest);
    };
    vscode.window.showInformationMessage = record('information', this.originals.information as Show) as typeof vscode.window.showInformationMessage;
    vscode.window.showWarningMessage = record('warning', this.originals.warning as Show) as typeof vscode.window.showWarningMessage;
    vscode.window.showErrorMessage = record('error', this.originals.error as Show) as typeof vscode.window.showErrorMessage;
  }

  /** What was shown from `from` on. */
  since(from: number): { kind: MessageKind; text: string }[] {
    return this.shown.slice(from);
  }

  dispose(): void {
    vscode.window.showInformationMessage = this.originals.information;
    vscode.window.showWarningMessage = this.originals.warning;
    vscode.window.showErrorMessage = this.originals.error;
  }
}

/** Kills the server and measures: kill → the new server's first status, and kill → ready. */
async function killAndTime(api: NextWordLabApi, expectedFiles: number): Promise<{ firstStatusMs: number; readyMs: number; ready: ModelStatus }> {
  const killedPid = serverPid();
  const killedAt = performance.now();
  const firstStatus = new Promise<number>((resolve) => {
    const listener = api.model.onDidChangeStatus(() => {
      listener.dispose();
      resolve(performance.now() - killedAt);
    });
  });
  process.kill(killedPid, 'SIGKILL');
  const firstStatusMs = await firstStatus;
  const ready = await api.model.whenStatus((status) => status.state === 'ready' && status.filesLearned === expectedFiles);
  const readyMs = performance.now() - killedAt;
  assert.notEqual(serverPid(), killedPid, 'a new server process answers');
  return { firstStatusMs, readyMs, ready };
}

describe('faults: the language server killed', function () {
  this.timeout(120_000);
  let api: NextWordLabApi;
  let messages: MessageRecorder;
  let generated: string;
  const figures: string[] = [];

  before(async () => {
    api = await readyExtension();
    messages = new MessageRecorder();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    generated = path.join(folder.uri.fsPath, GENERATED_FOLDER);
    fs.rmSync(generated, { recursive: true, force: true });
  });

  after(async () => {
    messages?.dispose();
    if (generated !== undefined && fs.existsSync(generated)) {
      fs.rmSync(generated, { recursive: true, force: true });
      // Leave the model as the other suites expect it: the fixture's five files (found by a walk, as above).
      await vscode.commands.executeCommand('nextWordLab.relearnWorkspace');
      await api.model.whenStatus((status) => status.state === 'ready' && status.filesLearned === FIXTURE_FILES);
    }
    console.log(figures.map((line) => `      ${line}`).join('\n'));
  });

  it('in the middle of learning: restarted, one message, learning finishes, the next prediction works', async () => {
    // Enough text that a pass takes a while: each file a few thousand distinct words.
    fs.mkdirSync(generated);
    for (let i = 0; i < GENERATED_FILES; i++) {
      const lines = Array.from({ length: 400 }, (_, j) => `the generated line ${j} of file ${i} says word${(i * 131 + j * 7) % 9_973} and word${(i + j) % 4_999}`);
      fs.writeFileSync(path.join(generated, `file-${i}.txt`), lines.join('\n'));
    }
    const total = FIXTURE_FILES + GENERATED_FILES;
    // Re-learn finds the new files by walking the folder: 400 files written at once are more events than
    // the file watcher promises to deliver (it may coalesce or drop them under load), and waiting for each
    // one to be learned hung the suite now and then. Not awaited: the command resolves once learning has
    // finished, and the server dies before that.
    const relearned = vscode.commands.executeCommand('nextWordLab.relearnWorkspace');
    const learning = await api.model.whenStatus((s) => s.state === 'learning' && s.progress !== undefined && s.progress.done > 0 && s.progress.done < s.progress.total);
    const before = messages.shown.length;
    const { firstStatusMs, readyMs, ready } = await killAndTime(api, total);

    assert.equal(ready.filesLearned, total);
    // The restart's warning is the one message: the interrupted re-learn says nothing more.
    assert.equal(await relearned, undefined);
    assert.equal((await api.model.predict({ context: 'the sky is', temperature: 0 })).chosen?.word, 'blue');
    const shown = messages.since(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0].kind, 'warning');
    assert.match(shown[0].text, /language server stopped unexpectedly and was restarted/);
    figures.push(
      `killed while learning (${learning.progress?.done} / ${learning.progress?.total} files): new server's first status after ${firstStatusMs.toFixed(0)} ms, ` +
        `${total} files learned again after ${readyMs.toFixed(0)} ms`,
    );
  });

  it('in the middle of a predict request: the request fails quietly, one message, the next prediction works', async () => {
    const total = FIXTURE_FILES + GENERATED_FILES;
    await api.model.whenStatus((status) => status.state === 'ready' && status.filesLearned === total);
    const before = messages.shown.length;
    // A heavy request (100,000 draws over 200 candidates), killed while it is on its way or being answered.
    const request = api.model.predict({ context: 'the generated line', temperature: 1, candidates: 200, draws: 100_000 });
    const outcome = request.then(
      () => 'answered before the kill landed',
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    const { firstStatusMs, readyMs } = await killAndTime(api, total);

    assert.equal((await api.model.predict({ context: 'the sky is', temperature: 0 })).chosen?.word, 'blue');
    // Predict Next Word, the command, works again too.
    const document = await vscode.workspace.openTextDocument({ content: 'the sky is', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 10, 0, 10);
    await vscode.workspace.getConfiguration('nextWordLab').update('temperature', 0, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await api.predictNextWord(), [' blue']);
    } finally {
      await vscode.workspace.getConfiguration('nextWordLab').update('temperature', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    const shown = messages.since(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0].text, /language server stopped unexpectedly and was restarted/);
    figures.push(`killed during a predict request (${await outcome}): first status after ${firstStatusMs.toFixed(0)} ms, ready after ${readyMs.toFixed(0)} ms`);
  });
});
