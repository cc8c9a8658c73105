// The commands: Predict Next Word, Choose Next Word, the temperature and status menus, re-learning
// and the skipped-files report. Each asks the model service and edits the editor; the spaces around
// an inserted word follow src/core/spacing.ts, for the tokenizer the model reports.

import * as vscode from 'vscode';
import type { EstimatorName } from '../core/types';
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
import { TEMPERATURE_RANGE } from '../protocol/settings';
import { answeringName, answersFromContexts, displayInlineToken, displayToken } from '../protocol/wording';
import type { Config } from './config';
import { Disposable } from './disposable';
import { partsText, whichModel } from './teamModel';
import type { ClientModelService } from './modelService';
import { type SkippedCounts, countSkipped } from './skippedReport';
import { STATUS_MENU_COMMAND, describeLearned, formatNumber } from './statusBar';

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
 * What Show where… is asked: the word it explains and either the text before the cursor (with the
 * document it was read from, which the longest match leaves out as the prediction did), or `lens`:
 * the place of the word in a document under the surprisal lens (its hover's link), where the evidence
 * is counted as the lens counts it, without the document's own text.
 */
export type EvidenceArgs =
  | { readonly word: string; readonly context: string; readonly document?: string; readonly lens?: undefined }
  | { readonly word: string; readonly lens: { readonly uri: string; readonly line: number; readonly character: number }; readonly context?: undefined; readonly document?: undefined };

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
    const items = result.candidates.map((candidate) => candidateItem(candidate, result));
    const pick = vscode.window.createQuickPick<CandidateItem>();
    pick.items = items;
    const estimator = result.status.estimator;
    pick.title = vscode.l10n.t(
      'Next word after “{0}” — {1}',
      result.context.map(displayInlineToken).join(' '),
      whichModel(result.mixture, answeredBy(estimator, result.matchedContextLength)),
    );
    const answered = answersFromContexts(estimator) ? vscode.l10n.t('the context that answered') : vscode.l10n.t('the n-gram that answered');
    pick.placeholder =
      result.mixture !== undefined
        ? vscode.l10n.t('Choose the next word: its mixture probability, the team base model’s and the workspace model’s own, and its workspace counts · $(references) shows where')
        : result.isProbability
          ? vscode.l10n.t('Choose the next word: its probability, how often it followed its context in the workspace, and {0} · $(references) shows where', answered)
          : vscode.l10n.t('Choose the next word: its score, how often it followed its context in the workspace, and {0} · $(references) shows where', answered);
    pick.matchOnDescription = true;
    const picked = await new Promise<CandidateItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.onDidTriggerItemButton(({ item }) => {
        resolve(undefined);
        void this.guard(() => this.showEvidence({ context, word: item.candidate.word, document: editor.document.uri.toString() }));
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
        : await this.model.evidence({ context: args.context, word: args.word, document: typeof args.document === 'string' ? args.document : undefined });
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

  private async predictAt(document: vscode.TextDocument, position: vscode.Position, candidates: number): Promise<PredictResult> {
    await this.untilSomethingLearned();
    // The text before the cursor is sent: it is what the user sees, whatever the server's copy of the
    // document (untitled files, files outside the workspace) holds.
    return this.model.predict({
      context: textBeforeCursor(document, position),
      document: document.uri.toString(),
      candidates,
      insertableOnly: true,
      temperature: this.config.temperature,
      topK: this.config.topK,
      topP: this.config.topP,
    });
  }

  /**
   * Right after start-up (or a re-learn) the model holds nothing yet: rather than answer "nothing to
   * suggest", the command waits, with a cancellable notification, until the first text is learned or
   * learning ends. Cancelled, the command goes on and says it is still reading.
   */
  private async untilSomethingLearned(): Promise<void> {
    const learnedOrSettled = (status: ModelStatus): boolean => status.tokens > 0 || status.state === 'ready' || status.state === 'empty';
    const status = this.model.status;
    if (status !== undefined && learnedOrSettled(status)) return;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Next Word Lab: reading the workspace before the first prediction…'), cancellable: true },
      (_progress, cancellation) =>
        new Promise<void>((resolve) => {
          // Either way both listeners go: a cancelled wait must not outlive the command.
          const done = (): void => {
            listening.dispose();
            cancelled.dispose();
            resolve();
          };
          const listening = this.model.onDidChangeStatus((next) => {
            if (learnedOrSettled(next)) done();
          });
          const cancelled = cancellation.onCancellationRequested(done);
          const current = this.model.status;
          if (current !== undefined && learnedOrSettled(current)) done();
        }),
    );
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
    } else if (status.tokens === 0) {
      void this.explainEmptyModel();
    } else {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Next Word Lab has no word to suggest here: the model knows nothing that can follow this context.'),
      );
    }
  }

  /**
   * Nothing was learned: either no file matches `include` (secret files and skipped folders are left
   * out before `include` is looked at, so they say nothing about it), or files matched and every one
   * was skipped for its size, content or an exclude rule.
   */
  private async explainEmptyModel(): Promise<void> {
    const skipped = await this.model.skippedFiles();
    const include = vscode.workspace.getConfiguration('nextWordLab').get<string[]>('include') ?? [];
    const matchedThenSkipped = skipped.filter((file) => file.reason !== 'secret' && file.reason !== 'secret lines' && !file.uri.endsWith('/'));
    const actions = skipped.length > 0 ? [openSettingsAction(), showSkippedFilesAction()] : [openSettingsAction()];
    const patterns = include.map((glob) => `“${glob}”`).join(', ');
    const message =
      matchedThenSkipped.length > 0
        ? vscode.l10n.t(
            'Next Word Lab found nothing to learn: all {0} files that match nextWordLab.include were skipped (too large, not text, minified or excluded). See why, or change the settings.',
            matchedThenSkipped.length,
          )
        : skipped.length > 0
          ? vscode.l10n.t(
              'Next Word Lab found nothing to learn: nextWordLab.include ({0}) matches no file in the workspace outside the {1} secret files and ignored folders it never reads. Change the pattern in the settings.',
              patterns,
              skipped.length,
            )
          : vscode.l10n.t('Next Word Lab found nothing to learn: nextWordLab.include ({0}) matches no file in the workspace. Change the pattern in the settings.', patterns);
    const action = await vscode.window.showInformationMessage(message, ...actions);
    if (action === showSkippedFilesAction()) await this.showSkippedFiles();
    else if (action === openSettingsAction()) await openSettingsWhereSet(matchedThenSkipped.length === 0 ? 'include' : 'exclude');
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
    const { min, max } = TEMPERATURE_RANGE;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Temperature'),
      value: String(current),
      prompt: vscode.l10n.t('A number from {0} to {1}: 0 = greedy, 1 = the model as learned, larger = flatter', min, max),
      // Out of range is refused with the range, never stored as the nearest end.
      validateInput: (text) => {
        const value = Number(text);
        if (text.trim() === '' || !Number.isFinite(value)) return vscode.l10n.t('Enter a number from {0} to {1}.', min, max);
        return value < min || value > max
          ? vscode.l10n.t('{0} is out of range: enter a number from {1} to {2}.', formatNumber(value), min, max)
          : undefined;
      },
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

  /** Learns the workspace again, with a progress notification, then says what was learned. Resolves to that message. */
  private async relearn(): Promise<string | undefined> {
    const status = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Next Word Lab: learning the workspace again from its files…') },
      () => this.model.relearn(),
    );
    if (status === undefined) return undefined;
    const message = describeLearned(status);
    void vscode.window.showInformationMessage(message);
    return message;
  }

  /** Writes the skipped files and why to their output channel. Resolves to the lines written. */
  private async showSkippedFiles(): Promise<readonly string[]> {
    const skipped = await this.model.skippedFiles();
    const lines = [
      skippedHeading(countSkipped(skipped)),
      ...skipped.map((file) => vscode.l10n.t('{0} — {1}: {2}', displayPath(file.uri), file.reason, file.detail)),
    ];
    this.skippedChannel ??= this._register(vscode.window.createOutputChannel(vscode.l10n.t('Next Word Lab: Skipped Files')));
    const channel = this.skippedChannel;
    channel.clear();
    for (const line of lines) channel.appendLine(line);
    channel.show(true);
    return lines;
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

/** Opens the Settings editor on `nextWordLab.<key>` in the tab where it is set: the workspace's (or its folder's) or the user's. */
async function openSettingsWhereSet(key: string): Promise<void> {
  const inspected = vscode.workspace.getConfiguration('nextWordLab').inspect(key);
  const query = `nextWordLab.${key}`;
  const inWorkspace = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'workbench.action.openWorkspaceSettings' : 'workbench.action.openSettings', query);
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

/**
 * "answered by a 9-token context" (longest match) or "answered by a 3-gram" (the n-gram estimators):
 * the longest context suffix the learned text holds, named as `answeringName` names it (protocol/wording.ts).
 */
export function answeredBy(estimator: EstimatorName, contextLength: number): string {
  if (contextLength === 0) return vscode.l10n.t('answered by word frequencies alone (no context seen)');
  return answersFromContexts(estimator)
    ? vscode.l10n.t('answered by a {0}-token context', contextLength)
    : vscode.l10n.t('answered by a {0}-gram', contextLength + 1);
}

// Button labels are compared with the one clicked, so each is made in one place.
function showSkippedFilesAction(): string {
  return vscode.l10n.t('Show Skipped Files');
}

function openSettingsAction(): string {
  return vscode.l10n.t('Open Settings');
}

/**
 * Show Skipped Files' heading: files and folders counted apart, as the status bar counts them (files
 * learned without their secret lines are listed but not counted), or a sentence when nothing is skipped.
 */
function skippedHeading({ files, folders, partly }: SkippedCounts): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const partlyNote =
    partly === 0
      ? undefined
      : partly === 1
        ? vscode.l10n.t('1 file is learned without the lines that hold secrets')
        : vscode.l10n.t('{0} files are learned without the lines that hold secrets', count(partly));
  if (files + folders === 0) {
    return partlyNote === undefined
      ? vscode.l10n.t('Nothing is skipped: every file that matches nextWordLab.include is learned.')
      : vscode.l10n.t('Nothing is skipped: every file that matches nextWordLab.include is learned; {0}.', partlyNote);
  }
  const fileCount = files === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', count(files));
  const folderCount = folders === 1 ? vscode.l10n.t('1 folder') : vscode.l10n.t('{0} folders', count(folders));
  const counted = folders === 0 ? fileCount : files === 0 ? folderCount : vscode.l10n.t('{0} and {1}', fileCount, folderCount);
  return partlyNote === undefined ? vscode.l10n.t('{0} not learned:', counted) : vscode.l10n.t('{0} not learned; {1}:', counted, partlyNote);
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

/**
 * `return — 31.4% · 22 of 70 times after “if x” · 3-gram` (the quick pick draws the dash between
 * label and description): the share, the counts behind it in words, and the n-gram that answered.
 */
function candidateItem(candidate: PredictedCandidate, result: PredictResult): CandidateItem {
  const share = result.isProbability
    ? `${(candidate.probability * 100).toFixed(1)}%`
    : vscode.l10n.t('score {0}', candidate.probability.toPrecision(3));
  // The n-gram's context: its last order-1 tokens; a 1-gram counts the word among all words.
  const context = result.context.slice(result.context.length - (candidate.order - 1));
  const counts =
    candidate.order <= 1
      ? vscode.l10n.t('{0} of {1} words', candidate.count, candidate.contextCount)
      : vscode.l10n.t('{0} of {1} times after “{2}”', candidate.count, candidate.contextCount, context.map(displayInlineToken).join(' '));
  const answering = candidate.parts === undefined ? answeringName(result.status.estimator, candidate.order) : partsText(candidate.parts);
  return {
    label: displayToken(candidate.word),
    description: `${share} · ${counts} · ${answering}`,
    buttons: [SHOW_WHERE_BUTTON],
    candidate,
  };
}

function displayPath(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), true);
}
