// Next words in the editor, in a real VS Code: ghost text shown and accepted as VS Code's own commands
// (Trigger Inline Suggestion, then Tab's command) do it, per-language settings that register and drop
// the providers, and an extension host log with no warning of ours. Each wait is on a real signal: the
// trigger command resolves once the providers answered, the model's status, the log line we cause.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NextWordLabApi } from '../../src/extension/extension';
import { ourLoggedProblems } from './extensionHostLog';
import { extensionId, readyExtension } from './extensionUnderTest';


async function editorWith(text: string, language: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language });
  const editor = await vscode.window.showTextDocument(document);
  const end = document.lineAt(document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

/** Asks the inline providers at the cursor (the command resolves once they answered), then accepts as Tab does. */
async function triggerAndAccept(editor: vscode.TextEditor): Promise<string> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
  return editor.document.getText();
}

async function setInline(languageId: string | undefined, value: boolean | undefined): Promise<void> {
  const scope = languageId === undefined ? undefined : { languageId };
  await vscode.workspace.getConfiguration('nextWordLab', scope).update('inlineSuggestions.enabled', value, vscode.ConfigurationTarget.Global, languageId !== undefined);
}

describe('Next Word Lab in the editor: ghost text, per-language providers, a clean log', () => {
  let api: NextWordLabApi;

  before(async () => {
    api = await readyExtension();
    // Plain counting, and T = 0: "sky is" → blue (3 of 5), "is blue" → today (first of three ties), then the line ends.
    await vscode.workspace.getConfiguration('nextWordLab').update('smoothing', 'mle', vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('nextWordLab').update('temperature', 0, vscode.ConfigurationTarget.Global);
    await api.model.whenStatus((status) => status.estimator === 'mle');
  });

  after(async () => {
    for (const key of ['smoothing', 'temperature', 'completions.enabled']) {
      await vscode.workspace.getConfiguration('nextWordLab').update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    for (const language of ['plaintext', 'markdown']) await setInline(language, undefined);
    await setInline(undefined, undefined);
    await api.updateEditorProviders();
  });

  afterEach(async () => {
    // Reverted, then closed: an untitled editor left dirty stays open (and in the server's documents).
    while (vscode.window.activeTextEditor !== undefined) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.deepEqual(vscode.workspace.textDocuments.filter((document) => document.isUntitled && !document.isClosed).map((document) => document.uri.toString()), []);
  });

  it('by default: ghost text in plain text after a space, and Tab takes it', async () => {
    assert.equal(api.editorProviders.inline, true, 'on for Markdown and plain text by default');
    const editor = await editorWith('the sky is ', 'plaintext');
    assert.equal(await triggerAndAccept(editor), 'the sky is blue today');
  });

  it('while a word is typed: its rest, then the next words', async () => {
    const editor = await editorWith('the sky is bl', 'markdown');
    assert.equal(await triggerAndAccept(editor), 'the sky is blue today');
  });

  it('off for one language: none there, still in the others', async () => {
    await setInline('plaintext', false);
    await api.updateEditorProviders();
    const plain = await editorWith('the sky is ', 'plaintext');
    assert.equal(await triggerAndAccept(plain), 'the sky is ', 'no ghost text in plain text');
    const markdown = await editorWith('the sky is ', 'markdown');
    assert.equal(await triggerAndAccept(markdown), 'the sky is blue today', 'Markdown keeps its ghost text');
    await setInline('plaintext', undefined);
  });

  it('registers the providers only while some language has them on', async () => {
    for (const language of ['plaintext', 'markdown']) await setInline(language, false);
    await api.updateEditorProviders();
    assert.deepEqual(api.editorProviders, { inline: false, completions: false });
    const plain = await editorWith('the sky is ', 'plaintext');
    assert.equal(await triggerAndAccept(plain), 'the sky is ');

    // On for one other language only: registered, and ghost text there.
    await setInline('python', true);
    await api.updateEditorProviders();
    assert.equal(api.editorProviders.inline, true);
    const python = await editorWith('the sky is ', 'python');
    assert.equal(await triggerAndAccept(python), 'the sky is blue today');
    await setInline('python', undefined);

    await vscode.workspace.getConfiguration('nextWordLab').update('completions.enabled', true, vscode.ConfigurationTarget.Global);
    await api.updateEditorProviders();
    assert.equal(api.editorProviders.completions, true);
    for (const language of ['plaintext', 'markdown']) await setInline(language, undefined);
    await api.updateEditorProviders();
  });

  it('completions: the next words after a space (a trigger character), with their probability', async () => {
    await vscode.workspace.getConfiguration('nextWordLab').update('completions.enabled', true, vscode.ConfigurationTarget.Global);
    await api.updateEditorProviders();
    const editor = await editorWith('the sky is ', 'plaintext');
    const end = editor.document.lineAt(0).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, end, ' ');
    const ours = list.items.filter((item) => typeof item.detail === 'string' && item.detail.includes('next word'));
    assert.equal(ours[0]?.label, 'blue');
    assert.match(ours[0].detail ?? '', /^60\.0 % · next word \(3\/5, 3-gram\)$/);
    await vscode.workspace.getConfiguration('nextWordLab').update('completions.enabled', undefined, vscode.ConfigurationTarget.Global);
    await api.updateEditorProviders();
    assert.equal(api.editorProviders.completions, false);
  });

  it('leaves no warning in the extension host log (resource settings are read with their resource)', async () => {
    // A settings change makes the client notify the server and the server pull every setting again.
    const files = vscode.workspace.getConfiguration('files', null);
    await files.update('exclude', { ...files.get<Record<string, boolean>>('exclude'), '**/*.nothing': true }, vscode.ConfigurationTarget.Global);
    await api.model.whenStatus((status) => status.state === 'ready');
    await files.update('exclude', undefined, vscode.ConfigurationTarget.Global);
    await api.whenReady();
    assert.deepEqual(await ourLoggedProblems(extensionId, api.logUri), []);
  });
});
