// The fuzz targets (targets.ts) in npm test: a few hundred hostile cases each, every run with a fresh
// seed (fast-check prints the seed and the shrunk input of a failure). npm run soak runs the same
// properties for ≥ 100,000 cases each.
import assert from 'node:assert/strict';
import { CASE_TIME_LIMIT_MS } from './fuzzing';
import { targets } from './targets';

/** Cases per target here; with about a dozen targets, several thousand in all. */
const CASES_PER_TARGET = 500;

describe('fuzzing: every parser and boundary that takes outside input', () => {
  for (const target of targets) {
    it(`${target.name}: ${CASES_PER_TARGET} cases`, async function () {
      // Each case must end within CASE_TIME_LIMIT_MS (asserted per case); the run as a whole, no sooner.
      this.timeout(CASES_PER_TARGET * CASE_TIME_LIMIT_MS);
      const tally = await target.run(CASES_PER_TARGET);
      assert.equal(tally.cases, CASES_PER_TARGET);
      for (const outcome of target.expects) {
        assert.ok(tally.count(outcome) > 0, `no case ended "${outcome}…": ${JSON.stringify([...tally.outcomes])}`);
      }
    });
  }
});
