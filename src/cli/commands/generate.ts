// `generate`: continue a context word by word, greedily or by sampling, reproducibly for a seed.

import { generate, type Repetition } from '../../core/decoding';
import { createRandom } from '../../core/prng';
import { OUTPUT_OPTIONS, SAMPLING_OPTIONS, samplingOptions, seedOption, type Command } from '../command';
import { MODEL_OPTIONS, loadModel } from '../load';
import { flag, numberOption, stringOption } from '../options';
import { inlineTokens, joinTokens } from '../render';
import { contextLastLine, contextTokens } from './predict';

const DEFAULT_WORDS = 30;
const MAX_WORDS = 100_000;

export const generateCommand: Command = {
  name: 'generate',
  synopsis: 'generate (--train PATH | --model FILE) [--context TEXT] [--words N] [--temperature T] [--seed S] [options]',
  summary: 'continue a context, greedily (T = 0) or by sampling; the same seed prints the same text',
  description: [
    'Generation starts from the context (the start of a line) and produces N tokens, a line end counting as one. At a line end it continues on a new line unless --one-line is given: an n-gram model starts the line from `<s>`, longest match reads on across the line end (as it reads the lines of --context). `<unk>` is never produced. With --temperature 0 (or --greedy) every step takes the likeliest word, and the output soon loops; the loop is reported on stderr.',
  ],
  options: {
    ...MODEL_OPTIONS,
    context: { type: 'string', short: 'c', value: 'TEXT', help: 'the words to continue (default: a line start)' },
    words: { type: 'string', short: 'n', value: 'N', help: `how many tokens to generate (default ${DEFAULT_WORDS})` },
    ...SAMPLING_OPTIONS,
    greedy: { type: 'boolean', help: 'always take the likeliest word (same as --temperature 0)' },
    'one-line': { type: 'boolean', help: 'stop at the first line end' },
    ...OUTPUT_OPTIONS,
  },
  examples: ['generate --train sample-workspace --context "the model" --temperature 0.8 --seed 7', 'generate --train notes.md --greedy --words 40'],
  async run({ values }, io) {
    const words = numberOption(values, 'words', { min: 0, max: MAX_WORDS, integer: true }, DEFAULT_WORDS);
    const sampling = flag(values, 'greedy') ? { temperature: 0 } : samplingOptions(values);
    const seed = seedOption(values);
    const loaded = await loadModel(values, io.progress(values));
    const { model } = loaded;
    const longestMatch = loaded.kind === 'ngram' ? loaded.learned?.longestMatch : undefined;
    const context = contextTokens(model, values, longestMatch !== undefined);
    const result = generate(longestMatch ?? model, context, {
      tokens: words,
      sampling,
      random: createRandom(seed),
      acrossLines: !flag(values, 'one-line'),
    });
    // The context's line is what the first words continue (its quotes and last word decide their spaces).
    const text = joinTokens(result.tokens, model.tokenizer, contextLastLine(stringOption(values, 'context') ?? ''));
    // Only greedy decoding is bound to loop; a repeat in sampled text is a coincidence.
    const loop = sampling.temperature === 0 ? result.loop : undefined;
    if (values.json) {
      const used = longestMatch === undefined ? model.distribution(context).context : longestMatch.usedContext(longestMatch.answer(context));
      io.json({ seed, ...sampling, context: used, tokens: result.tokens, text, loop: loop ?? null });
      return;
    }
    // A final </s> is the line end print adds anyway.
    io.print(text.replace(/\n$/, ''));
    if (loop !== undefined) io.note(`greedy decoding ${describeLoop(result.tokens, loop)}`);
  },
};

/** "greedy decoding loops from token 4: `is the model` over and over (period 3)". */
export function describeLoop(tokens: readonly string[], loop: Repetition): string {
  const cycle = tokens.slice(loop.start, loop.start + loop.period);
  return `loops from token ${loop.start + 1}: "${inlineTokens(cycle)}" over and over (period ${loop.period})`;
}
