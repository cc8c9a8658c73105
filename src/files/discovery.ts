// Walks the workspace folders and lists the files the model may learn, with the .gitignore files
// found on the way. Symbolic links are not followed (they can loop, and what they point to is
// usually learned where it lives). Content checks happen later, when a file is read.

import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { PathFilter, checkSize, type FolderRules, type Skip } from './fileFilter';

export interface WorkspaceFolderInfo {
  /** Absolute path of the folder. */
  readonly fsPath: string;
  readonly rules: FolderRules;
}

export interface FoundFile {
  readonly fsPath: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SkippedPath extends Skip {
  readonly fsPath: string;
  readonly isDirectory: boolean;
}

export interface DiscoveryResult {
  readonly files: FoundFile[];
  readonly skipped: SkippedPath[];
}

/** The .gitignore files above a path, nearest last, each matching paths relative to its own folder. */
interface GitignoreLevel {
  readonly relativeDir: string;
  readonly matcher: Ignore;
}

const GITIGNORE = '.gitignore';

/**
 * Every file under the folders that passes the path rules and the size limit. `shouldStop` is polled
 * between directories so a cancelled or superseded walk ends early (it then returns what it found).
 */
export async function discoverFiles(
  folders: readonly WorkspaceFolderInfo[],
  shouldStop: () => boolean = () => false,
): Promise<DiscoveryResult> {
  const result: DiscoveryResult = { files: [], skipped: [] };
  for (const folder of folders) {
    await walk(folder, pathFilterFor(folder.rules), '', [], result, shouldStop);
  }
  return result;
}

async function walk(
  folder: WorkspaceFolderInfo,
  filter: PathFilter,
  relativeDir: string,
  gitignores: readonly GitignoreLevel[],
  result: DiscoveryResult,
  shouldStop: () => boolean,
): Promise<void> {
  if (shouldStop()) return;
  const dirPath = path.join(folder.fsPath, relativeDir);
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dirPath, { withFileTypes: true });
  } catch (error) {
    // A folder that vanished has nothing to learn; one that cannot be listed (its path is longer than
    // the system allows, …) is reported, since its files are not learned.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code !== 'ENOENT') result.skipped.push({ fsPath: dirPath, isDirectory: true, reason: 'unreadable', detail: `cannot be listed (${code})` });
    return;
  }
  const names = new Set(entries.map((entry) => entry.name));
  const levels = names.has(GITIGNORE) ? [...gitignores, await readGitignore(dirPath, relativeDir)] : gitignores;

  const subdirectories: string[] = [];
  const candidates: string[] = [];
  for (const entry of entries) {
    const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const fsPath = path.join(dirPath, entry.name);
    if (entry.isDirectory()) {
      const skip = checkEntry(filter, levels, relativePath, names, true);
      if (skip === undefined) subdirectories.push(relativePath);
      else if (skip !== 'ignore') result.skipped.push({ fsPath, isDirectory: true, ...skip });
    } else if (!entry.isSymbolicLink()) {
      const verdict = checkEntry(filter, levels, relativePath, names, false);
      if (verdict === undefined) {
        if (entry.isFile()) candidates.push(fsPath);
        else result.skipped.push({ fsPath, isDirectory: false, ...notARegularFile(entry) });
      } else if (verdict !== 'ignore') {
        result.skipped.push({ fsPath, isDirectory: false, ...verdict });
      }
    }
  }
  // A folder's files are stat'ed together: the file system answers them in parallel.
  const stats = await Promise.all(candidates.map((fsPath) => statFile(fsPath, folder.rules.maxFileSizeKB)));
  stats.forEach((found, i) => {
    if ('reason' in found) result.skipped.push({ fsPath: candidates[i], isDirectory: false, ...found });
    else result.files.push(found);
  });
  for (const subdirectory of subdirectories) await walk(folder, filter, subdirectory, levels, result, shouldStop);
}

/** Size and modification time of a file, or why it is skipped before it is even read. */
export async function statFile(fsPath: string, maxFileSizeKB: number): Promise<FoundFile | Skip> {
  try {
    const stat = await fs.stat(fsPath);
    if (!stat.isFile()) return notARegularFile(stat);
    return checkSize(stat.size, maxFileSizeKB) ?? { fsPath, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    return { reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** Never read: a named pipe's read waits for a writer for ever, a device's may never end. */
function notARegularFile(kind: Dirent | Stats): Skip {
  const what = kind.isFIFO() ? 'a named pipe' : kind.isSocket() ? 'a socket' : kind.isDirectory() ? 'a folder' : 'a device';
  return { reason: 'unreadable', detail: `${what}, not a regular file` };
}

async function readGitignore(dirPath: string, relativeDir: string): Promise<GitignoreLevel> {
  const matcher = ignore();
  try {
    matcher.add(await fs.readFile(path.join(dirPath, GITIGNORE), 'utf8'));
  } catch {
    // an unreadable .gitignore ignores nothing
  }
  return { relativeDir, matcher };
}

function checkEntry(
  filter: PathFilter,
  levels: readonly GitignoreLevel[],
  relativePath: string,
  siblings: ReadonlySet<string>,
  isDirectory: boolean,
): Skip | 'ignore' | undefined {
  const verdict = isDirectory ? filter.checkDirectory(relativePath, siblings) : filter.checkFile(relativePath, siblings);
  return verdict ?? gitignored(levels, relativePath, isDirectory);
}

function gitignored(levels: readonly GitignoreLevel[], relativePath: string, isDirectory: boolean): Skip | undefined {
  for (const level of levels) {
    const local = level.relativeDir === '' ? relativePath : relativePath.slice(level.relativeDir.length + 1);
    // `ignore` tells directories apart by a trailing slash (so `build/` rules match them).
    if (level.matcher.ignores(isDirectory ? `${local}/` : local)) {
      const source = level.relativeDir === '' ? GITIGNORE : `${level.relativeDir}/${GITIGNORE}`;
      return { reason: 'gitignore', detail: `ignored by ${source}` };
    }
  }
  return undefined;
}

/**
 * The path checks for a single file (a watcher event or a newly opened document), with the
 * .gitignore files read along its path. `undefined` means it may be learned. A file inside a folder
 * that is left out is `'ignore'`d: the folder itself is what the skipped list shows.
 */
export async function checkSinglePath(
  folder: WorkspaceFolderInfo,
  fsPath: string,
): Promise<Skip | 'ignore' | 'outside' | undefined> {
  const relative = path.relative(folder.fsPath, fsPath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return 'outside';
  const parts = relative.split(path.sep);
  const filter = pathFilterFor(folder.rules);
  // Folders by name first: a burst of events inside node_modules costs no I/O at all.
  for (let depth = 1; depth < parts.length; depth++) {
    if (filter.checkDirectory(parts.slice(0, depth).join('/'), NO_NAMES) !== undefined) return 'ignore';
  }
  const levels: GitignoreLevel[] = [];
  for (let depth = 0; depth < parts.length; depth++) {
    const relativeDir = parts.slice(0, depth).join('/');
    const dirPath = path.join(folder.fsPath, ...parts.slice(0, depth));
    const names = await listNames(dirPath);
    if (names.has(GITIGNORE)) levels.push(await readGitignore(dirPath, relativeDir));
    const isFile = depth === parts.length - 1;
    const verdict = checkEntry(filter, levels, parts.slice(0, depth + 1).join('/'), names, !isFile);
    if (verdict !== undefined) return isFile ? verdict : 'ignore';
  }
  return undefined;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** Compiled filters by rules object: the settings cache hands out the same rules until they change. */
const filters = new WeakMap<FolderRules, PathFilter>();

function pathFilterFor(rules: FolderRules): PathFilter {
  let filter = filters.get(rules);
  if (filter === undefined) {
    filter = new PathFilter(rules);
    filters.set(rules, filter);
  }
  return filter;
}

async function listNames(dirPath: string): Promise<ReadonlySet<string>> {
  try {
    return new Set(await fs.readdir(dirPath));
  } catch {
    return new Set();
  }
}
