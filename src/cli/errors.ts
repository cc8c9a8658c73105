// The two ways a command fails: the user asked for something malformed (exit 2, like most Unix
// tools), or the request was fine but could not be carried out (exit 1: a missing file, bad input).
// Either way the user sees one line on stderr, never a stack trace.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments: the message says what is wrong and `--help` says the rest. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/** A well-formed request that failed (unreadable input, an impossible export …). */
export class CliError extends Error {
  readonly exitCode = EXIT_FAILURE;
}
