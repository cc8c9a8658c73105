#!/usr/bin/env node
// The Debian packages the tests need that npm cannot install: Chromium for the browser tests; ripgrep,
// the Kerberos headers, xz and a C++ toolchain for the test VS Code (code-server, whose native modules
// build from source). `npm test` calls ensureSystemPackages() first: what is missing is installed with
// apt-get when it can be (as root, or with passwordless sudo), saying what it installs, as Playwright's
// `install --with-deps` does; otherwise it stops with the one command to run. `.ci/run` runs this file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Each package, and how to tell it is there. */
const PACKAGES = [
  { name: 'chromium', present: () => Boolean(process.env.NEXT_WORD_LAB_CHROMIUM) || fs.existsSync('/usr/bin/chromium') },
  { name: 'ripgrep', present: () => onPath('rg') },
  { name: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
  { name: 'xz-utils', present: () => onPath('xz') },
  { name: 'build-essential', present: () => ['make', 'g++'].every(onPath) },
  { name: 'python3', present: () => onPath('python3') },
];

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** The packages not installed yet. */
export function missingSystemPackages() {
  return process.platform === 'linux' ? PACKAGES.filter((item) => !item.present()).map((item) => item.name) : [];
}

/** How apt-get can be run here without a password: directly as root, or through `sudo -n`; undefined if not. */
function aptRunner() {
  if (!onPath('apt-get')) return undefined;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : undefined;
}

function run(command, log) {
  log(`$ ${command.join(' ')}`);
  const result = spawnSync(command[0], command.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`\`${command.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
}

/** Installs what is missing, or throws with the command that would; true when something was installed. */
export function ensureSystemPackages({ log = (line) => console.log(line) } = {}) {
  const missing = missingSystemPackages();
  if (missing.length === 0) return false;
  const command = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing];
  const runner = aptRunner();
  if (runner === undefined) {
    throw new Error(`the tests need Debian packages that are not installed: ${missing.join(' ')}. Install them with:\n  sudo ${command.join(' ')}\nthen run npm test again.`);
  }
  log(`installing the Debian packages the tests need: ${missing.join(' ')}`);
  run([...runner, 'apt-get', 'update', '-q'], log);
  run([...runner, ...command], log);
  const still = missingSystemPackages();
  if (still.length > 0) throw new Error(`installed, yet still missing: ${still.join(' ')}`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    if (!ensureSystemPackages()) console.log('the Debian packages the tests need are installed');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
