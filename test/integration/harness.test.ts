// Proves the integration harness: this runs inside a real extension host, with the extension under
// development loaded and the fixture workspace open.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../package.json';

const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('integration harness', () => {
  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(folders.map((folder) => path.basename(folder.uri.fsPath)), ['workspace']);
    assert.ok(folders[0].uri.fsPath.endsWith(path.join('test', 'fixtures', 'workspace')), folders[0].uri.fsPath);
  });

  it('loads the extension under development and registers every command it declares', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not among the loaded extensions`);
    await extension.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = manifest.contributes.commands.map((entry) => entry.command);
    assert.deepEqual(declared.filter((command) => !registered.has(command)), []);
  });
});
