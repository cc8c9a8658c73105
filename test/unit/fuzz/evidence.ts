// The evidence requests under hostile input: `predict --why` (the command line's evidenceFor and
// locateTokens over a model learned from hostile text) and nextWordLab/evidence (a real language server
// over a workspace of hostile, secret-holding and secret-named files). Whatever the context, the word
// and the parameters: no crash (a bad request is refused with InvalidParams and one line), no secret in
// anything returned or printed, and only possible numbers (probabilities in [0, 1] summing to at most
// 1, counts that agree with each other and with the places listed, every place re-read from its text).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import { Io } from '../../../src/cli/command';
import { candidatesEvidence, contextTokens, predict, printPrediction, type Prediction } from '../../../src/cli/commands/predict';
import { EVIDENCE_LIMIT } from '../../../src/core/evidence';
import { LongestMatchModel } from '../../../src/core/longestMatch';
import { NgramModel } from '../../../src/core/model';
import { TokenIndex } from '../../../src/core/tokenIndex';
import { tokenizeLine, writtenForm } from '../../../src/core/tokenizer';
import { ESTIMATOR_NAMES, TOKENIZER_NAMES, type EstimatorName } from '../../../src/core/types';
import { learnableText } from '../../../src/files/fileFilter';
import { MAX_EVIDENCE_OCCURRENCES, type EvidenceParams, type EvidenceResult, type PredictResult } from '../../../src/protocol/lsp';
import { CANARY_LINES, CONTROL_LINES, STRUCTURED_SECRETS } from '../../fixtures/secrets/canaries';
import { TestSession, removeTempDirs, tempDir } from '../../server/harness';
import { asyncFuzzTarget, fuzzTarget, type Outcome } from './fuzzing';
import { hostileText } from './inputs';

/** Every canary's secret value contains "canary"; nothing else the targets make does. */
const SECRET = /canary/i;
/** Characters a terminal would act on (C0 but tab and line feed, DEL, C1) and the bidi overrides. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const LINE_END = /\r\n|\r|\n/;

const ORDINARY = ['the sky is blue today', 'the sky is cloudy today', 'the model is the model', 'x = f ( y ) ;', 'naïve café → 42€'];
const ESCAPES = ['\u001b]0;retitled\u0007 the sky', 'the \u202eeulb\u202c sky', 'the sky\u0000is', 'e\u0301te\u0301 the sky', '<s> the </s> sky <unk> is'];
const secretLines = CANARY_LINES.map((canary) => canary.text);

/** A learned line: ordinary, hostile, escape-laden, or holding a secret. */
const learnedLine = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ORDINARY, ...CONTROL_LINES) },
  // At most a few thousand characters a line: learning a huge text is the tokenizer target's concern.
  { weight: 2, arbitrary: hostileText(60).map((text) => text.slice(0, 4_000)) },
  { weight: 1, arbitrary: fc.constantFrom(...ESCAPES) },
  { weight: 1, arbitrary: fc.constantFrom(...secretLines) },
);

/** A context: a hostile one, one near the learned text, a secret, a huge one, or nothing. */
const contextText = fc.oneof(
  { weight: 3, arbitrary: hostileText() },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ORDINARY, ...ESCAPES), fc.nat()).map(([line, cut]) => line.slice(0, cut % (line.length + 1))) },
  { weight: 1, arbitrary: fc.constantFrom(...secretLines, ...Object.values(STRUCTURED_SECRETS)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('the sky is ', 'x\n', '\u0000', 'a'), fc.integer({ min: 500, max: 2_000 })).map(([text, times]) => text.repeat(times)) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** A word to explain: one of the text's, a marker, a secret, hostile text. */
const wordText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ORDINARY.flatMap((line) => line.split(' ')), 'cloudy', 'model') },
  { weight: 1, arbitrary: fc.constantFrom('<s>', '</s>', '<unk>', '', ' ', '\n', 'AKIACANARY7AWS000001', 'sk_live_canaryStripe000000000', 'canary') },
  { weight: 2, arbitrary: hostileText(20) },
  { weight: 1, arbitrary: fc.string({ maxLength: 5_000 }).map((text) => text.repeat(10)) },
);

/** Asserts the numbers of a prediction are ones the maths can produce. */
function assertPossible(result: Pick<Prediction, 'isProbability' | 'candidates'>): void {
  let probabilities = 0;
  let weights = 0;
  for (const candidate of result.candidates) {
    const { probability, weight, count, contextCount, order } = candidate;
    assert.ok(probability >= 0 && Number.isFinite(probability), `P(${candidate.word}) = ${probability}`);
    if (result.isProbability) assert.ok(probability <= 1, `P(${candidate.word}) = ${probability}`);
    assert.ok(weight >= 0 && weight <= 1, `weight ${weight}`);
    assert.ok(Number.isInteger(count) && Number.isInteger(contextCount) && count >= 0 && count <= contextCount, `count ${count} / ${contextCount}`);
    assert.ok(Number.isInteger(order) && order >= 1, `order ${order}`);
    probabilities += probability;
    weights += weight;
  }
  if (result.isProbability) assert.ok(probabilities <= 1 + 1e-9, `the candidates' probabilities sum to ${probabilities}`);
  assert.ok(weights <= 1 + 1e-9, `the candidates' chances of being drawn sum to ${weights}`);
}

/** The line `line` (1-based) of `text`, as an editor splits lines. */
const lineOf = (text: string, line: number): string | undefined => text.split(LINE_END)[line - 1];

// ---- predict --why ------------------------------------------------------------------------------

/** The command line's collected text output. */
class Captured {
  text = '';
  write(chunk: string): void {
    this.text += chunk;
  }
}

/**
 * A model learned as `trainFrom` learns a folder (the secret rules, then the token index over what was
 * learned), asked `predict --why` with a hostile context; each candidate's evidence is checked
 * against the learned text and the counts, and the printed report against secrets and raw escapes.
 */
const predictWhyTarget = fuzzTarget(
  'evidence: predict --why (evidenceFor, locateTokens)',
  ['answered by a context', 'answered by the unigram'],
  fc.record({
    files: fc.array(fc.array(learnedLine, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 2 }),
    estimator: fc.constantFrom<EstimatorName>(...ESTIMATOR_NAMES),
    tokenizer: fc.constantFrom(...TOKENIZER_NAMES),
    order: fc.integer({ min: 1, max: 5 }),
    context: contextText,
    top: fc.integer({ min: 1, max: 8 }),
  }),
  ({ files, estimator, tokenizer, order, context, top }): Outcome => {
    const model = new NgramModel({ order, estimator: { name: estimator }, tokenizer });
    const index = new TokenIndex();
    const texts = new Map<string, string>();
    for (const [i, lines] of files.entries()) {
      const learnable = learnableText(lines.join('\n'));
      if ('reason' in learnable) continue;
      const key = `dir/file${i}.txt`;
      index.set(key, model.addText(learnable.text));
      texts.set(key, learnable.text);
    }
    index.merge();
    const learned = { index, texts, ...(estimator === 'longest-match' ? { longestMatch: new LongestMatchModel(model, index) } : {}) };
    const values = { context };
    const tokens = contextTokens(model, values, learned.longestMatch !== undefined);
    const evidenceModel = learned.longestMatch ?? model;
    const prediction = predict(evidenceModel, tokens, top, values);
    const evidence = candidatesEvidence(evidenceModel, learned, tokens, prediction.candidates.map((candidate) => candidate.word));
    const result = { ...prediction, candidates: prediction.candidates.map((candidate, i) => ({ ...candidate, evidence: evidence[i] })) };
    assertPossible(result);
    assert.ok(result.entropyBits >= 0 && Number.isFinite(result.entropyBits), `entropy ${result.entropyBits}`);
    for (const { word, count, evidence } of result.candidates) {
      assert.equal(evidence.ngram.at(-1), word);
      assert.ok(evidence.occurrences.length === Math.min(evidence.total, EVIDENCE_LIMIT), `${evidence.occurrences.length} places listed of ${evidence.total}`);
      // A counted n-gram is where the count came from (a unigram's count is the word's own count).
      if (estimator !== 'longest-match' || evidence.ngram.length > 1) assert.equal(evidence.total, count, `"${evidence.ngram.join(' ')}" occurs ${evidence.total} times, counted ${count}`);
      for (const place of evidence.occurrences) {
        const text = texts.get(place.file);
        assert.ok(text !== undefined, `a place in ${place.file}, which was not learned`);
        assert.equal(lineOf(text, place.line), place.text, `${place.file}:${place.line}`);
        assert.ok(place.column >= 1 && place.column <= place.text.length + 1, `column ${place.column} of a ${place.text.length}-unit line`);
        const first = evidence.ngram.find((token) => token !== '<s>' && token !== '</s>');
        if (first !== undefined && tokenizer === 'whitespace') assert.ok(place.text.startsWith(writtenForm(first), place.column - 1), `${first} is not at ${place.file}:${place.line}:${place.column}`);
      }
    }
    // Nothing returned or printed holds a secret (the context is the user's own words, echoed).
    assert.doesNotMatch(JSON.stringify({ ...result, context: [] }), SECRET);
    const stdout = new Captured();
    printPrediction(new Io(stdout, new Captured()), result, values);
    const printed = stdout.text.split('\n').slice(1).join('\n');
    assert.doesNotMatch(printed, SECRET);
    assert.doesNotMatch(stdout.text, RAW_CONTROL, 'a raw control character printed');
    return result.candidates.some((candidate) => candidate.evidence.ngram.length > 1) ? 'answered by a context' : 'answered by the unigram';
  },
);

// ---- nextWordLab/evidence -----------------------------------------------------------------------

/** A workspace with ordinary, hostile and escape-laden lines, secrets pasted in, and secret files. */
function hostileWorkspace(): { folder: string; files: Map<string, string> } {
  const folder = tempDir('evidence-fuzz');
  const [hostile] = fc.sample(fc.array(hostileText(80), { minLength: 20, maxLength: 20 }), { numRuns: 1, seed: 13 });
  const files: Record<string, string> = {
    'prose.txt': [...ORDINARY, ...ORDINARY, ...CONTROL_LINES].join('\n'),
    'pasted.md': ORDINARY.flatMap((line, i) => [line, secretLines[i % secretLines.length]]).join('\n'),
    'hostile.txt': [...hostile, ...ESCAPES, ...ORDINARY].join('\r\n'),
    'secrets.txt': secretLines.join('\n'),
    '.env': `${ORDINARY[0]}\nAPI_TOKEN=canaryEnvToken\n`,
    ...STRUCTURED_SECRETS,
  };
  const learned = new Map<string, string>();
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(folder, name), text);
    const learnable = learnableText(text);
    if ('text' in learnable && !name.startsWith('.')) learned.set(name, learnable.text);
  }
  return { folder, files: learned };
}

/** The settings each session learns with: the default estimator, and n-gram ones with either tokenizer. */
const SESSION_SETTINGS = [{}, { smoothing: 'kneser-ney', tokenizer: 'whitespace', order: 4 }, { smoothing: 'mle', order: 2 }];

interface Sessions {
  readonly folder: string;
  readonly files: Map<string, string>;
  readonly sessions: TestSession[];
  /** An open document (not learned: its name is new) each session can be asked about by position. */
  readonly openUri: string;
  readonly openText: string;
}

async function startSessions(): Promise<Sessions> {
  const { folder, files } = hostileWorkspace();
  const sessions = await Promise.all(SESSION_SETTINGS.map((settings) => TestSession.start({ folders: [folder], settings })));
  await Promise.all(sessions.map((session) => session.whenReady()));
  const openText = [...ESCAPES, ORDINARY[1], secretLines[3], 'the sky is'].join('\n');
  const openPath = path.join(folder, 'unsaved.txt');
  for (const session of sessions) await session.open(openPath, openText);
  return { folder, files, sessions, openUri: pathToFileURL(openPath).href, openText };
}

/** An integer, or a value a client should never send as one (NaN and ∞ cross JSON as null). */
const hostileNumber = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 120 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 1e308, -0, 2.5, 2 ** 31, '7', 'all', null, true, {}, []) },
);

type Request =
  | { readonly kind: 'context'; readonly context: string }
  | { readonly kind: 'position'; readonly line: unknown; readonly character: unknown; readonly open: boolean; readonly leaveOut: boolean };

const request = fc.record({
  session: fc.nat({ max: SESSION_SETTINGS.length - 1 }),
  where: fc.oneof(
    { weight: 4, arbitrary: contextText.map((context): Request => ({ kind: 'context', context })) },
    {
      weight: 1,
      // leaveOut: the surprisal lens's Show where… (the document left out, the context the lens read there).
      arbitrary: fc.record({ kind: fc.constant('position' as const), line: hostileNumber, character: hostileNumber, open: fc.boolean(), leaveOut: fc.boolean() }),
    },
  ),
  word: fc.oneof({ weight: 12, arbitrary: wordText }, { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 7, ['the'], { word: 'the' }) }),
  limit: fc.option(hostileNumber, { nil: undefined }),
  fromPrediction: fc.boolean(),
});

const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
/** An LSP position's line or character (an unsigned integer); the server may refuse anything else. */
const isPosition = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
/** A limit a well-formed request may carry: a number, or none (null: what NaN and ∞ become in JSON). */
const isLimit = (value: unknown): boolean => value === undefined || value === null || isCount(value);

let sessions: Promise<Sessions> | undefined;

const evidenceRequestTarget = asyncFuzzTarget(
  'evidence request (nextWordLab/evidence, a real server)',
  ['answered: places listed', 'answered: nothing to list', 'refused: '],
  request,
  async ({ session: which, where, word: drawnWord, limit, fromPrediction }): Promise<Outcome> => {
    const { files, sessions: all, openUri, openText } = await (sessions ??= startSessions());
    const session = all[which];
    const where_ =
      where.kind === 'context'
        ? { context: where.context }
        : {
            textDocument: { uri: where.open ? openUri : `${openUri}.closed` },
            position: { line: where.line, character: where.character },
            ...(where.leaveOut ? { leaveOutDocument: true } : {}),
          };
    let word = drawnWord;
    let predicted: PredictResult | undefined;
    try {
      predicted = await session.predict({ ...(where_ as EvidenceParams), candidates: 30 });
    } catch (error) {
      assert.ok(error instanceof ResponseError && error.code === ErrorCodes.InvalidParams, `predict failed: ${String(error)}`);
    }
    if (predicted !== undefined) {
      assertPossible(predicted);
      assert.ok(predicted.others.probability >= 0 && predicted.others.probability <= 1 + 1e-9, `others ${predicted.others.probability}`);
      if (predicted.isProbability) {
        const total = predicted.candidates.reduce((sum, candidate) => sum + candidate.probability, predicted.others.probability);
        assert.ok(total <= 1 + 1e-9, `the distribution sums to ${total}`);
      }
      assert.doesNotMatch(JSON.stringify({ ...predicted, text: '', context: [] }), SECRET);
      if (fromPrediction && predicted.candidates.length > 0) word = predicted.candidates[Math.abs(String(drawnWord).length) % predicted.candidates.length].word;
    }
    const params = { ...where_, word, ...(limit === undefined ? {} : { limit }) } as EvidenceParams;
    // What crosses the wire: NaN and ∞ arrive as null, which means no limit.
    const sent = JSON.parse(JSON.stringify(params)) as { limit?: unknown };
    let result: EvidenceResult;
    try {
      result = await session.evidence(params);
    } catch (error) {
      // A refusal is the client's mistake, said in one line: never an internal error.
      assert.ok(error instanceof ResponseError, `not a response error: ${String(error)}`);
      assert.equal(error.code, ErrorCodes.InvalidParams, `${error.code}: ${error.message}`);
      assert.ok(error.message.length > 0 && !error.message.includes('\n'), error.message);
      const badWhere =
        where.kind === 'position' && (!where.open || !isPosition(where.line) || !isPosition(where.character) || (where.leaveOut && /^no word at \d+:\d+\.$/.test(error.message)));
      assert.ok(typeof word !== 'string' || word === '' || !isLimit(sent.limit) || badWhere, `refused a well-formed request: ${error.message}`);
      return `refused: ${error.message.replace(/file:\S+/, 'URI').replace(/, got .*/, ', got …').replace(/^no word at \d+:\d+/, 'no word at N:N').replace(/; got .*/, '; got …').slice(0, 80)}`;
    }
    assert.ok(typeof word === 'string' && word !== '', 'answered a request without a word');
    assert.equal(result.word, word);
    const { count, contextCount, total, occurrences } = result;
    for (const value of [count, contextCount, total]) assert.ok(Number.isInteger(value) && value >= 0, `a count of ${value}`);
    assert.ok(count <= contextCount, `count ${count} > context count ${contextCount}`);
    assert.equal(total, count, 'the search finds exactly what the model counted');
    assert.ok(isLimit(sent.limit), `answered with the limit ${JSON.stringify(sent.limit)}`);
    const asked = typeof sent.limit === 'number' ? Math.max(0, Math.min(MAX_EVIDENCE_OCCURRENCES, Math.floor(sent.limit))) : MAX_EVIDENCE_OCCURRENCES;
    assert.equal(occurrences.length, Math.min(total, asked), `${occurrences.length} places listed of ${total}, limit ${JSON.stringify(sent.limit)}`);
    // Left out, the document's own counts are not the prediction's.
    const candidate = where.kind === 'position' && where.leaveOut ? undefined : predicted?.candidates.find((c) => c.word === word);
    if (candidate !== undefined) {
      assert.equal(count, candidate.count, `${word}: evidence counts ${count}, the prediction ${candidate.count}`);
      assert.equal(contextCount, candidate.contextCount);
    }
    for (const place of occurrences) {
      const text = place.uri === openUri ? openText : files.get(place.file);
      assert.ok(text !== undefined, `a place in ${place.file}, which was not learned`);
      assert.equal(lineOf(text, place.line), place.text, `${place.file}:${place.line}`);
      assert.ok(place.column >= 1 && place.column <= place.text.length + 1, `column ${place.column} of a ${place.text.length}-unit line`);
      if (which === 1) {
        const first: string = [...result.context.filter((token) => token !== '<s>' && token !== '</s>'), word][0];
        assert.equal(tokenizeLine('whitespace', place.text.slice(place.column - 1))[0] ?? '</s>', first, `${place.file}:${place.line}:${place.column}`);
      }
    }
    // The word asked about is echoed; nothing else may hold a secret.
    assert.doesNotMatch(JSON.stringify({ ...result, word: '' }), SECRET);
    return occurrences.length > 0 ? 'answered: places listed' : 'answered: nothing to list';
  },
  async () => {
    const started = sessions;
    sessions = undefined;
    if (started === undefined) return;
    for (const session of (await started).sessions) await session.dispose();
    removeTempDirs();
  },
);

export const evidenceTargets = [predictWhyTarget, evidenceRequestTarget];
