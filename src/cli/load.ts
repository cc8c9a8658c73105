// Where a command's model comes from: text to learn (a file, or a folder walked with the same file
// rules as the extension), a snapshot written by `train`, an ARPA file, or the binary form of one
// that `import-arpa --out` saved.

import { constants as fsConstants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { ArpaModel, BACKOFF_MAGIC, readArpa } from '../core/arpa';
import { LongestMatchModel } from '../core/longestMatch';
import { NgramModel } from '../core/model';
import { SNAPSHOT_MAGIC, readSnapshot } from '../core/snapshot';
import { TokenIndex } from '../core/tokenIndex';
import { DEFAULT_ORDER, ESTIMATOR_NAMES, MAX_ORDER, MIN_ORDER, TOKENIZER_NAMES, type EstimatorOptions, type TokenizerName } from '../core/types';
import { DEFAULT_SETTINGS, MAX_FILE_SIZE_KB_RANGE, MAX_MODEL_MB_RANGE, ADD_K_RANGE, BYTES_PER_MB } from '../protocol/settings';
import { discoverFiles, type SkippedPath } from '../files/discovery';
import { decodeText, learnableBytes, learnableText, secretRule, type LearnableText } from '../files/fileFilter';
import { describeWithheld, type Withheld } from '../files/secrets';
import { nativeCrc32 } from '../files/checksum';
import { CliError, UsageError } from './errors';
import { choiceOption, flag, numberOption, stringOption, type OptionSpecs, type OptionValues } from './options';
import type { Progress } from './progress';

/** What every query command needs of a model; `NgramModel` and the ARPA back-off model both have it. */
export type QueryModel = Pick<
  NgramModel,
  'order' | 'tokenizer' | 'vocabulary' | 'score' | 'distribution' | 'runs' | 'candidates' | 'encodeForScoring' | 'scoreSentences' | 'byteLength'
>;

/**
 * The learned text as the longest-match estimator and the evidence read it: the token index over
 * every learned file, and each file's text by key (its path relative to the folder learned, or the
 * file's base name) to show where an occurrence is.
 */
export interface LearnedText {
  readonly index: TokenIndex;
  readonly texts: ReadonlyMap<string, string>;
  /** The longest-match model over the index, when that is the estimator. */
  readonly longestMatch?: LongestMatchModel;
}

export type LoadedModel =
  | {
      readonly kind: 'ngram';
      readonly model: NgramModel;
      readonly source: string;
      readonly seconds: number;
      readonly files: number;
      readonly skipped: readonly SkippedPath[];
      /** Files learned without the lines that hold secrets. */
      readonly withheld: readonly WithheldLines[];
      readonly learned?: LearnedText;
    }
  | { readonly kind: 'arpa'; readonly model: ArpaModel; readonly source: string; readonly seconds: number };

export interface WithheldLines extends Withheld {
  readonly fsPath: string;
}

export const TRAIN_OPTION: OptionSpecs = {
  train: { type: 'string', value: 'PATH', help: 'learn this text file, every text file in this folder, or standard input (-)' },
  'trust-file': {
    type: 'boolean',
    help: 'learn a single --train file whose name marks it as secret (.env, *.key …) because you vouch for it; lines holding secrets are still left out',
  },
};

/** How text is learned: order, smoothing, tokenizer, file size limit. */
export const LEARNING_OPTIONS: OptionSpecs = {
  order: { type: 'string', value: 'N', help: `n-gram order, ${MIN_ORDER}–${MAX_ORDER} (default ${DEFAULT_ORDER})` },
  smoothing: { type: 'string', value: 'NAME', help: `${ESTIMATOR_NAMES.join(' | ')} (default ${DEFAULT_SETTINGS.smoothing})` },
  'add-k': { type: 'string', value: 'K', help: `the k of add-k smoothing (default ${DEFAULT_SETTINGS.addK})` },
  tokenizer: { type: 'string', value: 'NAME', help: `${TOKENIZER_NAMES.join(' | ')} (default ${DEFAULT_SETTINGS.tokenizer}; whitespace for ARPA files)` },
  'max-file-kb': { type: 'string', value: 'KB', help: `in a folder, skip files larger than this (default ${DEFAULT_SETTINGS.maxFileSizeKB})` },
  'max-model-mb': {
    type: 'string',
    value: 'MB',
    help: `the model's largest size in memory: in a folder, files are left out once it is reached; one text past it is an error (default ${DEFAULT_SETTINGS.maxModelMB})`,
  },
};

/** A model learned now (--train) or loaded (--model), for the query commands. */
export const MODEL_OPTIONS: OptionSpecs = {
  ...TRAIN_OPTION,
  model: { type: 'string', value: 'FILE', help: 'use a model saved by `train` or `import-arpa --out`, or an ARPA file' },
  ...LEARNING_OPTIONS,
};

export interface TrainingOptions {
  readonly order: number;
  readonly estimator: EstimatorOptions;
  readonly tokenizer: TokenizerName;
  readonly maxFileSizeKB: number;
  readonly maxModelMB: number;
}

export function trainingOptions(values: OptionValues): TrainingOptions {
  const name = choiceOption(values, 'smoothing', ESTIMATOR_NAMES, DEFAULT_SETTINGS.smoothing);
  const addK = numberOption(values, 'add-k', ADD_K_RANGE, DEFAULT_SETTINGS.addK);
  if (stringOption(values, 'add-k') !== undefined && name !== 'add-k') throw new UsageError('--add-k only applies with --smoothing add-k');
  return {
    order: numberOption(values, 'order', { min: MIN_ORDER, max: MAX_ORDER, integer: true }, DEFAULT_ORDER),
    estimator: name === 'add-k' ? { name, addK } : { name },
    tokenizer: choiceOption(values, 'tokenizer', TOKENIZER_NAMES, DEFAULT_SETTINGS.tokenizer),
    maxFileSizeKB: numberOption(values, 'max-file-kb', { ...MAX_FILE_SIZE_KB_RANGE, integer: true }, DEFAULT_SETTINGS.maxFileSizeKB),
    maxModelMB: numberOption(values, 'max-model-mb', { ...MAX_MODEL_MB_RANGE, integer: true }, DEFAULT_SETTINGS.maxModelMB),
  };
}

/** The text of a file the user named: learned even with very long lines, refused when binary. */
export async function readTextFile(file: string): Promise<string> {
  const bytes = await readInput(file);
  const decoded = decodeText(bytes);
  if ('text' in decoded) return decoded.text;
  if (decoded.reason === 'minified') return new TextDecoder().decode(bytes);
  throw new CliError(`${file === STANDARD_STREAM ? 'standard input' : file} is not a text file (${decoded.detail})`);
}

/** As a file name, `-` is standard input (`--train -`, `--test -`) or standard output (`--out -`). */
export const STANDARD_STREAM = '-';

/**
 * A file's bytes (standard input for `-`), with a one-line reason when it cannot be read. Only regular
 * files: a device (`/dev/zero`) never ends and a named pipe waits for a writer, so both are refused
 * before a read. The file is opened without blocking (a pipe's open would wait too) and checked on the
 * handle it is read from.
 */
export async function readInput(file: string): Promise<Uint8Array> {
  if (file === STANDARD_STREAM) return readStandardInput();
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CliError(`cannot read ${file}: ${notARegularFile(stat)}`);
    return await handle.readFile();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${file}: ${describeFsError(error)}`);
  } finally {
    await handle?.close();
  }
}

function notARegularFile(stat: Stats): string {
  if (stat.isDirectory()) return 'it is a folder';
  const what = stat.isFIFO() ? 'a named pipe' : stat.isSocket() ? 'a socket' : 'a device';
  return `it is ${what}, not a regular file`;
}

/** The same file (device and inode) as one of `inputs`, whatever the spelling or links. */
async function sameFileAs(out: string, inputs: readonly string[]): Promise<string | undefined> {
  let target: Stats;
  try {
    target = await fs.stat(out);
  } catch {
    return undefined; // a new file cannot be an input
  }
  for (const input of inputs) {
    try {
      const stat = await fs.stat(input);
      if (stat.dev === target.dev && stat.ino === target.ino) return input;
    } catch {
      // an input that cannot be read is reported when it is read
    }
  }
  return undefined;
}

/**
 * Refuses to write over an input (by device and inode, so `./a.txt`, a hard link or a symbolic link
 * to it are all caught): `train --train corpus.txt --out corpus.txt` would replace the text by the
 * model. An output inside a folder being learned is fine: the folder is read before anything is written.
 */
export async function refuseOverwritingInput(out: string, inputs: readonly (string | undefined)[]): Promise<void> {
  if (out === STANDARD_STREAM) return;
  const files = inputs.filter((file): file is string => file !== undefined && file !== STANDARD_STREAM);
  const input = await sameFileAs(out, files);
  if (input !== undefined) throw new UsageError(`--out ${out} is the input ${input}: writing it would destroy it; choose another file`);
}

/** The options that name a file to read, any of which may be `-`, but only one at a time. */
const INPUT_OPTIONS = ['train', 'test', 'model', 'arpa'];

/** Refuses two options reading standard input: the first would take it all. */
export function checkStandardInput(values: OptionValues): void {
  const readers = INPUT_OPTIONS.filter((name) => values[name] === STANDARD_STREAM);
  if (readers.length > 1) throw new UsageError(`${readers.map((name) => `--${name}`).join(' and ')} cannot both read standard input (-)`);
}

async function readStandardInput(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes a result file (standard output for `-`), with a one-line reason when it cannot be written. */
export async function writeOutput(file: string, data: string | Uint8Array): Promise<void> {
  if (file === STANDARD_STREAM) {
    await new Promise<void>((resolve, reject) => process.stdout.write(data, (error) => (error ? reject(error) : resolve())));
    return;
  }
  // Atomically: the data goes to a temporary file in the same folder, which then replaces the target
  // by a rename, so a write cut short (disk full, a size limit, a kill) leaves the previous file whole.
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const existing = await fs.stat(file).catch(() => undefined);
    if (existing !== undefined && !existing.isFile()) throw new CliError(`cannot write ${file}: ${notARegularFile(existing)}`);
    await fs.writeFile(temporary, data, { mode: existing?.mode ?? 0o666 });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot write ${file}: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'EFBIG':
      return 'the file would pass the size limit (EFBIG)';
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    default:
      return code ?? (error as Error).message;
  }
}

/** Receives each learned file's text (the demo looks for a context in it). */
export type TextVisitor = (fsPath: string, text: string) => void;

/**
 * Learns a text file or a folder into a new model, under the file rules the extension applies: a
 * single file whose name marks it as secret is refused unless `trustFile`; in every file the lines
 * holding secrets are left out, and files carrying credentials by structure are not learned.
 */
export async function trainFrom(
  source: string,
  options: TrainingOptions,
  progress: Progress,
  visit?: TextVisitor,
  trustFile = false,
  keepText = options.estimator.name === 'longest-match',
): Promise<LoadedModel & { kind: 'ngram' }> {
  const started = performance.now();
  let stat;
  try {
    stat = source === STANDARD_STREAM ? undefined : await fs.stat(source);
  } catch (error) {
    throw new CliError(`cannot read ${source}: ${describeFsError(error)}`);
  }
  const model = new NgramModel({ order: options.order, estimator: options.estimator, tokenizer: options.tokenizer });
  const maxModelBytes = options.maxModelMB * BYTES_PER_MB;
  let files = 0;
  let skipped: readonly SkippedPath[] = [];
  const withheld: WithheldLines[] = [];
  const learnable = (fsPath: string, result: LearnableText): string | undefined => {
    if ('reason' in result) return undefined;
    if (result.withheld !== undefined) withheld.push({ fsPath, ...result.withheld });
    return result.text;
  };
  const index = new TokenIndex();
  const texts = new Map<string, string>();
  const keep = (key: string, text: string, encoded: Int32Array): void => {
    if (!keepText) return;
    index.set(key, encoded);
    texts.set(key, text);
  };
  if (stat?.isDirectory() === true) {
    const found = await discoverFiles([
      {
        fsPath: path.resolve(source),
        rules: { ...DEFAULT_SETTINGS, filesExclude: {}, searchExclude: {}, maxFileSizeKB: options.maxFileSizeKB },
      },
    ]);
    const contentSkips: SkippedPath[] = [];
    let leftOutForBudget = 0;
    for (const file of found.files) {
      progress.update(() => `learning ${files} of ${found.files.length} files…`);
      if (model.byteLength() >= maxModelBytes) {
        contentSkips.push({ fsPath: file.fsPath, isDirectory: false, reason: 'memory budget', detail: `not learned: the model reached its ${options.maxModelMB} MB budget` });
        leftOutForBudget++;
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(file.fsPath);
      } catch (error) {
        contentSkips.push({ fsPath: file.fsPath, isDirectory: false, reason: 'unreadable', detail: describeFsError(error) });
        continue;
      }
      const decoded = learnableBytes(bytes);
      const text = learnable(file.fsPath, decoded);
      if (text !== undefined) {
        keep(path.relative(source, file.fsPath).split(path.sep).join('/'), text, model.addText(text));
        visit?.(file.fsPath, text);
        files++;
      } else if ('reason' in decoded) {
        contentSkips.push({ fsPath: file.fsPath, isDirectory: false, ...decoded });
      }
    }
    skipped = [...found.skipped, ...contentSkips];
    if (files === 0) throw new CliError(`found no text files to learn in ${source}`);
    if (leftOutForBudget > 0) {
      progress.note(`the model reached its ${options.maxModelMB} MB budget (--max-model-mb): ${leftOutForBudget} of ${found.files.length} files were not learned`);
    }
  } else {
    const rule = source === STANDARD_STREAM ? undefined : secretRule(path.resolve(source).split(path.sep).join('/'));
    if (rule !== undefined && !trustFile) {
      throw new CliError(`${source} is never learned: its name marks it as secret (matches ${rule}); give --trust-file to learn it anyway (lines holding secrets are still left out)`);
    }
    const screened = learnableText(await readTextFile(source));
    if ('reason' in screened) throw new CliError(`${source}: ${screened.detail}`);
    const text = learnable(source, screened) ?? '';
    const encoded = learnInChunks(model, text, (done) => {
      if (model.byteLength() > maxModelBytes) {
        const reached = (model.byteLength() / BYTES_PER_MB).toFixed(1);
        throw new CliError(`${source} does not fit the ${options.maxModelMB} MB model budget (--max-model-mb): the model reached ${reached} MB after ${Math.floor((100 * done) / text.length)}% of it`);
      }
      progress.update(() => `learning ${source}: ${Math.floor((100 * done) / text.length)}%`);
    });
    keep(source === STANDARD_STREAM ? STANDARD_STREAM : path.basename(source), text, encoded);
    visit?.(source, text);
    files = 1;
  }
  // Laid out for queries, without spare room (and so saved by `train --out`).
  model.compact();
  let learned: LearnedText | undefined;
  if (keepText) {
    progress.update(() => 'indexing…');
    index.merge();
    learned = { index, texts, ...(options.estimator.name === 'longest-match' ? { longestMatch: new LongestMatchModel(model, index) } : {}) };
  }
  progress.done();
  // Said on stderr, never the values themselves: the user learns that (and where) a secret was left out.
  for (const file of withheld) progress.note(`${file.fsPath}: ${describeWithheld(file)}`);
  return { kind: 'ngram', model, source, seconds: (performance.now() - started) / 1000, files, skipped, withheld, ...(learned ? { learned } : {}) };
}

/** Text learned per step of a big file, so progress can be reported between steps. */
const CHUNK_CHARS = 1 << 20;

/**
 * Learns `text` in pieces cut at line ends (a line is a sentence, so the counts are the same);
 * returns the text's encoded sentences.
 */
function learnInChunks(model: NgramModel, text: string, onProgress: (done: number) => void): Int32Array {
  let start = 0;
  const pieces: Int32Array[] = [];
  while (start < text.length) {
    const lineEnd = text.indexOf('\n', Math.min(text.length, start + CHUNK_CHARS));
    const end = lineEnd < 0 ? text.length : lineEnd + 1;
    pieces.push(model.addText(text.slice(start, end)));
    start = end;
    onProgress(start);
  }
  const encoded = new Int32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    encoded.set(piece, offset);
    offset += piece.length;
  }
  return encoded;
}

/**
 * The model a query command works on: `--train` (learned now) or `--model` (a saved model or ARPA).
 * `keepText`: keep the learned text and its index — true: always (for evidence), false: never (the
 * n-gram tables are all the command needs), unset: when the estimator reads them (longest-match).
 */
export async function loadModel(values: OptionValues, progress: Progress, keepText?: boolean): Promise<LoadedModel> {
  const train = stringOption(values, 'train');
  const modelFile = stringOption(values, 'model');
  if (train !== undefined && modelFile !== undefined) throw new UsageError('give either --train or --model, not both');
  if (train !== undefined) {
    const options = trainingOptions(values);
    return trainFrom(train, options, progress, undefined, flag(values, 'trust-file'), keepText ?? options.estimator.name === 'longest-match');
  }
  if (keepText === true) throw new UsageError('evidence is read from the text itself: give --train PATH, not --model');
  if (modelFile === undefined) throw new UsageError('no model: give --train PATH (text to learn) or --model FILE');
  return openModelFile(modelFile, values);
}

/** A saved model or an ARPA file, told apart by their first bytes. */
async function openModelFile(file: string, values: OptionValues): Promise<LoadedModel> {
  const started = performance.now();
  const bytes = await readInput(file);
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (start.startsWith('\\data\\')) return openArpa(file, bytes, values, started);
  if (start.startsWith(BACKOFF_MAGIC)) {
    rejectEstimateOptions(values);
    const model = described(file, () => ArpaModel.fromBytes(bytes));
    if (stringOption(values, 'tokenizer') !== undefined && trainingOptions(values).tokenizer !== model.tokenizer) {
      throw new UsageError(`${file} was imported for the ${model.tokenizer} tokenizer; import the ARPA file again to change it`);
    }
    return { kind: 'arpa', model, source: file, seconds: (performance.now() - started) / 1000 };
  }
  if (!start.startsWith(SNAPSHOT_MAGIC)) {
    throw new CliError(`${file} is not a model: not a snapshot from \`train\`, an ARPA file or an imported one from \`import-arpa --out\``);
  }
  // The bytes were read for this model alone, so its tables are views of them rather than copies.
  const { model } = described(file, () => readSnapshot(bytes, { checksum: nativeCrc32, adopt: true }));
  const requested = trainingOptions(values);
  if (stringOption(values, 'order') !== undefined && requested.order !== model.order) {
    throw new UsageError(`${file} is a model of order ${model.order}; learn the text again to change the order`);
  }
  if (stringOption(values, 'tokenizer') !== undefined && requested.tokenizer !== model.tokenizer) {
    throw new UsageError(`${file} was learned with the ${model.tokenizer} tokenizer; learn the text again to change it`);
  }
  // The snapshot keeps every count any estimator needs, so the smoothing can change here.
  if (stringOption(values, 'smoothing') !== undefined) model.setEstimator(requested.estimator);
  return { kind: 'ngram', model, source: file, seconds: (performance.now() - started) / 1000, files: 0, skipped: [], withheld: [] };
}

/** Reads an ARPA file's bytes; problems are reported with the file's name and line. */
export function openArpa(file: string, bytes: Uint8Array, values: OptionValues, started = performance.now()): LoadedModel & { kind: 'arpa' } {
  rejectEstimateOptions(values);
  const tokenizer = choiceOption(values, 'tokenizer', TOKENIZER_NAMES, 'whitespace');
  const model = described(file, () => readArpa(bytes, tokenizer));
  return { kind: 'arpa', model, source: file, seconds: (performance.now() - started) / 1000 };
}

function rejectEstimateOptions(values: OptionValues): void {
  for (const option of ['order', 'smoothing', 'add-k'] as const) {
    if (stringOption(values, option) !== undefined) throw new UsageError(`--${option} does not apply to an ARPA model: its estimates are fixed`);
  }
}

/** Runs a parser, prefixing its error with the file it was reading. */
function described<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
}
