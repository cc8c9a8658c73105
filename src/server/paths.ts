// File URIs ↔ paths. Documents are keyed by file-system path: VS Code and Node spell the same file's
// URI differently (percent-encoding), but decode to the same path.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Folder {
  readonly uri: string;
  readonly fsPath: string;
}

/** The path of a `file:` URI; undefined for any other scheme (untitled, git, …). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(fsPath: string): string {
  return pathToFileURL(fsPath).href;
}

/** The innermost workspace folder holding `fsPath` (folders can nest in a multi-root workspace). */
export function folderOf(folders: readonly Folder[], fsPath: string): Folder | undefined {
  let best: Folder | undefined;
  for (const folder of folders) {
    const relative = path.relative(folder.fsPath, fsPath);
    const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    if (inside && (best === undefined || folder.fsPath.length > best.fsPath.length)) best = folder;
  }
  return best;
}
