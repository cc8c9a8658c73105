// The surprisal lens in a real VS Code: Show Surprisal decorates every word of the file by its rank,
// the status bar shows the file's bits per token with a legend, a hover explains a word with the
// likeliest alternatives, the lens follows an edit, and it goes away when toggled off or the file
// closes; on a long file the lines on screen are drawn first. Every wait is on the lens's own update
// event or a command's completion, never a timer.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { tokenizeLine } from '../../src/core/tokenizer';
import type { NextWordLabApi } from '../../src/extension/extension';
import { SURPRISAL_BUCKETS, bucketOf } from '../../src/extension/surprisalLens';
import { SURPRISAL_SPAN_FIELDS, type EvidenceResult } from '../../src/protocol/lsp';
import { readyExtension } from './extensionUnderTest';


function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

describe('Surprisal lens in VS Code', () => {
  let api: NextWordLabApi;

  before(async () => {
    api = await readyExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** The lens's status bar item as shown (a call, so no earlier assertion narrows it). */
  const lensStatus = () => api.surprisal.status;

  /** Resolves on the lens's next update of `uri` whose view satisfies `predicate`. */
  function nextUpdate(uri: vscode.Uri, predicate: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const listener = api.surprisal.onDidUpdate((updated) => {
        if (updated.toString() !== uri.toString() || !predicate()) return;
        listener.dispose();
        resolve();
      });
    });
  }

  it('colours every word by its rank, shows bits per token with a legend, explains a word on hover, and hides again', async () => {
    const uri = workspaceFile('notes', 'weather.txt');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    assert.equal(lensStatus(), undefined, 'no lens, no status figure');

    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
    const view = api.surprisal.view(uri);
    assert.ok(view, 'the lens is drawn when the command resolves');
    assert.equal(view.result.ownCountsLeftOut, true, 'the file is learned, and its own counts were left out');

    // Every word of every line is decorated once, in the bucket of its rank.
    const decorated = view.ranges.flatMap((ranges, bucket) => ranges.map((range) => ({ range, bucket })));
    decorated.sort((a, b) => a.range.start.compareTo(b.range.start));
    const words = Array.from({ length: document.lineCount }, (_, line) => tokenizeLine('words', document.lineAt(line).text)).flat();
    assert.deepEqual(decorated.map(({ range }) => document.getText(range)), words);
    const { spans } = view.result;
    for (let i = 0; i < spans.length; i += SURPRISAL_SPAN_FIELDS) {
      assert.equal(decorated[i / SURPRISAL_SPAN_FIELDS].bucket, bucketOf(spans[i + 3]));
    }
    assert.ok(view.rulerLines.length >= 1, 'the most surprising line is marked in the overview ruler');

    const status = lensStatus();
    assert.ok(status, 'the status bar shows the figure');
    assert.ok(view.result.bitsPerToken !== null);
    assert.equal(status.text, `$(eye) ${view.result.bitsPerToken.toFixed(2)} bits/token`);
    for (const bucket of SURPRISAL_BUCKETS) assert.ok(status.tooltip.includes(`| ${bucket.label} |`), `the legend lists ${bucket.label}`);

    // The hover on the second word of the first line: its probability, bits and the likeliest words.
    const second = decorated[1].range;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, second.start.translate(0, 1));
    const text = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(text, /surprisal \d+\.\d\d bits · rank \d+/);
    assert.match(text, /\| likeliest here \| P \| counts \| n-gram \|/);
    const alternatives = text.split('\n').filter((line) => /^\| `[^`]+`( ✓)? \| [\d.]+ %/.test(line));
    assert.equal(alternatives.length, 5, text);

    // An edit: the lens follows it with the new line's words.
    const updated = nextUpdate(uri, () => (api.surprisal.view(uri)?.ranges.flat().length ?? 0) > decorated.length);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'the sky is purple today\n'));
    await updated;
    const after = api.surprisal.view(uri);
    assert.ok(after);
    assert.equal(after.ranges.flat().length, decorated.length + 5);
    assert.equal(after.result.version, document.version);

    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
    assert.equal(api.surprisal.view(uri), undefined);
    assert.equal(lensStatus(), undefined, 'the status figure goes away with the lens');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it("follows the hover's Show where… link to the places the workspace has the word's context followed by it, without the file itself", async () => {
    const uri = workspaceFile('notes', 'tennis.md');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
    assert.ok(api.surprisal.isShown(uri));
    // `#` starting the file's first line: elsewhere only README.md's first line starts so.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 0));
    const text = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(text, /answered by the 2-gram `<s> #`: seen 1 times in \d+ of `<s>`, without this file/);
    const link = /\[Show where…\]\(command:nextWordLab\.showEvidence\?([^ )]+)/.exec(text);
    assert.ok(link, text);
    const args: unknown[] = JSON.parse(decodeURIComponent(link[1]));

    const shown = new Promise<EvidenceResult>((resolve) => {
      const listener = api.onDidShowEvidence((evidence) => {
        listener.dispose();
        resolve(evidence);
      });
    });
    const following = vscode.commands.executeCommand('nextWordLab.showEvidence', ...args);
    const evidence = await shown;
    assert.equal(evidence.word, '#');
    assert.deepEqual(evidence.context, ['<s>']);
    assert.equal(evidence.count, 1, 'the count the hover showed');
    assert.deepEqual(
      evidence.occurrences.map(({ file, line, column, text: lineText }) => [file, line, column, lineText]),
      [['README.md', 1, 1, '# Fixture workspace']],
      'the file itself, left out of the lens, is not listed',
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await following, undefined, 'nothing picked, nothing opened');
    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
  });

  it('turns off when its file is closed', async () => {
    const uri = workspaceFile('notes', 'tennis.md');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
    assert.ok(api.surprisal.isShown(uri));
    const hidden = nextUpdate(uri, () => !api.surprisal.isShown(uri));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await hidden;
    assert.equal(lensStatus(), undefined);
  });

  it('on a long file draws the lines on screen first, then every line with the figure, and keeps the lines off screen in place through an edit', async () => {
    const sentences = ['the weather is sunny today', 'it will rain tomorrow in the north', 'we play tennis when the sky is clear', 'football is played in the rain'];
    const text = Array.from({ length: 400 }, (_, i) => (i % 9 === 8 ? '' : `${sentences[i % sentences.length]} ${i}`)).join('\n');
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    const { uri } = document;
    const wordsOf = (line: number) => tokenizeLine('words', document.lineAt(line).text);
    const decoratedTexts = () =>
      (api.surprisal.view(uri)?.ranges ?? [])
        .flat()
        .sort((a, b) => a.start.compareTo(b.start))
        .map((range) => document.getText(range));
    const allWords = () => Array.from({ length: document.lineCount }, (_, line) => wordsOf(line)).flat();

    const views: { lines: Set<number>; ruler: number; status: string | undefined }[] = [];
    const listener = api.surprisal.onDidUpdate((updated) => {
      const view = api.surprisal.view(updated);
      if (updated.toString() === uri.toString() && view !== undefined) {
        views.push({ lines: new Set(view.ranges.flat().map((range) => range.start.line)), ruler: view.rulerLines.length, status: api.surprisal.status?.text });
      }
    });
    try {
      await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
      const lastVisible = Math.max(...editor.visibleRanges.map((range) => range.end.line));
      assert.ok(lastVisible < 200, `the editor shows the top of the file (to line ${lastVisible + 1})`);
      assert.ok(views.length >= 2, 'drawn at least twice: the lines on screen, then the whole file');
      const [first] = views;
      const whole = views[views.length - 1];
      const drawn = views.map((view) => `${view.lines.size} lines to ${Math.max(...view.lines)}`).join('; ');
      // The lines on screen when the command ran (the editor may have settled a line or two since) and 20 below.
      assert.ok([...first.lines].every((line) => line <= lastVisible + 25), `first, only the lines on screen (to ${lastVisible}) and 20 below: ${drawn}`);
      assert.ok(first.lines.has(0) && first.lines.has(lastVisible));
      assert.equal(first.ruler, 0, 'no ruler before the whole file is scored');
      assert.match(first.status ?? '', /sync~spin/, 'the figure is still coming');
      assert.ok(whole.lines.has(390), 'then every line');
      assert.match(whole.status ?? '', /^\$\(eye\) \d+\.\d\d bits\/token$/);
      assert.deepEqual(decoratedTexts(), allWords());

      // An edit at the top: lines below move down with their words, off screen as on it.
      const updated = nextUpdate(uri, () => api.surprisal.view(uri)?.result.version === document.version && api.surprisal.status?.text.startsWith('$(eye)') === true);
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'a new first line\n'));
      await updated;
      assert.deepEqual(decoratedTexts(), allWords());
      assert.ok(api.surprisal.view(uri)?.ranges.flat().some((range) => range.start.line === 399), 'the last line, moved down, is still drawn');

      // Scrolled down to lines scored before the edit: those lines are asked for again, the figure stays as it is (no spinner).
      const statuses: (string | undefined)[] = [];
      const statusListener = api.surprisal.onDidUpdate(() => statuses.push(api.surprisal.status?.text));
      const rescored = nextUpdate(uri, () => true);
      editor.revealRange(new vscode.Range(300, 0, 300, 0), vscode.TextEditorRevealType.AtTop);
      await rescored;
      statusListener.dispose();
      assert.deepEqual(statuses.map((text) => text?.startsWith('$(eye)')), [true], `one update, the figure shown throughout: ${statuses.join('; ')}`);
      assert.deepEqual(decoratedTexts(), allWords());
    } finally {
      listener.dispose();
      await vscode.commands.executeCommand('nextWordLab.toggleSurprisal');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
