// Show where… in the real VS Code: the quick pick lists the places in the learned fixture where the
// context that answered was followed by the word, and the place picked opens in its file at its line
// and column. Waits are on real signals (the extension's event when the pick is on screen, the command's
// own promise), never a timer.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NextWordLabApi } from '../../src/extension/extension';
import type { EvidenceResult } from '../../src/protocol/lsp';
import { readyExtension } from './extensionUnderTest';


describe('Show where… (evidence) in VS Code', () => {
  let api: NextWordLabApi;

  before(async () => {
    api = await readyExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const nextEvidencePick = (): Promise<EvidenceResult> =>
    new Promise((resolve) => {
      const listener = api.onDidShowEvidence((evidence) => {
        listener.dispose();
        resolve(evidence);
      });
    });

  it('lists every place "sky is" was followed by "blue" and opens the one picked at its line and column', async () => {
    const shown = nextEvidencePick();
    const opening = api.showEvidence({ context: 'sky is', word: 'blue' });
    const evidence = await shown;
    assert.deepEqual(evidence.context, ['sky', 'is']);
    assert.equal(evidence.count, 3);
    assert.equal(evidence.contextCount, 5, '"sky is" is followed by blue three times and by cloudy twice');
    assert.deepEqual(
      evidence.occurrences.map(({ file, line, column, text }) => [file, line, column, text]),
      [
        ['notes/weather.txt', 2, 5, 'the sky is blue today'],
        ['notes/weather.txt', 4, 10, 'when the sky is blue it rarely rains'],
        ['notes/weather.txt', 5, 24, 'the rain stops and the sky is blue again'],
      ],
    );
    // The second place: line 4, column 10.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const editor = await opening;
    assert.ok(editor, 'a place was opened');
    assert.equal(editor.document.uri.path.endsWith('/notes/weather.txt'), true, editor.document.uri.toString());
    assert.equal(vscode.window.activeTextEditor, editor);
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [3, 9]);
    assert.equal(editor.document.lineAt(3).text.slice(9), 'sky is blue it rarely rains');
  });

  it('answers a context across lines with the places of the longest match the workspace holds (the default estimator)', async () => {
    const evidence = await api.model.evidence({ context: 'it often rains\nwhen the sky is', word: 'blue' });
    assert.deepEqual(evidence.context, ['it', 'often', 'rains', '</s>', 'when', 'the', 'sky', 'is']);
    assert.equal(evidence.count, 1);
    assert.deepEqual(
      evidence.occurrences.map(({ file, line, column, text }) => [file, line, column, text]),
      [['notes/weather.txt', 3, 24, 'when the sky is cloudy it often rains']],
    );
  });

  it('a context spanning lines predicts the word only the longer context determines', async () => {
    // The line is the same, "when the sky is"; the line before it decides (weather.txt lines 2–5).
    assert.equal((await api.model.predict({ context: 'cloudy it often rains\nwhen the sky is', temperature: 0 })).chosen?.word, 'blue');
    assert.equal((await api.model.predict({ context: 'the sky is blue today\nwhen the sky is', temperature: 0 })).chosen?.word, 'cloudy');
  });

  it('never lists the .env canary, which is not learned', async () => {
    const evidence = await api.model.evidence({ context: 'NWL_SECRET_TOKEN_DO_NOT_LEARN =', word: 'hunter2' });
    assert.equal(evidence.count, 0);
    assert.deepEqual(evidence.occurrences, []);
  });
});
