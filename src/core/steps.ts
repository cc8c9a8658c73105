// Work done a bounded piece per step (a generator that yields between pieces), so the language
// server can answer requests between them; the command line and the tests run it at once.

/** Runs `steps` to its end and returns what it returns. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}
