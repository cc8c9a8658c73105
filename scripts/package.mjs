#!/usr/bin/env node
// `npm run package`: writes next-word-lab-<version>.vsix with @vscode/vsce.
// It packs from a staging folder that holds copies of the manifest, its documents and media, and links
// to the sources and esbuild.mjs. There vsce runs `vscode:prepublish` (the production build: minified,
// no source maps) into the staging dist/ and packs what the .vscodeignore allowlist lets through
// (esbuild bundles every dependency, hence --no-dependencies). So the repository's own dist/ (the
// development build others are running) is never touched, and vsce walks a few files instead of
// node_modules and the test VS Code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COPIED = ['package.json', 'package.nls.json', 'l10n', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media'];
/** What esbuild.mjs needs for the runtime bundles; its other targets (CLI, bench, tests) are skipped when absent. */
const LINKED = ['esbuild.mjs', 'tsconfig.json', 'src', 'webview'];
/** The bundles the extension loads; the build must have produced each one. */
const BUNDLES = ['dist/extension.js', 'dist/server.js', 'dist/webview.js', 'dist/webview.css'];

/** Where `npm run package` writes the package: vsce's own file name, at the repository root. */
export function vsixPath() {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return path.join(root, `${name}-${version}.vsix`);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) console.error(`cannot start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-package-'));
  for (const entry of COPIED) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  for (const entry of LINKED) fs.symlinkSync(path.join(root, entry), path.join(dir, entry));
  return dir;
}

function main() {
  const vsix = vsixPath();
  // A failed run must not leave the previous package behind looking like this one.
  fs.rmSync(vsix, { force: true });
  const dir = stage();
  try {
    if (run(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package', '--no-dependencies', '--out', vsix], dir) !== 0) return 1;
    const missing = BUNDLES.filter((bundle) => !fs.existsSync(path.join(dir, bundle)));
    if (missing.length > 0) {
      console.error(`the production build did not write ${missing.join(', ')}`);
      fs.rmSync(vsix, { force: true });
      return 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${path.relative(process.cwd(), vsix) || vsix}: ${fs.statSync(vsix).size} bytes`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(main());
}
