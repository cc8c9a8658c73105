import { strict as assert } from 'node:assert';
import { boundedContext, MAX_CONTEXT_CHARS, MAX_CONTEXT_LINES } from '../../../src/protocol/lsp';
import { answeringName } from '../../../src/protocol/wording';

describe('the context a prediction reads', () => {
  it('is bounded to the last lines and characters, and starts at a line start', () => {
    const lines = Array.from({ length: MAX_CONTEXT_LINES + 3 }, (_, i) => `line ${i}`);
    assert.equal(boundedContext(lines.join('\n')), lines.slice(3).join('\n'));
    assert.equal(boundedContext('a\r\nb'), 'a\r\nb');
    // A line the character bound cuts is left out whole: its words would read as a line start.
    const long = `${'x'.repeat(MAX_CONTEXT_CHARS)}\nthe cat\nsat`;
    assert.equal(boundedContext(long), 'the cat\nsat');
    const crlf = `${'x'.repeat(MAX_CONTEXT_CHARS)}\r\nthe cat`;
    assert.equal(boundedContext(crlf), 'the cat');
    // Cut exactly at a line start: nothing to leave out.
    const atStart = `${'x'.repeat(10)}\n${'y'.repeat(MAX_CONTEXT_CHARS - 4)}\nab`;
    assert.equal(boundedContext(atStart), `${'y'.repeat(MAX_CONTEXT_CHARS - 4)}\nab`);
    // The cursor's own line, longer than the bound, keeps its end.
    assert.equal(boundedContext('z'.repeat(MAX_CONTEXT_CHARS + 5)), 'z'.repeat(MAX_CONTEXT_CHARS));
  });

  it('names what answered as the estimator reads it: a context of any length, or an n-gram', () => {
    assert.equal(answeringName('longest-match', 10), '9-token context');
    assert.equal(answeringName('longest-match', 2), '1-token context');
    assert.equal(answeringName('longest-match', 1), 'no context');
    assert.equal(answeringName('kneser-ney', 3), '3-gram');
    assert.equal(answeringName('mle', 1), '1-gram');
  });
});
