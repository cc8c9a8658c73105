// The context section of `npm run bench`: held-out accuracy of the default estimator as the editor
// reads the text before the cursor, for bounds on how far back that text reaches (lines, characters:
// `MAX_CONTEXT_LINES`, `MAX_CONTEXT_CHARS` in src/protocol/lsp.ts), and on ordinary prose against
// order 3 Kneser-Ney.
//
// The editor's context for a token: the cursor's line up to the token and whole lines before it, at
// most `lines` lines and `chars` characters (a line that does not fit is left out whole, as
// `boundedContext` leaves it), read by `contextAcrossLines` (`<s>` first when it reaches the start
// of the document, `</s>` otherwise). Code: the reference corpus's train split is the workspace (in
// files of 2,000 lines, as the index section cuts it), every SAMPLE-th line of its test split is
// predicted token by token (words and the line's `</s>`). Prose: the sample workspace's Markdown,
// each file predicted with the other files as the workspace.

import fs from 'node:fs';
import path from 'node:path';
import { ACCURACY_TOP } from '../src/core/accuracy';
import { LongestMatchModel } from '../src/core/longestMatch';
import { NgramModel } from '../src/core/model';
import { TokenIndex } from '../src/core/tokenIndex';
import { tokenizeText } from '../src/core/tokenizer';
import type { TokenizerName } from '../src/core/types';
import { BOS_TOKEN, EOS_TOKEN, UNK_TOKEN } from '../src/core/vocabulary';
import { MAX_CONTEXT_CHARS, MAX_CONTEXT_LINES } from '../src/protocol/lsp';
import { DEFAULT_SETTINGS } from '../src/protocol/settings';
import type { CoreCorpus } from './core';

const FILE_LINES = 2000;
/** Every SAMPLE-th test line is predicted (its context still reads the lines before it). */
const SAMPLE = 8;
const BOUNDS: readonly Bound[] = [
  { lines: 1, chars: Infinity },
  { lines: 2, chars: Infinity },
  { lines: 4, chars: Infinity },
  { lines: 8, chars: Infinity },
  { lines: 16, chars: Infinity },
  { lines: 32, chars: Infinity },
  { lines: 8, chars: 500 },
  { lines: 8, chars: 1000 },
  { lines: 8, chars: 2000 },
  { lines: 16, chars: 2000 },
  { lines: 16, chars: 4000 },
];
const PROSE_FOLDER = path.join(__dirname, '..', 'sample-workspace');

interface Bound {
  readonly lines: number;
  readonly chars: number;
}

export interface BoundRow extends Bound {
  readonly top1: number;
  readonly top5: number;
}

export interface ContextBenchResult {
  readonly corpus: string;
  readonly tokens: number;
  readonly current: Bound;
  /** The n-gram model alone (order 3 Kneser-Ney, the cursor's line), on the same tokens. */
  readonly kneserNey: { readonly top1: number; readonly top5: number };
  readonly bounds: readonly BoundRow[];
  readonly prose: { readonly files: number; readonly tokens: number; readonly longestMatch: { top1: number; top5: number }; readonly kneserNey: { top1: number; top5: number } };
}

/** A text's lines: their tokens (none for a blank line) and their length in characters. */
function linesOf(tokenizer: TokenizerName, text: string): { tokens: string[]; chars: number }[] {
  return text.split(/\r\n|\r|\n/).map((line) => ({ tokens: tokenizeText(tokenizer, line)[0] ?? [], chars: line.length }));
}

/** A workspace of texts: the Kneser-Ney model and the index over them, the default estimator on top. */
function workspace(tokenizer: TokenizerName, texts: readonly string[]): LongestMatchModel {
  const model = new NgramModel({ order: DEFAULT_SETTINGS.order, tokenizer });
  const index = new TokenIndex();
  texts.forEach((text, i) => index.set(`file${i}`, model.addText(text)));
  model.compact();
  index.merge();
  return new LongestMatchModel(model, index);
}

interface Tally {
  top1: number;
  top5: number;
  tokens: number;
}

function count(tally: Tally, ranked: readonly string[], target: string): void {
  const shown = ranked.filter((word) => word !== UNK_TOKEN && word !== BOS_TOKEN);
  const at = shown.indexOf(target);
  if (at === 0) tally.top1++;
  if (at >= 0 && at < ACCURACY_TOP) tally.top5++;
  tally.tokens++;
}

const share = (tally: Tally): { top1: number; top5: number } => ({ top1: tally.top1 / tally.tokens, top5: tally.top5 / tally.tokens });

/**
 * Predicts every token of the chosen lines of a document as the editor would with each bound (and
 * with Kneser-Ney on the line alone), adding to the tallies.
 */
function walk(model: LongestMatchModel, lines: ReturnType<typeof linesOf>, chosen: (line: number) => boolean, bounds: readonly Bound[], tallies: Tally[], kneserNey: Tally): void {
  for (let l = 0; l < lines.length; l++) {
    if (!chosen(l) || lines[l].tokens.length === 0) continue;
    const before = bounds.map((bound) => {
      // Whole lines back from the cursor's, while they fit.
      let chars = lines[l].chars;
      let first = l;
      while (first > 0 && l - first + 1 < bound.lines && chars + 1 + lines[first - 1].chars <= bound.chars) {
        first--;
        chars += 1 + lines[first].chars;
      }
      const context = [first === 0 ? BOS_TOKEN : EOS_TOKEN];
      for (let k = first; k < l; k++) if (lines[k].tokens.length > 0) context.push(...lines[k].tokens, EOS_TOKEN);
      return context;
    });
    const targets = [...lines[l].tokens, EOS_TOKEN];
    for (let i = 0; i < targets.length; i++) {
      const line = lines[l].tokens.slice(0, i);
      before.forEach((context, b) => count(tallies[b], model.rank([...context, ...line], ACCURACY_TOP + 2).candidates.map((c) => c.word), targets[i]));
      count(kneserNey, model.ngram.candidates([BOS_TOKEN, ...line], ACCURACY_TOP + 2).map((c) => c.word), targets[i]);
    }
  }
}

function markdownFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export function runContextBench(corpus: CoreCorpus): ContextBenchResult {
  const trainLines = corpus.train.split(/\r\n|\r|\n/);
  const files: string[] = [];
  for (let i = 0; i < trainLines.length; i += FILE_LINES) files.push(trainLines.slice(i, i + FILE_LINES).join('\n'));
  const code = workspace(corpus.tokenizer, files);
  const tallies = BOUNDS.map(() => ({ top1: 0, top5: 0, tokens: 0 }));
  const kneserNey = { top1: 0, top5: 0, tokens: 0 };
  walk(code, linesOf(corpus.tokenizer, corpus.test), (line) => line % SAMPLE === 0, BOUNDS, tallies, kneserNey);

  // Prose: each Markdown file against the others, at the bound the editor uses.
  const texts = markdownFiles(PROSE_FOLDER).map((file) => fs.readFileSync(file, 'utf8'));
  const current = { lines: MAX_CONTEXT_LINES, chars: MAX_CONTEXT_CHARS };
  const prose = [{ top1: 0, top5: 0, tokens: 0 }];
  const proseKneserNey = { top1: 0, top5: 0, tokens: 0 };
  texts.forEach((text, i) => {
    const others = workspace('words', texts.filter((_, j) => j !== i));
    walk(others, linesOf('words', text), () => true, [current], prose, proseKneserNey);
  });

  return {
    corpus: corpus.name,
    tokens: kneserNey.tokens,
    current,
    kneserNey: share(kneserNey),
    bounds: BOUNDS.map((bound, b) => ({ ...bound, ...share(tallies[b]) })),
    prose: { files: texts.length, tokens: proseKneserNey.tokens, longestMatch: share(prose[0]), kneserNey: share(proseKneserNey) },
  };
}

const bound = (b: Bound): string => `${b.lines} line${b.lines === 1 ? '' : 's'}${b.chars === Infinity ? '' : `, ${b.chars.toLocaleString('en-US')} characters`}`;

export function contextMarkdown(result: ContextBenchResult): string[] {
  const isCurrent = (row: Bound): boolean => row.lines === result.current.lines && row.chars === result.current.chars;
  return [
    `Corpus: ${result.corpus}; the train split is the workspace, every ${SAMPLE}th line of the test split is predicted token by token as the editor reads the text before the cursor (${result.tokens.toLocaleString('en-US')} tokens: words and one \`</s>\` per line); the default estimator (longest match over order ${DEFAULT_SETTINGS.order} Kneser-Ney). The editor's bound: **${bound(result.current)}**.`,
    '',
    '| context the editor sends | top-1 | top-5 |',
    '|---|---|---|',
    `| the cursor's line only, order 3 Kneser-Ney (no index) | ${result.kneserNey.top1.toFixed(4)} | ${result.kneserNey.top5.toFixed(4)} |`,
    ...result.bounds.map((row) => `| ${bound(row)}${isCurrent(row) ? ' (the editor\'s bound)' : ''} | ${row.top1.toFixed(4)} | ${row.top5.toFixed(4)} |`),
    '',
    `Prose: the sample workspace's ${result.prose.files} Markdown files, each predicted with the others as the workspace (${result.prose.tokens.toLocaleString('en-US')} tokens), at the editor's bound:`,
    '',
    '| prose | top-1 | top-5 |',
    '|---|---|---|',
    `| order 3 Kneser-Ney, the cursor's line | ${result.prose.kneserNey.top1.toFixed(4)} | ${result.prose.kneserNey.top5.toFixed(4)} |`,
    `| defaults (longest match), context across lines | ${result.prose.longestMatch.top1.toFixed(4)} | ${result.prose.longestMatch.top5.toFixed(4)} |`,
  ];
}

export function contextSummary(result: ContextBenchResult): string[] {
  return [
    ...result.bounds.map((row) => `context ${bound(row)}: top-1 ${row.top1.toFixed(4)}, top-5 ${row.top5.toFixed(4)}`),
    `context: order 3 kneser-ney on the line: top-1 ${result.kneserNey.top1.toFixed(4)}`,
    `prose (${result.prose.files} files): defaults top-1 ${result.prose.longestMatch.top1.toFixed(4)} vs order 3 kneser-ney ${result.prose.kneserNey.top1.toFixed(4)}`,
  ];
}
