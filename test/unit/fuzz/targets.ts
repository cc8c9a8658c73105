// Every parser and boundary that takes outside input, each with its hostile inputs and the property
// every input must satisfy. One definition, run twice: briefly in npm test (fuzz.test.ts) and
// ≥ 100,000 cases per target in npm run soak (scripts/soak.ts).
//
// Readers (ARPA text, back-off bytes, snapshots) either return a usable model or throw a plain Error
// whose message says what is wrong; tokenizers lose and invent nothing; the settings reader always
// returns values in range and reports exactly the values it replaced; the file filters never throw,
// call a file text only if it is valid UTF-8 without NULs, and never let a secret's name through;
// the evidence requests (evidence.ts) never crash, show a secret or an impossible number.

import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { ArpaModel, readArpa, writeArpa } from '../../../src/core/arpa';
import { NgramModel } from '../../../src/core/model';
import { SNAPSHOT_MAGIC, readSnapshot, writeSnapshot } from '../../../src/core/snapshot';
import { contextBeforeCursor, normalizeForTokenizer, tokenizeLine, tokenizeText, writtenForm } from '../../../src/core/tokenizer';
import { isReservedToken } from '../../../src/core/vocabulary';
import { ESTIMATOR_NAMES, TOKENIZER_NAMES, type EstimatorName, type TokenizerName } from '../../../src/core/types';
import {
  ADD_K_RANGE,
  DEFAULT_SETTINGS,
  MAX_FILE_SIZE_KB_RANGE,
  MAX_MODEL_MB_RANGE,
  BASE_MODEL_WEIGHT_RANGE,
  TEMPERATURE_RANGE,
  TOP_K_RANGE,
  TOP_P_RANGE,
  normalizeSettings,
} from '../../../src/protocol/settings';
import { PathFilter, checkSize, decodeText, learnableText, type FolderRules } from '../../../src/files/fileFilter';
import { CANARY_LINES, CONTROL_LINES, STRUCTURED_SECRETS } from '../../fixtures/secrets/canaries';
import { evidenceTargets } from './evidence';
import { ACCEPTED, fuzzTarget, rejection, type FuzzTarget, type Outcome } from './fuzzing';
import { damagedFiles, hostileField, hostileText } from './inputs';
import { messageTargets } from './messages';

// ---- tokenizers ---------------------------------------------------------------------------------

const WORD_RUN = /^[\p{L}\p{N}\p{M}_\u200c\u200d]+$/u;
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** What each tokenizer drops between tokens (line ends included). */
const SEPARATORS: Record<TokenizerName, RegExp> = { words: /\s/gu, whitespace: /[ \t\v\f\n\r]/g };
const LINE_END = /\r\n|\r|\n/;

const cursor = fc.oneof(fc.integer({ min: -3, max: 300 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -1, NaN, Infinity, -Infinity));

function tokenizerTarget(tokenizer: TokenizerName): FuzzTarget {
  return fuzzTarget(`tokenizer: ${tokenizer}`, ['tokenized', 'no sentence'], fc.tuple(hostileText(), cursor), ([text, character]): Outcome => {
    const sentences = tokenizeText(tokenizer, text);
    const tokens = sentences.flat();
    for (const sentence of sentences) assert.ok(sentence.length > 0, 'a sentence without tokens');
    for (const token of tokens) {
      assert.ok(token.length > 0, 'an empty token');
      assert.equal(token.replace(SEPARATORS[tokenizer], ''), token, `a separator inside ${JSON.stringify(token)}`);
      // `words`: a run of word characters, or one grapheme cluster (a lone surrogate counts as one).
      if (tokenizer === 'words') assert.ok(WORD_RUN.test(token) || [...graphemes.segment(token)].length === 1, `not one token: ${JSON.stringify(token)}`);
    }
    // Nothing lost, nothing invented: the tokens as written are the (normalised) text without its separators.
    assert.equal(tokens.map(writtenForm).join(''), normalizeForTokenizer(tokenizer, text).replace(SEPARATORS[tokenizer], ''));
    // A literal marker is a word, never the marker itself.
    for (const token of tokens) assert.ok(!isReservedToken(token), `the marker ${token} read from text`);
    assert.ok(sentences.length <= text.split(LINE_END).length, 'more sentences than lines');
    // A sentence's tokens, written out with spaces, tokenize back to themselves.
    for (const sentence of sentences) assert.deepEqual(tokenizeLine(tokenizer, sentence.map(writtenForm).join(' ')), sentence);
    // The cursor's context is the line's tokens before it, whatever the cursor (LSP positions are integers).
    const line = text.split(LINE_END)[0];
    const context = contextBeforeCursor(tokenizer, line, character);
    assert.equal(context[0], '<s>');
    if (Number.isInteger(character)) {
      assert.deepEqual(context.slice(1), tokenizeLine(tokenizer, line.slice(0, Math.max(0, character))));
    }
    return sentences.length === 0 ? 'no sentence' : 'tokenized';
  });
}

// ---- models the readers' valid inputs come from ------------------------------------------------

const CORPUS = [
  'the sky is blue',
  'the sky is cloudy today',
  'a b a b c',
  'naïve café → 42€ , x = f ( y ) ;',
  'the model is the model',
];

function trainedModel(order: number, name: EstimatorName): NgramModel {
  const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
  model.addText(CORPUS.join('\n'));
  return model;
}

const ARPA_FILES = [1, 2, 3, 4].flatMap((order) => ['kneser-ney', 'mle'].map((name) => writeArpa(trainedModel(order, name as EstimatorName))));

// ---- ARPA text ----------------------------------------------------------------------------------

/** One change to an ARPA file's lines; positions are taken modulo the line count. */
type LineEdit =
  | { readonly kind: 'delete' | 'duplicate'; readonly at: number }
  | { readonly kind: 'swap'; readonly at: number; readonly other: number }
  | { readonly kind: 'replace'; readonly at: number; readonly text: string }
  | { readonly kind: 'field'; readonly at: number; readonly field: number; readonly value: string }
  | { readonly kind: 'count'; readonly at: number; readonly value: number }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'crlf' };

const lineEdit: fc.Arbitrary<LineEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.oneof(hostileField, hostileText(40)) }),
  fc.record({ kind: fc.constant('field' as const), at: fc.nat(), field: fc.nat({ max: 6 }), value: hostileField }),
  fc.record({
    kind: fc.constant('count' as const),
    at: fc.nat(),
    value: fc.oneof(fc.nat({ max: 100 }), fc.constantFrom(2 ** 31, 2 ** 32, 1e11, 1e15, 1e21, 3e9)),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.constant({ kind: 'crlf' as const }),
);

function editLines(text: string, edit: LineEdit): string {
  const lines = text.split('\n');
  const at = (edit.kind === 'crlf' ? 0 : edit.at) % lines.length;
  switch (edit.kind) {
    case 'delete':
      lines.splice(at, 1);
      break;
    case 'duplicate':
      lines.splice(at, 0, lines[at]);
      break;
    case 'swap': {
      const other = edit.other % lines.length;
      [lines[at], lines[other]] = [lines[other], lines[at]];
      break;
    }
    case 'replace':
      lines[at] = edit.text;
      break;
    case 'field': {
      const fields = lines[at].split(/[ \t]+/);
      fields[edit.field % fields.length] = edit.value;
      lines[at] = fields.join(edit.field % 2 === 0 ? '\t' : ' ');
      break;
    }
    case 'count': {
      // The header's "ngram N=count" lines, where a reader sizes its tables.
      const headers = lines.flatMap((line, index) => (/^ngram \d+=/.test(line) ? [index] : []));
      if (headers.length > 0) {
        const index = headers[edit.at % headers.length];
        lines[index] = lines[index].replace(/=.*/, `=${edit.value}`);
      }
      break;
    }
    case 'cut':
      return text.slice(0, edit.at % (text.length + 1));
    case 'crlf':
      return lines.join('\r\n');
  }
  return lines.join('\n');
}

const arpaTexts = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...ARPA_FILES) },
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...ARPA_FILES), fc.array(lineEdit, { minLength: 1, maxLength: 3 })).map(([file, edits]) => edits.reduce(editLines, file)) },
  { weight: 2, arbitrary: hostileText() },
  { weight: 1, arbitrary: hostileText().map((body) => `\\data\\\n${body}`) },
);

/** An accepted back-off model answers queries with numbers, never NaN, and distributions that sum to at most 1. */
function assertAnswers(model: Pick<ArpaModel, 'distribution' | 'score'>): void {
  for (const context of [['<s>'], ['<s>', 'the', 'sky'], ['never', 'seen']]) {
    const { probabilities } = model.distribution(context);
    for (const p of probabilities) assert.ok(p >= 0, `P = ${p} after ${context.join(' ')}`);
    const total = probabilities.reduce((sum, p) => sum + p, 0);
    assert.ok(total <= 1 + 1e-3, `the distribution after ${context.join(' ')} sums to ${total}`);
    assert.ok(!Number.isNaN(model.score(context, 'is').log10Prob));
  }
}

const arpaTextTarget = fuzzTarget('ARPA reader (text)', [ACCEPTED, 'rejected: '], arpaTexts, (text): Outcome => {
  let model: ArpaModel;
  try {
    model = readArpa(text);
  } catch (error) {
    return rejection(error, /^ARPA line \d+: \S/);
  }
  assertAnswers(model);
  return ACCEPTED;
});

// ---- back-off model bytes -----------------------------------------------------------------------

const BACKOFF_FILES = ARPA_FILES.slice(0, 6).map((text) => readArpa(text).toBytes());

const backoffTarget = fuzzTarget('back-off model reader (bytes)', [ACCEPTED, 'rejected: '], damagedFiles(BACKOFF_FILES, 'NWLA'), ({ bytes }): Outcome => {
  let model: ArpaModel;
  try {
    model = ArpaModel.fromBytes(bytes);
  } catch (error) {
    return rejection(error, /^not a readable back-off model: \S/);
  }
  assertAnswers(model);
  return ACCEPTED;
});

// ---- snapshots ----------------------------------------------------------------------------------

const SNAPSHOTS = [1, 2, 3, 4].flatMap((order) =>
  ESTIMATOR_NAMES.filter((_, i) => i % 2 === order % 2).map((name) => {
    const model = new NgramModel({ order, estimator: { name }, tokenizer: order % 2 === 0 ? 'words' : 'whitespace' });
    const documents = CORPUS.map((text, i) => ({ key: `/workspace/file${i}.txt`, size: text.length, mtimeMs: 1.7e12 + i, withheld: i === 1 ? '1 line withheld: AWS key' : '', encoded: model.addText(text) }));
    return writeSnapshot(model, documents);
  }),
);

const snapshotTarget = fuzzTarget('snapshot reader (bytes)', [ACCEPTED, 'rejected: '], damagedFiles(SNAPSHOTS, SNAPSHOT_MAGIC), ({ bytes, damaged }): Outcome => {
  let model: NgramModel;
  try {
    model = readSnapshot(bytes).model;
  } catch (error) {
    return rejection(error, /snapshot|vocabulary/);
  }
  // What loads is a working model: a proper estimator's distribution still sums to 1.
  for (const context of [['<s>'], ['<s>', 'the', 'sky']]) {
    const { probabilities, isProbability } = model.distribution(context);
    let sum = 0;
    for (const p of probabilities) {
      assert.ok(p >= 0 && Number.isFinite(p), `P = ${p}`);
      sum += p;
    }
    if (isProbability) assert.ok(Math.abs(sum - 1) < 1e-6, `the distribution sums to ${sum}`);
  }
  model.candidates(['<s>'], 5);
  return damaged ? 'accepted after damage (a consistent model: a document stamp or padding changed)' : ACCEPTED;
});

// ---- settings -----------------------------------------------------------------------------------

const NUMERIC_SETTINGS = {
  temperature: { range: TEMPERATURE_RANGE, integer: false },
  topK: { range: TOP_K_RANGE, integer: true },
  topP: { range: TOP_P_RANGE, integer: false },
  order: { range: { min: 1, max: 6 }, integer: true },
  addK: { range: ADD_K_RANGE, integer: false },
  maxFileSizeKB: { range: MAX_FILE_SIZE_KB_RANGE, integer: true },
  maxModelMB: { range: MAX_MODEL_MB_RANGE, integer: true },
  baseModelWeight: { range: BASE_MODEL_WEIGHT_RANGE, integer: false },
} as const;
type NumericSetting = keyof typeof NUMERIC_SETTINGS;

const SETTING_KEYS = [...Object.keys(NUMERIC_SETTINGS), 'seed', 'baseModel', 'smoothing', 'tokenizer', 'include', 'exclude', 'completions'];

const settingValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.double(),
  fc.integer({ min: -2_000_000, max: 2_000_000 }),
  fc.constantFrom(0, -0, 0.5, 1, 6, 7, 100, 1e-7, 1e308, NaN, Infinity, -Infinity, '3', '', ' ', ...ESTIMATOR_NAMES, ...TOKENIZER_NAMES),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.constant(undefined),
);

const settingsSection = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...SETTING_KEYS), fc.string({ maxLength: 6 })), settingValue, { maxKeys: 8 }) },
  { weight: 2, arbitrary: fc.record({ completions: fc.oneof(fc.record({ enabled: settingValue }), settingValue) }) },
  { weight: 1, arbitrary: fc.anything() },
);

/** Whether a present value is one the reader takes as it is (rounding aside), i.e. reports no problem for. */
function isAcceptable(key: string, value: unknown): boolean {
  if (key in NUMERIC_SETTINGS) {
    const { range } = NUMERIC_SETTINGS[key as NumericSetting];
    return typeof value === 'number' && value >= range.min && value <= range.max;
  }
  if (key === 'seed' || key === 'baseModel') return typeof value === 'string' || typeof value === 'number';
  if (key === 'smoothing') return (ESTIMATOR_NAMES as readonly unknown[]).includes(value);
  if (key === 'tokenizer') return (TOKENIZER_NAMES as readonly unknown[]).includes(value);
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const settingsTarget = fuzzTarget('settings reader (normalizeSettings)', [ACCEPTED, 'replaced: '], settingsSection, (raw): Outcome => {
  const { settings, problems } = normalizeSettings(raw);
  for (const [key, { range, integer }] of Object.entries(NUMERIC_SETTINGS)) {
    const value = settings[key as NumericSetting];
    assert.ok(value >= range.min && value <= range.max, `${key} = ${value} is outside [${range.min}, ${range.max}]`);
    if (integer) assert.ok(Number.isInteger(value), `${key} = ${value} is not an integer`);
  }
  assert.ok(ESTIMATOR_NAMES.includes(settings.smoothing) && TOKENIZER_NAMES.includes(settings.tokenizer));
  assert.equal(typeof settings.seed, 'string');
  for (const list of [settings.include, settings.exclude]) assert.ok(list.every((item) => typeof item === 'string'));
  // Exactly the present values it could not take are reported, each naming its setting and the value given.
  const section = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const replaced = SETTING_KEYS.filter((key) => key !== 'completions' && section[key] !== undefined && section[key] !== null && !isAcceptable(key, section[key]));
  assert.deepEqual(problems.map((problem) => /^nextWordLab\.(\w+) = /.exec(problem)?.[1]).sort(), [...replaced].sort());
  for (const key of replaced) {
    const given = section[key];
    const problem = problems.find((text) => text.startsWith(`nextWordLab.${key} = `)) ?? '';
    if (typeof given === 'number') assert.ok(problem.startsWith(`nextWordLab.${key} = ${given} `), problem);
  }
  return replaced.length === 0 ? ACCEPTED : `replaced: ${replaced.length === 1 ? replaced[0] : `${replaced.length} values`}`;
});

// ---- file filters -------------------------------------------------------------------------------

const encoder = new TextEncoder();
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];
/** Byte sequences a UTF-8 decoder must refuse: overlong, surrogate, beyond U+10FFFF, lone continuation, cut. */
const INVALID_UTF8 = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const lineOf = (length: number): string => 'x'.repeat(length);

const fileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }),
  hostileText().map((text) => encoder.encode(text)),
  fc.tuple(hostileText(), fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([text, at, bad]) => {
    const bytes = [...encoder.encode(text)];
    bytes.splice(at % (bytes.length + 1), 0, ...bad);
    return Uint8Array.from(bytes);
  }),
  // A NUL just inside or just past the 8,000 bytes that are probed.
  fc.tuple(fc.integer({ min: 7_990, max: 8_010 }), fc.integer({ min: 8_011, max: 9_000 })).map(([at, length]) => {
    const bytes = encoder.encode(lineOf(length));
    bytes[at] = 0;
    return bytes;
  }),
  // Around the minified thresholds: one line near 10,000 characters, or long lines on average.
  fc.tuple(fc.integer({ min: 9_990, max: 10_010 }), fc.nat({ max: 3 })).map(([length, lines]) => encoder.encode([lineOf(length), ...Array<string>(lines).fill('short')].join('\n'))),
  fc.tuple(fc.integer({ min: 990, max: 1_010 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 400, max: 600 })).map(([longest, count, typical]) =>
    encoder.encode([lineOf(longest), ...Array<string>(count).fill(lineOf(typical))].join('\n')),
  ),
  hostileText().map((text) => Uint8Array.from([...BYTE_ORDER_MARK, ...encoder.encode(text)])),
);

const contentTarget = fuzzTarget(
  'file content checks (decodeText, checkSize)',
  ['text', 'skipped: binary (contains', 'skipped: binary (not valid', 'skipped: minified'],
  fc.tuple(fileBytes, fc.integer({ min: MAX_FILE_SIZE_KB_RANGE.min, max: MAX_FILE_SIZE_KB_RANGE.max })),
  ([bytes, maxFileSizeKB]): Outcome => {
    const size = checkSize(bytes.length, maxFileSizeKB);
    assert.equal(size === undefined, bytes.length <= maxFileSizeKB * 1024);
    const decoded = decodeText(bytes);
    const hasNul = bytes.subarray(0, 8_000).includes(0);
    if ('text' in decoded) {
      // Called text only if it is valid UTF-8 without a NUL up front, and then decoded faithfully.
      assert.ok(!hasNul && isUtf8(bytes));
      const withoutMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
      assert.deepEqual(encoder.encode(decoded.text), withoutMark);
      const longest = decoded.text.split('\n').reduce((most, line) => Math.max(most, line.length), 0);
      assert.ok(longest <= 10_000, `a line of ${longest} characters passed as text`);
      return 'text';
    }
    assert.ok(decoded.detail.length > 0);
    if (decoded.reason === 'binary') assert.ok(hasNul || !isUtf8(bytes), `valid UTF-8 without NUL called binary (${decoded.detail})`);
    else assert.equal(decoded.reason, 'minified');
    return `skipped: ${decoded.reason} (${decoded.detail.replace(/[\d,]+/g, 'N')})`;
  },
);

/** Characters globs are made of, and awkward ones. */
const GLOB_PARTS = ['*', '**', '?', '[', ']', '{', '}', ',', '..', '!', '(', ')', '|', '@', '+', '/', '\\', 'a', 'b', '.', '1', '9', '-', '^', ' ', '#', '$(basename)'];
const glob = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.constantFrom(...GLOB_PARTS), { maxLength: 24 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('**/*', '**', '', '/', '{1..100000}', '{a,b}'.repeat(12), '[[:alpha:]]', '\\', 'x'.repeat(70_000), `{${'{'.repeat(500)}`, '**/'.repeat(200)),
  },
);
/** File names the secret rule must catch whatever the rules say (checked case-insensitively). */
const SECRET_NAMES = ['.env', '.env.local', 'prod.env', 'server.pem', 'tls.key', 'id_rsa', 'id_ed25519.pub', '.npmrc', 'credentials', 'aws-credentials.json', 'secrets.yaml', 'service-account-prod.json'];
const segment = fc.oneof(fc.constantFrom('src', 'a.ts', '.env', 'node_modules', '..', '.', 'x.min.js', 'README.md'), fc.string({ minLength: 1, maxLength: 8 }));
const randomCase = (name: string, flips: readonly boolean[]): string => [...name].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');

const rules: fc.Arbitrary<FolderRules> = fc.record({
  include: fc.oneof(fc.constant(DEFAULT_SETTINGS.include), fc.array(glob, { maxLength: 3 })),
  exclude: fc.oneof(fc.constant(DEFAULT_SETTINGS.exclude), fc.array(glob, { maxLength: 3 })),
  filesExclude: fc.dictionary(glob, fc.oneof(fc.boolean(), fc.record({ when: fc.oneof(glob, fc.constant('$(basename).ts')) }), fc.jsonValue()), { maxKeys: 3 }),
  searchExclude: fc.dictionary(glob, fc.oneof(fc.boolean(), fc.jsonValue()), { maxKeys: 2 }),
  maxFileSizeKB: fc.integer({ min: 1, max: 102_400 }),
});

const pathFilterTarget = fuzzTarget(
  'file path rules (PathFilter, any globs)',
  ['learned', 'not included', 'skipped: secret', 'skipped: excluded'],
  fc.record({
    rules,
    folders: fc.array(segment, { maxLength: 4 }),
    name: fc.oneof(
      { weight: 3, arbitrary: segment },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SECRET_NAMES), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 })).map(([name, flips]) => randomCase(name, flips)) },
    ),
    siblings: fc.array(segment, { maxLength: 4 }),
  }),
  ({ rules: folderRules, folders, name, siblings }): Outcome => {
    const filter = new PathFilter(folderRules);
    const relativePath = [...folders, name].join('/');
    const names = new Set([...siblings, name]);
    const verdict = filter.checkFile(relativePath, names);
    const directory = filter.checkDirectory(relativePath, names);
    for (const found of [verdict, directory]) {
      if (typeof found === 'object') assert.ok(found.detail.length > 0);
    }
    // A secret's name is never learned, whatever include, exclude and the rest say.
    if (SECRET_NAMES.includes(name.toLowerCase())) assert.equal(typeof verdict === 'object' ? verdict.reason : verdict, 'secret', relativePath);
    return verdict === undefined ? 'learned' : verdict === 'ignore' ? 'not included' : `skipped: ${verdict.reason}`;
  },
);

// ---- secrets by content ------------------------------------------------------------------------

/**
 * Hostile text with canary lines spliced in: the scanner never throws, keeps every line end, blanks
 * exactly the lines it counts, and no canary survives; a file carrying credentials by structure is
 * refused whole.
 */
const secretScanTarget = fuzzTarget(
  'secret scanner (learnableText)',
  ['learned whole', 'lines withheld', 'skipped: '],
  fc.tuple(fc.array(fc.oneof(hostileText(), fc.constantFrom(...CANARY_LINES.map((canary) => canary.text), ...CONTROL_LINES, ...Object.values(STRUCTURED_SECRETS))), { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r')),
  ([parts, lineEnd]): Outcome => {
    const text = parts.join(lineEnd);
    const result = learnableText(text);
    if ('reason' in result) {
      assert.equal(result.reason, 'secret');
      return `skipped: ${result.detail.replace(/\(holds (.*)\)/, '($1)')}`;
    }
    assert.equal(result.text.split(/\r\n|\r|\n/).length, text.split(/\r\n|\r|\n/).length, 'line ends kept');
    const before = text.split(/\r\n|\r|\n/);
    const after = result.text.split(/\r\n|\r|\n/);
    const changed = after.filter((line, i) => line !== before[i]);
    assert.ok(changed.every((line) => line.trim() === ''), 'a withheld line is blanked, not edited');
    assert.equal(changed.length, result.withheld?.lines ?? 0);
    for (const canary of CANARY_LINES) for (const line of canary.text.split('\n')) if (line.trim() !== '') assert.ok(!after.includes(line), `${line} survived`);
    return result.withheld === undefined ? 'learned whole' : 'lines withheld';
  },
);

export const targets: readonly FuzzTarget[] = [
  tokenizerTarget('words'),
  tokenizerTarget('whitespace'),
  arpaTextTarget,
  backoffTarget,
  snapshotTarget,
  ...messageTargets,
  settingsTarget,
  contentTarget,
  pathFilterTarget,
  secretScanTarget,
  ...evidenceTargets,
];
