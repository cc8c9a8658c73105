// The panel's browser bundle carries no language-server runtime: the webview shares the protocol's
// types and limits (src/protocol/webview.ts, limits.ts), never a value from vscode-jsonrpc or the LSP
// packages. Read from the metafile esbuild writes beside the bundle (`npm test` builds first).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const METAFILE = path.join(__dirname, '..', '..', '..', 'dist', 'webview.meta.json');
const LSP_PACKAGES = /node_modules\/(vscode-jsonrpc|vscode-languageserver(-[\w-]+)?|vscode-languageclient)\//;

interface Metafile {
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, { readonly inputs: Record<string, unknown> }>;
}

describe('the webview bundle', () => {
  it('holds no module of vscode-jsonrpc, vscode-languageserver-* or vscode-languageclient', function () {
    if (!fs.existsSync(METAFILE)) {
      console.log('      (no dist/webview.meta.json: run npm run build)');
      this.skip();
    }
    const metafile = JSON.parse(fs.readFileSync(METAFILE, 'utf8')) as Metafile;
    const bundled = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    assert.ok(bundled.some((input) => input.startsWith('webview/')), 'the metafile lists the panel’s own modules');
    assert.deepEqual(bundled.filter((input) => LSP_PACKAGES.test(input)), []);
  });
});
