// The fuzz targets (targets.ts) in npm test: a few hundred hostile cases each, every run with a fresh
// seed (fast-check prints the seed and the shrunk input of a failure). npm run soak runs the same
// properties for ≥ 100,000 cases each.
import assert from 'node:assert/strict';
import { targets } from './targets';

/** Cases per target here; with about a dozen targets, several thousand in all. */
const CASES_PER_TARGET = 500;

describe('fuzzing: every parser and boundary that takes outside input', () => {
  for (const target of targets) {
    it(`${target.name}: ${CASES_PER_TARGET} cases`, async () => {
      const tally = await target.run(CASES_PER_TARGET);
      assert.equal(tally.cases, CASES_PER_TARGET);
      for (const outcome of target.expects) {
        assert.ok(tally.count(outcome) > 0, `no case ended "${outcome}…": ${JSON.stringify([...tally.outcomes])}`);
      }
    });
  }
});
