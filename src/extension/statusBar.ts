// The status bar item: short, as status bar items should be — the temperature (`T 0.7`), with the
// loading icon while the server learns; the model's size and state are in its tooltip. Hidden with no
// folder open (nothing to learn). A click opens the status menu.

import * as vscode from 'vscode';
import type { ModelStatus } from '../protocol/lsp';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { ModelService } from './modelService';

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
    this.item.tooltip = status === undefined ? 'Next Word Lab: starting the language server' : tooltip(status);
    this.item.show();
  }
}

function tooltip(status: ModelStatus): vscode.MarkdownString {
  const lines = [`**Next Word Lab** — ${describeState(status)}`, '', `- ${status.order}-gram model of ${formatWordCount(status.tokens)}`];
  lines.push(
    `- ${status.filesLearned.toLocaleString('en-US')} files learned, ${status.filesSkipped.toLocaleString('en-US')} skipped`,
    `- ${status.tokens.toLocaleString('en-US')} words in ${status.sentences.toLocaleString('en-US')} lines`,
    `- vocabulary: ${status.vocabularySize.toLocaleString('en-US')} words`,
    `- ${status.order}-gram model, ${status.estimator}, tokenizer \`${status.tokenizer}\``,
  );
  if (status.memoryBudget !== undefined) {
    const { maxModelMB, filesLeftOut } = status.memoryBudget;
    lines.push(
      `- memory budget reached (${maxModelMB.toLocaleString('en-US')} MB): ${filesLeftOut.toLocaleString('en-US')} files not learned; raise \`nextWordLab.maxModelMB\` to learn them`,
    );
  }
  lines.push(
    '',
    'Click to change the temperature or open the visualizer.',
  );
  return new vscode.MarkdownString(lines.join('\n'));
}

function describeState(status: ModelStatus): string {
  switch (status.state) {
    case 'starting':
      return 'looking for files';
    case 'learning':
      return status.progress === undefined
        ? 'learning'
        : `learning: ${status.progress.done.toLocaleString('en-US')} / ${status.progress.total.toLocaleString('en-US')} files`;
    case 'ready':
      return status.restoredFromSnapshot ? 'ready (restored from the saved model)' : 'ready';
    case 'empty':
      return 'nothing learned: no workspace file could be used';
  }
}

/** `950 words`, `12.3 k words`, `1.2 M words`. */
export function formatWordCount(words: number): string {
  if (words < 1_000) return `${words} words`;
  if (words < 1_000_000) return `${formatNumber(words / 1_000)} k words`;
  return `${formatNumber(words / 1_000_000)} M words`;
}

/** At most one decimal, none when it is zero (`0.7`, `3`, `12.3`). */
export function formatNumber(value: number): string {
  return String(Math.round(value * 10) / 10);
}
