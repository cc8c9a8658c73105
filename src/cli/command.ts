// What a subcommand is (its options, help and action) and what it writes to.

import type { SamplingOptions } from '../core/types';
import { DEFAULT_SETTINGS, TEMPERATURE_RANGE, TOP_K_RANGE, TOP_P_RANGE } from '../protocol/settings';
import { numberOption, stringOption, type OptionSpecs, type OptionValues, type ParsedArgs } from './options';
import { Progress } from './progress';
import { styleFor, type Style } from './render';
import { randomSeed } from '../core/prng';

export interface Output {
  write(data: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/** ∞ and NaN as the strings "Infinity", "-Infinity", "NaN" (JSON would print null for all three). */
function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** `value` as `Io.json` prints it, without the final line break. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, nonFiniteAsString, 2);
}

/** A number as `jsonText` prints it (a non-finite one as its string, by the same rule). */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : `"${value}"`;
}

/** Where a command writes: results to `stdout`, progress and notes to `stderr`. */
export class Io {
  readonly style: Style;

  constructor(
    readonly stdout: Output,
    readonly stderr: Output,
  ) {
    this.style = styleFor(stdout);
  }

  /** Writes a line (or several) of the result. */
  print(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** JSON, except that ∞ and NaN stay distinguishable as the strings "Infinity", "-Infinity", "NaN" (JSON would print null for all three). */
  json(value: unknown): void {
    this.stdout.write(`${jsonText(value)}\n`);
  }

  /** Writes a result made in pieces, one at a time. */
  write(pieces: Iterable<string | Uint8Array>): void {
    for (const piece of pieces) this.stdout.write(piece);
  }

  /** A note for a person on stderr (never mixed into results). */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** This Io with its results on stderr, for a command whose stdout carries a file (`--out -`). */
  resultsOnStderr(): Io {
    return new Io(this.stderr, this.stderr);
  }

  progress(values: OptionValues): Progress {
    return new Progress(values.quiet !== true, this.stderr);
  }
}

export interface Command {
  readonly name: string;
  /** One line: the arguments, as `usage` prints them after the program name. */
  readonly synopsis: string;
  readonly summary: string;
  /** Paragraphs printed after the synopsis in `--help`. */
  readonly description: readonly string[];
  readonly options: OptionSpecs;
  /** Positional arguments allowed (default 0). */
  readonly positionals?: number;
  readonly examples: readonly string[];
  run(args: ParsedArgs, io: Io): Promise<void>;
}

export const OUTPUT_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress messages on stderr' },
};

/**
 * The command line samples the model as learned unless told otherwise (the editor's default,
 * `nextWordLab.temperature`, is a little cooler so suggestions stay sensible).
 */
const CLI_TEMPERATURE = 1;

export const SAMPLING_OPTIONS: OptionSpecs = {
  temperature: { type: 'string', short: 't', value: 'T', help: `re-weight p^(1/T): 0 = greedy, 1 = as learned (default ${CLI_TEMPERATURE})` },
  'top-k': { type: 'string', value: 'K', help: 'sample only among the K likeliest words (default 0 = off)' },
  'top-p': { type: 'string', value: 'P', help: 'sample only among the likeliest words holding mass P (default 1 = off)' },
  seed: { type: 'string', value: 'SEED', help: 'seed of the random draws: the same seed repeats them (default: fresh)' },
};

export function samplingOptions(values: OptionValues): SamplingOptions {
  return {
    temperature: numberOption(values, 'temperature', TEMPERATURE_RANGE, CLI_TEMPERATURE),
    topK: numberOption(values, 'top-k', { ...TOP_K_RANGE, integer: true }, DEFAULT_SETTINGS.topK),
    topP: numberOption(values, 'top-p', TOP_P_RANGE, DEFAULT_SETTINGS.topP),
  };
}

/** The seed to draw with: the one given, or a fresh one (reported so the run can be repeated). */
export function seedOption(values: OptionValues): string {
  return stringOption(values, 'seed') ?? randomSeed();
}
