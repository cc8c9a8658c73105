// Two workspace folders, each with its own nextWordLab.exclude and maxFileSizeKB in its
// .vscode/settings.json (test/fixtures/multi-root): settings of scope `resource` are read per folder,
// so each folder keeps its own rules. With the default `window` scope VS Code ignores folder values.
// Run by test/integration/runTests.mjs on multi-root.code-workspace, after the single-folder suite.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NextWordLabApi } from '../../src/extension/extension';
import { ourLoggedProblems } from './extensionHostLog';
import { extensionId, readyExtension } from './extensionUnderTest';


describe('Next Word Lab in a two-folder workspace', () => {
  let api: NextWordLabApi;
  let one: vscode.WorkspaceFolder;
  let two: vscode.WorkspaceFolder;

  before(async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(folders.map((folder) => folder.name), ['one', 'two']);
    [one, two] = folders;
    api = await readyExtension();
  });

  it('VS Code gives each folder its own value of the resource settings', () => {
    const exclude = (folder: vscode.WorkspaceFolder) => vscode.workspace.getConfiguration('nextWordLab', folder.uri).get<string[]>('exclude');
    assert.deepEqual(exclude(one), ['**/*.md']);
    assert.deepEqual(exclude(two), ['**/*.txt']);
    assert.equal(vscode.workspace.getConfiguration('nextWordLab', one.uri).inspect('maxFileSizeKB')?.workspaceFolderValue, 1);
    assert.equal(vscode.workspace.getConfiguration('nextWordLab', two.uri).get('maxFileSizeKB'), 1024);
  });

  it('learns each folder by its own rules', async () => {
    const skipped = await api.model.skippedFiles();
    const reason = (folder: vscode.WorkspaceFolder, file: string): string | undefined =>
      skipped.find((entry) => entry.uri === vscode.Uri.joinPath(folder.uri, file).toString())?.reason;
    assert.equal(reason(one, 'beta.md'), 'excluded', 'folder one excludes Markdown');
    assert.equal(reason(one, 'large.txt'), 'too large', 'folder one learns files of at most 1 KB');
    assert.equal(reason(one, 'alpha.txt'), undefined);
    assert.equal(reason(two, 'gamma.txt'), 'excluded', 'folder two excludes text files');
    assert.equal(reason(two, 'delta.md'), undefined);
    assert.equal(reason(two, 'large.md'), undefined, 'folder two keeps the default size limit');

    const argmax = async (context: string) => (await api.model.predict({ context, temperature: 0, insertableOnly: true })).chosen?.word;
    assert.equal(await argmax('alpha'), 'apples');
    assert.equal(await argmax('delta'), 'dates');
    assert.equal(await argmax('large'), 'limes', 'folder two’s large file is learned, folder one’s is not');
    assert.notEqual(await argmax('beta'), 'bananas');
    assert.notEqual(await argmax('gamma'), 'grapes');
  });

  it('leaves no warning in the extension host log', async () => {
    assert.deepEqual(await ourLoggedProblems(extensionId, api.logUri), []);
  });
});
