#!/usr/bin/env node
// Installs the VS Code the tests and `npm start` run: code-server 4.100.3 (= VS Code 1.100.3, the newest
// that runs on Node 20) into the git-ignored .vscode-test/code-server/, with its own package.json so its
// install scripts run apart from the project's `npm ci`. Idempotent: a matching install is reused.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUNTIME_ROOT = path.join(REPO_ROOT, '.vscode-test');
const INSTALL_DIR = path.join(RUNTIME_ROOT, 'code-server');
const PACKAGE_DIR = path.join(INSTALL_DIR, 'node_modules', 'code-server');
// The entry that code-server's own `bin` points at; run with the current Node (20), as its engines demand.
const ENTRY = path.join(PACKAGE_DIR, 'out', 'node', 'entry.js');

const STAGING_PREFIX = 'code-server.installing-';
const ABANDONED_AFTER_MS = 60 * 60_000;

// @vscode/ripgrep's postinstall downloads this exact archive from GitHub; seeding its cache with
// Debian's `rg` makes it print "Using cached download" instead of failing offline.
const RIPGREP_CACHE_DIR = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** What to run to start code-server: the current Node and code-server's entry script. */
export function codeServerCommand() {
  return { command: process.execPath, args: [ENTRY] };
}

function installedVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function isInstalled() {
  return installedVersion() === CODE_SERVER_VERSION && fs.existsSync(ENTRY);
}

/** Staging folders of killed installs (300 MB each): an install takes minutes, so one an hour old is dead. */
function removeAbandonedStaging() {
  for (const name of fs.readdirSync(RUNTIME_ROOT).filter((entry) => entry.startsWith(STAGING_PREFIX))) {
    const folder = path.join(RUNTIME_ROOT, name);
    if (Date.now() - fs.statSync(folder).mtimeMs > ABANDONED_AFTER_MS) fs.rmSync(folder, { recursive: true, force: true });
  }
}

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Everything the install needs that npm cannot fetch; each missing piece comes with how to get it. */
function missingPrerequisites() {
  const missing = [];
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    missing.push(`this installer supports Linux x64 only (found ${process.platform} ${process.arch}); set NEXT_WORD_LAB_DESKTOP=1 to use desktop VS Code instead`);
  }
  if (!process.versions.node.startsWith('20.')) {
    missing.push(`code-server ${CODE_SERVER_VERSION} needs Node 20 (found ${process.versions.node})`);
  }
  if (!onPath('rg')) missing.push('install Debian ripgrep: apt-get install -y ripgrep');
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) {
    missing.push('install the Kerberos headers code-server builds against: apt-get install -y libkrb5-dev');
  }
  for (const tool of ['make', 'g++', 'python3', 'tar']) {
    if (!onPath(tool)) missing.push(`install ${tool} (native modules build from source): apt-get install -y build-essential python3`);
  }
  return [...new Set(missing)];
}

function seedRipgrepCache() {
  const archive = path.join(RIPGREP_CACHE_DIR, RIPGREP_ARCHIVE);
  if (fs.existsSync(archive)) return;
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-rg-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    fs.mkdirSync(RIPGREP_CACHE_DIR, { recursive: true });
    // Written under a temporary name and renamed, so a concurrent install never reads half an archive.
    const partial = `${archive}.${process.pid}`;
    execFileSync('tar', ['-czf', partial, '-C', staging, 'rg']);
    fs.renameSync(partial, archive);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Installs code-server unless the right version is already there; returns its install folder.
 * Installs into a private staging folder and renames it into place, so an interrupted install never
 * looks complete and two concurrent first runs do not write over each other.
 */
export function ensureCodeServer({ log = (line) => console.log(line) } = {}) {
  if (isInstalled()) return INSTALL_DIR;
  const found = installedVersion();

  const missing = missingPrerequisites();
  if (missing.length > 0) {
    throw new Error(`cannot install code-server ${CODE_SERVER_VERSION}:\n  - ${missing.join('\n  - ')}`);
  }
  log(found
    ? `[vscode-runtime] replacing code-server ${found} with ${CODE_SERVER_VERSION} in ${INSTALL_DIR}`
    : `[vscode-runtime] installing code-server ${CODE_SERVER_VERSION} (VS Code 1.100.3) into ${INSTALL_DIR} (one to two minutes, 300 MB)`);
  const started = Date.now();
  seedRipgrepCache();

  fs.mkdirSync(RUNTIME_ROOT, { recursive: true });
  removeAbandonedStaging();
  const staging = fs.mkdtempSync(path.join(RUNTIME_ROOT, STAGING_PREFIX));
  try {
    fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify({
      name: 'next-word-lab-vscode-runtime',
      private: true,
      description: 'The VS Code (code-server) that Next Word Lab tests run in; installed by scripts/vscode-runtime/install.mjs.',
      dependencies: { 'code-server': CODE_SERVER_VERSION },
    }, null, 2)}\n`);
    const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', staging], {
      cwd: staging,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: {
        ...process.env,
        // code-server's postinstall refuses to run as root without it; npm 11 dropped the flag, not the variable.
        npm_config_unsafe_perm: 'true',
        // node-pty's install runs `npx node-gyp`, which would otherwise wait for a "yes" on stdin.
        npm_config_yes: 'true',
      },
    });
    if (result.status !== 0) {
      const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
      throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${result.status ?? result.signal}):\n${output}`);
    }
    verify(path.join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js'));
    if (isInstalled()) {
      // Another process finished the same install meanwhile and may be using it: keep theirs.
      fs.rmSync(staging, { recursive: true, force: true });
      return INSTALL_DIR;
    }
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true }); // another version, or a broken leftover
    fs.renameSync(staging, INSTALL_DIR);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (isInstalled()) return INSTALL_DIR;
    throw error;
  }
  log(`[vscode-runtime] code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return INSTALL_DIR;
}

/** Fails unless the installed code-server starts and reports the expected version. */
function verify(entry) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-cs-verify-'));
  // Even `--version` writes a default config file: keep it out of the home folder.
  const result = spawnSync(process.execPath, [entry, '--version'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch },
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  if (result.status !== 0 || !result.stdout.split('\n').some((line) => line.startsWith(`${CODE_SERVER_VERSION} `))) {
    throw new Error(`code-server does not start after install: ${(result.stdout + result.stderr).trim() || `exit ${result.status}`}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const dir = ensureCodeServer();
    console.log(`[vscode-runtime] code-server ${CODE_SERVER_VERSION} ready in ${dir}`);
  } catch (error) {
    console.error(`[vscode-runtime] ${error.message}`);
    process.exit(1);
  }
}
