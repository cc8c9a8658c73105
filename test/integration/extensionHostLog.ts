// The extension host's log, as the integration suites read it: every warning or error it holds that
// VS Code attributes to this extension (resource settings read without a resource, for one).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

/**
 * Our warnings and errors logged so far. The log is written by another process, so first a warning is
 * caused on purpose (a resource setting this extension never reads, read without a resource) and the
 * log is read until it holds it: everything logged before that is in the file too.
 */
export async function ourLoggedProblems(extensionId: string, extensionLogUri: vscode.Uri): Promise<string[]> {
  const folder = path.dirname(extensionLogUri.fsPath);
  const logFile = ['remoteexthost.log', 'exthost.log'].map((name) => path.join(folder, name)).find((file) => fs.existsSync(file));
  assert.ok(logFile, `no extension host log in ${folder}`);
  const marker = `'files.watcherExclude'`;
  void vscode.workspace.getConfiguration('files').get('watcherExclude');
  const log = await readUntil(logFile, (text) => text.includes(marker));
  return log
    .slice(0, log.lastIndexOf('\n', log.indexOf(marker)))
    .split('\n')
    .filter((line) => line.includes(`[${extensionId}]`) && /\[(warning|error)\]/.test(line));
}

function readUntil(file: string, ready: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const watcher = fs.watch(file, () => void check());
    const check = (): void => {
      const text = fs.readFileSync(file, 'utf8');
      if (!ready(text)) return;
      watcher.close();
      resolve(text);
    };
    check();
  });
}
