// Option declarations (one table per group, shared by the parser and the help text) and typed,
// range-checked reading of their values.

import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in the help (`N`, `FILE` …); string options only. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

export const HELP_OPTION: OptionSpecs = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses `args` strictly against `specs`; unknown options and missing values are usage errors. */
export function parseOptions(args: readonly string[], specs: OptionSpecs, maxPositionals: number): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries({ ...specs, ...HELP_OPTION }).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains itself well ("Unknown option '--x'") over several lines; keep one line
    // without its guesses about positionals.
    const lines = (error as Error).message.split('\n').filter((line) => !line.startsWith('Did you forget'));
    throw new UsageError(lines.join(' ').replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return { values: parsed.values as OptionValues, positionals: parsed.positionals };
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

/** A number option within [min, max]; `fallback` when it is absent. */
export function numberOption(values: OptionValues, name: string, range: NumberRange, fallback: number): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = range.integer ? 'an integer' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${kind}, got ${JSON.stringify(text)}`);
  }
  if (value < range.min || value > range.max) {
    throw new UsageError(`--${name} must be ${kind} from ${range.min} to ${range.max}, got ${text}`);
  }
  return value;
}

/** One of `choices`; `fallback` when absent. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

export function requiredString(values: OptionValues, name: string, why: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required: ${why}`);
  return value;
}
