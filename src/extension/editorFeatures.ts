// Next words inside the editor: ghost text (an inline completion provider) and completion items, each
// registered only for the languages where its setting is on, and registered again when that changes.
// The providers ask the server and place its answer; the words, their spacing and the draw are the
// server's.

import * as vscode from 'vscode';
import { randomSeed } from '../core/prng';
import { EDITOR_SETTINGS, type Config } from './config';
import { Disposable } from './disposable';
import type { ClientModelService } from './modelService';

/** The documents the server reads (its document selector). */
const SCHEMES = ['file', 'untitled'] as const;
/** A completion list after a space, too: the next word is what one types after it. */
const COMPLETION_TRIGGER_CHARACTERS = [' '];

/** One provider that exists only while its setting is on somewhere, for exactly those languages. */
class LanguageScopedRegistration extends Disposable {
  private registration: vscode.Disposable | undefined;
  private selectorKey = '';

  constructor(
    private readonly isEnabled: (languageId: string | undefined) => boolean,
    private readonly register: (selector: vscode.DocumentSelector) => vscode.Disposable,
  ) {
    super();
  }

  /** Re-registers when the set of languages changed. */
  update(languages: readonly string[]): void {
    // On for every language unless overridden: one selector by scheme, and the provider checks each document.
    const everywhere = this.isEnabled(undefined);
    const enabled = everywhere ? [] : languages.filter((languageId) => this.isEnabled(languageId));
    const key = everywhere ? '*' : enabled.join(',');
    if (key === this.selectorKey) return;
    this.selectorKey = key;
    this.registration?.dispose();
    this.registration = undefined;
    if (!everywhere && enabled.length === 0) return;
    const selector = everywhere
      ? SCHEMES.map((scheme) => ({ scheme }))
      : enabled.flatMap((language) => SCHEMES.map((scheme) => ({ scheme, language })));
    this.registration = this.register(selector);
  }

  get registered(): boolean {
    return this.registration !== undefined;
  }

  override dispose(): void {
    this.registration?.dispose();
    super.dispose();
  }
}

export class EditorFeatures extends Disposable {
  private readonly inline: LanguageScopedRegistration;
  private readonly completions: LanguageScopedRegistration;
  private readonly ghostText: GhostText;

  constructor(
    private readonly model: ClientModelService,
    private readonly config: Config,
  ) {
    super();
    const enabled = (key: string) => (languageId: string | undefined) =>
      vscode.workspace.getConfiguration('nextWordLab', languageId === undefined ? undefined : { languageId }).get<boolean>(key) === true;
    this.ghostText = new GhostText(model, config);
    this.inline = this._register(
      new LanguageScopedRegistration(enabled(EDITOR_SETTINGS.inlineEnabled), (selector) =>
        vscode.languages.registerInlineCompletionItemProvider(selector, this.ghostText),
      ),
    );
    this.completions = this._register(
      new LanguageScopedRegistration(enabled(EDITOR_SETTINGS.completionsEnabled), (selector) =>
        vscode.languages.registerCompletionItemProvider(
          selector,
          { provideCompletionItems: (document, position, token, context) => this.complete(document, position, token, context) },
          ...COMPLETION_TRIGGER_CHARACTERS,
        ),
      ),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('nextWordLab.inlineSuggestions') || event.affectsConfiguration('nextWordLab.completions')) void this.update();
      }),
    );
    void this.update();
  }

  /** Resolves once the providers match the settings (the integration tests await it after a change). */
  readonly update = async (): Promise<void> => {
    const languages = await vscode.languages.getLanguages();
    if (this.isDisposed) return;
    this.inline.update(languages);
    this.completions.update(languages);
  };

  /** Whether each provider is registered for some language now. */
  get registered(): { readonly inline: boolean; readonly completions: boolean } {
    return { inline: this.inline.registered, completions: this.completions.registered };
  }

  private async complete(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
    context: vscode.CompletionContext,
  ): Promise<vscode.CompletionItem[] | undefined> {
    if (!this.config.editor(document).completions) return undefined;
    return this.model.completions(document, position, context, token);
  }
}

/** What the ghost text showed last, so that typing it does not replace it with a new draw. */
interface Shown {
  readonly uri: string;
  readonly line: number;
  /** Where the suggestion starts, and the line's text before it. */
  readonly start: number;
  readonly before: string;
  readonly text: string;
}

class GhostText implements vscode.InlineCompletionItemProvider {
  private shown: Shown | undefined;
  /**
   * Each suggestion is drawn with a seed made of this and the line before the cursor: the same line
   * gets the same suggestion for the whole session (asking again never swaps the ghost text), while
   * `nextWordLab.seed` makes them repeat across sessions too.
   */
  private readonly sessionSeed = randomSeed();

  constructor(
    private readonly model: ClientModelService,
    private readonly config: Config,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.config.editor(document);
    if (!settings.inlineSuggestions) return undefined;
    const line = document.lineAt(position.line).text;
    // Only at the end of the line: ghost text inside a line would push its rest aside on every key.
    if (line.slice(position.character).trim() !== '') return undefined;
    const kept = this.typedThrough(document, position, line);
    const selected = context.selectedCompletionInfo;
    if (selected !== undefined) {
      // The suggest widget is open: keep the ghost text only where it continues the selected item (VS
      // Code shows it after that item); never draw a new one under the widget.
      const typedBefore = kept === undefined ? '' : line.slice(kept.range?.start.character ?? 0, selected.range.start.character);
      const continues = kept !== undefined && typeof kept.insertText === 'string' && kept.insertText.startsWith(typedBefore + selected.text);
      return continues ? [kept] : undefined;
    }
    if (kept !== undefined) return [kept];
    const before = line.slice(0, position.character);
    const seed = `${this.config.seed === '' ? this.sessionSeed : this.config.seed}:${before}`;
    const result = await this.model.inlineSuggestion(
      { context: before, maxWords: settings.inlineMaxWords, temperature: this.config.temperature, topK: this.config.topK, topP: this.config.topP, seed },
      token,
    );
    if (token.isCancellationRequested || result.text === '') return undefined;
    this.shown = { uri: document.uri.toString(), line: position.line, start: position.character, before, text: result.text };
    return [new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position))];
  }

  /** The suggestion shown last, while what was typed since is its beginning: the same item, so the ghost text stays. */
  private typedThrough(document: vscode.TextDocument, position: vscode.Position, line: string): vscode.InlineCompletionItem | undefined {
    const shown = this.shown;
    if (shown === undefined || shown.uri !== document.uri.toString() || shown.line !== position.line || position.character < shown.start) return undefined;
    if (line.slice(0, shown.start) !== shown.before) return undefined;
    const typed = line.slice(shown.start, position.character);
    if (typed.length >= shown.text.length || !shown.text.startsWith(typed)) return undefined;
    return new vscode.InlineCompletionItem(shown.text, new vscode.Range(position.line, shown.start, position.line, position.character));
  }
}
