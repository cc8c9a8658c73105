// Settings as the server sees them: pulled from the client per resource (workspace/configuration),
// cached until the client says something changed, clamped by the shared rules. A value that had to be
// clamped is reported to the user once, not on every pull.

import type { Connection } from 'vscode-languageserver';
import { SETTINGS_SECTION, normalizeSettings, type Settings } from '../protocol/settings';
import type { ExcludeMap, FolderRules } from '../files/fileFilter';

export interface ResourceSettings {
  readonly settings: Settings;
  readonly filesExclude: ExcludeMap;
  readonly searchExclude: ExcludeMap;
}

export class SettingsCache {
  private readonly cache = new Map<string, Promise<ResourceSettings>>();
  private readonly rules = new Map<string, Promise<FolderRules>>();
  private readonly reported = new Set<string>();
  /** Whether the client answers workspace/configuration (known at initialize; until then, defaults). */
  private canPull = false;

  constructor(private readonly connection: Connection) {}

  clientCanAnswer(canPull: boolean): void {
    this.canPull = canPull;
    this.clear();
  }

  /** The settings for a folder or file URI (undefined: the window's settings, which hold the model's, and no exclude maps). */
  get(scopeUri?: string): Promise<ResourceSettings> {
    const key = scopeUri ?? '';
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.pull(scopeUri);
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** The file rules of a folder: the same object until the settings change (so matchers compiled for it can be kept). */
  folderRules(folderUri: string): Promise<FolderRules> {
    let pending = this.rules.get(folderUri);
    if (pending === undefined) {
      pending = this.get(folderUri).then(({ settings, filesExclude, searchExclude }) => ({
        include: settings.include,
        exclude: settings.exclude,
        maxFileSizeKB: settings.maxFileSizeKB,
        filesExclude,
        searchExclude,
      }));
      this.rules.set(folderUri, pending);
    }
    return pending;
  }

  clear(): void {
    this.cache.clear();
    this.rules.clear();
  }

  private async pull(scopeUri: string | undefined): Promise<ResourceSettings> {
    let sections: unknown[] = [];
    if (this.canPull) {
      try {
        // files.exclude and search.exclude are resource settings: asked for without a folder, VS Code
        // warns in the extension host log, and the window's value is never used anyway.
        sections = await this.connection.workspace.getConfiguration([
          { scopeUri, section: SETTINGS_SECTION },
          ...(scopeUri === undefined ? [] : [{ scopeUri, section: 'files.exclude' }, { scopeUri, section: 'search.exclude' }]),
        ]);
      } catch (error) {
        this.connection.console.warn(`Could not read the settings, using the defaults: ${String(error)}`);
      }
    }
    const { settings, problems } = normalizeSettings(sections[0]);
    for (const problem of problems) this.reportOnce(problem);
    return { settings, filesExclude: asExcludeMap(sections[1]), searchExclude: asExcludeMap(sections[2]) };
  }

  private reportOnce(problem: string): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    this.connection.console.warn(problem);
    void this.connection.window.showWarningMessage(`Next Word Lab: ${problem}`);
  }
}

function asExcludeMap(value: unknown): ExcludeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ExcludeMap) : {};
}
