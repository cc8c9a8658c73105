import * as assert from 'node:assert/strict';
import type { CandidateView } from '../../../src/protocol/webview';
import { addHistograms, binHistogram, histogramGap } from '../../../webview/histogram';

const candidate = (word: string, weight: number): CandidateView => ({
  word,
  probability: weight,
  weight,
  count: 1,
  contextCount: 1,
  order: 2,
  insertText: ` ${word}`,
});

describe('webview histogram binning', () => {
  const candidates = [candidate('a', 0.5), candidate('b', 0.2), candidate('c', 0.1), candidate('d', 0.05)];

  it('gives each shown word its own bin and gathers later candidates and the others in one', () => {
    const bins = binHistogram({ counts: [480, 210, 90, 60], others: 160, draws: 1000 }, candidates, 0.15, 2);
    assert.deepEqual(
      bins.map((bin) => [bin.word, bin.draws]),
      [['a', 480], ['b', 210], [null, 90 + 60 + 160]],
    );
    assert.equal(bins.reduce((sum, bin) => sum + bin.draws, 0), 1000);
    assert.ok(Math.abs(bins[2].expected - (0.1 + 0.05 + 0.15)) < 1e-12);
    assert.equal(bins[0].frequency, 0.48);
    assert.equal(bins[2].frequency, 0.31);
  });

  it('keeps the expected chances summing to 1 like the draws', () => {
    const bins = binHistogram({ counts: [5, 3, 1, 1], others: 0, draws: 10 }, candidates, 0.15, 3);
    assert.ok(Math.abs(bins.reduce((sum, bin) => sum + bin.expected, 0) - 1) < 1e-12);
    assert.ok(Math.abs(bins.reduce((sum, bin) => sum + bin.frequency, 0) - 1) < 1e-12);
  });

  it('has no "other" bin when nothing else could be drawn', () => {
    const two = [candidate('x', 0.75), candidate('y', 0.25)];
    const bins = binHistogram({ counts: [7, 3], others: 0, draws: 10 }, two, 0, 5);
    assert.deepEqual(bins.map((bin) => bin.word), ['x', 'y']);
  });

  it('reports zero frequencies, not NaN, before any draw', () => {
    const bins = binHistogram({ counts: [0, 0, 0, 0], others: 0, draws: 0 }, candidates, 0.15, 2);
    assert.ok(bins.every((bin) => bin.frequency === 0));
  });

  it('adds batches of draws up, and measures the gap to the chances as the total variation distance', () => {
    const one = { counts: [1, 0, 0, 0], others: 0, draws: 1 };
    const nine = { counts: [4, 2, 1, 0], others: 2, draws: 9 };
    assert.equal(addHistograms(null, one), one);
    const ten = addHistograms(one, nine);
    assert.deepEqual(ten, { counts: [5, 2, 1, 0], others: 2, draws: 10 });
    // One draw on "a": shares 1, 0, 0, 0, 0 against chances 0.5, 0.2, 0.1, 0.05, 0.15: gap = 0.5.
    assert.ok(Math.abs(histogramGap(binHistogram(one, candidates, 0.15, 4)) - 0.5) < 1e-12);
    // Ten draws: |0.5−0.5| + |0.2−0.2| + |0.1−0.1| + |0−0.05| + |0.2−0.15| = 0.1, halved.
    assert.ok(Math.abs(histogramGap(binHistogram(ten, candidates, 0.15, 4)) - 0.05) < 1e-12);
  });
});
