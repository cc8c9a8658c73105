// Plain-text rendering for the terminal: aligned tables, probability bars, a little colour when
// stdout is a terminal (and NO_COLOR is unset), and token sequences joined back into text.

import { tokenSpacing } from '../core/spacing';
import { writtenForm } from '../core/tokenizer';
import type { TokenizerName } from '../core/types';
import { EOS_TOKEN } from '../core/vocabulary';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  accent(text: string): string;
  warn(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

const COLOURS: Style = { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39), warn: wrap(33, 39) };
const PLAIN: Style = { bold: (t) => t, dim: (t) => t, accent: (t) => t, warn: (t) => t };

export function styleFor(stream: { readonly isTTY?: boolean }): Style {
  return stream.isTTY && process.env.NO_COLOR === undefined ? COLOURS : PLAIN;
}

const ESCAPES = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return [...text.replace(ESCAPES, '')].length;
}

/** Rows as aligned columns; `align` per column ('r' for numbers). */
export function table(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const widths = align.map((_, column) => Math.max(0, ...rows.map((row) => visibleLength(row[column] ?? ''))));
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          const padding = ' '.repeat(widths[column] - visibleLength(cell));
          return align[column] === 'r' ? padding + cell : cell + padding;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const BAR_EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `fraction` (0–1) of `width` cells, in eighths of a cell. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + BAR_EIGHTHS[eighths % 8];
}

/** A probability for reading: fixed 4 decimals, scientific notation below 0.0001. */
export function probability(p: number): string {
  if (p === 0) return '0';
  return p >= 1e-4 ? p.toFixed(4) : p.toExponential(2);
}

export function integer(n: number): string {
  return n.toLocaleString('en-US');
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Characters a terminal would act on rather than show (C0 and C1 controls, DEL, line and paragraph
 * separators, bidirectional overrides): a word from the training text could retitle the terminal or
 * reorder the line around it.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A word as every command prints it: characters a terminal would act on shown as \uXXXX. */
export function printable(word: string): string {
  return word.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A token as shown inside prose, with the line end spelled out. */
export function token(word: string): string {
  return word === EOS_TOKEN ? '</s> (end of line)' : printable(word);
}

/**
 * Generated tokens as text, spaced as the source is written (src/core/spacing.ts: `topK(candidates:`,
 * not `topK ( candidates :`; every token apart for the `whitespace` tokenizer), a new line for each
 * `</s>`, each word as written (`\<s>` as `<s>`). `before` is the text the tokens continue (the
 * context), which decides the first spaces (an open quote, a call after a name) but is not printed;
 * the text never starts with a space.
 */
export function joinTokens(tokens: readonly string[], tokenizer: TokenizerName, before = ''): string {
  const spacing = tokenSpacing(tokens, tokenizer, before);
  // Spaces are decided on the words as written; only then are the characters a terminal would act on escaped.
  return tokens
    .map((word, i) => {
      if (word === EOS_TOKEN) return '\n';
      const written = printable(writtenForm(word));
      return spacing[i] && i > 0 ? ` ${written}` : written;
    })
    .join('');
}

/** Tokens on one line, a line end shown as ⏎ (for loops and samples quoted inside prose). */
export function inlineTokens(tokens: readonly string[]): string {
  return tokens.map((word) => (word === EOS_TOKEN ? '⏎' : printable(word))).join(' ');
}
