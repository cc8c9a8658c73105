// The status bar item: short, as status bar items should be — the temperature (`T 0.7`), with the
// loading icon while the server learns; the model's size and state are in its tooltip. Hidden with no
// folder open (nothing to learn). A click opens the status menu.

import * as vscode from 'vscode';
import type { ModelStatus } from '../protocol/lsp';
import { ngramName } from '../protocol/wording';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { ModelService } from './modelService';
import { describeBaseModel } from './teamModel';

export const STATUS_MENU_COMMAND = 'nextWordLab.statusMenu';

/** Right-aligned, to the left of the language and encoding items. */
const STATUS_BAR_PRIORITY = 100;

export class StatusBar extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('nextWordLab.status', vscode.StatusBarAlignment.Right, STATUS_BAR_PRIORITY),
  );

  constructor(
    private readonly model: ModelService,
    private readonly config: Config,
  ) {
    super();
    this.item.name = 'Next Word Lab';
    this.item.command = STATUS_MENU_COMMAND;
    this._register(model.onDidChangeStatus(() => this.render()));
    this._register(config.onDidChange(() => this.render()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.render()));
    this.render();
  }

  private render(): void {
    if ((vscode.workspace.workspaceFolders ?? []).length === 0) {
      this.item.hide();
      return;
    }
    const status = this.model.status;
    const temperature = `T ${formatNumber(this.config.temperature)}`;
    const busy = status === undefined || status.state === 'starting' || status.state === 'learning';
    // A model that reached its memory budget says so where it is seen: some files are not learned.
    const icon = busy ? '$(loading~spin)' : status.memoryBudget !== undefined ? '$(warning)' : '$(symbol-text)';
    this.item.text = `${icon} ${temperature}`;
    this.item.tooltip = status === undefined ? vscode.l10n.t('Next Word Lab: starting the language server') : tooltip(status);
    // Read out in words (without it, screen readers get the tooltip's Markdown).
    const temperatureText = formatNumber(this.config.temperature);
    this.item.accessibilityInformation = {
      label:
        status === undefined
          ? vscode.l10n.t('Next Word Lab, starting: temperature {0}. Opens the Next Word Lab menu.', temperatureText)
          : vscode.l10n.t(
              'Next Word Lab, {0}: temperature {1}, {2} model, {3} learned. Opens the Next Word Lab menu.',
              describeState(status),
              temperatureText,
              ngramName(status.order),
              formatWordCount(status.tokens),
            ),
      role: 'button',
    };
    this.item.show();
  }
}

function tooltip(status: ModelStatus): vscode.MarkdownString {
  const count = (value: number): string => value.toLocaleString('en-US');
  const lines = [
    vscode.l10n.t('**Next Word Lab** — {0}', describeState(status)),
    '',
    vscode.l10n.t('- {0}-gram model of {1}', status.order, formatWordCount(status.tokens)),
    status.filesLearned === 1
      ? vscode.l10n.t('- 1 file learned, {0} skipped', count(status.filesSkipped))
      : vscode.l10n.t('- {0} files learned, {1} skipped', count(status.filesLearned), count(status.filesSkipped)),
    vscode.l10n.t('- {0} words in {1} lines', count(status.tokens), count(status.sentences)),
    vscode.l10n.t('- vocabulary: {0} words', count(status.vocabularySize)),
    vscode.l10n.t('- {0}-gram model, {1}, tokenizer `{2}`', status.order, status.estimator, status.tokenizer),
  ];
  if (status.memoryBudget !== undefined) {
    const { maxModelMB, filesLeftOut } = status.memoryBudget;
    lines.push(
      filesLeftOut === 1
        ? vscode.l10n.t('- memory budget reached ({0} MB): 1 file not learned; raise `nextWordLab.maxModelMB` to learn it', count(maxModelMB))
        : vscode.l10n.t(
            '- memory budget reached ({0} MB): {1} files not learned; raise `nextWordLab.maxModelMB` to learn them',
            count(maxModelMB),
            count(filesLeftOut),
          ),
    );
  }
  if (status.baseModel !== undefined) lines.push(describeBaseModel(status.baseModel));
  lines.push('', vscode.l10n.t('Click to change the temperature or open the visualizer.'));
  return new vscode.MarkdownString(lines.join('\n'));
}

function describeState(status: ModelStatus): string {
  switch (status.state) {
    case 'starting':
      return vscode.l10n.t('looking for files');
    case 'learning':
      return status.progress === undefined
        ? vscode.l10n.t('learning')
        : vscode.l10n.t('learning: {0} / {1} files', status.progress.done.toLocaleString('en-US'), status.progress.total.toLocaleString('en-US'));
    case 'ready':
      return status.restoredFromSnapshot ? vscode.l10n.t('ready (restored from the saved model)') : vscode.l10n.t('ready');
    case 'empty':
      return vscode.l10n.t('nothing learned: no workspace file could be used');
  }
}

/** `Next Word Lab learned 11 files (1.2 k words); 3 files or folders skipped.`: the counts the log and Show Skipped Files give. */
export function describeLearned(status: ModelStatus): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const words = formatWordCount(status.tokens);
  const learned =
    status.filesLearned === 1
      ? vscode.l10n.t('Next Word Lab learned 1 file ({0})', words)
      : vscode.l10n.t('Next Word Lab learned {0} files ({1})', count(status.filesLearned), words);
  const skipped =
    status.filesSkipped === 0
      ? vscode.l10n.t('nothing skipped')
      : status.filesSkipped === 1
        ? vscode.l10n.t('1 file or folder skipped')
        : vscode.l10n.t('{0} files or folders skipped', count(status.filesSkipped));
  return vscode.l10n.t('{0}; {1}.', learned, skipped);
}

/** `950 words`, `12.3 k words`, `1.2 M words`. */
export function formatWordCount(words: number): string {
  if (words === 1) return vscode.l10n.t('1 word');
  if (words < 1_000) return vscode.l10n.t('{0} words', words);
  if (words < 1_000_000) return vscode.l10n.t('{0} k words', formatNumber(words / 1_000));
  return vscode.l10n.t('{0} M words', formatNumber(words / 1_000_000));
}

/** At most one decimal, none when it is zero (`0.7`, `3`, `12.3`). */
export function formatNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}
