#!/usr/bin/env node
// `npm start`: builds the extension and serves a real VS Code (code-server 4.100.3 = VS Code 1.100.3)
// with it loaded on sample-workspace/, then prints the URL to open in a browser. Ctrl+C stops it.
// The profile (settings, state) lives in .vscode-test/start/ and survives restarts.
//   npm start                       a free port
//   NEXT_WORD_LAB_PORT=8080 npm start
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { linkExtensionUnderDevelopment, makeStateDir, startCodeServer, workbenchUrl, writeUserSettings } from './vscode-runtime/code-server.mjs';
import { CODE_SERVER_VERSION, REPO_ROOT, RUNTIME_ROOT } from './vscode-runtime/install.mjs';

const workspace = path.join(REPO_ROOT, 'sample-workspace');
const stateDir = path.join(RUNTIME_ROOT, 'start');
const userDataDir = path.join(stateDir, 'user-data');

function build() {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed');
}

/** The sample workspace comes with the repository; if it is missing, open a placeholder rather than nothing. */
function ensureWorkspace() {
  if (fs.existsSync(workspace) && fs.readdirSync(workspace).length > 0) return;
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'),
    '# Sample workspace\n\nWrite a few sentences here and ask Next Word Lab to predict the next word.\n');
}

async function main() {
  build();
  ensureWorkspace();
  fs.mkdirSync(stateDir, { recursive: true });
  // The user's settings from earlier runs are kept; only a first run writes the defaults.
  if (!fs.existsSync(path.join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir);
  const port = process.env.NEXT_WORD_LAB_PORT ? Number(process.env.NEXT_WORD_LAB_PORT) : undefined;
  const server = await startCodeServer({ stateDir, userDataDir, port, log: (line) => console.log(line) });
  const linkDir = makeStateDir('nwl-start-');

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server…`);
    await server.stop();
    fs.rmSync(linkDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const url = workbenchUrl(server.baseUrl, { folder: workspace, extensionDevelopmentPath: linkExtensionUnderDevelopment(linkDir, REPO_ROOT) });
  console.log(`\nNext Word Lab in VS Code 1.100.3 (code-server ${CODE_SERVER_VERSION}) on ${path.relative(REPO_ROOT, workspace)}/:`);
  console.log(`\n  ${url}\n`);
  console.log(`Open that URL in a browser (after \`npm run build\`, run "Developer: Reload Window" to load the new build).`);
  console.log(`code-server log: ${path.join(stateDir, 'code-server.log')}. Ctrl+C stops it.`);

  const code = await server.exited;
  if (!stopping) {
    fs.rmSync(linkDir, { recursive: true, force: true });
    console.error(`code-server exited unexpectedly (code ${code}); see ${path.join(stateDir, 'code-server.log')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`npm start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
