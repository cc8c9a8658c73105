// What Show Skipped Files counts (no vscode import: the unit tests read it as users do; the sentences
// around the counts are in commands.ts, through vscode.l10n).

import type { SkippedFile } from '../protocol/lsp';

export interface SkippedCounts {
  /** Files not learned (a secret file, too large, not text, excluded, …). */
  readonly files: number;
  /** Folders not read at all (ignored by .gitignore, a dependency folder, …); their URIs end with `/`. */
  readonly folders: number;
  /** Files learned without the lines that hold secrets: listed, but not skipped. */
  readonly partly: number;
}

/** The counts the status bar's "skipped" agrees with: every file or folder left out, files and folders apart. */
export function countSkipped(skipped: readonly SkippedFile[]): SkippedCounts {
  const partly = skipped.filter((file) => file.reason === 'secret lines').length;
  const left = skipped.filter((file) => file.reason !== 'secret lines');
  const folders = left.filter((file) => file.uri.endsWith('/')).length;
  return { files: left.length - folders, folders, partly };
}
