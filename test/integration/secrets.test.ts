// Secrets pasted into a learned file, in the real extension host: the file is learned without them,
// Show Skipped Files' data says how many lines were withheld and why, and no canary comes out of a
// prediction, a draw, generated text, a completion or the saved snapshot; nor when one is typed into
// an open document. The fixture is left as it was (the pasted file is removed and unlearned).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import type { NextWordLabApi } from '../../src/extension/extension';
import { SNAPSHOT_FILE_NAME } from '../../src/protocol/lsp';
import { CANARY_LINE_COUNT, canaryText, isCanary } from '../fixtures/secrets/canaries';
import path from 'node:path';

const extensionId = `${manifest.publisher}.${manifest.name}`;
const CONTEXTS = ['aws_secret_access_key =', 'DB_PASSWORD =', 'Authorization : Bearer', 'STRIPE', 'the cat sat on the mat', ''];

describe('secrets pasted into a learned file, in VS Code', () => {
  let api: NextWordLabApi;
  let pasted: vscode.Uri;
  let learnedBefore = 0;

  before(async () => {
    const extension = vscode.extensions.getExtension<NextWordLabApi>(extensionId);
    assert.ok(extension);
    api = await extension.activate();
    learnedBefore = (await api.whenReady()).filesLearned;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    pasted = vscode.Uri.joinPath(folder.uri, 'notes', 'pasted-secrets.md');
    fs.writeFileSync(pasted.fsPath, canaryText());
    await vscode.commands.executeCommand('nextWordLab.relearnWorkspace');
    await api.model.whenStatus((status) => status.state === 'ready' && status.filesLearned === learnedBefore + 1);
    await vscode.workspace.getConfiguration('nextWordLab').update('completions.enabled', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('nextWordLab').update('completions.enabled', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(pasted.fsPath, { force: true });
    await vscode.commands.executeCommand('nextWordLab.relearnWorkspace');
    await api.model.whenStatus((status) => status.state === 'ready' && status.filesLearned === learnedBefore);
  });

  async function assertNoCanaryOut(): Promise<void> {
    const everything = await api.model.predict({ context: '', temperature: 1, candidates: 1000 });
    assert.deepEqual(everything.candidates.map((candidate) => candidate.word).filter(isCanary), []);
    for (const context of CONTEXTS) {
      const result = await api.model.predict({ context, temperature: 5, candidates: 200, draws: 1000, seed: 'canary' });
      assert.deepEqual(result.candidates.map((candidate) => candidate.word).filter(isCanary), [], context);
      assert.ok(!isCanary(result.chosen?.word ?? ''), context);
      const generated = await api.model.generate({ context, words: 100, mode: 'sample', acrossLines: true, temperature: 5, seed: 'canary' });
      assert.deepEqual(generated.tokens.filter(isCanary), [], context);
    }
    const document = await vscode.workspace.openTextDocument({ content: 'aws_secret_access_key = ', language: 'plaintext' });
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(0, 24),
    );
    const labels = completions.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.deepEqual(labels.filter(isCanary), []);
  }

  it('learns the file without its secret lines and says how many were withheld and why', async () => {
    const entry = (await api.model.skippedFiles()).find((file) => file.uri.endsWith('/notes/pasted-secrets.md'));
    assert.equal(entry?.reason, 'secret lines');
    assert.match(entry?.detail ?? '', new RegExp(`^learned, ${CANARY_LINE_COUNT} lines withheld: private key, AWS access key, `));
    // Its ordinary lines are learned.
    assert.equal((await api.model.predict({ context: 'the dog ran to the', temperature: 0 })).chosen?.word, 'park');
  });

  it('no canary in predictions, draws, generated text or completions', assertNoCanaryOut);

  it('nor when a secret is typed into an open learned document', async () => {
    const document = await vscode.workspace.openTextDocument(pasted);
    const editor = await vscode.window.showTextDocument(document);
    try {
      await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), 'token = ghp_canaryTypedInEditor000000000000000000000\nthe cat typed here\n'));
      await api.model.whenStatus(() => true);
      // The ordinary line is learned at once; the token's line never.
      assert.equal((await api.model.predict({ context: 'the cat typed', temperature: 0 })).chosen?.word, 'here');
      await assertNoCanaryOut();
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('no canary in the saved snapshot', async () => {
    const storage = api.storagePath;
    assert.ok(storage);
    await api.stopServer();
    const snapshot = fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME));
    assert.ok(snapshot.includes(Buffer.from('park')), 'the snapshot holds the learned words');
    assert.ok(!isCanary(snapshot.toString('latin1')));
    api.startServer();
    await api.model.whenStatus((status) => status.state === 'ready');
  });
});
