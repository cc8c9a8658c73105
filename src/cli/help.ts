// `--help` text, built from the same option tables the parser uses (so the two cannot disagree).

import type { Command } from './command';
import { HELP_OPTION, type OptionSpecs } from './options';

const PROGRAM = 'next-word-lab';
const WIDTH = 100;

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

function optionLines(options: OptionSpecs): string {
  const entries = Object.entries({ ...options, ...HELP_OPTION }).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return [`  ${short}--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length)) + 2;
  return entries.map(([left, help]) => left.padEnd(width) + help).join('\n');
}

export function overallHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `${PROGRAM} — a real n-gram language model of your own text, and how it picks the next word`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    `Run \`${PROGRAM} <command> --help\` for a command's options and examples; \`${PROGRAM} --version\` prints the version.`,
    'A file name of - is standard input (--train -, --test -) or standard output (--out -).',
    'Text is learned line by line: a line is a sentence. Results go to stdout (--json for one JSON object),',
    'progress and notes to stderr. Exit codes: 0 success, 1 failure (unreadable or invalid input), 2 bad arguments.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `Usage: ${PROGRAM} ${command.synopsis}`,
    '',
    wrap(`${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`, ''),
    ...command.description.flatMap((paragraph) => ['', wrap(paragraph, '')]),
    '',
    'Options:',
    optionLines(command.options),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${PROGRAM} ${example}`),
  ].join('\n');
}
