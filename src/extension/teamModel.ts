// The team's base model as the editor speaks of it: which model answered (the workspace model, the
// base model alone, or their mixture with its weight), each model's own probability of a word, the
// base model's line in the status bar's tooltip, and the one warning for a file that cannot be read.

import * as vscode from 'vscode';
import type { BaseModelStatus, MixtureAnswer } from '../protocol/lsp';
import { Disposable } from './disposable';
import type { ModelService } from './modelService';

/** A weight as the settings hold it, without the float noise of 1 − λ (`0.7`, not `0.7000000000000001`). */
function formatWeight(weight: number): string {
  return String(Math.round(weight * 1e6) / 1e6);
}

function percent(probability: number): string {
  return `${(probability * 100).toFixed(1)}%`;
}

/**
 * Which model answered: `workspaceAnswer` says how the workspace model answered (`answered by a
 * 3-gram`), `mixture` is the server's when a base model took part. Without a base model the workspace
 * model is the only one, and its answer says it all.
 */
export function whichModel(mixture: MixtureAnswer | undefined, workspaceAnswer: string): string {
  if (mixture === undefined) return workspaceAnswer;
  if (mixture.weight === 1) return vscode.l10n.t('team base model {0} alone (λ = 1)', mixture.source);
  if (mixture.weight === 0) return vscode.l10n.t('workspace model alone (team base model {0} at λ = 0), {1}', mixture.source, workspaceAnswer);
  return vscode.l10n.t(
    'mixture: {0} × team base model {1} + {2} × workspace model ({3})',
    formatWeight(mixture.weight),
    mixture.source,
    formatWeight(1 - mixture.weight),
    workspaceAnswer,
  );
}

/** Each model's own probability of a word under a mixture: `team base 12.0% · workspace 3.1%`. */
export function partsText(parts: { readonly base: number; readonly workspace: number }): string {
  return vscode.l10n.t('team base {0} · workspace {1}', percent(parts.base), percent(parts.workspace));
}

/** The base model's line in the status bar's tooltip. */
export function describeBaseModel(status: BaseModelStatus): string {
  switch (status.state) {
    case 'loading':
      return status.progress === undefined || status.progress.total === 0
        ? vscode.l10n.t('- team base model {0}: loading', status.source)
        : vscode.l10n.t('- team base model {0}: loading, {1}% read', status.source, Math.floor((100 * status.progress.done) / status.progress.total));
    case 'failed':
      return vscode.l10n.t('- team base model {0}: not loaded ({1}); the workspace model answers alone', status.source, status.message);
    case 'ready': {
      const ngrams = status.ngrams.reduce((total, count) => total + count, 0).toLocaleString('en-US');
      const megabytes = (status.modelBytes / 1e6).toFixed(1);
      return status.mixed
        ? vscode.l10n.t('- team base model {0}: {1} n-grams, {2} MB, mixed at λ = {3}', status.source, ngrams, megabytes, formatWeight(status.weight))
        : vscode.l10n.t('- team base model {0}: {1} n-grams, {2} MB, not mixed: stupid-backoff gives scores, not probabilities', status.source, ngrams, megabytes);
    }
  }
}

/** Shows a base model that could not be read once per file and problem; the server's log has the same line. */
export class BaseModelWarnings extends Disposable {
  private lastReported: string | undefined;

  constructor(model: ModelService) {
    super();
    this._register(
      model.onDidChangeStatus((status) => {
        const base = status.baseModel;
        if (base?.state !== 'failed') {
          // A model that loads (or a setting cleared) makes the next failure news again.
          if (base?.state === 'ready' || base === undefined) this.lastReported = undefined;
          return;
        }
        const key = `${base.source}\u0000${base.message}`;
        if (key === this.lastReported) return;
        this.lastReported = key;
        const openSettings = vscode.l10n.t('Open Settings');
        void vscode.window
          .showWarningMessage(vscode.l10n.t('Next Word Lab could not load the base model {0}: {1}. The workspace model answers alone.', base.source, base.message), openSettings)
          .then((action) => (action === openSettings ? vscode.commands.executeCommand('workbench.action.openSettings', 'nextWordLab.baseModel') : undefined));
      }),
    );
  }
}
