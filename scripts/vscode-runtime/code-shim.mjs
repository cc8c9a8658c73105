#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// Desktop VS Code cannot be downloaded here, so this accepts the desktop flags runTests passes, starts
// code-server (the real VS Code server and web workbench) on 127.0.0.1, opens the workbench in headless
// Chromium with the extension and its test suite in the `payload` query, and exits with the suite's code.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import {
  chromiumLaunchOptions, linkExtensionUnderDevelopment, makeStateDir, startCodeServer, workbenchUrl, writeUserSettings,
} from './code-server.mjs';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
// The workbench's own chatter (connection set-up, offline gallery lookups); never the tests' output.
const WORKBENCH_NOISE = /open-vsx|ENOTFOUND|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|status of 404|Content Security Policy|connection token|Creating a socket|builtin extensions cache|\[Service Worker\]|ChatSessionStore/;

/** The desktop flags the shim honours; the rest (--no-sandbox, --skip-welcome, …) mean nothing to code-server. */
function parseArgs(argv) {
  const values = (name) => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  return {
    extensionDevelopmentPath: values('extensionDevelopmentPath')[0],
    extensionTestsPath: values('extensionTestsPath')[0],
    userDataDir: values('user-data-dir')[0],
    extensionsDir: values('extensions-dir')[0],
    folder: argv.find((a) => !a.startsWith('--')),
  };
}

/**
 * The text of a page console message. The extension host's console (mocha's reporter included) reaches
 * the page through VS Code's logger as ("%c INFO", "color: …", format, ...args); drop the styled level
 * and apply the format as Node would have.
 */
async function consoleText(message) {
  const values = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
  if (typeof values[0] === 'string' && /^%c\s*[A-Z]+$/.test(values[0]) && typeof values[1] === 'string') values.splice(0, 2);
  return values.length > 0 ? format(...values) : message.text();
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.extensionTestsPath || !options.extensionDevelopmentPath) {
    throw new Error('usage: code-shim.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=MODULE [--user-data-dir=DIR] [--extensions-dir=DIR] [FOLDER]');
  }
  // Ctrl+C (runTests forwards it as SIGINT) still goes through the clean-up, which stops code-server.
  const interrupted = new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => resolve(signal));
  });
  const stateDir = makeStateDir('nwl-shim-');
  if (!options.userDataDir) writeUserSettings(path.join(stateDir, 'user-data'));
  const log = (line) => console.log(`[shim] ${line}`);
  const server = await startCodeServer({ stateDir, userDataDir: options.userDataDir, extensionsDir: options.extensionsDir, log });
  let context;
  try {
    log(`code-server pid ${server.pid} on ${server.baseUrl}, log ${path.join(stateDir, 'code-server.log')}`);
    context = await chromium.launchPersistentContext(path.join(stateDir, 'chromium'), {
      ...chromiumLaunchOptions(stateDir),
      // Playwright would exit on these at once and leave code-server running; the shim stops both.
      handleSIGINT: false,
      handleSIGTERM: false,
    });
    const page = context.pages()[0] ?? await context.newPage();
    // The workbench calls window.codeAutomationExit(code) once the extension host's run() settles.
    const exitCode = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    // Logs and errors are the tests' output; warnings are kept to explain a suite that never reported.
    const warnings = [];
    let suiteReported = false;
    let printed = Promise.resolve();
    page.on('console', (message) => {
      printed = printed.then(async () => {
        const text = await consoleText(message);
        if (text.trim() === '' || WORKBENCH_NOISE.test(text)) return;
        if (/^SUMMARY \d+ passed, \d+ failed/m.test(text)) suiteReported = true;
        if (['log', 'info', 'error'].includes(message.type())) console.log(text);
        else warnings.push(`[workbench ${message.type()}] ${text}`);
      });
    });
    page.on('pageerror', (error) => warnings.push(`[workbench pageerror] ${error.message}`));

    const url = workbenchUrl(server.baseUrl, {
      folder: options.folder,
      extensionDevelopmentPath: linkExtensionUnderDevelopment(stateDir, options.extensionDevelopmentPath),
      extensionTestsPath: options.extensionTestsPath,
    });
    log(`opening ${url}`);
    await page.goto(url);
    const timeoutMs = Number(process.env.NEXT_WORD_LAB_TEST_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
    let timer;
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const result = await Promise.race([exitCode, timedOut, interrupted]);
    clearTimeout(timer);
    await printed;
    if (result === 'timeout') log(`the test suite did not finish within ${timeoutMs / 1000} s`);
    if (typeof result === 'string' && result !== 'timeout') log(`${result}: stopping`);
    const code = typeof result === 'number' ? result : 1;
    if (!suiteReported || process.env.NEXT_WORD_LAB_VERBOSE) {
      for (const line of warnings.slice(-40)) console.log(line);
    }
    return code;
  } finally {
    await context?.close().catch(() => {});
    await server.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[shim] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
