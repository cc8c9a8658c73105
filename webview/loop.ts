// Lesson step 4: which generated tokens belong to the loop greedy decoding fell into.

export interface Loop {
  /** From `tokens[start]` on, the same `length` tokens repeat. */
  readonly start: number;
  readonly length: number;
}

export interface MarkedToken {
  readonly token: string;
  /** Which repetition of the loop this token is in (0 = the first time round); null before the loop. */
  readonly lap: number | null;
  /** The first token of a repetition. */
  readonly startsLap: boolean;
}

export function markLoop(tokens: readonly string[], loop: Loop | null): MarkedToken[] {
  return tokens.map((token, i) => {
    if (loop === null || loop.length <= 0 || i < loop.start) return { token, lap: null, startsLap: false };
    const offset = i - loop.start;
    return { token, lap: Math.floor(offset / loop.length), startsLap: offset % loop.length === 0 };
  });
}

/** How many times the loop goes round in `tokens`, counting a last partial round as a fraction. */
export function loopRepeats(tokens: readonly string[], loop: Loop): number {
  return (tokens.length - loop.start) / loop.length;
}

/**
 * One word at a time (lesson step 5): the first step whose state (the context the model used and its
 * answer, as a key) an earlier step already had. Greedy decoding takes the same word from the same
 * state, so from `from` on a greedy run repeats for good; `at` is where it came round.
 */
export function firstRepeatedState(states: readonly string[]): { readonly from: number; readonly at: number } | null {
  const seen = new Map<string, number>();
  for (const [at, state] of states.entries()) {
    const from = seen.get(state);
    if (from !== undefined) return { from, at };
    seen.set(state, at);
  }
  return null;
}
