// The runtime strings (vscode.l10n.t in src/extension) and the English bundle VS Code loads for them:
// extracted with @vscode/l10n-dev, the tool `npm run l10n` runs, so a string added without regenerating
// the bundle (or a bundle entry no code uses any more) fails here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import repositoryManifest from '../../../package.json';

const root = path.resolve(__dirname, '../../..');
const extensionSources = path.join(root, 'src/extension');

describe('runtime strings (vscode.l10n)', () => {
  it('the manifest points VS Code at the l10n folder', () => {
    assert.equal(repositoryManifest.l10n, './l10n');
  });

  it('l10n/bundle.l10n.json holds exactly the strings src/extension passes to vscode.l10n.t (run `npm run l10n`)', async () => {
    const files = fs
      .readdirSync(extensionSources)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ contents: fs.readFileSync(path.join(extensionSources, name), 'utf8'), extension: '.ts' }));
    const extracted = await getL10nJson(files);
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(Object.keys(extracted).length > 50, `only ${Object.keys(extracted).length} strings extracted: is the extractor still reading src/extension?`);
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(extracted).sort());
    for (const [key, value] of Object.entries(extracted)) assert.deepEqual(bundle[key], value, key);
  });

  it('every user-visible call in src/extension goes through vscode.l10n.t, not a bare English literal', () => {
    // A message, pick or status bar string given a literal or template directly...
    const bare = /(?:\bshow(?:Information|Warning|Error)Message\(\s*|\b(?:title|placeholder|placeHolder|prompt|tooltip|label|description|meaning):\s*|\.(?:text|tooltip|title|placeholder) = )(['`].*)$/;
    // ...is English when it holds a word outside its ${…} values and $(icon) names.
    const holdsWords = (literal: string): boolean => /[A-Za-z]{2,}/.test(literal.replace(/\$\{[^}]*\}|\$\([^)]*\)/g, ''));
    const offenders = fs
      .readdirSync(extensionSources)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        fs
          .readFileSync(path.join(extensionSources, name), 'utf8')
          .split('\n')
          .map((line, index) => ({ where: `${name}:${index + 1}`, line, literal: bare.exec(line)?.[1] }))
          .filter(({ literal }) => literal !== undefined && holdsWords(literal))
          .map(({ where, line }) => ({ where, line })),
      );
    assert.deepEqual(offenders, []);
  });
});
