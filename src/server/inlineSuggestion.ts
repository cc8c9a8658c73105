// Ghost text: the next word, or the next few words up to a natural break, drawn at the requested
// temperature. While a word is being typed, its completion comes first: a word of the model's that
// extends what was typed, drawn among those by the same re-weighting. Nothing here estimates: the
// model ranks, the engine's decoding re-weights and draws.

import type { NextWordModel } from '../core/decoding';
import type { Candidate, TokenizerName } from '../core/types';
import type { UniformRandom } from '../core/prng';
import { RunWeights, chooseNext, singleWordRuns } from '../core/runs';
import { contextBeforeCursor } from '../core/tokenizer';
import type { Reweighting } from '../core/types';
import { EOS_TOKEN, UNK } from '../core/vocabulary';
import { MAX_INLINE_WORDS, type InlineSuggestionResult } from '../protocol/lsp';
import { insertionText } from '../core/spacing';

/** A word being typed: the word characters just before the cursor. */
const TYPED_WORD = /[\p{L}\p{N}\p{M}_]+$/u;
/** Tokens after which a phrase ends: the suggestion takes them and stops. */
const NATURAL_BREAKS = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '。', '，', '、', '！', '？', '；', '：']);
/** The likeliest words searched for one that extends the typed part. */
const EXTENSION_CANDIDATES = 1_000;

export interface InlineSuggestionOptions {
  readonly linePrefix: string;
  readonly maxWords: number;
  /** Whether the model has learned any text (an empty model suggests nothing). */
  readonly learned: boolean;
  readonly sampling: Reweighting;
  readonly random: UniformRandom;
}

const NOTHING: Omit<InlineSuggestionResult, 'status'> = { text: '', words: [] };

/** The workspace's n-gram model, or its mixture with the team's base model. */
export interface SuggestingModel extends Pick<NextWordModel, 'runs' | 'vocabulary'> {
  readonly tokenizer: TokenizerName;
  candidates(context: readonly string[], k: number): readonly Candidate[];
}

export function suggestInline(model: SuggestingModel, options: InlineSuggestionOptions): Omit<InlineSuggestionResult, 'status'> {
  // A blank line gets no ghost text: it would follow the cursor onto every empty line.
  if (!options.learned || options.linePrefix.trim() === '') return NOTHING;
  const maxWords = Math.max(1, Math.min(MAX_INLINE_WORDS, Math.floor(options.maxWords)));
  const words: string[] = [];
  let text = '';
  let prefix = options.linePrefix;
  const typed = TYPED_WORD.exec(prefix)?.[0];
  if (typed !== undefined) {
    const before = prefix.slice(0, prefix.length - typed.length);
    const word = extendTyped(model, before, typed, options);
    if (word === undefined) return NOTHING;
    words.push(word);
    text = word.slice(typed.length);
    prefix = before + word;
  }
  while (words.length < maxWords && !NATURAL_BREAKS.has(words[words.length - 1])) {
    const context = contextBeforeCursor(model.tokenizer, prefix, prefix.length);
    const id = chooseNext(model.runs(context, { withoutUnknown: true }).runs, options.sampling, options.random);
    if (id < 0) break;
    const word = model.vocabulary.word(id);
    if (word === EOS_TOKEN) break;
    const typing = insertionText(word, prefix, '', model.tokenizer);
    words.push(word);
    text += typing;
    prefix += typing;
  }
  return { text, words };
}

/** A word the model predicts after `before` that starts with `typed` and is longer, re-weighted and drawn among those. */
function extendTyped(model: SuggestingModel, before: string, typed: string, options: InlineSuggestionOptions): string | undefined {
  const context = contextBeforeCursor(model.tokenizer, before, before.length);
  const extending = model
    .candidates(context, EXTENSION_CANDIDATES)
    .filter((candidate) => candidate.id !== UNK && candidate.word.length > typed.length && candidate.word.startsWith(typed));
  if (extending.length === 0) return undefined;
  // The candidates come likeliest first, so at T = 0 the first is the argmax and nothing is drawn.
  if (options.sampling.temperature === 0) return extending[0].word;
  const drawn = new RunWeights(singleWordRuns(extending.map((candidate) => candidate.probability)), options.sampling).draw(options.random());
  return drawn === undefined ? undefined : extending[drawn.run].word;
}
