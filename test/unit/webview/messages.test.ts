import * as assert from 'node:assert/strict';
import type { ModelStatus } from '../../../src/protocol/lsp';
import { isFromWebview, isPanelBootstrap, isToWebview } from '../../../src/protocol/webview';
import type { FromWebview, PredictionView, ToWebview } from '../../../src/protocol/webview';
import { DEFAULT_PANEL_STATE, restorePanelState } from '../../../webview/panelState';

const status: ModelStatus = {
  state: 'ready',
  filesLearned: 3,
  filesTotal: 3,
  filesSkipped: 0,
  tokens: 120,
  sentences: 20,
  vocabularySize: 40,
  ngrams: [40, 80, 95],
  order: 3,
  estimator: 'kneser-ney',
  tokenizer: 'words',
  modelBytes: 4096,
  restoredFromSnapshot: false,
};

const prediction: PredictionView = {
  text: 'the model',
  context: ['the', 'model'],
  matchedContextLength: 2,
  isProbability: true,
  candidates: [
    { word: 'is', probability: 0.6, weight: 0.7, count: 3, contextCount: 5, order: 3, insertText: ' is' },
    { word: '</s>', probability: 0.3, weight: 0.25, count: 2, contextCount: 5, order: 3, insertText: '\n' },
  ],
  others: { words: 38, probability: 0.1, weight: 0.05 },
  sampling: { temperature: 0.7, topK: 0, topP: 1 },
  chosen: { word: 'is', rank: 0, weight: 0.7, insertText: ' is', draw: 0.42 },
  histogram: { counts: [700, 250], others: 50, draws: 1000 },
};

const validToWebview: ToWebview[] = [
  { type: 'settings', settings: { temperature: 0.7, topK: 0, topP: 1, seed: '' } },
  { type: 'status', status },
  { type: 'status', status: null },
  { type: 'status', status: { ...status, state: 'learning', progress: { done: 1, total: 3 } } },
  { type: 'editorContext', context: { fileName: '/w/a.ts', line: 4, textBeforeCursor: 'const x' } },
  { type: 'editorContext', context: null },
  { type: 'prediction', requestId: 7, prediction },
  { type: 'prediction', requestId: 8, prediction: { ...prediction, chosen: null, histogram: null } },
  // `others` word by word: 38 words in three runs of equal probability.
  { type: 'prediction', requestId: 12, prediction: { ...prediction, rest: { probabilities: [0.004, 0.0025, 0.002], words: [5, 20, 13], approximate: false } } },
  { type: 'generation', requestId: 9, tokens: ['a', 'b', 'a', 'b'], loop: { start: 0, length: 2 } },
  { type: 'generation', requestId: 10, tokens: [], loop: null },
  { type: 'requestFailed', requestId: 11, message: 'no model' },
  // Under a team base model: each candidate's parts and what each model gives the other words.
  {
    type: 'prediction',
    requestId: 14,
    prediction: {
      ...prediction,
      candidates: prediction.candidates.map((candidate) => ({ ...candidate, parts: { base: 0.5, workspace: candidate.probability } })),
      mixture: { weight: 0.4, source: '/team/team.nwl', others: { base: 0.2, workspace: 0.1 } },
    },
  },
  {
    type: 'status',
    status: { ...status, baseModel: { source: 'team.arpa', weight: 0.5, state: 'ready', order: 5, ngrams: [10, 20, 30, 40, 50], vocabularySize: 10, modelBytes: 4096, seconds: 1.5, mixed: true } },
  },
  { type: 'status', status: { ...status, baseModel: { source: 'team.arpa', weight: 0.5, state: 'loading', progress: { done: 1, total: 150 } } } },
  { type: 'status', status: { ...status, baseModel: { source: 'team.arpa', weight: 0.5, state: 'failed', message: 'ENOENT' } } },
];

const level = { order: 3, count: 2, usedCount: 2, discount: 0.7, denominator: 5, lowerWeight: 0.3, lower: 0.01, value: 0.263 };
const explanation: Extract<ToWebview, { type: 'explanation' }> = {
  type: 'explanation',
  requestId: 13,
  explanation: {
    columns: [
      {
        estimator: { name: 'add-k', addK: 1 },
        isProbability: true,
        matchedContextLength: 2,
        words: [{ word: 'tennis', probability: 0.263, levels: [level] }],
        total: 1,
        vocabularySize: 40,
        context: ['people', 'like'],
      },
    ],
    longestMatch: {
      matchedContext: ['people', 'like'],
      contextCount: 5,
      followers: 3,
      minLength: 3,
      beta: 1,
      lambda: 0,
      kneserNey: { estimator: { name: 'kneser-ney' }, isProbability: true, matchedContextLength: 2, words: [{ word: 'tennis', probability: 0.2, levels: [level] }], total: 1, vocabularySize: 40 },
      words: [{ word: 'tennis', count: 2, probability: 0.2 }],
      total: 1,
    },
  },
};
const evidence: Extract<ToWebview, { type: 'evidence' }> = {
  type: 'evidence',
  requestId: 14,
  evidence: { word: 'tennis', context: ['people', 'like'], contextCount: 5, count: 2, total: 2, occurrences: [{ uri: 'file:///w/a.md', file: 'a.md', line: 3, column: 6, text: 'Some people like tennis.' }] },
};
validToWebview.push(explanation, { ...explanation, requestId: 15, explanation: { ...explanation.explanation, longestMatch: null } }, evidence);

const validFromWebview: FromWebview[] = [
  { type: 'ready' },
  { type: 'predict', requestId: 1, text: 'the', sampling: null },
  { type: 'predict', requestId: 2, text: '', sampling: { temperature: 2, topK: 5, topP: 0.9, seed: '42', draws: 1000 } },
  { type: 'generate', requestId: 3, text: 'the', length: 30, mode: 'greedy', temperature: 0, seed: '' },
  { type: 'insert', word: 'model', context: 'the' },
  { type: 'setTemperature', temperature: 1.5 },
  { type: 'explain', requestId: 4, text: 'people like', words: ['tennis', '</s>'] },
  { type: 'evidence', requestId: 5, text: 'people like', word: 'tennis' },
  { type: 'openLocation', uri: 'file:///w/a.md', line: 3, column: 6 },
];

/** A copy of `value` with `path` (keys) set to `replacement` (undefined deletes the key). */
function altered(value: object, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy: unknown = structuredClone(value);
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return copy;
}

describe('webview message validation', () => {
  it('accepts every well-formed message, both ways', () => {
    for (const message of validToWebview) assert.ok(isToWebview(message), JSON.stringify(message));
    for (const message of validFromWebview) assert.ok(isFromWebview(message), JSON.stringify(message));
  });

  it('rejects non-objects and unknown or missing types', () => {
    for (const junk of [null, undefined, 42, 'ready', [], [{ type: 'ready' }], {}, { type: 'explode' }, { type: 7 }]) {
      assert.equal(isFromWebview(junk), false, JSON.stringify(junk));
      assert.equal(isToWebview(junk), false, JSON.stringify(junk));
    }
  });

  it('does not accept a message meant for the other direction', () => {
    assert.equal(isToWebview({ type: 'ready' }), false);
    assert.equal(isFromWebview(validToWebview[0]), false);
  });

  it('rejects malformed webview requests field by field', () => {
    const malformed: [FromWebview, (string | number)[], unknown][] = [
      [validFromWebview[1], ['requestId'], -1],
      [validFromWebview[1], ['requestId'], 1.5],
      [validFromWebview[1], ['text'], 42],
      [validFromWebview[1], ['text'], 'x'.repeat(10_001)],
      [validFromWebview[1], ['sampling'], undefined],
      [validFromWebview[2], ['sampling', 'temperature'], -0.1],
      [validFromWebview[2], ['sampling', 'temperature'], Number.NaN],
      [validFromWebview[2], ['sampling', 'draws'], 1e9],
      [validFromWebview[2], ['sampling', 'topK'], 2.5],
      [validFromWebview[3], ['length'], 0],
      [validFromWebview[3], ['length'], 10_000],
      [validFromWebview[3], ['mode'], 'beam'],
      [validFromWebview[4], ['word'], ''],
      [validFromWebview[4], ['context'], 7],
      [validFromWebview[5], ['temperature'], Number.POSITIVE_INFINITY],
      [validFromWebview[5], ['temperature'], '1'],
      [validFromWebview[6], ['words'], Array.from({ length: 21 }, () => 'w')],
      [validFromWebview[6], ['words', 0], 3],
      [validFromWebview[7], ['word'], ''],
      [validFromWebview[8], ['line'], -1],
      [validFromWebview[8], ['uri'], null],
    ];
    for (const [message, path, replacement] of malformed) {
      const bad = altered(message, path, replacement);
      assert.equal(isFromWebview(bad), false, `${message.type} with ${path.join('.')} = ${String(replacement)}`);
    }
  });

  it('rejects malformed host messages field by field', () => {
    const malformed: [ToWebview, (string | number)[], unknown][] = [
      [validToWebview[0], ['settings', 'seed'], 3],
      [validToWebview[1], ['status', 'state'], 'done'],
      [validToWebview[1], ['status', 'ngrams', 1], -4],
      [validToWebview[1], ['status', 'estimator'], 'witten-bell'],
      [validToWebview[3], ['status', 'progress', 'total'], 'all'],
      [validToWebview[4], ['context', 'line'], -1],
      [validToWebview[6], ['prediction', 'candidates', 0, 'word'], null],
      [validToWebview[6], ['prediction', 'candidates', 1, 'probability'], -0.5],
      [validToWebview[6], ['prediction', 'others'], undefined],
      [validToWebview[6], ['prediction', 'chosen', 'rank'], -2],
      [validToWebview[6], ['prediction', 'histogram', 'counts'], [1, 'two']],
      [validToWebview[8], ['prediction', 'rest', 'words'], [5, 20]],
      [validToWebview[8], ['prediction', 'rest', 'words', 1], 0],
      [validToWebview[8], ['prediction', 'rest', 'words', 1], 2.5],
      [validToWebview[8], ['prediction', 'rest', 'probabilities', 0], 0],
      [validToWebview[8], ['prediction', 'rest', 'probabilities', 0], Number.NaN],
      [validToWebview[8], ['prediction', 'rest', 'approximate'], 'no'],
      [validToWebview[8], ['prediction', 'rest'], null],
      [validToWebview[9], ['loop'], { start: 0 }],
      [validToWebview[9], ['tokens', 0], 1],
      [validToWebview[11], ['message'], undefined],
      [validToWebview[12], ['prediction', 'candidates', 0, 'parts', 'base'], 1.5],
      [validToWebview[12], ['prediction', 'mixture', 'weight'], 2],
      [validToWebview[12], ['prediction', 'mixture', 'others', 'base'], -1],
      [validToWebview[12], ['prediction', 'mixture', 'source'], 7],
      [validToWebview[13], ['status', 'baseModel', 'state'], 'done'],
      [validToWebview[13], ['status', 'baseModel', 'mixed'], 'yes'],
      [validToWebview[13], ['status', 'baseModel', 'ngrams', 0], -1],
      [validToWebview[14], ['status', 'baseModel', 'progress', 'done'], 'half'],
      [validToWebview[15], ['status', 'baseModel', 'message'], undefined],
      [explanation, ['explanation', 'columns', 0, 'estimator', 'name'], 'witten-bell'],
      [explanation, ['explanation', 'columns', 0, 'words', 0, 'levels', 0, 'discount'], Number.NaN],
      [explanation, ['explanation', 'columns', 0, 'context'], 'people like'],
      [explanation, ['explanation', 'longestMatch', 'lambda'], -1],
      [explanation, ['explanation', 'longestMatch', 'kneserNey', 'total'], undefined],
      [evidence, ['evidence', 'occurrences', 0, 'line'], 'three'],
      [evidence, ['evidence', 'count'], -2],
    ];
    for (const [message, path, replacement] of malformed) {
      const bad = altered(message, path, replacement);
      assert.equal(isToWebview(bad), false, `${message.type} with ${path.join('.')} = ${JSON.stringify(replacement)}`);
    }
  });

  it('checks the bootstrap data attribute like a message', () => {
    assert.ok(isPanelBootstrap({ settings: { temperature: 1, topK: 0, topP: 1, seed: '' }, status }));
    assert.equal(isPanelBootstrap({ settings: { temperature: 1 }, status: null }), false);
  });

  it('restores a saved panel state only when it has the right shape', () => {
    const saved = { ...DEFAULT_PANEL_STATE, step: 'sampling', seed: '7', people: ['both', 'neither'] };
    assert.deepEqual(restorePanelState(saved, ''), saved);
    assert.deepEqual(restorePanelState({ ...saved, step: 'step-9' }, 'abc'), { ...DEFAULT_PANEL_STATE, seed: 'abc' });
    assert.deepEqual(restorePanelState({ ...saved, people: ['tennis', 'golf'] }, ''), DEFAULT_PANEL_STATE);
    assert.deepEqual(restorePanelState(undefined, ''), DEFAULT_PANEL_STATE);
  });
});
