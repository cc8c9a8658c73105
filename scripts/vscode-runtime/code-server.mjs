// Starting and stopping the test VS Code (code-server) and the headless Chromium that opens its
// workbench. Shared by the integration launcher's shim, the browser e2e harness and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { codeServerCommand, ensureCodeServer } from './install.mjs';

/**
 * Settings every run starts from: no telemetry, no welcome page, no update or gallery checks, and no
 * "open the repository in the parent folder?" toast (the workspaces live inside this repository).
 */
const BASE_USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/** Flags headless Chromium needs in a container; playwright refuses `--user-data-dir` here. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium, or the one NEXT_WORD_LAB_CHROMIUM names; throws with how to get one. */
export function chromiumPath() {
  const configured = process.env.NEXT_WORD_LAB_CHROMIUM;
  const candidate = configured || '/usr/bin/chromium';
  if (fs.existsSync(candidate)) return candidate;
  throw new Error(configured
    ? `NEXT_WORD_LAB_CHROMIUM=${configured} does not exist`
    : 'Chromium not found at /usr/bin/chromium: install Debian chromium (apt-get install -y chromium), or set NEXT_WORD_LAB_CHROMIUM=/path/to/chromium');
}

/**
 * Options for playwright's `chromium.launchPersistentContext(path.join(stateDir, 'chromium'), …)`:
 * headless Debian Chromium, with its crash reports and caches under `stateDir` instead of the home folder.
 */
export function chromiumLaunchOptions(stateDir) {
  return {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'), XDG_CACHE_HOME: path.join(stateDir, 'xdg-cache') },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Writes `<userDataDir>/User/settings.json`, the user settings code-server (and desktop VS Code) read. */
export function writeUserSettings(userDataDir, settings = {}) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.writeFileSync(file, `${JSON.stringify({ ...BASE_USER_SETTINGS, ...settings }, null, 2)}\n`);
  return file;
}

/**
 * Installs a .vsix into an extensions folder with code-server's own CLI (the release check runs the
 * packaged extension rather than the source tree).
 */
export function installVsix(vsixPath, { userDataDir, extensionsDir }) {
  const { command, args } = codeServerCommand();
  const result = spawnSync(command, [...args, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', path.resolve(vsixPath)], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsixPath} failed: ${(result.stdout + result.stderr).trim()}`);
  }
}

async function waitUntilHealthy(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it answered`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * Starts code-server on 127.0.0.1 in its own process group, with every piece of state (user data,
 * extensions, XDG config and data) under `stateDir`, and waits until it answers.
 * `userDataDir`/`extensionsDir` override the defaults under `stateDir` (the shim receives them as flags).
 */
export async function startCodeServer({ stateDir, userDataDir, extensionsDir, port, logFile, log = () => {} }) {
  ensureCodeServer({ log });
  const userData = userDataDir ?? path.join(stateDir, 'user-data');
  const extensions = extensionsDir ?? path.join(stateDir, 'extensions');
  fs.mkdirSync(extensions, { recursive: true });
  const listenPort = port ?? await freePort();
  const { command, args } = codeServerCommand();
  const output = fs.openSync(logFile ?? path.join(stateDir, 'code-server.log'), 'a');
  const child = spawn(command, [...args,
    '--bind-addr', `127.0.0.1:${listenPort}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userData, '--extensions-dir', extensions,
  ], {
    // Without the XDG variables code-server writes its config into the home folder.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'), XDG_DATA_HOME: path.join(stateDir, 'xdg-data') },
    stdio: ['ignore', output, output],
    // Its own process group, so stopping it also stops the extension host and file watchers it spawns.
    detached: true,
  });
  fs.closeSync(output);
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => stopProcessGroup(child);
  try {
    await waitUntilHealthy(baseUrl, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, port: listenPort, pid: child.pid, userDataDir: userData, extensionsDir: extensions, exited, stop };
}

/** SIGTERM to the whole group, SIGKILL if it is still there after a few seconds. */
async function stopProcessGroup(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child.pid, 'SIGKILL'); // the leader is gone; its children may not be
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  if (await Promise.race([exited, timer]) === 'timeout') killGroup(child.pid, 'SIGKILL');
  killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid, signal) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Links the extension under development from `dir` (outside the repository) and returns the link.
 * code-server is installed inside the repository (.vscode-test/), so the repository folder contains
 * VS Code's built-in themes; a workbench whose one development extension contains themes applies them
 * (how theme authors preview theirs), replacing the user's `workbench.colorTheme` with Light+.
 * Loaded through a path outside the repository, the extension contains no themes.
 */
export function linkExtensionUnderDevelopment(dir, extensionPath) {
  const link = path.join(dir, 'extension-under-development');
  fs.symlinkSync(path.resolve(extensionPath), link, 'dir');
  return link;
}

/**
 * The workbench URL that opens `folder` (or a `.code-workspace` file) and, through the `payload` query (code-server's CLI rejects
 * the desktop flags), loads a development extension and optionally runs an extension test suite.
 */
export function workbenchUrl(baseUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const host = new URL(baseUrl).host;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${path.resolve(extensionDevelopmentPath)}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${path.resolve(extensionTestsPath)}`]);
  const query = new URLSearchParams();
  if (folder) query.set(folder.endsWith('.code-workspace') ? 'workspace' : 'folder', path.resolve(folder));
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${baseUrl}/?${query.toString()}`;
}

/** A fresh temporary folder for one run's state. */
export function makeStateDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
