import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, escapeAttribute, renderPanelHtml } from '../../../src/extension/panelHtml';
import type { PanelBootstrap } from '../../../src/protocol/webview';

const assets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
};

const bootstrap: PanelBootstrap = {
  settings: { temperature: 0.7, topK: 0, topP: 1, seed: `"></div><script>alert('x')</script>&` },
  status: null,
};

/** The value of one attribute, unescaped as a browser would. */
function attribute(html: string, name: string): string {
  const match = new RegExp(`${name}="([^"]*)"`).exec(html);
  assert.ok(match, `no ${name} attribute`);
  return match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('visualizer panel HTML', () => {
  it('allows nothing by default, scripts only by nonce, styles, images and fonts only from the webview source', () => {
    const csp = contentSecurityPolicy(assets.cspSource, 'abc');
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'nonce-abc'");
    for (const kind of ['style-src', 'img-src', 'font-src']) assert.equal(directives.get(kind), assets.cspSource);
    assert.ok(!csp.includes('unsafe'));
  });

  it('uses a fresh random nonce for every render and puts it on the only script', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    const html = renderPanelHtml(assets, bootstrap);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    const nonce = /nonce="([^"]+)"/.exec(scripts[0])?.[1];
    assert.ok(nonce && nonce.length >= 22);
    assert.ok(attribute(html, 'content').includes(`'nonce-${nonce}'`));
    assert.notEqual(renderPanelHtml(assets, bootstrap), html);
  });

  it('carries no inline script: the one script is an external file with an empty body', () => {
    const html = renderPanelHtml(assets, bootstrap, 'n0nce');
    assert.match(html, /<script type="module" nonce="n0nce" src="[^"]+webview\.js"><\/script>/);
  });

  it('escapes the bootstrap data so that it round-trips and cannot break out of its attribute', () => {
    const html = renderPanelHtml(assets, bootstrap, 'n0nce');
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.deepEqual(JSON.parse(attribute(html, 'data-bootstrap')), bootstrap);
    assert.equal(escapeAttribute(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
