// Which files the server learns: path rules (include, exclude, files.exclude with sibling clauses,
// secrets), content rules (size, binary, invalid UTF-8, minified) and .gitignore during discovery.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSinglePath, discoverFiles } from '../../../src/files/discovery';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { GLOB_OPTIONS, NAME_OPTIONS, PathFilter, SECRET_NAME_PATTERNS, checkSize, decodeText, pathTest, secretRule, type FolderRules } from '../../../src/files/fileFilter';
import { DEFAULT_SETTINGS } from '../../../src/protocol/settings';

const defaultRules: FolderRules = {
  include: DEFAULT_SETTINGS.include,
  exclude: DEFAULT_SETTINGS.exclude,
  filesExclude: {},
  searchExclude: {},
  maxFileSizeKB: DEFAULT_SETTINGS.maxFileSizeKB,
};
const none = new Set<string>();

/** Path segments that the globs below (the settings' defaults, the secret names, and made-up ones) may or may not match. */
const SEGMENTS = ['src', 'a.ts', '.env', '.env.local', 'x.env', 'node_modules', '.git', 'dist', 'id_rsa.pub', 'Config', '.kube', 'config', 'secrets', 'b.min.js', 'README.md', '\u0000', 'é.md', 'a b'];
const GLOB_PIECES = ['**', '*', '*.ts', '.env*', 'src', 'node_modules', '{a,b}.ts', '?.md', '[ab]*', '.kube', 'config', '*secret*', '**/*.min.js', 'dist/**'];

describe('file selection', () => {
  it('tests a path against a glob exactly as minimatch matches it (one regular expression instead)', () => {
    const globs = [...DEFAULT_SETTINGS.include, ...DEFAULT_SETTINGS.exclude];
    const names = SECRET_NAME_PATTERNS.map((pattern) => (pattern.includes('/') ? `**/${pattern}` : pattern));
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')),
        fc.oneof(fc.constantFrom(...globs), fc.array(fc.constantFrom(...GLOB_PIECES), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'))),
        fc.constantFrom(...names),
        (path, glob, name) => {
          const settingsGlob = new Minimatch(glob, GLOB_OPTIONS);
          assert.equal(pathTest(settingsGlob)(path), settingsGlob.match(path), `${glob} on ${path}`);
          const secret = new Minimatch(name, NAME_OPTIONS);
          for (const tested of [path, path.slice(path.lastIndexOf('/') + 1)]) assert.equal(pathTest(secret)(tested), secret.match(tested), `${name} on ${tested}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  describe('secrets', () => {
    for (const name of ['.env', '.env.local', 'prod.env', 'server.pem', 'tls.key', 'id_rsa', 'id_ed25519.pub', 'store.p12', 'cert.pfx', '.npmrc', 'credentials', 'credentials.json', 'aws-credentials.json', '.git-credentials', 'SERVER.PEM']) {
      it(`never learns ${name}`, () => assert.ok(secretRule(name) !== undefined));
    }
    for (const name of ['environment.ts', 'keyboard.ts', 'README.md', 'monkey.py', 'envelope.txt']) {
      it(`learns ${name}`, () => assert.equal(secretRule(name), undefined));
    }
    it('reports a secret even when include would not select it', () => {
      const verdict = new PathFilter(defaultRules).checkFile('config/.env', none);
      assert.ok(verdict !== undefined && verdict !== 'ignore');
      assert.equal(verdict.reason, 'secret');
    });
  });

  describe('globs', () => {
    const filter = new PathFilter({
      ...defaultRules,
      filesExclude: { '**/*.js': { when: '$(basename).ts' }, '**/.vscode': true, '**/off': false },
      searchExclude: { '**/fixtures/**': true },
    });

    it('ignores files include does not select, silently', () => {
      assert.equal(filter.checkFile('logo.png', none), 'ignore');
      assert.equal(filter.checkFile('src/app.ts', none), undefined);
    });
    it('prunes excluded folders with the pattern that matched', () => {
      assert.deepEqual(filter.checkDirectory('node_modules', none), { reason: 'excluded', detail: 'matches **/node_modules/**' });
      assert.deepEqual(filter.checkDirectory('packages/a/dist', none), { reason: 'excluded', detail: 'matches **/dist/**' });
      assert.equal(filter.checkDirectory('src', none), undefined);
    });
    it('applies files.exclude, including sibling clauses and disabled patterns', () => {
      assert.equal((filter.checkFile('src/app.js', new Set(['app.js', 'app.ts'])) as { reason: string }).reason, 'files.exclude');
      assert.equal(filter.checkFile('src/app.js', new Set(['app.js'])), undefined, 'no app.ts beside it');
      assert.equal(filter.checkDirectory('.vscode', none)?.reason, 'files.exclude');
      assert.equal(filter.checkDirectory('off', none), undefined, 'a pattern set to false excludes nothing');
    });
    it('applies search.exclude', () => {
      assert.equal(filter.checkDirectory('test/fixtures', none)?.reason, 'search.exclude');
    });
    it('excludes minified bundles by name', () => {
      assert.equal((filter.checkFile('vendor/lib.min.js', none) as { reason: string }).reason, 'excluded');
    });
  });

  describe('content', () => {
    it('rejects files over the size limit, saying by how much', () => {
      assert.equal(checkSize(1024, 1), undefined);
      assert.deepEqual(checkSize(1536 * 1024, 1024), { reason: 'too large', detail: '1,536 KB > 1,024 KB' });
    });
    it('rejects NUL bytes and invalid UTF-8 as binary, accepts UTF-8 text', () => {
      assert.equal((decodeText(Uint8Array.from([0x61, 0x00, 0x62])) as { reason: string }).reason, 'binary');
      assert.deepEqual(decodeText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9])), { reason: 'binary', detail: 'not valid UTF-8' });
      assert.deepEqual(decodeText(new TextEncoder().encode('café → 42€\n')), { text: 'café → 42€\n' });
    });
    it('rejects minified text: one huge line, or long lines on average', () => {
      assert.equal((decodeText(new TextEncoder().encode('x'.repeat(20_000))) as { reason: string }).reason, 'minified');
      const dense = `${'a=1;'.repeat(400)}\n`.repeat(5);
      assert.equal((decodeText(new TextEncoder().encode(dense)) as { reason: string }).reason, 'minified');
      const prose = `${'word '.repeat(250)}\n${'short line\n'.repeat(20)}`;
      assert.ok('text' in decodeText(new TextEncoder().encode(prose)), 'one long paragraph among short lines is text');
    });
  });

  describe('discovery', () => {
    it('walks the folder with nested .gitignore files and reports what it leaves out', async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-discovery-'));
      try {
        await discoverIn(root);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });
});

/** Walks a folder laid out to exercise every path rule, and checks the same paths one by one. */
async function discoverIn(root: string): Promise<void> {
  const write = (relative: string, content = 'text\n'): void => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  };
  write('.gitignore', 'logs/\n*.tmp.txt\n');
  write('a.txt');
  write('b.tmp.txt');
  write('logs/x.txt');
  write('pkg/.gitignore', 'generated.ts\n');
  write('pkg/generated.ts');
  write('pkg/kept.ts');
  write('node_modules/m/index.js');
  write('.env');
  write('image.png');

  const found = await discoverFiles([{ fsPath: root, rules: defaultRules }]);
  const relative = (fsPath: string): string => path.relative(root, fsPath).split(path.sep).join('/');
  assert.deepEqual(found.files.map((file) => relative(file.fsPath)).sort(), ['a.txt', 'pkg/kept.ts']);
  const skipped = Object.fromEntries(found.skipped.map((skip) => [relative(skip.fsPath), `${skip.reason}: ${skip.detail}`]));
  assert.deepEqual(skipped, {
    '.env': 'secret: never learned (matches .env)',
    'b.tmp.txt': 'gitignore: ignored by .gitignore',
    logs: 'gitignore: ignored by .gitignore',
    node_modules: 'excluded: matches **/node_modules/**',
    'pkg/generated.ts': 'gitignore: ignored by pkg/.gitignore',
  });

  // A single path (a watcher event) gets the same verdicts.
  const folder = { fsPath: root, rules: defaultRules };
  assert.equal(await checkSinglePath(folder, path.join(root, 'pkg', 'kept.ts')), undefined);
  assert.deepEqual(await checkSinglePath(folder, path.join(root, 'pkg', 'generated.ts')), {
    reason: 'gitignore',
    detail: 'ignored by pkg/.gitignore',
  });
  // Inside a folder that is left out, a file is ignored: the skipped list shows the folder.
  assert.equal(await checkSinglePath(folder, path.join(root, 'logs', 'x.txt')), 'ignore');
  assert.equal(await checkSinglePath(folder, path.join(root, 'node_modules', 'm', 'index.js')), 'ignore');
  assert.deepEqual(await checkSinglePath(folder, path.join(root, 'b.tmp.txt')), { reason: 'gitignore', detail: 'ignored by .gitignore' });
  assert.deepEqual(await checkSinglePath(folder, path.join(root, '.env')), { reason: 'secret', detail: 'never learned (matches .env)' });
  assert.equal(await checkSinglePath(folder, path.join(root, 'image.png')), 'ignore');
  assert.equal(await checkSinglePath(folder, path.join(path.dirname(root), 'elsewhere.txt')), 'outside');
}
