// `demo`: the lesson walked in the terminal in the panel's order, on a real model of a folder (by
// default the bundled sample workspace): conditional probability on the lesson's 14 people, then
// P(next word | context) with the counts behind it, what the model learned, greedy decoding falling
// into a loop, sampling, and temperature.

import path from 'node:path';
import { generate, type Generation } from '../../core/decoding';
import type { NgramModel } from '../../core/model';
import { DEFAULT_POPULATION, conditionalProbabilities, conditioningEffect, countPopulation, type Ratio } from '../../core/population';
import { createRandom } from '../../core/prng';
import { NO_REWEIGHTING, RunWeights, summarizeRuns } from '../../core/runs';
import { tokenizeLine } from '../../core/tokenizer';
import type { Candidate, ModelStats } from '../../core/types';
import { OUTPUT_OPTIONS, type Command, type Io } from '../command';
import { LEARNING_OPTIONS, trainFrom, trainingOptions } from '../load';
import { numberOption, stringOption } from '../options';
import { bar, bytes, inlineTokens, integer, probability, table, token } from '../render';
import { answeredBy, contextTokens } from './predict';

const DEMO_SEED = 'next-word-lab';
const DEMO_TEMPERATURES = [0.2, 1, 2];
const SHOWN_CANDIDATES = 6;
const DEFAULT_WORDS = 48;
const HISTOGRAM_DRAWS = 1000;
const BAR_WIDTH = 24;
/** A context worth showing has been seen at least this often, with this many different next words. */
const MIN_CONTEXT_COUNT = 3;
const MIN_CONTINUATIONS = 3;
/** A token made of letters, digits and `_`: contexts of such tokens read best. */
const READABLE_TOKEN = /^[\p{L}\p{N}_]+$/u;

/** The sample workspace shipped beside dist/ (the demo's default folder). */
const BUNDLED_SAMPLE = path.resolve(__dirname, '..', 'sample-workspace');

interface ChosenContext {
  readonly tokens: string[];
  readonly file: string;
  readonly line: number;
}

interface Occurrence {
  readonly file: string;
  readonly line: number;
  readonly tokens: string[];
}

/**
 * A context from the learned text that shows conditional probability well: order−1 readable tokens,
 * seen often, followed by several different words. The first best one in reading order wins.
 */
function chooseContext(model: NgramModel, occurrences: readonly Occurrence[]): ChosenContext | undefined {
  const length = model.order - 1;
  const seen = new Set<string>();
  let best: { context: ChosenContext; score: number } | undefined;
  for (const occurrence of occurrences) {
    for (let end = length; end < occurrence.tokens.length; end++) {
      const tokens = occurrence.tokens.slice(end - length, end);
      const key = tokens.join(' ');
      if (seen.has(key) || !tokens.every((word) => READABLE_TOKEN.test(word))) continue;
      seen.add(key);
      const full = model.candidates(tokens, 50).filter((candidate) => candidate.order === model.order);
      const contextCount = full[0]?.contextCount ?? 0;
      if (contextCount < MIN_CONTEXT_COUNT || full.length < MIN_CONTINUATIONS) continue;
      const score = contextCount * Math.min(full.length, SHOWN_CANDIDATES);
      if (best === undefined || score > best.score) best = { context: { tokens, file: occurrence.file, line: occurrence.line }, score };
    }
  }
  return best?.context;
}

function heading(io: Io, step: string, title: string): void {
  io.print();
  io.print(io.style.bold(`${step}  ${title}`));
}

/** The candidates with their probabilities, or with their chances after re-weighting (`weightOf`). */
function candidateRows(io: Io, candidates: readonly Candidate[], weightOf?: (candidate: Candidate, rank: number) => number): string[][] {
  return candidates.map((candidate, i) => {
    const shown = weightOf ? weightOf(candidate, i) : candidate.probability;
    return [
      `${i + 1}`,
      token(candidate.word),
      probability(shown),
      io.style.accent(bar(shown, BAR_WIDTH)),
      ...(weightOf ? [] : [`${integer(candidate.count)} / ${integer(candidate.contextCount)}`, `${candidate.order}-gram`]),
    ];
  });
}

/** The generated tokens on one line, the loop's first period bracketed: `a b [c d] c d c`. */
function markLoop(generation: Generation): string {
  const { tokens, loop } = generation;
  if (loop === undefined) return inlineTokens(tokens);
  const end = loop.start + loop.period;
  return [inlineTokens(tokens.slice(0, loop.start)), `[${inlineTokens(tokens.slice(loop.start, end))}]`, inlineTokens(tokens.slice(end))].filter((part) => part !== '').join(' ');
}

function modelLines(stats: ModelStats, files: number, seconds: number): string[][] {
  const orderNames = ['unigrams', 'bigrams', 'trigrams', '4-grams', '5-grams', '6-grams'];
  return [
    ['text', `${integer(files)} files, ${integer(stats.sentences)} lines, ${integer(stats.tokens)} tokens`],
    ['vocabulary', `${integer(stats.vocabularySize)} distinct tokens (with <unk> and </s>)`],
    ['order', `${stats.order}: the next word is predicted from the ${stats.order - 1} before it`],
    ['parameters', stats.ngrams.map((count, i) => `${integer(count)} ${orderNames[i]}`).join(', ')],
    ['estimator', `${stats.estimator} smoothing, ${stats.tokenizer} tokenizer`],
    ['size', `${bytes(stats.modelBytes)}, learned in ${seconds.toFixed(2)} s`],
  ];
}

const ratio = (r: Ratio): string => `${r.numerator}/${r.denominator}`;

/** Step 1 on the lesson's population: the formula with its numbers, and what knowing B changed. */
function conditionalLines(): string[] {
  const counts = countPopulation(DEFAULT_POPULATION);
  const p = conditionalProbabilities(counts);
  const value = (r: Ratio): string => (r.value === null ? 'undefined' : probability(r.value));
  const effect = conditioningEffect(p);
  return [
    `${counts.total} people: ${counts.tennis} like tennis (A), ${counts.football} like football (B), ${counts.both} like both, ${counts.neither} neither`,
    `P(A) = ${ratio(p.a)} = ${value(p.a)}    P(B) = ${ratio(p.b)} = ${value(p.b)}    P(A and B) = ${ratio(p.aAndB)} = ${value(p.aAndB)}`,
    `P(A|B) = P(A and B) / P(B) = ${ratio(p.aAndB)} ÷ ${ratio(p.b)} = ${ratio(p.aGivenB)} = ${value(p.aGivenB)}: given B, only the ${counts.football} football fans count`,
    ...(effect === null ? [] : [`that is ${effect === 'same' ? 'equal to' : `${effect} than`} P(A) = ${value(p.a)}: knowing B ${effect === 'higher' ? 'made A likelier' : effect === 'lower' ? 'made A less likely' : 'changed nothing'}`]),
    `P(B|A) = P(A and B) / P(A) = ${ratio(p.aAndB)} ÷ ${ratio(p.a)} = ${ratio(p.bGivenA)} = ${value(p.bGivenA)}: P(A|B) ≠ P(B|A), the same ${counts.both} people over another population`,
  ];
}

export const demoCommand: Command = {
  name: 'demo',
  synopsis: 'demo [FOLDER] [--context TEXT] [--seed S] [options]',
  summary: 'the lesson in the terminal, on the bundled sample workspace or a folder of yours',
  description: [
    'Learns the folder (default: the bundled sample-workspace/) and walks the lesson on the real numbers: conditional probability on 14 people, P(A|B) = P(A and B) / P(B) with the numbers filled in; a context from the text with its likeliest next words as P(word | context), the counts they came from and the n-gram order that answered, as the same "given" on real text; what the model learned; a greedy continuation with the loop it falls into marked; a histogram of draws against the distribution; and samples at T = 0.2, 1 and 2 with the entropy at each temperature. The draws use a fixed seed unless --seed is given, so the demo prints the same thing every time.',
  ],
  positionals: 1,
  options: {
    ...LEARNING_OPTIONS,
    context: { type: 'string', short: 'c', value: 'TEXT', help: 'the context to study (default: one chosen from the text)' },
    words: { type: 'string', short: 'n', value: 'N', help: `tokens per generated continuation (default ${DEFAULT_WORDS})` },
    seed: { type: 'string', value: 'SEED', help: `seed of the draws (default "${DEMO_SEED}")` },
    quiet: OUTPUT_OPTIONS.quiet,
  },
  examples: ['demo', 'demo ~/projects/my-app --order 4', 'demo --context "the model" --seed 42'],
  async run({ values, positionals }, io) {
    const folder = positionals[0] ?? BUNDLED_SAMPLE;
    const words = numberOption(values, 'words', { min: 1, max: 1000, integer: true }, DEFAULT_WORDS);
    const seed = stringOption(values, 'seed') ?? DEMO_SEED;
    const options = trainingOptions(values);
    const occurrences: Occurrence[] = [];
    const loaded = await trainFrom(folder, options, io.progress(values), (file, text) => {
      // Line by line (not tokenizeText, which skips blank lines) so the reported line number is right.
      text.split(/\r\n|\r|\n/).forEach((line, i) => occurrences.push({ file, line: i + 1, tokens: tokenizeLine(options.tokenizer, line) }));
    });
    const ngram = loaded.model;
    const stats = ngram.stats();
    const { style } = io;

    io.print(style.bold(`Next Word Lab — how a language model picks the next word, on ${folder}`));
    heading(io, '1.', 'Conditional probability');
    for (const line of conditionalLines()) io.print(line);

    const given = stringOption(values, 'context');
    const chosen: ChosenContext | undefined =
      given !== undefined ? { tokens: contextTokens(ngram, values), file: '', line: 0 } : chooseContext(ngram, occurrences);
    const context = chosen?.tokens ?? ['<s>'];
    const where = chosen && chosen.file !== '' ? ` (from ${path.relative(folder, chosen.file) || path.basename(chosen.file)}, line ${chosen.line})` : '';
    const distribution = ngram.runs(context);
    const { runs } = distribution;
    const contextText = distribution.context.map(token).join(' ');

    heading(io, '2.', 'Next-word prediction is conditional probability');
    io.print(`context  ${style.accent(`"${contextText}"`)}${where}`);
    io.print(style.dim(`P(word | context) = count(context, word) / count(context), smoothed by ${stats.estimator}; ${answeredBy(distribution.matchedContextLength, distribution.context.length)}`));
    const candidates = ngram.candidates(context, SHOWN_CANDIDATES);
    io.print(table([['', 'word', 'P', '', 'count', 'answered by'], ...candidateRows(io, candidates)], ['r', 'l', 'r', 'l', 'r', 'l']));
    const top = candidates[0];
    if (top !== undefined && top.contextCount > 0 && top.order > 1) {
      const given = inlineTokens(distribution.context.slice(distribution.context.length - (top.order - 1)));
      io.print(
        `step 1 on real text: "${given}" occurs ${integer(top.contextCount)} times (B), ${integer(top.count)} of them followed by ${token(top.word)} (A and B): ` +
          `${integer(top.count)}/${integer(top.contextCount)} = ${probability(top.count / top.contextCount)} before smoothing`,
      );
    }
    const shownMass = candidates.reduce((sum, candidate) => sum + candidate.probability, 0);
    io.print(style.dim(`the other ${integer(stats.vocabularySize - candidates.length)} tokens share ${probability(Math.max(0, 1 - shownMass))}`));

    heading(io, '3.', 'The model is a probability distribution learned from data');
    io.print(table(modelLines(stats, loaded.files, loaded.seconds), ['l', 'l']));

    heading(io, '4.', 'Greedy decoding repeats itself');
    const greedy = generate(ngram, context, { tokens: words, sampling: { temperature: 0 }, random: createRandom(seed), acrossLines: true });
    io.print(`${contextText} ${style.bold('→')} ${markLoop(greedy)}`);
    if (greedy.loop !== undefined) {
      const cycle = greedy.tokens.slice(greedy.loop.start, greedy.loop.start + greedy.loop.period);
      io.print(style.warn(`from token ${greedy.loop.start + 1} on, the same ${greedy.loop.period} token${greedy.loop.period === 1 ? '' : 's'} [${inlineTokens(cycle)}] come back forever: the likeliest word after a context is always the same`));
    } else {
      io.print(style.dim(`no loop within ${words} tokens (the text reached new contexts each time); try --words ${words * 4}`));
    }

    heading(io, '5.', 'Sampling: draw the next word instead of taking the top one');
    const random = createRandom(seed);
    const asLearned = new RunWeights(runs, NO_REWEIGHTING);
    const draws = new Float64Array(ngram.vocabulary.size);
    for (let i = 0; i < HISTOGRAM_DRAWS; i++) {
      const drawn = asLearned.draw(random());
      if (drawn !== undefined) draws[runs.word(drawn.run, drawn.index)]++;
    }
    io.print(
      table(
        [
          ['', 'word', 'P', `drawn (of ${integer(HISTOGRAM_DRAWS)})`, ''],
          ...candidates.map((candidate, i) => [
            `${i + 1}`,
            token(candidate.word),
            probability(candidate.probability),
            integer(draws[candidate.id]),
            style.accent(bar(draws[candidate.id] / HISTOGRAM_DRAWS, BAR_WIDTH)),
          ]),
        ],
        ['r', 'l', 'r', 'r', 'l'],
      ),
    );
    io.print(style.dim(`the likeliest word is likely, not certain: it came ${integer(draws[candidates[0]?.id ?? 0])} times in ${integer(HISTOGRAM_DRAWS)} draws`));

    heading(io, '6.', 'Temperature: p^(1/T), renormalised (the softmax of log p / T)');
    for (const temperature of DEMO_TEMPERATURES) {
      const weights = new RunWeights(runs, { temperature });
      const weightOf = (candidate: Candidate, rank: number): number => weights.weightOf(runs.runOf(candidate.id), rank);
      io.print();
      io.print(
        `${style.bold(`T = ${temperature}`)}  entropy ${weights.entropyBits().toFixed(2)} bits` +
          (top ? style.dim(`   P(${token(top.word)}) ${probability(top.probability)} → ${probability(weightOf(top, 0))}`) : ''),
      );
      io.print(table(candidateRows(io, candidates, weightOf), ['r', 'l', 'r', 'l']));
      const sampled = generate(ngram, context, { tokens: words, sampling: { temperature }, random: createRandom(`${seed}/${temperature}`), acrossLines: true });
      io.print(`${contextText} ${style.bold('→')} ${inlineTokens(sampled.tokens)}`);
    }
    io.print();
    io.print(style.dim(`entropy of the model itself (T = 1): ${summarizeRuns(runs).entropyBits.toFixed(2)} bits. Low T is nearly greedy; high T flattens toward uniform noise.`));
    io.print(style.dim(`seed "${seed}": run again with --seed to draw differently.`));
  },
};
