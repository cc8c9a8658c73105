// A team's base model in a real VS Code: nextWordLab.baseModel names the ARPA model KenLM built for
// the reference corpus (gzipped, test/fixtures/team), the server loads it in the background, and the
// predictions become the mixture λ·P_base + (1 − λ)·P_workspace: each candidate's parts are KenLM's
// own probability and the workspace model's, Predict Next Word inserts the mixture's argmax, and the
// surprisal lens's hover says which models answered. Every wait is on the model's status events.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { readArpa } from '../../src/core/arpa';
import type { NextWordLabApi } from '../../src/extension/extension';
import type { ModelStatus } from '../../src/protocol/lsp';
import { readyExtension } from './extensionUnderTest';

const ARPA = path.resolve(__dirname, '../../../test/fixtures/team/kenlm-code-small-o3.arpa.gz');
const WEIGHT = 0.4;
/** A line of the kind the team's corpus holds, typed as a user would (the words tokenizer splits it as the corpus was split). */
const LINE = "import { expect } from '@playwright/test';";
const CONTEXT = 'import { expect } from';

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('nextWordLab').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('A team base model in VS Code', () => {
  let api: NextWordLabApi;

  before(async () => {
    api = await readyExtension();
  });

  after(async () => {
    await setting('baseModel', undefined);
    await setting('baseModelWeight', undefined);
    await api.model.whenStatus((status) => status.baseModel === undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('serves the KenLM-built model mixed with the workspace model, exactly, and says which model answered', async () => {
    const alone = await api.model.predict({ context: CONTEXT, candidates: 200, temperature: 0 });
    assert.equal(alone.mixture, undefined);
    const workspaceP = new Map(alone.candidates.map((candidate) => [candidate.word, candidate.probability]));

    await setting('baseModelWeight', WEIGHT);
    await setting('baseModel', ARPA);
    const status = await api.model.whenStatus((next: ModelStatus) => next.baseModel?.state === 'ready' || next.baseModel?.state === 'failed');
    assert.ok(status.baseModel?.state === 'ready', JSON.stringify(status.baseModel));
    assert.deepEqual(status.baseModel.ngrams, [1085, 3891, 5807], 'the counts the ARPA header announces');
    assert.equal(status.baseModel.weight, WEIGHT);

    const mixed = await api.model.predict({ context: CONTEXT, candidates: 20, temperature: 0 });
    assert.deepEqual(mixed.mixture && { weight: mixed.mixture.weight, source: mixed.mixture.source }, { weight: WEIGHT, source: ARPA });
    // The base part is KenLM's own number for the word after the line so far.
    const kenlm = readArpa(new TextDecoder().decode(gunzipSync(fs.readFileSync(ARPA))));
    const lineContext = ['<s>', 'import', '{', 'expect', '}', 'from'];
    for (const candidate of mixed.candidates) {
      const parts = candidate.parts;
      assert.ok(parts !== undefined, `${candidate.word} has its parts`);
      const base = kenlm.score(lineContext, candidate.word);
      // The same back-off sums, added in another order: equal to the last bits of a double.
      const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-12 * expected, `${what}: ${actual} is not ${expected}`);
      close(parts.base, base.inVocabulary || candidate.word === '</s>' ? base.probability : 0, `P_base(${candidate.word})`);
      const workspace = workspaceP.get(candidate.word);
      if (workspace !== undefined) close(parts.workspace, workspace, `P_workspace(${candidate.word})`);
      assert.ok(Math.abs(candidate.probability - (WEIGHT * parts.base + (1 - WEIGHT) * parts.workspace)) <= 1e-15, `P(${candidate.word})`);
    }
    // The team's corpus continues `from` with a quote: the mixture ranks it first, and Predict Next Word types it.
    assert.equal(mixed.candidates[0].word, "'");
    assert.ok(mixed.candidates[0].parts !== undefined && mixed.candidates[0].parts.base > 0.5);
    const document = await vscode.workspace.openTextDocument({ content: LINE, language: 'typescript' });
    const editor = await vscode.window.showTextDocument(document);
    const afterFrom = new vscode.Position(0, CONTEXT.length);
    editor.selection = new vscode.Selection(afterFrom, afterFrom);
    await setting('temperature', 0);
    try {
      assert.deepEqual((await api.predictNextWord()).map((inserted) => inserted.trim()), ["'"]);
    } finally {
      await setting('temperature', undefined);
    }

    // The lens scores with the mixture, and its hover names the models and each one's part.
    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
    const view = api.surprisal.view(document.uri);
    assert.deepEqual(view?.result.mixture && { weight: view.result.mixture.weight, source: view.result.mixture.source }, { weight: WEIGHT, source: ARPA });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 10));
    const text = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.ok(
      text.includes(`Answered by the mixture: 0.4 × team base model ${ARPA} + 0.6 × workspace model (its counts below): team base `),
      text,
    );
    assert.match(text, /team base \d+\.\d% · workspace \d+\.\d%/);
    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');

    // Cleared, the workspace model answers alone again.
    await setting('baseModel', undefined);
    await api.model.whenStatus((next) => next.baseModel === undefined);
    assert.equal((await api.model.predict({ context: CONTEXT, temperature: 0 })).mixture, undefined);
  });
});
