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
