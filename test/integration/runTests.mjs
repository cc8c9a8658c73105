// Runs the integration suite inside a real VS Code extension host with @vscode/test-electron's runTests.
// Here the "VS Code executable" is scripts/vscode-runtime/code-shim.mjs (code-server 4.100.3 = VS Code
// 1.100.3 in headless Chromium); NEXT_WORD_LAB_DESKTOP=1 lets runTests download desktop VS Code instead.
// Extra user settings for the run: NEXT_WORD_LAB_SETTINGS='{"nextWordLab.order": 2}'.
// Two runs: the suite (*.test.ts) on the fixture folder, then *.multi-root.ts on a two-folder workspace
// (per-folder settings); their counts are added up.
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeUserSettings } from '../../scripts/vscode-runtime/code-server.mjs';
import { ensureCodeServer } from '../../scripts/vscode-runtime/install.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DESKTOP_VERSION = '1.100.3';
const desktop = process.env.NEXT_WORD_LAB_DESKTOP === '1';
const suiteIndex = path.join(root, 'dist', 'test', 'integration', 'index');
const SUITES = [
  { name: 'main', workspace: path.join(root, 'test', 'fixtures', 'workspace') },
  { name: 'multi-root', workspace: path.join(root, 'test', 'fixtures', 'multi-root', 'multi-root.code-workspace') },
];
const resultsFile = path.resolve(process.env.NEXT_WORD_LAB_RESULTS_FILE || path.join(root, 'test-results', 'integration.json'));

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main() {
  if (!fs.existsSync(`${suiteIndex}.js`)) {
    throw new Error(`${path.relative(root, suiteIndex)}.js is missing: build first (node esbuild.mjs)`);
  }
  fs.rmSync(resultsFile, { force: true });
  const total = { passed: 0, failed: 0, pending: 0, failures: [] };
  for (const suite of SUITES) {
    const results = await runSuite(suite);
    if (!results) {
      console.log(`integration (${suite.name}): the suite did not report results (it did not start or crashed)`);
      return 1;
    }
    total.passed += results.passed;
    total.failed += results.failed;
    total.pending += results.pending ?? 0;
    total.failures.push(...results.failures);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(total));
  console.log(`integration: ${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 ? 0 : 1;
}

/** One launch of VS Code on the suite's workspace; resolves to its counts (undefined if it never reported). */
async function runSuite(suite) {
  const extraSettings = process.env.NEXT_WORD_LAB_SETTINGS ? JSON.parse(process.env.NEXT_WORD_LAB_SETTINGS) : {};
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-integration-'));
  const userDataDir = path.join(profile, 'user-data');
  const suiteResults = path.join(profile, 'results.json');
  writeUserSettings(userDataDir, extraSettings);
  try {
    await runTests({
      ...(desktop ? { version: DESKTOP_VERSION } : { vscodeExecutablePath: shimPath() }),
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteIndex,
      // A fresh profile each run, so no setting or state leaks between runs.
      launchArgs: [suite.workspace, `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(profile, 'extensions')}`, '--disable-extensions'],
      extensionTestsEnv: { NEXT_WORD_LAB_RESULTS_FILE: suiteResults, NEXT_WORD_LAB_SUITE: suite.name },
    });
  } catch {
    // runTests rejects on a non-zero exit; the counts (or their absence) say why.
  }
  const results = readResults(suiteResults);
  fs.rmSync(profile, { recursive: true, force: true });
  return results;
}

function shimPath() {
  ensureCodeServer();
  return path.join(root, 'scripts', 'vscode-runtime', 'code-shim.mjs');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`integration: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
