// The command line: `next-word-lab <command> [options]` (node dist/cli.js …). Each subcommand lives
// in ./commands; this file dispatches, prints help, and turns every failure into one line on stderr
// with a non-zero exit code.

import { Io, type Command } from './command';
import { exportArpaCommand, importArpaCommand } from './commands/arpa';
import { demoCommand } from './commands/demo';
import { evalCommand } from './commands/evaluate';
import { generateCommand } from './commands/generate';
import { predictCommand } from './commands/predict';
import { scoreCommand } from './commands/score';
import { tokenizeCommand } from './commands/tokenize';
import { trainCommand } from './commands/train';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors';
import { commandHelp, overallHelp } from './help';
import { checkStandardInput } from './load';
import { parseOptions } from './options';
import { version } from '../../package.json';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  trainCommand,
  predictCommand,
  generateCommand,
  evalCommand,
  scoreCommand,
  exportArpaCommand,
  importArpaCommand,
  tokenizeCommand,
];

export const PROGRAM = 'next-word-lab';

/** Runs one command line and returns the exit code (0 = success). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.print(topic ? commandHelp(topic) : overallHelp(COMMANDS));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.print(`${PROGRAM} ${version}`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const args = parseOptions(rest, command.options, command.positionals ?? 0);
    if (args.values.help === true) {
      io.print(commandHelp(command));
      return 0;
    }
    checkStandardInput(args.values);
    await command.run(args, io);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof UsageError;
    const hint = usage ? ` (see ${PROGRAM} ${command ? `${command.name} ` : ''}--help)` : '';
    io.note(`${PROGRAM}${command ? ` ${command.name}` : ''}: ${message}${hint}`);
    if (process.env.NEXT_WORD_LAB_DEBUG && error instanceof Error && error.stack) io.note(error.stack);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

if (require.main === module) {
  // A closed pipe (`… | head`) is not an error worth a message.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2), new Io(process.stdout, process.stderr)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
