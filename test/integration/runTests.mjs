// Runs the integration suite inside a real VS Code extension host with @vscode/test-electron's runTests.
// Here the "VS Code executable" is scripts/vscode-runtime/code-shim.mjs (code-server 4.100.3 = VS Code
// 1.100.3 in headless Chromium); NEXT_WORD_LAB_DESKTOP=1 lets runTests download desktop VS Code instead.
// Extra user settings for the run: NEXT_WORD_LAB_SETTINGS='{"nextWordLab.order": 2}'.
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
const workspace = path.join(root, 'test', 'fixtures', 'workspace');
const resultsFile = path.resolve(process.env.NEXT_WORD_LAB_RESULTS_FILE || path.join(root, 'test-results', 'integration.json'));

function readResults() {
  try {
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main() {
  if (!fs.existsSync(`${suiteIndex}.js`)) {
    throw new Error(`${path.relative(root, suiteIndex)}.js is missing: build first (node esbuild.mjs)`);
  }
  const extraSettings = process.env.NEXT_WORD_LAB_SETTINGS ? JSON.parse(process.env.NEXT_WORD_LAB_SETTINGS) : {};
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-integration-'));
  const userDataDir = path.join(profile, 'user-data');
  writeUserSettings(userDataDir, extraSettings);
  fs.rmSync(resultsFile, { force: true });
  try {
    await runTests({
      ...(desktop ? { version: DESKTOP_VERSION } : { vscodeExecutablePath: shimPath() }),
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteIndex,
      // A fresh profile each run, so no setting or state leaks between runs.
      launchArgs: [workspace, `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(profile, 'extensions')}`, '--disable-extensions'],
      extensionTestsEnv: { NEXT_WORD_LAB_RESULTS_FILE: resultsFile },
    });
  } catch {
    // runTests rejects on a non-zero exit; the counts below (or their absence) say why.
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const results = readResults();
  if (!results) {
    console.log('integration: the suite did not report results (it did not start or crashed)');
    return 1;
  }
  console.log(`integration: ${results.passed} passed, ${results.failed} failed`);
  return results.failed === 0 ? 0 : 1;
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
