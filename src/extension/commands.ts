// The commands: Predict Next Word, Choose Next Word, the temperature and status menus, re-learning
// and the skipped-files report. Each asks the model service and edits the editor; the spaces around
// an inserted word follow src/core/spacing.ts, for the tokenizer the model reports.

import * as vscode from 'vscode';
import { ErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { insertionText } from '../core/spacing';
import {
  boundedContext,
  contextStartLine,
  type EvidenceOccurrence,
  type EvidenceResult,
  type ModelStatus,
  type PredictResult,
  type PredictedCandidate,
} from '../protocol/lsp';
import type { Config } from './config';
import { Disposable } from './disposable';
import type { ClientModelService } from './modelService';
import { STATUS_MENU_COMMAND, formatNumber } from './statusBar';

export const COMMANDS = {
  predictNextWord: 'nextWordLab.predictNextWord',
  chooseNextWord: 'nextWordLab.chooseNextWord',
  setTemperature: 'nextWordLab.setTemperature',
  relearnWorkspace: 'nextWordLab.relearnWorkspace',
  showSkippedFiles: 'nextWordLab.showSkippedFiles',
  openVisualizer: 'nextWordLab.openVisualizer',
  /** Args `{ context, word }`: a quick pick of the places that answer for `word` after `context`; opens the one picked. */
  showEvidence: 'nextWordLab.showEvidence',
  toggleInlineSuggestions: 'nextWordLab.toggleInlineSuggestions',
} as const;

/**
 * What Show where… is asked: the word it explains and either the text before the cursor, or `lens`:
 * the place of the word in a document under the surprisal lens (its hover's link), where the evidence
 * is counted as the lens counts it, without the document's own text.
 */
export type EvidenceArgs =
  | { readonly word: string; readonly context: string; readonly lens?: undefined }
  | { readonly word: string; readonly lens: { readonly uri: string; readonly line: number; readonly character: number }; readonly context?: undefined };

/** Whether a command link's `lens` is a place (its arguments are checked, not trusted). */
function isLensPlace(lens: unknown): boolean {
  if (typeof lens !== 'object' || lens === null) return false;
  const { uri, line, character } = lens as Record<string, unknown>;
  return typeof uri === 'string' && Number.isInteger(line) && Number.isInteger(character);
}

const SHOW_WHERE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('references'), tooltip: vscode.l10n.t('Show where…') };

/** Candidates offered by Choose Next Word. */
const CHOICES = 12;

/** The temperature menu's presets, each with what it does to the distribution (in the display language). */
function temperaturePresets(): readonly { readonly value: number; readonly meaning: string }[] {
  return [
    { value: 0, meaning: vscode.l10n.t('always the likeliest word (greedy)') },
    { value: 0.3, meaning: vscode.l10n.t('focused: nearly always the top words') },
    { value: 0.7, meaning: vscode.l10n.t('balanced (the default)') },
    { value: 1, meaning: vscode.l10n.t('the model exactly as it learned') },
    { value: 1.5, meaning: vscode.l10n.t('adventurous') },
    { value: 3, meaning: vscode.l10n.t('flattened toward uniform: gibberish') },
  ];
}

export class Commands extends Disposable {
  private skippedChannel: vscode.OutputChannel | undefined;
  private readonly evidenceShown = this._register(new vscode.EventEmitter<EvidenceResult>());
  /** Fires when Show where…'s quick pick is on screen with its places (the integration tests wait for it). */
  readonly onDidShowEvidence = this.evidenceShown.event;

  constructor(
    private readonly model: ClientModelService,
    private readonly config: Config,
  ) {
    super();
    const register = (command: string, run: () => Promise<unknown>): void => {
      this._register(vscode.commands.registerCommand(command, () => this.guard(run)));
    };
    register(COMMANDS.predictNextWord, () => this.predictNextWord());
    register(COMMANDS.chooseNextWord, () => this.chooseNextWord());
    register(COMMANDS.setTemperature, () => this.pickTemperature());
    register(COMMANDS.relearnWorkspace, () => this.relearn());
    register(COMMANDS.showSkippedFiles, () => this.showSkippedFiles());
    this._register(vscode.commands.registerCommand(COMMANDS.showEvidence, (args: EvidenceArgs) => this.guard(() => this.showEvidence(args))));
    register(COMMANDS.toggleInlineSuggestions, () => this.toggleInlineSuggestions());
    register(STATUS_MENU_COMMAND, () => this.statusMenu());
  }

  /** Inserts one sampled word at every cursor, as one undoable edit. Resolves to the inserted texts. */
  async predictNextWord(): Promise<readonly string[]> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab: open a file and put the cursor where the next word should go, then run Predict Next Word.'),
      );
      return [];
    }
    const insertions: { position: vscode.Position; text: string }[] = [];
    let last: PredictResult | undefined;
    // One request per cursor, in order, so a fixed seed gives the same words for the same cursors.
    for (const selection of editor.selections) {
      last = await this.predictAt(editor.document, selection.active, 1);
      if (last.chosen !== null) {
        insertions.push({ position: selection.active, text: textAt(editor.document, selection.active, last.chosen.word, last) });
      }
    }
    if (insertions.length === 0) {
      this.explainNothingToPredict(last?.status);
      return [];
    }
    await editor.edit((builder) => {
      for (const { position, text } of insertions) builder.insert(position, text);
    });
    return insertions.map(({ text }) => text);
  }

  /** A quick pick of the likeliest next words at the cursor; inserts the one chosen. */
  async chooseNextWord(): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab: open a file and put the cursor where the next word should go, then run Choose Next Word.'),
      );
      return undefined;
    }
    const position = editor.selection.active;
    const result = await this.predictAt(editor.document, position, CHOICES);
    if (result.chosen === null) {
      this.explainNothingToPredict(result.status);
      return undefined;
    }
    const context = textBeforeCursor(editor.document, position);
    const items = result.candidates.map((candidate) => candidateItem(candidate, result.isProbability));
    const pick = vscode.window.createQuickPick<CandidateItem>();
    pick.items = items;
    pick.title = vscode.l10n.t('Next word after “{0}” — {1}', result.context.join(' '), answeredBy(result.matchedContextLength));
    pick.placeholder = vscode.l10n.t('Choose the next word (probability · count / context count · the n-gram that answered) · $(references) shows where');
    pick.matchOnDescription = true;
    const picked = await new Promise<CandidateItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.onDidTriggerItemButton(({ item }) => {
        resolve(undefined);
        void this.guard(() => this.showEvidence({ context, word: item.candidate.word }));
      });
      pick.show();
    });
    pick.dispose();
    if (picked === undefined) return undefined;
    const text = textAt(editor.document, position, picked.candidate.word, result);
    await editor.edit((builder) => builder.insert(position, text));
    return text;
  }

  /**
   * Show where…: the places in the learned text where the context that answered was followed by the
   * word, as a quick pick; the one picked opens at the place. Resolves to its editor.
   */
  async showEvidence(args: EvidenceArgs): Promise<vscode.TextEditor | undefined> {
    if (typeof args?.word !== 'string' || (typeof args.context !== 'string' && !isLensPlace(args.lens))) throw new Error(vscode.l10n.t('Show where… needs a context and a word.'));
    const { lens } = args;
    const evidence =
      lens !== undefined
        ? await this.model.evidence({ textDocument: { uri: lens.uri }, position: { line: lens.line, character: lens.character }, word: args.word, leaveOutDocument: true })
        : await this.model.evidence({ context: args.context, word: args.word });
    const shown = evidence.context.length === 0 ? wordLabel(evidence.word) : `${evidence.context.join(' ')} · ${wordLabel(evidence.word)}`;
    if (evidence.occurrences.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Next Word Lab: the learned text has no place where “{0}” occurs.', shown));
      return undefined;
    }
    const pick = vscode.window.createQuickPick<OccurrenceItem>();
    pick.items = evidence.occurrences.map(occurrenceItem);
    pick.title = vscode.l10n.t(
      '“{0}”: {1} of {2} ({3}-token context) — {4}',
      shown,
      evidence.count,
      evidence.contextCount,
      evidence.context.length,
      placesLabel(evidence),
    );
    pick.placeholder = vscode.l10n.t('Open the place in the file');
    pick.matchOnDescription = true;
    const picked = await new Promise<OccurrenceItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
      this.evidenceShown.fire(evidence);
    });
    pick.dispose();
    if (picked === undefined) return undefined;
    const { line, column, uri } = picked.occurrence;
    const place = new vscode.Position(line - 1, column - 1);
    return vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(place, place) });
  }

  private predictAt(document: vscode.TextDocument, position: vscode.Position, candidates: number): Promise<PredictResult> {
    // The text before the cursor is sent: it is what the user sees, whatever the server's copy of the
    // document (untitled files, files outside the workspace) holds.
    return this.model.predict({
      context: textBeforeCursor(document, position),
      candidates,
      insertableOnly: true,
      temperature: this.config.temperature,
      topK: this.config.topK,
      topP: this.config.topP,
    });
  }

  private explainNothingToPredict(status: ModelStatus | undefined): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab learns from the files of the open folder, and no folder is open. Open a folder (File › Open Folder…) and try again.'),
      );
    } else if (status === undefined || ((status.state === 'starting' || status.state === 'learning') && status.tokens === 0)) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab is still reading the workspace and has not learned any text yet. Try again in a moment: the status bar shows its progress.'),
      );
    } else if (status.tokens === 0 && status.filesSkipped > 0) {
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'Next Word Lab has nothing to learn from: every candidate file was left out ({0} skipped). See why, or widen nextWordLab.include / nextWordLab.exclude.',
            status.filesSkipped,
          ),
          showSkippedFilesAction(),
          openSettingsAction(),
        )
        .then((action) => this.followUp(action));
    } else if (status.tokens === 0) {
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t('Next Word Lab found no file to learn from: no file in the workspace matches nextWordLab.include. Add some text or code, or widen the setting.'),
          openSettingsAction(),
        )
        .then((action) => this.followUp(action));
    } else {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab has no word to suggest here: the model knows nothing that can follow this context.'),
      );
    }
  }

  private async followUp(action: string | undefined): Promise<void> {
    if (action === showSkippedFilesAction()) await this.showSkippedFiles();
    else if (action === openSettingsAction()) await vscode.commands.executeCommand('workbench.action.openSettings', 'nextWordLab');
  }

  private async pickTemperature(): Promise<void> {
    const value = await this.askTemperature();
    if (value !== undefined) await this.config.setTemperature(value);
  }

  private async askTemperature(): Promise<number | undefined> {
    const current = this.config.temperature;
    const custom = { label: vscode.l10n.t('$(edit) Other value…'), value: undefined };
    const presets = temperaturePresets().map((preset) => ({
      label: `${preset.value === current ? '$(check)' : '$(blank)'} ${formatNumber(preset.value)}`,
      description: preset.meaning,
      value: preset.value as number | undefined,
    }));
    const picked = await vscode.window.showQuickPick([...presets, custom], {
      title: vscode.l10n.t('Temperature (now {0})', formatNumber(current)),
      placeHolder: vscode.l10n.t('Low temperatures pick the top words; high ones flatten the distribution'),
    });
    if (picked === undefined) return undefined;
    if (picked.value !== undefined) return picked.value;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Temperature'),
      value: String(current),
      prompt: vscode.l10n.t('A number ≥ 0: 0 = greedy, 1 = the model as learned, larger = flatter'),
      validateInput: (text) => (Number(text) >= 0 && text.trim() !== '' ? undefined : vscode.l10n.t('Enter a number ≥ 0')),
    });
    return typed === undefined ? undefined : Number(typed);
  }

  private async statusMenu(): Promise<void> {
    const status = this.model.status;
    const items: (vscode.QuickPickItem & { run: () => Thenable<unknown> })[] = [
      {
        label: vscode.l10n.t('$(flame) Temperature: {0}', formatNumber(this.config.temperature)),
        description: vscode.l10n.t('change how adventurous the draws are'),
        run: () => this.pickTemperature(),
      },
      { label: vscode.l10n.t('$(graph) Open Visualizer'), run: () => vscode.commands.executeCommand(COMMANDS.openVisualizer) },
      ...this.inlineSuggestionsItem(),
      {
        label: vscode.l10n.t('$(list-unordered) Show Skipped Files'),
        description: status === undefined ? undefined : vscode.l10n.t('{0} skipped', status.filesSkipped),
        run: () => this.showSkippedFiles(),
      },
      { label: vscode.l10n.t('$(refresh) Re-learn the Workspace'), run: () => this.relearn() },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Next Word Lab') });
    await picked?.run();
  }

  /** Turns ghost text on or off for the active editor's language. */
  private async toggleInlineSuggestions(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    if (document === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Next Word Lab: open a file to turn inline suggestions on or off for its language.'));
      return;
    }
    const enabled = !this.config.editor(document).inlineSuggestions;
    await this.config.setInlineSuggestions(document.languageId, enabled);
    void vscode.window.showInformationMessage(
      enabled
        ? vscode.l10n.t('Next Word Lab: inline suggestions are on in {0} files.', document.languageId)
        : vscode.l10n.t('Next Word Lab: inline suggestions are off in {0} files.', document.languageId),
    );
  }

  /** The status menu's toggle, for the active editor's language (none without an editor). */
  private inlineSuggestionsItem(): (vscode.QuickPickItem & { run: () => Thenable<unknown> })[] {
    const document = vscode.window.activeTextEditor?.document;
    if (document === undefined) return [];
    const enabled = this.config.editor(document).inlineSuggestions;
    return [
      {
        label: enabled
          ? vscode.l10n.t('$(check) Inline Suggestions in {0}: on', document.languageId)
          : vscode.l10n.t('$(circle-slash) Inline Suggestions in {0}: off', document.languageId),
        description: enabled ? vscode.l10n.t('turn the ghost text off') : vscode.l10n.t('show the next words as ghost text (Tab accepts)'),
        run: () => this.toggleInlineSuggestions(),
      },
    ];
  }

  private async relearn(): Promise<void> {
    await this.model.relearn();
    void vscode.window.showInformationMessage(vscode.l10n.t('Next Word Lab: learning the workspace again from its files.'));
  }

  private async showSkippedFiles(): Promise<void> {
    const skipped = await this.model.skippedFiles();
    this.skippedChannel ??= this._register(vscode.window.createOutputChannel(vscode.l10n.t('Next Word Lab: Skipped Files')));
    const channel = this.skippedChannel;
    channel.clear();
    const partly = skipped.filter((file) => file.reason === 'secret lines').length;
    channel.appendLine(skippedSummary(skipped.length - partly, partly));
    for (const file of skipped) {
      channel.appendLine(vscode.l10n.t('{0} — {1}: {2}', displayPath(file.uri), file.reason, file.detail));
    }
    channel.show(true);
  }

  /** Runs a command body; a failure becomes one readable message (a crash has its own message). */
  private async guard(run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof vscode.CancellationError || isConnectionLoss(error)) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Next Word Lab: {0}', message));
      return undefined;
    }
  }
}

/** The text that types `word` at `position`: spaced from the text on both sides of the cursor. */
function textAt(document: vscode.TextDocument, position: vscode.Position, word: string, result: PredictResult): string {
  const line = document.lineAt(position.line).text;
  return insertionText(word, line.slice(0, position.character), line.slice(position.character), result.status.tokenizer);
}

/** The request died with its server process: the crash message already told the user. */
function isConnectionLoss(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    (error.code === ErrorCodes.PendingResponseRejected ||
      error.code === ErrorCodes.ConnectionInactive ||
      error.code === ErrorCodes.MessageWriteError)
  );
}

/** The text before the cursor, over as many lines before it as a context may run (`boundedContext`). */
export function textBeforeCursor(document: vscode.TextDocument, position: vscode.Position): string {
  return boundedContext(document.getText(new vscode.Range(contextStartLine(position.line), 0, position.line, position.character)));
}

/** "answered by a 9-token context" (the length of the longest context suffix the learned text holds). */
export function answeredBy(contextLength: number): string {
  return contextLength === 0
    ? vscode.l10n.t('answered by word frequencies alone (no context seen)')
    : vscode.l10n.t('answered by a {0}-token context', contextLength);
}

// Button labels are compared with the one clicked, so each is made in one place.
function showSkippedFilesAction(): string {
  return vscode.l10n.t('Show Skipped Files');
}

function openSettingsAction(): string {
  return vscode.l10n.t('Open Settings');
}

/** The skipped-files channel's first line; each count gets its own singular or plural sentence. */
function skippedSummary(notLearned: number, partly: number): string {
  const notLearnedLine =
    notLearned === 1 ? vscode.l10n.t('1 file or folder is not learned') : vscode.l10n.t('{0} files or folders are not learned', notLearned);
  if (partly === 0) return vscode.l10n.t('{0}:', notLearnedLine);
  const partlyLine =
    partly === 1
      ? vscode.l10n.t('1 file is learned without the lines that hold secrets')
      : vscode.l10n.t('{0} files are learned without the lines that hold secrets', partly);
  return vscode.l10n.t('{0}; {1}:', notLearnedLine, partlyLine);
}

interface CandidateItem extends vscode.QuickPickItem {
  readonly candidate: PredictedCandidate;
}

interface OccurrenceItem extends vscode.QuickPickItem {
  readonly occurrence: EvidenceOccurrence;
}

/** `src/greet.js:3:5` — the line's text. */
function occurrenceItem(occurrence: EvidenceOccurrence): OccurrenceItem {
  return {
    label: `$(file) ${occurrence.file}:${occurrence.line}:${occurrence.column}`,
    description: occurrence.text.trim(),
    occurrence,
  };
}

function placesLabel(evidence: EvidenceResult): string {
  const places = evidence.total === 1 ? vscode.l10n.t('1 place') : vscode.l10n.t('{0} places', evidence.total);
  return evidence.occurrences.length < evidence.total ? vscode.l10n.t('{0}, the first {1} listed', places, evidence.occurrences.length) : places;
}

function wordLabel(word: string): string {
  return word === '</s>' ? '⏎' : word;
}

/** `return — 31.4 % · 22/70 · trigram` (the quick pick draws the dash between label and description). */
function candidateItem(candidate: PredictedCandidate, isProbability: boolean): CandidateItem {
  const share = isProbability
    ? `${(candidate.probability * 100).toFixed(1)} %`
    : vscode.l10n.t('score {0}', candidate.probability.toPrecision(3));
  return {
    label: candidate.word === '</s>' ? vscode.l10n.t('⏎ (end of line)') : candidate.word,
    description: `${share} · ${candidate.count}/${candidate.contextCount} · ${ngramName(candidate.order)}`,
    buttons: [SHOW_WHERE_BUTTON],
    candidate,
  };
}

function ngramName(order: number): string {
  return [vscode.l10n.t('unigram'), vscode.l10n.t('bigram'), vscode.l10n.t('trigram')][order - 1] ?? vscode.l10n.t('{0}-gram', order);
}

function displayPath(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), true);
}
