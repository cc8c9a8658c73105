import * as assert from 'node:assert/strict';
import { findRepetition } from '../../../src/core/decoding';
import { firstRepeatedState, loopRepeats, markLoop } from '../../../webview/loop';

describe('webview greedy loop marking', () => {
  const tokens = 'we count the model is the model is the model is the'.split(' ');

  it('marks the tokens of each lap of the loop the core finds', () => {
    const repetition = findRepetition(tokens);
    assert.ok(repetition);
    const loop = { start: repetition.start, length: repetition.period };
    const marked = markLoop(tokens, loop);
    assert.deepEqual(
      marked.map((m) => m.lap),
      tokens.map((_t, i) => (i < loop.start ? null : Math.floor((i - loop.start) / loop.length))),
    );
    // Every lap starts with the same token.
    const lapStarts = marked.filter((m) => m.startsLap).map((m) => m.token);
    assert.ok(lapStarts.length >= 2);
    assert.ok(lapStarts.every((token) => token === lapStarts[0]));
    assert.equal(loopRepeats(tokens, loop), (tokens.length - loop.start) / loop.length);
  });

  it('marks nothing when there is no loop', () => {
    const marked = markLoop(['a', 'b', 'c'], null);
    assert.ok(marked.every((m) => m.lap === null && !m.startsLap));
  });

  it('finds where a step comes back to an earlier step\'s state (one word at a time)', () => {
    assert.equal(firstRepeatedState([]), null);
    assert.equal(firstRepeatedState(['a', 'b', 'c']), null);
    assert.deepEqual(firstRepeatedState(['a', 'b', 'c', 'b', 'c', 'b']), { from: 1, at: 3 });
  });
});
