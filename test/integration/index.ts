// The suite index the extension host loads (extensionTestsPath): runs every compiled
// dist/test/integration/*.test.js (or, with NEXT_WORD_LAB_SUITE=multi-root, *.multi-root.js, the suite
// runTests.mjs runs in a two-folder workspace) with mocha's BDD interface (describe/it, as in test/unit), inside the
// real VS Code, then prints one "SUMMARY N passed, N failed" line for the launcher to re-print.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import SummaryReporter from '../../scripts/testing/summaryReporter';

const TEST_TIMEOUT_MS = 60_000;

export function run(): Promise<void> {
  // NEXT_WORD_LAB_GREP runs only the tests whose title matches (while working on one of them).
  const grep = process.env.NEXT_WORD_LAB_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: SummaryReporter, color: false, timeout: TEST_TIMEOUT_MS, ...(grep ? { grep } : {}) });
  // esbuild writes this index and the compiled tests side by side.
  const suffix = process.env.NEXT_WORD_LAB_SUITE === 'multi-root' ? '.multi-root.js' : '.test.js';
  for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith(suffix)).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`SUMMARY ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
