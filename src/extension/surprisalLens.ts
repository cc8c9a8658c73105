// The surprisal lens: Show Surprisal colours every token of the active editor by how the model ranked
// it given the words before it on its line (top 1, top 10, top 100, beyond), scored by the server
// without the file's own counts; the overview ruler marks the most surprising lines, the status bar
// shows the file's bits per token with a legend, and a hover explains a token. It follows edits
// (debounced) and turns off when its document closes or the model is learned again. The lines on
// screen are asked for first and drawn at once; the whole file (its figure, the ruler) follows.

import * as vscode from 'vscode';
import { SURPRISAL_SPAN_FIELDS, type LineRange, type SurprisalParams, type SurprisalResult, type SurprisalTokenResult } from '../protocol/lsp';
import { COMMANDS, type EvidenceArgs } from './commands';
import { Disposable } from './disposable';
import { partsText, whichModel } from './teamModel';
import type { ClientModelService } from './modelService';

export const TOGGLE_SURPRISAL_COMMAND = 'nextWordLab.toggleSurprisal';

/** How long typing must pause before the lens scores the document again. */
const EDIT_DEBOUNCE_MS = 150;
/** The most surprising lines marked in the overview ruler: this share of the scored lines, at most MAX. */
const RULER_SHARE = 0.02;
const RULER_MAX = 50;
/** Times the lens asks again (after EDIT_DEBOUNCE_MS) while the server says it does not have the document open. */
const SERVER_OPEN_RETRIES = 10;
/** Lines above and below the visible ones asked for with them, so a short scroll finds them coloured. */
const VISIBLE_MARGIN = 20;

/** The colour classes, by rank: the colour ids are contributed in package.json with light, dark and high-contrast defaults. */
export const SURPRISAL_BUCKETS = [
  { id: 'top1', label: vscode.l10n.t('top 1'), maxRank: 1, colour: vscode.l10n.t('green'), meaning: vscode.l10n.t('the word the model expected most') },
  { id: 'top10', label: vscode.l10n.t('top 10'), maxRank: 10, colour: vscode.l10n.t('yellow'), meaning: vscode.l10n.t('among its 10 likeliest') },
  { id: 'top100', label: vscode.l10n.t('top 100'), maxRank: 100, colour: vscode.l10n.t('orange'), meaning: vscode.l10n.t('among its 100 likeliest') },
  { id: 'beyond', label: vscode.l10n.t('beyond'), maxRank: Infinity, colour: vscode.l10n.t('red'), meaning: vscode.l10n.t('a surprise: 100 words or more were likelier') },
] as const;

export type SurprisalBucketId = (typeof SURPRISAL_BUCKETS)[number]['id'];

export function bucketOf(rank: number): number {
  return SURPRISAL_BUCKETS.findIndex((bucket) => rank <= bucket.maxRank);
}

/** What the lens shows for a document, as the tests (and the hover) read it. */
export interface SurprisalView {
  /** The last whole-file result (the figures, the legend), or the lines on screen until it comes. */
  readonly result: SurprisalResult;
  /** The decorated ranges per bucket, in SURPRISAL_BUCKETS order. */
  readonly ranges: readonly (readonly vscode.Range[])[];
  /** The lines marked in the overview ruler. */
  readonly rulerLines: readonly number[];
}

/** A line's words as the lens last scored them (start, end and rank each), and the document version they were scored at. */
interface ScoredLine {
  readonly spans: readonly number[];
  readonly version: number;
}

interface LensState {
  readonly document: vscode.TextDocument;
  /**
   * By line of the document as it is now: edits move them with their lines, and an edited line is
   * unknown until scored again. A line off screen keeps its words until it comes into view: with
   * the longest-match estimator an edit may change the next lines' scores too.
   */
  lines: (ScoredLine | undefined)[];
  /** The last result for the whole file (its figure, legend and ruler). */
  whole?: SurprisalResult;
  /** The figure is for an older text or model: the next scoring asks for the whole file too (a scroll alone does not). */
  wholeDue: boolean;
  /** Answers in a row saying the server does not have the document open. */
  unknownToServer: number;
  view?: SurprisalView;
  timer?: NodeJS.Timeout;
  scoring?: vscode.CancellationTokenSource;
}

export class SurprisalLens extends Disposable {
  private readonly lenses = new Map<string, LensState>();
  private readonly bucketTypes = SURPRISAL_BUCKETS.map((bucket) =>
    this._register(
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`nextWordLab.surprisal.${bucket.id}Background`),
        // Only high-contrast themes give the border a colour: there, a tint alone is not enough.
        borderColor: new vscode.ThemeColor(`nextWordLab.surprisal.${bucket.id}Border`),
        borderStyle: 'none none solid none',
        borderWidth: '0 0 2px 0',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    ),
  );
  private readonly rulerType = this._register(
    vscode.window.createTextEditorDecorationType({
      overviewRulerColor: new vscode.ThemeColor('nextWordLab.surprisal.overviewRuler'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      isWholeLine: true,
    }),
  );
  private readonly item = this._register(vscode.window.createStatusBarItem('nextWordLab.surprisal', vscode.StatusBarAlignment.Right, 99));
  private readonly updated = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires when a document's lens has been drawn anew, or turned off. */
  readonly onDidUpdate = this.updated.event;

  constructor(private readonly model: ClientModelService) {
    super();
    this.item.name = 'Next Word Lab: Surprisal';
    this.item.command = TOGGLE_SURPRISAL_COMMAND;
    this._register(vscode.commands.registerCommand(TOGGLE_SURPRISAL_COMMAND, () => this.toggle()));
    this._register(vscode.workspace.onDidChangeTextDocument(({ document, contentChanges }) => {
      const lens = this.lenses.get(document.uri.toString());
      if (lens === undefined || contentChanges.length === 0) return;
      // VS Code lists an event's changes from the end of the document up, so each applies to the lines as the ones before left them.
      for (const { range, text } of contentChanges) {
        lens.lines.splice(range.start.line, range.end.line - range.start.line + 1, ...new Array<undefined>(text.split(/\r\n|\r|\n/).length));
      }
      lens.wholeDue = true;
      this.schedule(document);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((document) => this.hide(document.uri)));
    // VS Code disposes a closed file's document only later: closing its last tab is what the user sees.
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.hideWithoutTabs()));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.drawAll()));
    this._register(
      vscode.window.onDidChangeTextEditorVisibleRanges(({ textEditor }) => {
        const lens = this.lenses.get(textEditor.document.uri.toString());
        if (lens === undefined || lens.scoring !== undefined) return;
        const { document } = textEditor;
        const visible = visibleLines(document) ?? { start: 0, end: document.lineCount };
        for (let line = visible.start; line < visible.end; line++) {
          if (lens.lines[line]?.version === document.version) continue;
          this.schedule(document);
          return;
        }
      }),
    );
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.renderStatus()));
    this._register(model.onWillRelearn(() => this.hideAll()));
    let lastModel = '';
    this._register(
      model.onDidChangeStatus((status) => {
        // A new estimator, order or tokenizer, or a finished pass: every score may have changed.
        const key = `${status.estimator} ${status.order} ${status.tokenizer} ${status.state === 'ready'}`;
        if (key !== lastModel) {
          for (const lens of this.lenses.values()) {
            lens.wholeDue = true;
            this.schedule(lens.document);
          }
        }
        lastModel = key;
      }),
    );
    this._register(vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], { provideHover: (document, position, token) => this.hover(document, position, token) }));
    this._register({ dispose: () => this.hideAll() });
  }

  /** Shows the lens on the active editor's document, or hides it if it is shown. */
  async toggle(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Next Word Lab: open a file, then run Show Surprisal to see how the model reads it.'));
      return;
    }
    const key = editor.document.uri.toString();
    if (this.lenses.has(key)) {
      this.hide(editor.document.uri);
      return;
    }
    this.lenses.set(key, { document: editor.document, lines: new Array<undefined>(editor.document.lineCount), wholeDue: true, unknownToServer: 0 });
    this.renderStatus();
    await this.score(editor.document);
  }

  isShown(uri: vscode.Uri): boolean {
    return this.lenses.has(uri.toString());
  }

  view(uri: vscode.Uri): SurprisalView | undefined {
    return this.lenses.get(uri.toString())?.view;
  }

  /** The status bar item as shown (undefined while hidden). */
  get status(): { readonly text: string; readonly tooltip: string } | undefined {
    if (!this.itemVisible) return undefined;
    const tooltip = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '') };
  }

  private itemVisible = false;

  private hide(uri: vscode.Uri): void {
    const key = uri.toString();
    const lens = this.lenses.get(key);
    if (lens === undefined) return;
    clearTimeout(lens.timer);
    lens.scoring?.cancel();
    this.lenses.delete(key);
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== key) continue;
      for (const type of this.bucketTypes) editor.setDecorations(type, []);
      editor.setDecorations(this.rulerType, []);
    }
    this.renderStatus();
    this.updated.fire(uri);
  }

  private hideWithoutTabs(): void {
    const open = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputText) open.add(input.uri.toString());
        else if (input instanceof vscode.TabInputTextDiff) open.add(input.modified.toString());
      }
    }
    for (const lens of [...this.lenses.values()]) if (!open.has(lens.document.uri.toString())) this.hide(lens.document.uri);
  }

  private hideAll(): void {
    for (const lens of [...this.lenses.values()]) this.hide(lens.document.uri);
  }

  private schedule(document: vscode.TextDocument): void {
    const lens = this.lenses.get(document.uri.toString());
    if (lens === undefined) return;
    clearTimeout(lens.timer);
    lens.timer = setTimeout(() => void this.score(document), EDIT_DEBOUNCE_MS);
  }

  /**
   * Scores the lines on screen (when that is not the whole file) and draws them, then, when its figure
   * is due, the whole file: with every line's words the first time, its figures alone once the lines
   * off screen are known. A scroll to lines scored at an older version asks for those lines alone.
   */
  private async score(document: vscode.TextDocument): Promise<void> {
    const lens = this.lenses.get(document.uri.toString());
    if (lens === undefined) return;
    lens.scoring?.cancel();
    const scoring = (lens.scoring = new vscode.CancellationTokenSource());
    const visible = visibleLines(document);
    let offScreenKnown = visible !== undefined;
    // Every index, not `every`: it skips the holes that unknown lines are.
    for (let line = 0; offScreenKnown && line < document.lineCount; line++) {
      if (lens.lines[line] === undefined && !(visible !== undefined && visible.start <= line && line < visible.end)) offScreenKnown = false;
    }
    const whole = lens.wholeDue || visible === undefined;
    const requests: { readonly params: Pick<SurprisalParams, 'lines' | 'withoutSpans'>; readonly whole: boolean; readonly withSpans: boolean }[] = [
      ...(visible === undefined ? [] : [{ params: { lines: visible }, whole: false, withSpans: true }]),
      ...(whole ? [{ params: { withoutSpans: offScreenKnown }, whole: true, withSpans: !offScreenKnown }] : []),
    ];
    // The spinner says the figure is coming: not for a scroll.
    if (whole) this.renderStatus();
    for (const [index, request] of requests.entries()) {
      let result: SurprisalResult | null;
      try {
        result = await this.model.surprisal({ textDocument: { uri: document.uri.toString() }, ...request.params }, scoring.token);
      } catch (error) {
        if (scoring.token.isCancellationRequested) return;
        this.hide(document.uri);
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Next Word Lab: the surprisal lens could not score this file: {0}', error instanceof Error ? error.message : String(error)),
        );
        return;
      }
      if (scoring.token.isCancellationRequested || this.lenses.get(document.uri.toString()) !== lens) return;
      if (result === null) {
        // The server does not have the document: closed, or (just after start) not opened there yet.
        if (document.isClosed || ++lens.unknownToServer > SERVER_OPEN_RETRIES) {
          if (!document.isClosed) void vscode.window.showWarningMessage(vscode.l10n.t('Next Word Lab: the language server does not have this file open, so the surprisal lens cannot score it.'));
          this.hide(document.uri);
        } else {
          lens.scoring = undefined;
          this.schedule(document);
        }
        return;
      }
      lens.unknownToServer = 0;
      // An edit arrived while it was scored: its own (debounced) request follows.
      if (result.version !== document.version) return;
      if (index === requests.length - 1) lens.scoring = undefined;
      if (request.whole) lens.wholeDue = false;
      this.apply(lens, result, request.withSpans);
    }
  }

  /** Takes a result's lines (their words, when it has them) into the lens and draws it. */
  private apply(lens: LensState, result: SurprisalResult, withSpans: boolean): void {
    const { start, end } = result.lines;
    if (start === 0 && end === lens.document.lineCount) lens.whole = result;
    if (withSpans) {
      const scored = Array.from({ length: end - start }, () => ({ spans: [] as number[], version: result.version }));
      const { spans } = result;
      for (let i = 0; i < spans.length; i += SURPRISAL_SPAN_FIELDS) scored[spans[i] - start].spans.push(spans[i + 1], spans[i + 2], spans[i + 3]);
      scored.forEach((line, index) => (lens.lines[start + index] = line));
    }
    lens.view = viewOf(lens.whole ?? result, lens.whole !== undefined, lens.lines);
    this.draw(lens);
    this.renderStatus();
    this.updated.fire(lens.document.uri);
  }

  private drawAll(): void {
    for (const lens of this.lenses.values()) this.draw(lens);
  }

  private draw(lens: LensState): void {
    const view = lens.view;
    if (view === undefined) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== lens.document) continue;
      this.bucketTypes.forEach((type, bucket) => editor.setDecorations(type, view.ranges[bucket]));
      editor.setDecorations(this.rulerType, view.rulerLines.map((line) => new vscode.Range(line, 0, line, 0)));
    }
  }

  private renderStatus(): void {
    const document = vscode.window.activeTextEditor?.document;
    const lens = document === undefined ? undefined : this.lenses.get(document.uri.toString());
    if (lens === undefined) {
      this.item.hide();
      this.itemVisible = false;
      return;
    }
    const result = lens.whole;
    if (result === undefined || (lens.wholeDue && lens.scoring !== undefined)) {
      this.item.text = result === undefined ? vscode.l10n.t('$(sync~spin) Surprisal') : `$(sync~spin) ${figure(result)}`;
    } else {
      this.item.text = `$(eye) ${figure(result)}`;
    }
    this.item.tooltip = result === undefined ? vscode.l10n.t('Next Word Lab: scoring this file…') : legend(result, lens.view?.ranges ?? []);
    this.item.show();
    this.itemVisible = true;
  }

  private async hover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.lenses.has(document.uri.toString())) return undefined;
    const explained = await this.model.surprisalToken({ textDocument: { uri: document.uri.toString() }, position }, token);
    if (explained === null || explained.version !== document.version) return undefined;
    const where: EvidenceArgs = { word: explained.word, lens: { uri: document.uri.toString(), line: position.line, character: explained.start } };
    return new vscode.Hover(hoverText(explained, where), new vscode.Range(position.line, explained.start, position.line, explained.end));
  }
}

/** The lines on screen in the editors showing `document`, with a margin; undefined when none is shown or they are all of it. */
function visibleLines(document: vscode.TextDocument): LineRange | undefined {
  const ranges = vscode.window.visibleTextEditors.filter((editor) => editor.document === document).flatMap((editor) => editor.visibleRanges);
  if (ranges.length === 0) return undefined;
  const start = Math.max(0, Math.min(...ranges.map((range) => range.start.line)) - VISIBLE_MARGIN);
  const end = Math.min(document.lineCount, Math.max(...ranges.map((range) => range.end.line)) + 1 + VISIBLE_MARGIN);
  return start === 0 && end === document.lineCount ? undefined : { start, end };
}

/** The decorations of the lens's lines; the ruler's lines from the whole file's result (none before it comes). */
function viewOf(result: SurprisalResult, whole: boolean, lines: readonly (ScoredLine | undefined)[]): SurprisalView {
  const ranges: vscode.Range[][] = SURPRISAL_BUCKETS.map(() => []);
  lines.forEach((scored, line) => {
    const spans = scored?.spans ?? [];
    for (let i = 0; i < spans.length; i += 3) ranges[bucketOf(spans[i + 2])].push(new vscode.Range(line, spans[i], line, spans[i + 1]));
  });
  const scored = whole ? result.lineBits.flatMap((bits, line) => (bits === null ? [] : [{ line, bits }])) : [];
  const threshold = result.bitsPerToken ?? 0;
  const rulerLines = scored
    .filter(({ bits }) => bits > threshold)
    .sort((a, b) => b.bits - a.bits)
    .slice(0, Math.min(RULER_MAX, Math.max(1, Math.ceil(scored.length * RULER_SHARE))))
    .map(({ line }) => line)
    .sort((a, b) => a - b);
  return { result, ranges, rulerLines };
}

/** The file's figure: bits per token (a score's −log2 for stupid backoff, which has no probabilities). */
function figure(result: SurprisalResult): string {
  if (result.bitsPerToken === null) return result.tokens === 0 ? vscode.l10n.t('no tokens') : vscode.l10n.t('∞ bits/token');
  return vscode.l10n.t('{0} bits/token', result.bitsPerToken.toFixed(2));
}

function legend(result: SurprisalResult, ranges: readonly (readonly vscode.Range[])[]): vscode.MarkdownString {
  const words = ranges.reduce((sum, bucket) => sum + bucket.length, 0);
  const lines = [
    vscode.l10n.t('**Surprisal lens** — each word coloured by its rank under the model, given the words before it on its line'),
    '',
    vscode.l10n.t('| colour (default) | rank | words | |'),
    '|---|---|---:|---|',
    ...SURPRISAL_BUCKETS.map((bucket, index) => {
      const count = ranges[index]?.length ?? 0;
      return `| ${bucket.colour} | ${bucket.label} | ${count.toLocaleString('en-US')} (${words === 0 ? 0 : Math.round((100 * count) / words)} %) | ${bucket.meaning} |`;
    }),
    '',
    result.bitsPerToken === null
      ? vscode.l10n.t("{0} tokens; a token the model gives probability 0 makes the file's surprisal infinite.", result.tokens.toLocaleString('en-US'))
      : vscode.l10n.t(
          '**{0} bits per token** (perplexity {1}) over {2} tokens: the words plus one end of line per line, {3} unknown.',
          result.bitsPerToken.toFixed(2),
          result.perplexity?.toFixed(2) ?? '',
          result.tokens.toLocaleString('en-US'),
          result.oov.toLocaleString('en-US'),
        ),
    '',
    vscode.l10n.t(
      '{0}; {1}',
      result.isProbability
        ? vscode.l10n.t('{0}-gram model, {1}', result.order, result.estimator)
        : vscode.l10n.t('{0}-gram model, {1} (scores, not probabilities)', result.order, result.estimator),
      result.ownCountsLeftOut
        ? vscode.l10n.t("this file's own counts are left out, so it does not predict itself.")
        : vscode.l10n.t('this file is not learned, so the model has never seen it.'),
    ),
    ...(result.mixture === undefined ? [] : ['', vscode.l10n.t('Scored by the {0}.', whichModel(result.mixture, vscode.l10n.t('as above')))]),
    '',
    vscode.l10n.t('The overview ruler marks the most surprising lines. Click to turn the lens off.'),
  ];
  return new vscode.MarkdownString(lines.join('\n'));
}

export function formatProbability(p: number): string {
  if (p === 0) return '0';
  return p >= 0.001 ? `${(100 * p).toFixed(2)} %` : p.toExponential(2);
}

/** The hover: the word's figures, the n-gram that answered with a Show where… link to its places, the likeliest words. */
function hoverText(token: SurprisalTokenResult, where: EvidenceArgs): vscode.MarkdownString {
  const bits = -Math.log2(token.probability);
  const p = token.isProbability ? 'P' : vscode.l10n.t('score');
  const context = token.context.length === 0 ? '' : token.context.join(' ');
  // The n-gram that answered: the last order − 1 words of the context, then the word.
  const ngramContext = token.context.slice(token.context.length - (token.order - 1));
  const answered =
    token.order === 1
      ? vscode.l10n.t('answered by the unigram: c({0}) = {1} of {2} tokens', code(token.word), token.count.toLocaleString('en-US'), token.contextCount.toLocaleString('en-US'))
      : vscode.l10n.t(
          'answered by the {0}-gram {1}: seen {2} times in {3} of {4}',
          token.order,
          code([...ngramContext, token.word].join(' ')),
          token.count.toLocaleString('en-US'),
          token.contextCount.toLocaleString('en-US'),
          code(ngramContext.join(' ')),
        );
  const bucket = SURPRISAL_BUCKETS[bucketOf(token.rank)];
  const lines = [
    token.inVocabulary
      ? vscode.l10n.t('{0} after {1}', code(token.word), code(context))
      : vscode.l10n.t('{0} (unknown: scored as `<unk>`) after {1}', code(token.word), code(context)),
    '',
    vscode.l10n.t(
      '{0} = {1} · surprisal {2} bits · rank {3} ({4})',
      p,
      formatProbability(token.probability),
      Number.isFinite(bits) ? bits.toFixed(2) : '∞',
      token.rank.toLocaleString('en-US'),
      bucket.label,
    ),
    '',
    ...(token.mixture === undefined
      ? []
      : [vscode.l10n.t('Answered by the {0}: {1}.', whichModel(token.mixture, vscode.l10n.t('its counts below')), partsText(token.mixture.parts)), '']),
    token.ownCountsLeftOut ? vscode.l10n.t('{0}, without this file.', answered) : vscode.l10n.t('{0}.', answered),
    // Only a seen n-gram has places to show.
    ...(token.count > 0 ? [vscode.l10n.t('[Show where…]({0} "{1}")', `command:${COMMANDS.showEvidence}?${encodeURIComponent(JSON.stringify([where]))}`, vscode.l10n.t('The places in the learned text where this context is followed by this word'))] : []),
    '',
    vscode.l10n.t('| likeliest here | {0} | counts | n-gram |', p),
    '|---|---:|---:|---:|',
    ...token.alternatives.map(
      (alternative) =>
        `| ${code(alternative.word)}${alternative.word === token.word ? ' ✓' : ''} | ${formatProbability(alternative.probability)} | ${alternative.count.toLocaleString('en-US')}/${alternative.contextCount.toLocaleString('en-US')} | ${alternative.order} |`,
    ),
  ];
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  // The link runs Show where… and nothing else.
  markdown.isTrusted = { enabledCommands: [COMMANDS.showEvidence] };
  return markdown;
}

/** Inline code that survives backticks in the word. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text === '' ? ' ' : text.replace(/\|/g, '\\|')}${fence}`;
}
