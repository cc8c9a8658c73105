// The visualizer page's Content-Security-Policy and what it loads. The policy must allow nothing by
// default, no remote origin anywhere, scripts only by a nonce that is fresh for every render and comes
// from the OS's cryptographic generator; the page and the built panel bundle must reach for nothing
// outside the extension's own files.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { renderPanelHtml } from '../../../src/extension/panelHtml';
import type { PanelBootstrap } from '../../../src/protocol/webview';

/** What `webview.cspSource` and `asWebviewUri` look like in VS Code 1.100. */
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const assets = {
  cspSource: CSP_SOURCE,
  scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
  styleUri: `${CSP_SOURCE}/ext/dist/webview.css`,
};
const bootstrap: PanelBootstrap = { settings: { temperature: 0.7, topK: 0, topP: 1, seed: 'https://evil.example/x' }, status: null };

function readSources(folder: string): { file: string; text: string }[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => ({ file, text: fs.readFileSync(path.join(folder, file), 'utf8') }));
}

/** The policy's directives by name, from the page's meta tag as a browser reads it (entities decoded). */
function policyOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'the page has a CSP meta tag');
  const decoded = content.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return new Map(decoded.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

const nonceOf = (policy: Map<string, string[]>): string => {
  const scripts = policy.get('script-src') ?? [];
  assert.equal(scripts.length, 1, `script-src allows only its nonce: ${scripts.join(' ')}`);
  return /^'nonce-([^']+)'$/.exec(scripts[0])?.[1] ?? assert.fail(scripts[0]);
};

describe('security: the visualizer page', () => {
  it("allows nothing by default, scripts only by nonce, everything else only from the webview's own source", () => {
    const policy = policyOf(renderPanelHtml(assets, bootstrap));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    nonceOf(policy);
    for (const [name, sources] of policy) {
      if (name === 'default-src' || name === 'script-src') continue;
      assert.deepEqual(sources, [CSP_SOURCE], `${name} allows more than the webview source`);
    }
    // No wildcard, no remote or data/blob scheme, no inline escape hatch, anywhere in the policy.
    const all = [...policy.values()].flat();
    for (const forbidden of ['*', 'http:', 'https:', 'data:', 'blob:', "'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'"]) {
      assert.ok(!all.includes(forbidden), `the policy allows ${forbidden}`);
    }
    // Nothing the policy forgets to cover by name falls back to anything but 'none'.
    assert.ok(!policy.has('connect-src') && !policy.has('frame-src') && !policy.has('worker-src'));
  });

  it('takes each nonce from crypto.randomBytes (never Math.random), 128 bits, fresh for every render', () => {
    const originalRandomBytes = crypto.randomBytes;
    const originalRandom = Math.random;
    const handedOut: Buffer[] = [];
    try {
      Math.random = () => assert.fail('Math.random was used');
      crypto.randomBytes = ((size: number) => {
        const bytes = originalRandomBytes(size);
        handedOut.push(bytes);
        return bytes;
      }) as typeof crypto.randomBytes;
      const nonces = Array.from({ length: 100 }, () => nonceOf(policyOf(renderPanelHtml(assets, bootstrap))));
      assert.equal(new Set(nonces).size, nonces.length, 'a nonce was reused');
      assert.deepEqual(nonces, handedOut.map((bytes) => bytes.toString('base64')));
      assert.ok(handedOut.every((bytes) => bytes.length >= 16), 'fewer than 128 bits');
    } finally {
      crypto.randomBytes = originalRandomBytes;
      Math.random = originalRandom;
    }
  });

  it('puts the nonce on its one script, which is an extension file; the page names no other origin', () => {
    const html = renderPanelHtml(assets, bootstrap);
    const nonce = nonceOf(policyOf(html));
    const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [];
    assert.deepEqual(scripts, [`<script type="module" nonce="${nonce}" src="${assets.scriptUri}"></script>`]);
    // Every URL in an attribute is the webview's own (the bootstrap's text is data, escaped, not a URL).
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(urls.filter((url) => !url.startsWith(`${CSP_SOURCE}/`)), []);
    assert.ok(!/<(?:iframe|object|embed|base|form)\b/.test(html));
  });

  it('the built panel bundle loads nothing remote and uses no eval, fetch, sockets or raw HTML', async () => {
    const root = path.resolve(__dirname, '../../..');
    const built = await esbuild.build({
      entryPoints: [path.join(root, 'webview', 'main.tsx')],
      bundle: true,
      write: false,
      outdir: path.join(root, 'dist'),
      platform: 'browser',
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      logLevel: 'silent',
    });
    const code = built.outputFiles.map((file) => file.text).join('\n');
    assert.ok(code.length > 10_000, 'the bundle was built');
    // preact names the SVG, MathML and XHTML namespaces; they identify, they are never fetched.
    const NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xhtml']);
    const urls = [...code.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)].map((match) => match[0]);
    assert.deepEqual(urls.filter((url) => !NAMESPACES.has(url)), []);
    for (const forbidden of [/\beval\(/, /\bnew Function\(/, /\bfetch\(/, /\bWebSocket\b/, /\bXMLHttpRequest\b/, /\bimportScripts\b/]) {
      assert.ok(!forbidden.test(code), `the bundle uses ${forbidden}`);
    }
    // preact supports raw HTML; the panel's own code never asks for it, so model words are always text.
    const sources = readSources(path.join(root, 'webview'));
    assert.ok(sources.length > 5);
    assert.deepEqual(sources.filter(({ text }) => /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML/.test(text)).map(({ file }) => file), []);
  });
});
