// One build context per target: the extension host, the language server, the command line and
// benchmarks (node, cjs), the webview (browser, esm) and the integration suite (node, cjs).
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** Entry points that exist; a target whose entry is not written yet is skipped, not an error. */
const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => fs.existsSync(file)));

const targets = [
  { ...node, entryPoints: present({ extension: 'src/extension/extension.ts' }), outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: present({ server: 'src/server/server.ts', indexWorker: 'src/server/indexWorker.ts', baseModelWorker: 'src/server/baseModelWorker.ts' }), outdir: 'dist' },
  {
    ...node,
    entryPoints: present({ cli: 'src/cli/cli.ts', bench: 'bench/bench.ts', 'verify-reference': 'scripts/verify-reference.ts' }),
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    entryPoints: present({ webview: 'webview/main.tsx' }),
    outdir: 'dist',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // What went into the browser bundle: test/unit/package/webviewBundle.test.ts reads it.
    metafile: true,
    metafileOut: 'dist/webview.meta.json',
  },
  {
    ...node,
    entryPoints: present(Object.fromEntries(
      (fs.existsSync('test/integration') ? fs.readdirSync('test/integration') : [])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => [`integration/${f.replace(/\.ts$/, '')}`, `test/integration/${f}`]),
    )),
    outdir: 'dist/test',
    external: ['vscode', 'mocha'],
  },
].filter((t) => Object.keys(t.entryPoints).length > 0);

/** esbuild's options without ours. */
const optionsOf = ({ metafileOut: _metafileOut, ...options }) => options;

if (watch) {
  for (const t of targets) await (await esbuild.context(optionsOf(t))).watch();
} else {
  await Promise.all(
    targets.map(async (t) => {
      const result = await esbuild.build(optionsOf(t));
      if (t.metafileOut) fs.writeFileSync(t.metafileOut, JSON.stringify(result.metafile));
    }),
  );
}
