// The visualizer's HTML: a strict Content-Security-Policy, a fresh nonce for the one script, and the
// initial state in an escaped data attribute (no inline script ever carries data).
import { randomBytes } from 'node:crypto';
import type { PanelBootstrap } from '../protocol/webview';

export interface PanelAssets {
  /** `webview.cspSource`: the origin the webview serves extension files from. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** 128 bits from the OS's cryptographic generator, fresh for every render. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ATTRIBUTE_ESCAPES[character]);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderPanelHtml(assets: PanelAssets, bootstrap: PanelBootstrap, nonce: string = createNonce()): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(assets.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(assets.styleUri)}">
<title>Next Word Lab</title>
</head>
<body>
<div id="app" data-bootstrap="${escapeAttribute(JSON.stringify(bootstrap))}"></div>
<script type="module" nonce="${nonce}" src="${escapeAttribute(assets.scriptUri)}"></script>
</body>
</html>
`;
}
