// The machinery every fuzz target shares: running a fast-check property a given number of times,
// counting what each case did, and checking that a rejection is a clear Error. The targets live in
// targets.ts; fuzz.test.ts runs them briefly in npm test, scripts/soak.ts runs them long.

import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

/**
 * No single case may take this long. Inputs are at most a few hundred KB, so a case this slow means
 * super-linear work on hostile input: the closest a synchronous property can come to "never hangs".
 */
export const CASE_TIME_LIMIT_MS = 2_000;

/** What one case did: `accepted` (or another label for inputs with no rejection), or `rejected: <reason>`. */
export type Outcome = string;

export const ACCEPTED: Outcome = 'accepted';

/** Cases run and outcomes seen by one target. */
export class Tally {
  cases = 0;
  slowestMs = 0;
  readonly outcomes = new Map<Outcome, number>();

  record(outcome: Outcome, milliseconds: number): void {
    this.cases++;
    this.slowestMs = Math.max(this.slowestMs, milliseconds);
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** Cases whose outcome starts with `prefix`. */
  count(prefix: string): number {
    let total = 0;
    for (const [outcome, cases] of this.outcomes) if (outcome.startsWith(prefix)) total += cases;
    return total;
  }
}

export interface FuzzTarget {
  readonly name: string;
  /** Outcome prefixes a run of a few hundred cases must all reach: the generator is not stuck on one side. */
  readonly expects: readonly string[];
  /** Runs `numRuns` cases; rejects with fast-check's report (with the shrunk counterexample) on a failure. */
  run(numRuns: number, options?: { readonly seed?: number }): Promise<Tally>;
}

/** A target: inputs from `arbitrary`, each checked by `check` (which asserts and names the outcome). */
export function fuzzTarget<T>(
  name: string,
  expects: readonly string[],
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Outcome,
): FuzzTarget {
  return {
    name,
    expects,
    run(numRuns, options = {}) {
      const tally = new Tally();
      const property = fc.property(arbitrary, (input) => {
        const started = performance.now();
        const outcome = check(input);
        tally.record(outcome, timed(name, started));
      });
      fc.assert(property, { numRuns, ...seedOf(options) });
      return Promise.resolve(tally);
    },
  };
}

/**
 * A target whose cases are asynchronous (requests to a language server): `teardown` runs once after
 * the cases, passed or failed, to stop what the first case started.
 */
export function asyncFuzzTarget<T>(
  name: string,
  expects: readonly string[],
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<Outcome>,
  teardown: () => Promise<void>,
): FuzzTarget {
  return {
    name,
    expects,
    async run(numRuns, options = {}) {
      const tally = new Tally();
      const property = fc.asyncProperty(arbitrary, async (input) => {
        const started = performance.now();
        const outcome = await check(input);
        tally.record(outcome, timed(name, started));
      });
      // An in-process server waits on unreferenced handles (its index worker): without a referenced
      // one, Node would see nothing left to do and exit in the middle of the run.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        await fc.assert(property, { numRuns, ...seedOf(options) });
      } finally {
        await teardown();
        clearInterval(keepAlive);
      }
      return tally;
    },
  };
}

function seedOf(options: { readonly seed?: number }): { seed?: number } {
  return options.seed === undefined ? {} : { seed: options.seed };
}

/** Milliseconds since `started`, asserted under the case time limit. */
function timed(name: string, started: number): number {
  const elapsed = performance.now() - started;
  assert.ok(elapsed < CASE_TIME_LIMIT_MS, `${name}: one case took ${Math.round(elapsed)} ms`);
  return elapsed;
}

/**
 * A rejection's reason for the tally: the message with quoted text and numbers blanked, so "ARPA line
 * 7: "x" is not a log10 probability" and its siblings count as one reason.
 */
export function reasonOf(message: string): string {
  // Quoted input is not escaped, so a quote ends a span only where the sentence goes on (or ends).
  return message
    .replace(/"[^\n]*?"(?=$|\s(?:is|are|not|in|at|to)\b|[,;:)])/g, '"…"')
    .replace(/\d+(?:[.,]\d+)*/g, 'N')
    .slice(0, 120);
}

/**
 * Asserts `error` is what a reader may throw for bad input: a plain Error (not a TypeError or
 * RangeError from deep inside) whose message matches `expected`, i.e. names what is wrong.
 */
export function rejection(error: unknown, expected: RegExp): Outcome {
  assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`);
  assert.equal(error.constructor, Error, `threw a ${error.constructor.name}, not a plain Error: ${error.message}`);
  assert.match(error.message, expected);
  return `rejected: ${reasonOf(error.message)}`;
}
