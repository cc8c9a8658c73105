// Facts about the model and its answers that several steps print.
import type { EstimatorName } from '../src/core/types';
import type { ModelStatus } from '../src/protocol/lsp';
import { formatCount } from './format';

export const ESTIMATOR_LABEL: Record<EstimatorName, string> = {
  'longest-match': 'Longest match',
  'kneser-ney': 'Kneser-Ney',
  'stupid-backoff': 'Stupid backoff',
  'add-k': 'Add-k',
  mle: 'Maximum likelihood',
};

/** `<unk>` stands for any unknown word and `<s>` is never predicted: neither can be typed into a file. */
export function canInsert(word: string): boolean {
  return word !== '<unk>' && word !== '<s>';
}

/** Inserting a word at the editor's cursor: possible (for the context the words were predicted after), or why not. */
export type Insertion = { readonly insert: (word: string) => void; readonly why?: undefined } | { readonly insert?: undefined; readonly why: string };

/** Whether the model can answer questions (it answers while still learning, from what it has). */
export function canPredict(status: ModelStatus | null): status is ModelStatus {
  return status !== null && status.vocabularySize > 0;
}

export function describeStatus(status: ModelStatus | null): string {
  if (status === null) return 'Starting the language server…';
  switch (status.state) {
    case 'starting':
      return 'Looking for files to learn…';
    case 'learning':
      return status.progress
        ? `Learning the workspace: ${formatCount(status.progress.done)} of ${formatCount(status.progress.total)} files…`
        : 'Learning the workspace…';
    case 'ready':
      return `Ready: learned ${formatCount(status.filesLearned)} file${status.filesLearned === 1 ? '' : 's'}${status.restoredFromSnapshot ? ' (restored from the saved model)' : ''}.`;
    case 'empty':
      return 'Nothing learned: no file in this workspace matched the Next Word Lab include/exclude settings, or every file was skipped. Open a folder with text or code.';
  }
}
