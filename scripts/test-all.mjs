#!/usr/bin/env node
// `npm test`: build, type-check and lint (each stops the run on failure), then every test layer: unit +
// server (mocha), integration (mocha inside a real VS Code extension host), e2e (a real browser on the
// real workbench, with the extension installed from the .vsix that `npm run package` builds first, as
// users get it). Each mocha layer reports its counts as JSON (scripts/testing/summaryReporter.ts);
// the last line printed is always the totals, "N passed, N failed". A step or layer that cannot run
// counts as one failure, so a broken run never ends in "0 failed".
//   node scripts/test-all.mjs                 everything
//   node scripts/test-all.mjs unit e2e        build, then only those layers
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vsixPath } from './package.mjs';
import { ensureSystemPackages } from './system-packages.mjs';
import { chromiumPath } from './vscode-runtime/code-server.mjs';
import { ensureCodeServer } from './vscode-runtime/install.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const resultsDir = path.join(root, 'test-results');
const REPORTER = 'scripts/testing/summaryReporter.ts';
const E2E_TIMEOUT_MS = 300_000;

/** Each layer: the command that runs it; it writes its counts to the file in NEXT_WORD_LAB_RESULTS_FILE. */
const LAYERS = {
  // needsVSCode: the keybinding test reads VS Code's own defaults from the test VS Code.
  unit: { needsVSCode: true, command: [bin('mocha'), '--reporter', REPORTER] }, // test/unit + test/server, from .mocharc.json
  integration: { needsVSCode: true, command: [process.execPath, 'test/integration/runTests.mjs'] },
  e2e: {
    needsVSCode: true,
    // The harness installs this package (built by the `package` step) instead of loading the source tree.
    env: { NEXT_WORD_LAB_VSIX: vsixPath() },
    command: [bin('mocha'), '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', String(E2E_TIMEOUT_MS),
      '--reporter', REPORTER, 'test/e2e/**/*.e2e.ts'],
  },
};

const rows = [];
const failures = [];
let passed = 0;
let failed = 0;

function run(command, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => {
      console.error(`cannot start ${command[0]}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function banner(name) {
  console.log(`\n━━━ ${name} ━━━`);
}

const seconds = (started) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** A step that must pass before any test runs (build, typecheck, lint, the test VS Code). */
async function gate(name, action) {
  banner(name);
  const started = Date.now();
  let ok;
  try {
    ok = await action();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    ok = false;
  }
  rows.push([name, ok ? 'ok' : 'FAILED', seconds(started)]);
  if (!ok) {
    failed += 1;
    failures.push(`${name} failed`);
  }
  return ok;
}

async function layer(name, { command, env }) {
  banner(name);
  const started = Date.now();
  const resultsFile = path.join(resultsDir, `${name}.json`);
  fs.rmSync(resultsFile, { force: true });
  const code = await run(command, { ...env, NEXT_WORD_LAB_RESULTS_FILE: resultsFile });
  let results;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    results = undefined;
  }
  if (!results) {
    rows.push([name, `could not run (exit ${code})`, seconds(started)]);
    failed += 1;
    failures.push(`${name}: the layer did not report results (exit ${code})`);
    return;
  }
  passed += results.passed;
  failed += results.failed;
  failures.push(...results.failures.map((title) => `${name}: ${title}`));
  let status = `${results.passed} passed, ${results.failed} failed${results.pending ? `, ${results.pending} pending` : ''}`;
  if (code !== 0 && results.failed === 0) {
    // Every test passed yet the process failed (a crash after the run): still a failure.
    failed += 1;
    failures.push(`${name}: exited with code ${code} after its tests passed`);
    status += `, exit ${code}`;
  }
  rows.push([name, status, seconds(started)]);
}

function finish() {
  banner('summary');
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, status, time] of rows) console.log(`${name.padEnd(width)}  ${status.padEnd(34)} ${time}`);
  if (failures.length > 0) {
    console.log('\nfailed:');
    for (const failure of failures) console.log(`  - ${failure}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in LAYERS));
  if (unknown.length > 0) {
    console.error(`unknown layer(s): ${unknown.join(', ')}; choose from ${Object.keys(LAYERS).join(', ')}`);
    process.exit(2);
  }
  const layers = requested.length > 0 ? requested : Object.keys(LAYERS);
  const everything = requested.length === 0;
  const started = Date.now();

  const gates = [
    ['build', async () => {
      // The integration index runs every compiled *.test.js: start from no stale ones.
      fs.rmSync(path.join(root, 'dist', 'test'), { recursive: true, force: true });
      return await run([process.execPath, 'esbuild.mjs']) === 0;
    }],
    ...(everything ? [
      ['typecheck', async () => await run([process.execPath, 'scripts/typecheck.mjs']) === 0],
      ['lint', async () => await run([bin('eslint'), '.']) === 0],
    ] : []),
    ...(layers.includes('e2e') ? [
      ['package', async () => await run([process.execPath, 'scripts/package.mjs']) === 0],
    ] : []),
    ...(layers.some((name) => LAYERS[name].needsVSCode) ? [
      ['vscode runtime', async () => {
        // On a fresh Debian machine: installs Chromium, ripgrep, the Kerberos headers … (or says how).
        ensureSystemPackages();
        chromiumPath();
        ensureCodeServer();
        return true;
      }],
    ] : []),
  ];
  for (const [name, action] of gates) {
    if (!await gate(name, action)) {
      rows.push(['(stopped)', `after ${seconds(started)}`, '']);
      finish();
    }
  }
  for (const name of layers) await layer(name, LAYERS[name]);
  rows.push(['total', '', seconds(started)]);
  finish();
}

await main();
