// Crafted and malformed messages from the webview, as a compromised or buggy page could post them:
// the host's validator (what VisualizerPanel.receive applies before acting) refuses every one, and
// the few things a well-formed message can ask for stay within their limits. The fuzz target in
// test/unit/fuzz covers arbitrary values; these are the attacks worth naming.

import assert from 'node:assert/strict';
import { MAX_DRAWS } from '../../../src/protocol/limits';
import { MAX_GENERATE_LENGTH, MAX_TEXT_LENGTH, isFromWebview, isToWebview } from '../../../src/protocol/webview';
import { DEFAULT_PANEL_STATE, restorePanelState } from '../../../webview/panelState';

const predict = { type: 'predict', requestId: 1, text: 'the cat', sampling: null };
const sampling = { temperature: 1, topK: 0, topP: 1, seed: '', draws: 10 };
const generate = { type: 'generate', requestId: 2, text: 'the', length: 10, mode: 'greedy', temperature: 1, seed: '' };

const crafted: [string, unknown][] = [
  ['an unknown type', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
  ['a type from Object.prototype', { type: 'constructor' }],
  ['a __proto__ type', JSON.parse('{"type":"__proto__"}')],
  ['a hasOwnProperty type', { type: 'hasOwnProperty' }],
  ['a type that is not a string', { type: ['ready'] }],
  ['a message that is an array', [{ type: 'ready' }]],
  ['a message that is a string', 'ready'],
  ['a host → webview message sent back', { type: 'requestFailed', requestId: 1, message: 'x' }],
  ['text longer than the limit (a memory or CPU bomb)', { ...predict, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
  ['a histogram of more draws than allowed', { ...predict, sampling: { ...sampling, draws: MAX_DRAWS + 1 } }],
  ['draws given as 1e308', { ...predict, sampling: { ...sampling, draws: 1e308 } }],
  ['a seed longer than the limit', { ...predict, sampling: { ...sampling, seed: 's'.repeat(MAX_TEXT_LENGTH + 1) } }],
  ['a NaN temperature (JSON cannot carry it, a structured clone can)', { ...predict, sampling: { ...sampling, temperature: NaN } }],
  ['an infinite temperature', { type: 'setTemperature', temperature: Infinity }],
  ['a negative temperature', { type: 'setTemperature', temperature: -1 }],
  ['a temperature as a string', { type: 'setTemperature', temperature: '0.5' }],
  ['a temperature as an object with valueOf', { type: 'setTemperature', temperature: { valueOf: () => 1 } }],
  ['a generation longer than allowed', { ...generate, length: MAX_GENERATE_LENGTH + 1 }],
  ['a generation of 0 tokens', { ...generate, length: 0 }],
  ['an unknown generation mode', { ...generate, mode: 'eval' }],
  ['a fractional request id', { ...predict, requestId: 1.5 }],
  ['a request id past 2^53', { ...predict, requestId: 2 ** 53 }],
  ['an empty insertion', { type: 'insert', word: '', context: '' }],
  ['an insertion longer than the limit', { type: 'insert', word: 'x'.repeat(MAX_TEXT_LENGTH + 1), context: '' }],
  ['an insertion that is not text', { type: 'insert', word: { toString: () => 'rm -rf /' }, context: '' }],
  ['an insertion without its context', { type: 'insert', word: 'cat' }],
  ['null', null],
  ['undefined', undefined],
];

describe('security: messages from the webview', () => {
  for (const [what, message] of crafted) {
    it(`refuses ${what}`, () => {
      assert.equal(isFromWebview(message), false);
    });
  }

  it('accepts the same messages when well formed (the refusals above are about the flaw, not the message)', () => {
    for (const message of [
      predict,
      { ...predict, sampling },
      { ...predict, text: 'x'.repeat(MAX_TEXT_LENGTH), sampling: { ...sampling, draws: MAX_DRAWS } },
      generate,
      { ...generate, length: MAX_GENERATE_LENGTH, mode: 'sample' },
      { type: 'insert', word: 'cat', context: 'the' },
      { type: 'setTemperature', temperature: 0 },
      { type: 'ready' },
    ]) {
      assert.equal(isFromWebview(message), true, JSON.stringify(message));
    }
  });

  it('a message carrying __proto__ is judged on its own fields and pollutes nothing', () => {
    const message: unknown = JSON.parse('{"type":"setTemperature","temperature":1,"__proto__":{"polluted":true,"type":"ready"}}');
    assert.equal(isFromWebview(message), true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const disguised: unknown = JSON.parse('{"__proto__":{"type":"ready"}}');
    assert.equal(isFromWebview(disguised), false, 'a type inside a "__proto__" key is not the message’s type');
  });

  it('the webview applies the same care to what the host sends and to the state it restores', () => {
    assert.equal(isToWebview({ type: 'prediction', requestId: 1, prediction: { text: '<img src=x onerror=alert(1)>' } }), false);
    const crafted = { ...DEFAULT_PANEL_STATE, step: 'javascript:alert(1)' };
    assert.deepEqual(restorePanelState(crafted, 'seed'), { ...DEFAULT_PANEL_STATE, seed: 'seed' });
    assert.deepEqual(restorePanelState(JSON.parse('{"__proto__":{"step":"model"}}'), ''), DEFAULT_PANEL_STATE);
  });
});
