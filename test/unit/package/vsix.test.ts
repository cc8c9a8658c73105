// The built package (`npm run package`; `npm test` builds it before this layer runs): only what runs,
// at most 1 MB, production bundles, every file its manifest names, and a README whose links work on
// the marketplace. Skipped when no .vsix has been built.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import repositoryManifest from '../../../package.json';
import { vsixPath } from '../../../scripts/package.mjs';
import { readZip, type ZipEntry } from './zip';

type Manifest = typeof repositoryManifest;

const MAX_BYTES = 1024 * 1024;
/**
 * The panel's script: preact, the six steps (with the estimators side by side, the evidence and the Step
 * control) and the core's decoding, minified: about 93 KB. The LSP runtime, which once made it 188 KB, is
 * kept out by webviewBundle.test.ts; this budget catches the next dependency that would double it.
 */
const MAX_WEBVIEW_BYTES = 128 * 1024;
/** The bundles the extension host, the language server and the panel load (src/extension: client.ts, panel.ts). */
const BUNDLES = ['dist/extension.js', 'dist/server.js', 'dist/webview.js', 'dist/webview.css'];
/** The manifest and its documents, as vsce names them inside the package. */
const DOCUMENTS = ['package.json', 'package.nls.json', 'l10n/bundle.l10n.json', 'readme.md', 'changelog.md', 'LICENSE.txt'];
const MEDIA = /^media\/[\w/-]+\.(svg|png)$/;
/** A readable (unminified) bundle averages some 40 characters a line; esbuild's minified output, thousands. */
const MIN_MINIFIED_LINE_LENGTH = 1_000;

describe('the .vsix package', function () {
  const file = vsixPath();
  let entries: ZipEntry[];
  /** The extension's files, by their path inside the extension folder. */
  let packaged: Map<string, ZipEntry>;
  let manifest: Manifest;

  const text = (name: string): string => {
    const entry = packaged.get(name);
    assert.ok(entry, `${name} is not in the package`);
    return entry.read().toString('utf8');
  };

  before(function () {
    if (!fs.existsSync(file)) {
      console.log(`      (no ${path.basename(file)}: run npm run package)`);
      this.skip();
    }
    entries = readZip(fs.readFileSync(file));
    packaged = new Map(entries
      .filter((entry) => entry.name.startsWith('extension/'))
      .map((entry) => [entry.name.slice('extension/'.length), entry]));
    manifest = JSON.parse(text('package.json')) as Manifest;
  });

  it('is at most 1 MB', () => {
    const size = fs.statSync(file).size;
    assert.ok(size <= MAX_BYTES, `${path.basename(file)} is ${size} bytes`);
  });

  it('ships the panel script under 128 KB', () => {
    const size = packaged.get('dist/webview.js')?.read().length ?? 0;
    assert.ok(size > 0 && size < MAX_WEBVIEW_BYTES, `dist/webview.js is ${size} bytes`);
  });

  it('holds no source maps, tests, sources or dependencies', () => {
    const unwanted = [...packaged.keys()].filter((name) => /\.map$|\.tsx?$|(^|\/)(test|src|node_modules)\//.test(name));
    assert.deepEqual(unwanted, []);
  });

  it('holds only the manifest, its documents, the bundles the extension loads and media', () => {
    const allowed = (name: string) => DOCUMENTS.includes(name) || BUNDLES.includes(name) || MEDIA.test(name);
    assert.deepEqual([...packaged.keys()].filter((name) => !allowed(name)), []);
    assert.deepEqual([...DOCUMENTS, ...BUNDLES].filter((name) => !packaged.has(name)), []);
  });

  it('holds every file its manifest refers to', () => {
    const walkthroughMedia = manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.map((step) => step.media.svg));
    const runtimeStrings = path.posix.join(manifest.l10n, 'bundle.l10n.json');
    const referenced = [manifest.main, manifest.icon, runtimeStrings, ...walkthroughMedia].map((reference) => path.posix.normalize(reference));
    assert.deepEqual(referenced.filter((name) => !packaged.has(name)), []);
  });

  it('is this repository\'s extension, by publisher, name and version', () => {
    assert.deepEqual(
      { publisher: manifest.publisher, name: manifest.name, version: manifest.version },
      { publisher: repositoryManifest.publisher, name: repositoryManifest.name, version: repositoryManifest.version },
    );
    const identity = /<Identity [^>]*\/>/.exec(entries.find((entry) => entry.name === 'extension.vsixmanifest')?.read().toString('utf8') ?? '');
    assert.ok(identity, 'extension.vsixmanifest has no Identity');
    for (const [attribute, value] of [['Id', manifest.name], ['Publisher', manifest.publisher], ['Version', manifest.version]]) {
      assert.ok(identity[0].includes(` ${attribute}="${value}"`), `${identity[0]} lacks ${attribute}="${value}"`);
    }
  });

  it('ships the production build: minified bundles without source map links', () => {
    for (const bundle of BUNDLES) {
      const source = text(bundle);
      assert.doesNotMatch(source, /[#@] sourceMappingURL=/, `${bundle} links a source map`);
      const lines = source.split('\n').length;
      assert.ok(source.length / lines >= MIN_MINIFIED_LINE_LENGTH, `${bundle} is not minified (${lines} lines)`);
    }
  });

  it('rewrites the README\'s relative links and images to the repository', () => {
    const readme = text('readme.md');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)/g), ...readme.matchAll(/\bsrc="([^"]+)"/g)].map((match) => match[1]);
    assert.ok(targets.length > 0, 'the README links nothing');
    assert.deepEqual(targets.filter((target) => !/^(https:\/\/|#)/.test(target)), []);
  });
});
