// Mocha's spec output for people, plus the counts as JSON for scripts/test-all.mjs: the file named by
// NEXT_WORD_LAB_RESULTS_FILE receives a LayerResults when the run ends. Used by every mocha layer,
// including the integration suite inside the extension host.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export const RESULTS_FILE_ENV = 'NEXT_WORD_LAB_RESULTS_FILE';

export interface LayerResults {
  passed: number;
  /** Failed tests and failed hooks, as mocha counts them. */
  failed: number;
  pending: number;
  /** Full titles of what failed, so the runner can list them at the end. */
  failures: string[];
}

export default class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const failures: string[] = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Runnable) => failures.push(test.fullTitle()));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env[RESULTS_FILE_ENV];
      if (!file) return;
      const results: LayerResults = {
        passed: this.stats.passes,
        failed: this.stats.failures,
        pending: this.stats.pending,
        failures,
      };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    });
  }
}
