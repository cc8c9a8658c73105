// Tokens back to text: where a space goes between two pieces of text. One set of rules serves the
// words typed into the editor (both sides of the cursor) and the continuations the panel and the
// command line print, so `foo(bar)` comes back as code is written, not as `foo ( bar )`.
//
// With the `words` tokenizer the spaces are not in the model, so they follow how code and prose are
// usually written: words are separated; `, ; : . ) ] }` attach to what precedes them, and so do
// `! ?` after a word; `( [ { .`
// and `@` attach to what follows; `(` and `[` right after a word or a closing bracket are a call or
// an index (`f(x)`, `a[0]`) unless the word is a keyword (`if (x)`); operator characters stick together (`+=`, `=>`); a quote opens or closes
// by its parity on the line, and `'` after a letter is an apostrophe (`it's`). With `whitespace`
// every token was written apart, so a space always separates them.

import { writtenForm } from './tokenizer';
import type { TokenizerName } from './types';
import { EOS_TOKEN } from './vocabulary';

const WORD_CHAR = /^[\p{L}\p{N}\p{M}_]$/u;
const SPACE = /^\s$/u;
const ATTACHES_LEFT = new Set([',', ';', ':', '.', '!', '?', ')', ']', '}']);
const ATTACHES_RIGHT = new Set(['(', '[', '{', '.', '@']);
const CALL_OR_INDEX = new Set(['(', '[']);
const CLOSING_BRACKET = new Set([')', ']']);
const OPERATOR = new Set(['=', '+', '-', '*', '/', '<', '>', '&', '|', '!', '?', '%', '^', '~']);
const QUOTE = new Set(['"', "'", '`']);
/** Keywords written with a space before their parenthesis (`if (x)`), unlike a call (`f(x)`). */
const KEYWORD_BEFORE_PAREN = /(?:^|[^\p{L}\p{N}\p{M}_])(?:if|for|while|switch|catch|with|elif|return|and|or|not|in)$/u;

function lastChar(text: string): string {
  const code = text.codePointAt(text.length - 1) ?? 0;
  // A trailing low surrogate: the code point starts one unit earlier.
  return code >= 0xdc00 && code <= 0xdfff && text.length > 1 ? String.fromCodePoint(text.codePointAt(text.length - 2) ?? 0) : text.slice(-1);
}

function firstChar(text: string): string {
  return String.fromCodePoint(text.codePointAt(0) ?? 0);
}

/** Whether `quote` occurs an odd number of times on the last line of `text` (a string is open). */
function quoteOpen(text: string, quote: string): boolean {
  let open = false;
  for (let i = text.lastIndexOf('\n') + 1; i < text.length; i++) if (text[i] === quote) open = !open;
  return open;
}

/** Whether `after` written right after `before` needs a space between them (none if either side already has one). */
export function spaceBetween(before: string, after: string, tokenizer: TokenizerName): boolean {
  if (before.length === 0 || after.length === 0) return false;
  const left = lastChar(before);
  const right = firstChar(after);
  if (SPACE.test(left) || SPACE.test(right)) return false;
  if (tokenizer === 'whitespace') return true;
  const leftIsWord = WORD_CHAR.test(left);
  if (leftIsWord && WORD_CHAR.test(right)) return true;
  // `?` and `!` end a sentence after a word (`really?`) but are operators after anything else (`(a) ?? b`).
  if ((right === '?' || right === '!') && !leftIsWord) return !ATTACHES_RIGHT.has(left) && !(OPERATOR.has(left) || left === '?');
  if (ATTACHES_LEFT.has(right) || ATTACHES_RIGHT.has(left)) return false;
  if (QUOTE.has(right)) return !(quoteOpen(before, right) || (right === "'" && leftIsWord));
  if (QUOTE.has(left)) return !quoteOpen(before, left);
  if (CALL_OR_INDEX.has(right)) return right === '(' && KEYWORD_BEFORE_PAREN.test(before) ? true : !(leftIsWord || CLOSING_BRACKET.has(left));
  return !(OPERATOR.has(left) && OPERATOR.has(right));
}

/**
 * The text that types `word` at a cursor with `before` on its left and `after` on its right (the
 * line's text on each side): `</s>` ends the line; otherwise the word gets the spaces it needs on
 * each side, so it neither glues onto the next word nor leaves a space before punctuation.
 */
export function insertionText(word: string, before: string, after: string, tokenizer: TokenizerName): string {
  if (word === EOS_TOKEN) return '\n';
  // A literal marker's word (`\<s>`) types as it was written (`<s>`).
  const written = writtenForm(word);
  const leading = spaceBetween(before, written, tokenizer) ? ' ' : '';
  const trailing = spaceBetween(before + leading + written, after, tokenizer) ? ' ' : '';
  return leading + written + trailing;
}

/**
 * For each token, whether a space separates it from the text before it (`before`, the text the
 * tokens continue, counts): the rules above, and never around `</s>`, which ends the line.
 */
export function tokenSpacing(tokens: readonly string[], tokenizer: TokenizerName, before = ''): boolean[] {
  let text = before;
  return tokens.map((token) => {
    if (token === EOS_TOKEN) {
      text += '\n';
      return false;
    }
    const written = writtenForm(token);
    const space = spaceBetween(text, written, tokenizer);
    text += space ? ` ${written}` : written;
    return space;
  });
}

/** Tokens as text (literal markers as written), spaced by `tokenSpacing`; `</s>` ends a line. */
export function detokenize(tokens: readonly string[], tokenizer: TokenizerName, before = ''): string {
  const spacing = tokenSpacing(tokens, tokenizer, before);
  return tokens.map((token, i) => (token === EOS_TOKEN ? '\n' : `${spacing[i] ? ' ' : ''}${writtenForm(token)}`)).join('');
}
