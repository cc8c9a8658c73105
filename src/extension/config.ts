// The `nextWordLab.*` settings as the extension reads them: typed getters over one `get`, always
// fresh (no cache, so an `update()` is visible to the very next command), clamped by the same rules
// the server applies.

import * as vscode from 'vscode';
import {
  SETTINGS_SECTION,
  TEMPERATURE_RANGE,
  normalizeSettings,
  type Settings,
} from '../protocol/settings';
import { MAX_INLINE_WORDS } from '../protocol/lsp';
import { Disposable } from './disposable';

/** The language-overridable settings under `nextWordLab.` that only the extension reads. */
export const EDITOR_SETTINGS = {
  inlineEnabled: 'inlineSuggestions.enabled',
  inlineMaxWords: 'inlineSuggestions.maxWords',
  completionsEnabled: 'completions.enabled',
} as const;

const DEFAULT_INLINE_WORDS = 4;

export interface EditorSettings {
  readonly inlineSuggestions: boolean;
  readonly inlineMaxWords: number;
  readonly completions: boolean;
}

export class Config extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  /**
   * Fires after any `nextWordLab.*` setting changed. The server learns of changes on its own
   * (workspace/didChangeConfiguration) and re-estimates when needed; here only what the extension
   * shows (the status bar's temperature) has to follow.
   */
  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_SECTION)) this.changeEmitter.fire();
      }),
    );
  }

  private get settings(): Settings {
    return normalizeSettings(vscode.workspace.getConfiguration().get(SETTINGS_SECTION)).settings;
  }

  get temperature(): number {
    return this.settings.temperature;
  }
  get topK(): number {
    return this.settings.topK;
  }
  get topP(): number {
    return this.settings.topP;
  }
  get order(): number {
    return this.settings.order;
  }
  get seed(): string {
    return this.settings.seed;
  }

  /** The editor settings for a document: per language, as `"[markdown]": { … }` overrides them. */
  editor(scope: vscode.ConfigurationScope): EditorSettings {
    const section = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
    const maxWords = section.get<number>(EDITOR_SETTINGS.inlineMaxWords);
    return {
      inlineSuggestions: section.get<boolean>(EDITOR_SETTINGS.inlineEnabled) === true,
      inlineMaxWords: typeof maxWords === 'number' && Number.isFinite(maxWords) ? Math.min(MAX_INLINE_WORDS, Math.max(1, Math.round(maxWords))) : DEFAULT_INLINE_WORDS,
      completions: section.get<boolean>(EDITOR_SETTINGS.completionsEnabled) === true,
    };
  }

  /** Turns inline suggestions on or off for one language (a `[language]` override in the user settings). */
  async setInlineSuggestions(languageId: string, enabled: boolean): Promise<void> {
    await vscode.workspace
      .getConfiguration(SETTINGS_SECTION, { languageId })
      .update(EDITOR_SETTINGS.inlineEnabled, enabled, vscode.ConfigurationTarget.Global, true);
  }

  /** Writes the temperature where it is currently set (workspace if the workspace overrides it, else user). */
  async setTemperature(value: number): Promise<void> {
    const clamped = Math.min(TEMPERATURE_RANGE.max, Math.max(TEMPERATURE_RANGE.min, value));
    const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inspected = configuration.inspect<number>('temperature');
    const target =
      inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await configuration.update('temperature', clamped, target);
  }
}
