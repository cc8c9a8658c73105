// Secrets never come out. A workspace holds a canary in each kind of secret file (.env, .env.local,
// prod.env, a private key, credentials JSON, .npmrc, every name of the hostile review, files that carry
// credentials by structure) and every shape of secret pasted into a learned file, with `include` set
// to every file; the canary
// words must not be in the vocabulary (a canary as context is `<unk>`), not among any candidates or
// draws, not in generated text or completions, not in the persisted snapshot, and not in anything the
// server logs or shows; not even after the .env is opened, edited and saved in an editor.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CompletionRequest } from 'vscode-languageserver-protocol';
import { SNAPSHOT_FILE_NAME } from '../../src/protocol/lsp';
import { TestSession, removeTempDirs, tempDir } from './harness';
import { CANARY_LINE_COUNT, SECRET_FILE_NAMES, STRUCTURED_SECRETS, canaryText } from '../fixtures/secrets/canaries';

/** Secret file → its content; every word spelled `canary…` appears nowhere else. */
const SECRET_FILES: Record<string, string> = {
  '.env': 'CANARYKEYENV=canaryvalueenv\nexport the cat = canarytwoenv\n',
  '.env.local': 'the cat sat canarylocal\n',
  'config/prod.env': 'DATABASE_URL=postgres://canaryuser:canarypass@db/the\n',
  'keys/id_rsa': '-----BEGIN OPENSSH PRIVATE KEY-----\ncanaryrsab3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n',
  'keys/tls.key': 'the cat canarytlskey\n',
  'aws-credentials.json': '{ "aws_secret_access_key": "canaryawsWJalrXUtnFEMI" }\n',
  '.npmrc': '//registry.npmjs.org/:_authToken=canarynpmtoken\n',
  ...Object.fromEntries(Object.entries(STRUCTURED_SECRETS).map(([name, text]) => [`config/${name}`, text])),
  ...Object.fromEntries(SECRET_FILE_NAMES.map((name) => [name, `the cat sat canary${name.replace(/[^A-Za-z0-9]/g, '')}\n`])),
};
/** A learned file with every shape of secret pasted between ordinary lines. */
const PASTED = canaryText();
const isCanary = (word: string): boolean => /canary/i.test(word);
const CANARY_WORDS = [...new Set([...Object.values(SECRET_FILES), PASTED].join(' ').split(/[^A-Za-z0-9_]+/).filter(isCanary))];

describe('secrets never reach a prediction, the snapshot or a log', function () {
  this.timeout(60_000);
  let folder: string;
  let storage: string;
  let session: TestSession;

  before(async () => {
    folder = tempDir('secrets');
    storage = tempDir('secrets-storage');
    const write = (relative: string, content: string): void => {
      fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
      fs.writeFileSync(path.join(folder, relative), content);
    };
    for (const [relative, content] of Object.entries(SECRET_FILES)) write(relative, content);
    write('notes/cats.txt', 'the cat sat on the mat\nthe cat ate the fish\nexport the cat = 1\n');
    write('src/app.js', 'const the = cat;\nexport default the;\n');
    // The control: a word like the canaries, in a file that is learned, is found by the same checks.
    write('notes/control.txt', 'the cat controlword\n');
    write('notes/pasted.md', PASTED);
    session = await TestSession.start({ folders: [folder], storagePath: storage, settings: { include: ['**/*'], completions: { enabled: true } } });
    await session.whenReady();
  });

  after(async () => {
    await session?.dispose();
    removeTempDirs();
  });

  /** Every way the model's words come out, over contexts that lead into the secrets. */
  async function assertNoCanaryOut(): Promise<void> {
    const status = await session.waitForStatus(() => true);
    // With a vocabulary under 200 words, one prediction lists all of it.
    assert.ok(status.vocabularySize <= 200, `vocabulary ${status.vocabularySize}`);
    const everything = await session.predict({ context: '', temperature: 1, candidates: 200 });
    assert.equal(everything.others.words, 0, 'the candidates are the whole vocabulary');
    assert.deepEqual(everything.candidates.map((candidate) => candidate.word).filter(isCanary), []);
    for (const word of CANARY_WORDS) {
      assert.deepEqual((await session.predict({ context: word, temperature: 0 })).context, ['<s>', '<unk>'], `${word} is in the vocabulary`);
    }
    const contexts = ['CANARYKEYENV =', 'export the cat =', 'the cat sat', 'the cat', '//registry.npmjs.org/:_authToken ='];
    contexts.push('aws_secret_access_key =', 'DB_PASSWORD =', 'Authorization : Bearer', 'STRIPE', 'apiKey :', 'the cat sat on the mat');
    for (const context of contexts) {
      const result = await session.predict({ context, temperature: 5, candidates: 200, draws: 2_000, seed: 'canary' });
      assert.deepEqual(result.candidates.map((candidate) => candidate.word).filter(isCanary), [], context);
      assert.ok(!isCanary(result.chosen?.word ?? ''), context);
      const generated = await session.generate({ context, words: 200, mode: 'sample', acrossLines: true, temperature: 5, seed: 'canary' });
      assert.deepEqual(generated.tokens.filter(isCanary), [], context);
      const scratch = await session.open(path.join(folder, 'scratch.txt'), context);
      const items = (await session.client.sendRequest(CompletionRequest.type, {
        textDocument: { uri: scratch },
        position: { line: 0, character: context.length },
      })) as { label: string }[] | null;
      await session.close(scratch);
      assert.ok(items !== null, 'completions are on');
      assert.deepEqual(items.map((item) => item.label).filter(isCanary), [], context);
      // Evidence (Show where…, Why this word?) lists learned lines: never a withheld one, for any word asked.
      for (const word of [...result.candidates.slice(0, 10).map((candidate) => candidate.word), ...CANARY_WORDS.slice(0, 5)]) {
        const evidence = await session.evidence({ context, word });
        assert.deepEqual(JSON.stringify({ ...evidence, word: '' }).split(/[^A-Za-z0-9_]+/).filter(isCanary), [], `evidence for ${word} after ${context}`);
        if (isCanary(word)) assert.equal(evidence.count, 0, `${word} was counted`);
      }
    }
    const said = [...session.logs, ...session.messages, ...session.progress].join('\n');
    assert.deepEqual(CANARY_WORDS.filter((word) => said.includes(word)), [], 'a canary is in the server output');
  }

  it('leaves every secret file out, with its reason, whatever include says', async () => {
    const skipped = await session.skippedFiles();
    const secret = skipped.filter((file) => file.reason === 'secret').map((file) => path.relative(folder, new URL(file.uri).pathname));
    assert.deepEqual(secret.sort(), Object.keys(SECRET_FILES).sort());
    assert.equal((await session.waitForStatus(() => true)).filesLearned, 4);
    // The pasted secrets' file is learned without them, and its entry says how many lines and why.
    const partly = skipped.filter((file) => file.reason === 'secret lines');
    assert.deepEqual(partly.map((file) => path.relative(folder, new URL(file.uri).pathname)), ['notes/pasted.md']);
    assert.match(partly[0].detail, new RegExp(`^learned, ${CANARY_LINE_COUNT} lines withheld: private key, AWS access key, `));
    assert.equal((await session.waitForStatus(() => true)).filesSkipped, Object.keys(SECRET_FILES).length);
    const afterPasted = await session.predict({ context: 'the dog ran to the', temperature: 0 });
    assert.equal(afterPasted.chosen?.word, 'park', 'the ordinary lines of the pasted file are learned');
    assert.deepEqual((await session.predict({ context: 'controlword', temperature: 0 })).context, ['<s>', 'controlword']);
    const candidates = (await session.predict({ context: 'the cat', temperature: 0, candidates: 200 })).candidates.map((c) => c.word);
    assert.ok(candidates.includes('controlword'), candidates.join(' '));
  });

  it('no canary in the vocabulary, candidates, draws, generated text, completions, evidence or server output', assertNoCanaryOut);

  it('nor after the .env is opened, edited, saved and reported changed by the watcher', async () => {
    const before = await session.waitForStatus(() => true);
    const envPath = path.join(folder, '.env');
    const uri = await session.open(envPath, SECRET_FILES['.env']);
    await session.edit(uri, { start: [0, 0], end: [0, 0] }, 'the cat canaryeditedenv\n');
    fs.writeFileSync(envPath, `${SECRET_FILES['.env']}the cat canaryeditedenv\n`);
    await session.fileEvent(envPath, 'changed');
    await session.fileEvent(path.join(folder, 'config', 'prod.env'), 'created');
    // The watcher's events are handled in order: once a file changed after them is learned (3 more tokens), so are they.
    fs.appendFileSync(path.join(folder, 'notes', 'cats.txt'), 'the cat naps\n');
    await session.fileEvent(path.join(folder, 'notes', 'cats.txt'), 'changed');
    await session.waitForStatus((status) => status.tokens === before.tokens + 3);
    CANARY_WORDS.push('canaryeditedenv');
    await assertNoCanaryOut();
    await session.close(uri);
  });

  it('nor when a secret is typed into a learned file open in an editor', async () => {
    const catsPath = path.join(folder, 'notes', 'cats.txt');
    const uri = await session.open(catsPath, fs.readFileSync(catsPath, 'utf8'));
    const before = await session.waitForStatus(() => true);
    await session.edit(uri, { start: [0, 0], end: [0, 0] }, 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYcanaryTyped\nthe cat purrs\n');
    // The ordinary line typed with it is learned (3 tokens), the key's line is not.
    const after = await session.waitForStatus((status) => status.tokens === before.tokens + 3);
    assert.equal(after.tokens, before.tokens + 3);
    const entry = (await session.skippedFiles()).find((file) => file.uri.endsWith('/notes/cats.txt'));
    assert.deepEqual(entry && { reason: entry.reason, detail: entry.detail }, { reason: 'secret lines', detail: 'learned, 1 line withheld: credential assignment' });
    CANARY_WORDS.push('canaryTyped');
    await assertNoCanaryOut();
    await session.close(uri);
  });

  it('no canary in the persisted snapshot', async () => {
    await session.dispose();
    const snapshot = fs.readFileSync(path.join(storage, SNAPSHOT_FILE_NAME));
    assert.ok(snapshot.length > 100, 'the model was saved');
    assert.deepEqual(CANARY_WORDS.filter((word) => snapshot.includes(Buffer.from(word))), []);
    // Its words, read back, hold the notes' words but no canary (the check above is not vacuous).
    assert.ok(snapshot.includes(Buffer.from('mat')));
    session = await TestSession.start({ folders: [folder], storagePath: storage, settings: { include: ['**/*'] } });
    assert.equal((await session.whenReady()).restoredFromSnapshot, true);
  });

  it('a file restored from the snapshot, not read again, still lists its withheld lines', async () => {
    // The previous test restarted the server on the saved model; pasted.md is unchanged, so it is not read again.
    const entry = (await session.skippedFiles()).find((file) => file.uri.endsWith('/notes/pasted.md'));
    assert.equal(entry?.reason, 'secret lines');
    assert.match(entry.detail, new RegExp(`^learned, ${CANARY_LINE_COUNT} lines withheld: private key, AWS access key, `));
  });
});
