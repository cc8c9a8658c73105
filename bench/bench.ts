// npm run bench [folder-or-file] [--tokenizer words|whitespace] [--runs N] [--only core|tokenizer|index|context|server|lens|large|team]
//
// Runs each benchmark section on a corpus and writes, per section, bench/results/<section>.json and
// its part of docs/benchmarks.md (between `<!-- bench:<section> -->` markers, so sections can be
// re-run and added independently; the machine is noted at the top).
//
// Corpus: by default the reference code corpus (../shared/reference/code.{train,test}.txt.xz,
// unpacked with xz, already tokenized: whitespace tokenizer). A file is split 90/10 by line in
// blocks of 100 lines (as the reference was); a folder contributes its text files.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenizerName } from '../src/core/types';
import { coreMarkdown, coreSummary, DEFAULT_CORE_OPTIONS, runCoreBench, type CoreCorpus } from './core';
import { contextMarkdown, contextSummary, runContextBench } from './context';
import { indexMarkdown, indexSummary, runIndexBench } from './index';
import { largeMarkdown, largeSummary, runLargeBench } from './large';
import { processMarkdown, processSummary, runProcessBench } from './processes';
import { lensMarkdown, lensSummary, runLensBench, runServerBench, serverMarkdown, serverSummary } from './server';
import { runTeamBench, teamMarkdown, teamSummary } from './team';
import { runTokenizerBench, tokenizerMarkdown, tokenizerSummary } from './tokenizer';

/** One part of the benchmark: runs on the corpus, returns its JSON and its Markdown and console lines. */
export interface BenchSection {
  readonly name: string;
  readonly title: string;
  run(corpus: CoreCorpus, runs: number): Promise<{ readonly json: unknown; readonly markdown: string[]; readonly summary: string[] }>;
}

const SECTIONS: BenchSection[] = [
  {
    name: 'core',
    title: 'Engine (src/core)',
    run: async (corpus, runs) => {
      const result = runCoreBench(corpus, { ...DEFAULT_CORE_OPTIONS, runs });
      const processes = runProcessBench(corpus, path.join(REPO, 'dist'), runs);
      return {
        json: { ...result, processes },
        markdown: [...coreMarkdown(result), ...processMarkdown(processes)],
        summary: [...coreSummary(result), ...processSummary(processes)],
      };
    },
  },
  {
    name: 'tokenizer',
    title: 'Tokenizer (src/core/tokenizer.ts): both paths of `words`',
    run: async (corpus, runs) => {
      const result = runTokenizerBench(corpus, runs);
      return { json: result, markdown: tokenizerMarkdown(result), summary: tokenizerSummary(result) };
    },
  },
  {
    name: 'index',
    title: 'Token index and longest match (src/core/tokenIndex.ts, longestMatch.ts): accuracy, memory, build, edits',
    run: async (corpus, runs) => {
      const result = runIndexBench(corpus, runs);
      return { json: result, markdown: indexMarkdown(result), summary: indexSummary(result) };
    },
  },
  {
    name: 'context',
    title: 'Context the editor sends (src/protocol/lsp.ts bounds): held-out accuracy by bound, and on prose',
    run: async (corpus) => {
      const result = runContextBench(corpus);
      return { json: result, markdown: contextMarkdown(result), summary: contextSummary(result) };
    },
  },
  {
    name: 'server',
    title: 'Language server (src/server) and extension',
    run: async (corpus) => {
      const result = await runServerBench({ text: corpus.train, tokenizer: corpus.tokenizer, distDir: path.join(REPO, 'dist') });
      return { json: result, markdown: serverMarkdown(result), summary: serverSummary(result) };
    },
  },
  {
    name: 'lens',
    title: 'Surprisal lens (src/server/surprisal.ts) through the language server',
    run: async (corpus) => {
      const result = await runLensBench({ text: corpus.train, tokenizer: corpus.tokenizer, distDir: path.join(REPO, 'dist') });
      return { json: result, markdown: lensMarkdown(result), summary: lensSummary(result) };
    },
  },
  {
    name: 'large',
    title: 'A large workspace (≥ 54 M tokens) through the language server',
    run: async (corpus) => {
      const result = await runLargeBench({ text: corpus.train, tokenizer: corpus.tokenizer, distDir: path.join(REPO, 'dist') });
      return { json: result, markdown: largeMarkdown(result), summary: largeSummary(result) };
    },
  },
  {
    name: 'team',
    title: 'A team base model (nextWordLab.baseModel) of 10 M and 50 M n-grams: load time, memory, mixture predictions',
    run: async (corpus) => {
      const result = await runTeamBench(corpus);
      return { json: result, markdown: teamMarkdown(result), summary: teamSummary(result) };
    },
  },
];

const REPO = path.resolve(__dirname, '..');
const TEXT_EXTENSIONS = /\.(ts|tsx|js|jsx|mjs|cjs|py|java|go|rs|rb|php|c|h|cpp|hpp|cc|cs|swift|kt|scala|sh|md|txt|rst|html|css|scss|json|yaml|yml|toml|xml|sql|vue|svelte)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out', 'build']);
const MAX_FILE_BYTES = 1 << 20;
const SPLIT_BLOCK = 100;

function referenceDirectory(): string {
  return process.env.NEXT_WORD_LAB_REFERENCE ?? path.resolve(REPO, '..', 'shared', 'reference');
}

function readText(file: string): string {
  return file.endsWith('.xz') ? execFileSync('xz', ['-dkc', file], { maxBuffer: 1 << 30 }).toString('utf8') : fs.readFileSync(file, 'utf8');
}

function collectFolder(folder: string): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(full);
      else if (entry.isFile() && TEXT_EXTENSIONS.test(entry.name) && fs.statSync(full).size <= MAX_FILE_BYTES) parts.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(folder);
  return parts.join('\n');
}

/** 90/10 by line in blocks of 100 lines. */
function split(text: string): { train: string; test: string } {
  const train: string[] = [];
  const test: string[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => (Math.floor(i / SPLIT_BLOCK) % 10 === 9 ? test : train).push(line));
  return { train: train.join('\n'), test: test.join('\n') };
}

function loadCorpus(target: string | undefined, tokenizer: TokenizerName | undefined): CoreCorpus {
  if (target === undefined) {
    const directory = referenceDirectory();
    const train = path.join(directory, 'code.train.txt.xz');
    if (!fs.existsSync(train)) throw new Error(`no corpus given and no reference corpus at ${train}`);
    return {
      name: 'reference code corpus (code.train / code.test)',
      train: readText(train),
      test: readText(path.join(directory, 'code.test.txt.xz')),
      tokenizer: tokenizer ?? 'whitespace',
    };
  }
  const text = fs.statSync(target).isDirectory() ? collectFolder(target) : readText(target);
  return { name: path.basename(target), ...split(text), tokenizer: tokenizer ?? 'words' };
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((value) => value.toFixed(1)).join(' ');
  return (
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ` +
    `Node ${process.version} (${os.platform()} ${os.arch()}); load average at start ${load} (the CPU is shared with other work).`
  );
}

/** Replaces (or appends) the block between `<!-- bench:name -->` and `<!-- /bench:name -->`. */
function replaceBlock(document: string, name: string, block: string[]): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const replacement = [start, ...block, end].join('\n');
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + replacement + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${replacement}\n`;
}

const DOCUMENT_HEADER = `# Benchmarks

\`npm run bench [folder-or-file]\` measures each part on the reference code corpus (or the given
text) and rewrites its section below; raw numbers are in \`bench/results/<section>.json\`.
`;

function parseArguments(argv: readonly string[]): { target?: string; tokenizer?: TokenizerName; runs: number; only?: string } {
  let target: string | undefined;
  let tokenizer: TokenizerName | undefined;
  let runs = DEFAULT_CORE_OPTIONS.runs;
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--tokenizer') tokenizer = argv[++i] === 'whitespace' ? 'whitespace' : 'words';
    else if (argument === '--runs') runs = Math.max(1, Number(argv[++i]) || runs);
    else if (argument === '--only') only = argv[++i];
    else target = argument;
  }
  if (only !== undefined && !SECTIONS.some((section) => section.name === only)) {
    throw new Error(`--only takes one of ${SECTIONS.map((section) => section.name).join(', ')}, got ${JSON.stringify(only)}`);
  }
  return { target, tokenizer, runs, only };
}

async function main(): Promise<void> {
  const { target, tokenizer, runs, only } = parseArguments(process.argv.slice(2));
  const corpus = loadCorpus(target, tokenizer);
  const machineLine = machine();
  console.log(machineLine);
  const resultsDirectory = path.join(REPO, 'bench', 'results');
  fs.mkdirSync(resultsDirectory, { recursive: true });
  const markdownFile = path.join(REPO, 'docs', 'benchmarks.md');
  for (const section of SECTIONS.filter((candidate) => only === undefined || candidate.name === only)) {
    const { json, markdown, summary } = await section.run(corpus, runs);
    for (const line of summary) console.log(line);
    fs.writeFileSync(path.join(resultsDirectory, `${section.name}.json`), `${JSON.stringify({ machine: machineLine, date: new Date().toISOString(), ...(json as object) }, null, 2)}\n`);
    let document = fs.existsSync(markdownFile) ? fs.readFileSync(markdownFile, 'utf8') : DOCUMENT_HEADER;
    document = replaceBlock(document, 'machine', [machineLine]);
    document = replaceBlock(document, section.name, [`## ${section.title}`, '', ...markdown]);
    fs.writeFileSync(markdownFile, document);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
