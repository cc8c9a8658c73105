// `npm run typecheck`: every target against its own runtime, then the tests on top of them all.
// Each tsconfig names the globals its code may use (src/core: none beyond the language; webview:
// the DOM; src: Node), so a browser global in the engine or a Node one in the panel fails here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECTS = ['src/core', 'webview', 'src', '.'];

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const failed = PROJECTS.filter((project) => spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root, stdio: 'inherit' }).status !== 0);
if (failed.length > 0) {
  console.error(`typecheck failed in ${failed.map((project) => path.join(project, 'tsconfig.json')).join(', ')}`);
  process.exit(1);
}
