// Progress of long runs on stderr, so stdout stays clean for the result (and for `--json`). Quiet
// for the first second, so quick runs print nothing; then one line rewritten in place on a
// terminal, or a plain line every few seconds when stderr is a file or a pipe.

const QUIET_START_MS = 1000;
const TERMINAL_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5000;

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class Progress {
  private readonly start: number;
  private lastShown = -Infinity;
  private showing = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** Reports `message` (built only when it will be shown). */
  update(message: () => string): void {
    if (!this.enabled) return;
    const now = this.now();
    const interval = this.stream.isTTY ? TERMINAL_INTERVAL_MS : LOG_INTERVAL_MS;
    if (now - this.start < QUIET_START_MS || now - this.lastShown < interval) return;
    this.lastShown = now;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${message()}`);
      this.showing = true;
    } else {
      this.stream.write(`${message()}\n`);
    }
  }

  /** A line for the person running the command (not part of the result), unless quiet. */
  note(line: string): void {
    if (!this.enabled) return;
    this.done();
    this.stream.write(`${line}\n`);
  }

  /** Clears the in-place line, if one is showing. */
  done(): void {
    if (this.showing) this.stream.write('\r\x1b[K');
    this.showing = false;
  }
}
