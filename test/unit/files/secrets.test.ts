// Secrets by content: every canary shape is withheld line by line (nothing of it left in the text),
// files carrying credentials by structure are left out whole, the name list covers the hostile
// review's files, and lines that only mention secrets are learned.

import assert from 'node:assert/strict';
import { learnableText, secretRule } from '../../../src/files/fileFilter';
import fc from 'fast-check';
import { splitLines } from '../../../src/core/lines';
import { describeWithheld, editLeavesTextWhole, looksRandom, scanText, secretKind, structuralSecret } from '../../../src/files/secrets';
import {
  CANARY_LINES,
  CANARY_LINE_COUNT,
  CONTROL_LINES,
  SECRET_FILE_NAMES,
  STRUCTURED_SECRETS,
  canaryText,
  isCanary,
} from '../../fixtures/secrets/canaries';

describe('secrets by content', () => {
  for (const canary of CANARY_LINES) {
    it(`withholds ${canary.kind}: ${canary.text.split('\n')[0].slice(0, 40)}…`, () => {
      const text = `before\n${canary.text}\nafter\n`;
      const scanned = scanText(text);
      assert.ok(!isCanary(scanned.text), scanned.text);
      assert.equal(scanned.withheld?.kinds[0], canary.kind);
      // Line ends stay: an editor's line index still lines up.
      assert.equal(scanned.text.split('\n').length, text.split('\n').length);
      assert.match(scanned.text, /^before\n[\s\S]*\nafter\n$/);
    });
  }

  for (const line of CONTROL_LINES) {
    it(`learns a line that only mentions a secret: ${line}`, () => {
      assert.equal(secretKind(line), undefined);
      assert.deepEqual(scanText(`${line}\n`), { text: `${line}\n` });
    });
  }

  it('withholds every canary of a mixed text, counts the lines and names the kinds', () => {
    const scanned = scanText(canaryText());
    assert.ok(!isCanary(scanned.text));
    assert.equal(scanned.withheld?.lines, CANARY_LINE_COUNT);
    assert.deepEqual(new Set(scanned.withheld?.kinds), new Set(CANARY_LINES.map((canary) => canary.kind)));
    for (const line of CONTROL_LINES) assert.ok(scanned.text.includes(line), line);
    assert.match(describeWithheld(scanned.withheld!), new RegExp(`^${CANARY_LINE_COUNT} lines withheld: private key, AWS access key, `));
  });

  it('withholds a private key block without its END line to the end of the text', () => {
    const scanned = scanText('the cat\n-----BEGIN EC PRIVATE KEY-----\ncanaryA\ncanaryB\n');
    assert.equal(scanned.text, 'the cat\n\n\n\n');
    assert.equal(scanned.withheld?.lines, 3);
  });

  it('keeps \\r\\n and \\r line ends', () => {
    assert.equal(scanText('a\r\nDB_PASSWORD="canaryPw!9xQ2#zL"\r\nb\rc').text, 'a\r\n\r\nb\rc');
  });

  it('tells random values from identifiers, code and placeholders', () => {
    for (const value of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'Zq9!xT4#mN2p', 'a8f5f167f44f4964e6c998dee827110c']) assert.ok(looksRandom(value), value);
    for (const value of ['changeme', 'userPasswordField', 'process.env.TOKEN', '${SECRET}', 'getToken()', 'short1!', '<your-key>', 'my_secret_name']) {
      assert.ok(!looksRandom(value), value);
    }
  });
});

describe('an edit of a text learned whole', () => {
  /** Lines of code, lines that mention secrets harmlessly, secret lines, key blocks and structure marks. */
  const pool = [
    'const total = items.reduce((sum, item) => sum + item.price, 0);',
    'return key;',
    '',
    '}',
    ...CONTROL_LINES,
    ...CANARY_LINES.flatMap((canary) => canary.text.split('\n')),
    ...Object.values(STRUCTURED_SECRETS).flatMap((text) => text.split('\n')),
  ];
  const linesArb = fc.array(fc.constantFrom(...pool), { maxLength: 12 });

  it('is judged by its changed lines exactly as the rules judge the whole new text', () => {
    let judgedWhole = 0;
    let rescanned = 0;
    fc.assert(
      fc.property(linesArb, fc.nat(12), fc.nat(12), linesArb, fc.constantFrom('\n', '\r\n'), (before, from, count, inserted, end) => {
        const beforeText = before.join('\n');
        const learnable = learnableText(beforeText);
        // Only a text learned whole (nothing withheld, no mark) is edited this way.
        fc.pre('text' in learnable && learnable.withheld === undefined);
        const start = Math.min(from, before.length);
        const after = [...before.slice(0, start), ...inserted, ...before.slice(start + count)].join(end);
        if (editLeavesTextWhole(splitLines(beforeText), after, splitLines(after))) {
          judgedWhole++;
          assert.deepEqual(learnableText(after), { text: after });
        } else {
          rescanned++;
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(judgedWhole > 100 && rescanned > 100, `${judgedWhole} judged whole, ${rescanned} scanned again`);
  });

  it("is judged by its changed lines when the text only mentions a structure mark's word, and not when the edit completes the mark", () => {
    const before = ['kind: ConfigMap', 'lookupSecret(name: string): { isSecret: boolean }', 'data:'];
    const edited = [...before.slice(0, 2), 'const users = 1;', ...before.slice(2)].join('\n');
    assert.equal(editLeavesTextWhole(before, edited, splitLines(edited)), true);
    const marked = ['kind: Secret', ...before.slice(1)].join('\n');
    assert.equal(editLeavesTextWhole(before, marked, splitLines(marked)), false);
    assert.ok('reason' in learnableText(marked));
  });
});

describe('secrets by structure', () => {
  for (const [name, text] of Object.entries(STRUCTURED_SECRETS)) {
    it(`leaves out ${name} whole`, () => {
      assert.ok(structuralSecret(text) !== undefined);
      const verdict = learnableText(text);
      assert.ok('reason' in verdict && verdict.reason === 'secret', JSON.stringify(verdict));
      assert.match(verdict.detail, /^never learned \(holds /);
    });
  }

  it('learns prose and code that name the keys without being such files', () => {
    for (const text of ['Set client_secret in your config, then users: can log in.\n', 'const auths = {};\nkind: Service\n', 'private_key is the field name\n']) {
      assert.equal(structuralSecret(text), undefined, text);
    }
  });
});

describe('secret names', () => {
  for (const name of SECRET_FILE_NAMES) {
    it(`never learns ${name}`, () => assert.ok(secretRule(name) !== undefined, name));
  }
  it('matches folder patterns at any depth, also in absolute paths', () => {
    assert.equal(secretRule('/home/me/.kube/config'), '.kube/config');
    assert.equal(secretRule('deploy/secrets/db.json'), 'secrets/*');
    assert.equal(secretRule('src/config'), undefined);
  });
  for (const name of ['tokenizer.json', 'package.json', 'keyboard.ts', 'config.yaml', 'history.md', 'src/auth.ts', 'secretary.md', 'docker-compose.yml', 'tsconfig.json']) {
    it(`learns ${name}`, () => assert.equal(secretRule(name), undefined, name));
  }
});
