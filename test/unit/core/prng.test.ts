import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createRandom, cyrb128, randomSeed } from '../../../src/core/prng';

function draws(seed: number | string, count: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random());
}

describe('prng', () => {
  it('repeats the same draws for the same seed, numbers and strings alike', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (seed) => {
        assert.deepEqual(draws(seed, 20), draws(seed, 20));
      }),
    );
    assert.deepEqual(draws(42, 10), draws('42', 10));
  });

  it('gives different sequences for different seeds', () => {
    assert.notDeepEqual(draws('a', 5), draws('b', 5));
    assert.notDeepEqual(draws(1, 5), draws(2, 5));
    assert.notDeepEqual(draws('', 5), draws(' ', 5));
  });

  it('draws in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        for (const x of draws(seed, 200)) assert.ok(x >= 0 && x < 1, `${x} out of range`);
      }),
    );
  });

  it('is uniform: a chi-square test over 20 bins stays under the 0.999 quantile', () => {
    const bins = 20;
    const n = 200_000;
    const counts = new Array<number>(bins).fill(0);
    for (const x of draws('uniformity', n)) counts[Math.floor(x * bins)]++;
    const expected = n / bins;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // The 0.999 quantile of chi-square with 19 degrees of freedom is 43.82.
    assert.ok(chiSquare < 43.82, `chi-square ${chiSquare}`);
  });

  it('hashes strings into four 32-bit words that change with every character', () => {
    const words = cyrb128('next word');
    assert.equal(words.length, 4);
    for (const w of words) assert.ok(Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    assert.notDeepEqual(cyrb128('next word'), cyrb128('next words'));
  });

  it('makes fresh seeds that differ', () => {
    const seeds = new Set(Array.from({ length: 50 }, randomSeed));
    assert.equal(seeds.size, 50);
  });
});
