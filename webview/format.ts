// Numbers and tokens as the panel prints them.

import { tokenSpacing } from '../src/core/spacing';
import type { TokenizerName } from '../src/core/types';
import { displayInlineToken } from '../src/protocol/wording';

const integerFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return integerFormat.format(value);
}

/** Probabilities to 3 decimals, tiny ones in scientific notation so they never read as 0. */
export function formatProbability(value: number): string {
  if (value === 0) return '0';
  if (value < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}

export function formatPercent(value: number): string {
  if (value > 0 && value < 0.001) return '<0.1%';
  return `${(value * 100).toFixed(1)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** e^x printed as m×10ᵏ, computed from x so that values far below Number.MIN_VALUE still print. */
export function formatExp(naturalExponent: number): string {
  const log10 = naturalExponent / Math.LN10;
  if (log10 >= -3 && log10 < 4) return Math.exp(naturalExponent).toPrecision(3);
  let exponent = Math.floor(log10);
  let mantissa = Math.pow(10, log10 - exponent);
  if (Number(mantissa.toFixed(2)) >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  const superscript = [...String(exponent)].map((c) => SUPERSCRIPT[c]).join('');
  return `${mantissa.toFixed(2)}×10${superscript}`;
}

/** What a failed request says to the reader. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { displayInlineToken, displayToken } from '../src/protocol/wording';

/**
 * Generated tokens as the panel prints them, one piece per token: whether a space precedes it (as the
 * source is written, src/core/spacing.ts, continuing `before`; a line end, shown as ⏎, is set apart)
 * and its text.
 */
export function continuationPieces(tokens: readonly string[], tokenizer: TokenizerName, before = ''): { spaced: boolean; text: string }[] {
  const spacing = tokenSpacing(tokens, tokenizer, before);
  return tokens.map((token, i) => ({
    spaced: i > 0 && (spacing[i] || token === '</s>' || tokens[i - 1] === '</s>'),
    text: displayInlineToken(token),
  }));
}

/** Generated tokens as one line of text (see `continuationPieces`). */
export function continuationText(tokens: readonly string[], tokenizer: TokenizerName, before = ''): string {
  return continuationPieces(tokens, tokenizer, before)
    .map((piece) => (piece.spaced ? ` ${piece.text}` : piece.text))
    .join('');
}
