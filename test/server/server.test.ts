// The language server end to end over in-process streams: learning a workspace, predictions,
// edits, file events, secrets and skipped files, settings, completions and the persisted snapshot.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NgramModel } from '../../src/core/model';
import { contextBeforeCursor } from '../../src/core/tokenizer';
import { countSkipped } from '../../src/extension/skippedReport';
import { type ModelStatus, SNAPSHOT_FILE_NAME } from '../../src/protocol/lsp';
import { TestSession, copyFixture, removeTempDirs, tempDir } from './harness';

describe('language server', () => {
  const sessions: TestSession[] = [];
  const start = async (...args: Parameters<typeof TestSession.start>): Promise<TestSession> => {
    const session = await TestSession.start(...args);
    sessions.push(session);
    return session;
  };
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.dispose();
  });
  after(removeTempDirs);

  describe('learning and predicting', () => {
    it('learns the workspace, reports progress and predicts the argmax at temperature 0', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder] });
      const status = await session.whenReady();
      assert.equal(status.state, 'ready');
      assert.equal(status.filesLearned, 2, 'notes/animals.txt and src/greet.js');
      assert.equal(status.order, 3);
      assert.ok(status.tokens > 40, `tokens: ${status.tokens}`);
      assert.ok(session.progress.some((message) => /Learning the workspace: \d+ \/ 2 files/.test(message)), session.progress.join('\n'));
      // Learned file by file, the tables are laid out once the pass is done (before it says ready).
      assert.ok(session.logs.some((line) => /^Compacted the model in \d+ ms\.$/.test(line)), session.logs.join('\n'));

      const result = await session.predict({ context: 'the cat', temperature: 0 });
      assert.deepEqual(result.context, ['</s>', 'the', 'cat']);
      assert.equal(result.chosen?.word, 'sat');
      assert.equal(result.chosen?.rank, 0);
      assert.equal(result.chosen?.draw, null, 'temperature 0 takes the argmax without a draw');
      assert.equal(result.candidates[0].word, 'sat');
      // Longest match: "the cat" after a line break (`</s>`: the file's first line follows `<s>`) twice, "sat" both times.
      assert.equal(result.candidates[0].count, 2);
      assert.equal(result.candidates[0].contextCount, 2);
      assert.equal(result.candidates[0].order, 4);
      assert.equal(result.candidates[0].weight, 1);
    });

    it('answers with a distribution: candidates ranked, weights summing to 1 with the others', async () => {
      const session = await start({ folders: [copyFixture('basic')] });
      await session.whenReady();
      const result = await session.predict({ context: 'the', temperature: 1, candidates: 5, seed: 'fixed' });
      assert.equal(result.candidates.length, 5);
      for (let i = 1; i < result.candidates.length; i++) {
        assert.ok(result.candidates[i - 1].probability >= result.candidates[i].probability);
      }
      const weights = result.candidates.reduce((total, candidate) => total + candidate.weight, 0) + result.others.weight;
      assert.ok(Math.abs(weights - 1) < 1e-9, `weights sum to ${weights}`);
      assert.ok(result.chosen !== null && result.chosen.draw !== null && result.chosen.draw >= 0 && result.chosen.draw < 1);
      // The same request seed draws the same word.
      const again = await session.predict({ context: 'the', temperature: 1, candidates: 5, seed: 'fixed' });
      assert.equal(again.chosen?.word, result.chosen.word);
      assert.equal(again.chosen?.draw, result.chosen.draw);
    });

    it('draws a histogram that follows the re-weighted distribution', async () => {
      const session = await start({ folders: [copyFixture('basic')] });
      await session.whenReady();
      const draws = 20_000;
      const result = await session.predict({ context: 'the', temperature: 1, candidates: 4, draws, seed: 'histogram' });
      assert.ok(result.histogram);
      assert.equal(result.histogram.draws, draws);
      assert.equal(result.histogram.counts.reduce((a, b) => a + b, 0) + result.histogram.others, draws);
      result.candidates.forEach((candidate, i) => {
        const share = (result.histogram?.counts[i] ?? 0) / draws;
        assert.ok(Math.abs(share - candidate.weight) < 0.02, `${candidate.word}: drawn ${share}, weight ${candidate.weight}`);
      });
    });

    it('an unsaved edit of an open document changes the prediction; closing it restores the file', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder] });
      const learned = await session.whenReady();
      assert.equal(await session.argmax('the cat'), 'sat');

      const file = path.join(folder, 'notes', 'animals.txt');
      const text = fs.readFileSync(file, 'utf8');
      const uri = await session.open(file, text);
      assert.equal(await session.argmax('the cat'), 'sat', 'opening the file as it is on disk changes nothing');

      // Type four new lines at the end: "the cat jumped" now outnumbers "the cat sat".
      const lines = text.split('\n').length - 1;
      await session.edit(uri, { start: [lines, 0], end: [lines, 0] }, 'the cat jumped\n'.repeat(4));
      assert.equal(await session.argmax('the cat'), 'jumped');

      // Delete three of them again: one "jumped" left against three "sat".
      await session.edit(uri, { start: [lines, 0], end: [lines + 3, 0] }, '');
      assert.equal(await session.argmax('the cat'), 'sat');

      // Closing without saving: the file as it is on disk counts again, its three tokens are gone.
      await session.close(uri);
      await session.waitForStatus((status) => status.state === 'ready' && status.tokens === learned.tokens);
      const result = await session.predict({ context: 'the cat', temperature: 0, candidates: 10 });
      assert.equal(result.candidates[0].word, 'sat');
      assert.ok(!result.candidates.some((candidate) => candidate.word === 'jumped'), 'no count of "jumped" is left');
    });

    it('follows created, changed and deleted files', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder] });
      const learned = await session.whenReady();
      const file = path.join(folder, 'notes', 'birds.txt');
      fs.writeFileSync(file, 'the cat flew away\n'.repeat(5));
      await session.fileEvent(file, 'created');
      await session.waitForStatus((s) => s.state === 'ready' && s.tokens === learned.tokens + 20);
      assert.equal(await session.argmax('the cat'), 'flew');

      fs.writeFileSync(file, 'the cat swam\n'.repeat(6));
      await session.fileEvent(file, 'changed');
      await session.waitForStatus((s) => s.state === 'ready' && s.tokens === learned.tokens + 18);
      assert.equal(await session.argmax('the cat'), 'swam');

      fs.rmSync(file);
      await session.fileEvent(file, 'deleted');
      const status = await session.waitForStatus((s) => s.tokens === learned.tokens);
      assert.equal(status.filesLearned, 2);
      assert.equal(await session.argmax('the cat'), 'sat');
    });

    it('learns a large file a piece at a time, exactly as a whole', async () => {
      const folder = tempDir('large');
      // About 200 KB: counted in pieces of whole lines, with requests let in between them.
      const lines = Array.from({ length: 6_000 }, (_, i) => `line ${i % 97} says word${i % 13} then word${(i * 7) % 11} .`);
      const text = `${lines.join('\n')}\n`;
      fs.writeFileSync(path.join(folder, 'big.txt'), text);
      fs.writeFileSync(path.join(folder, 'small.txt'), 'line 1 says hello .\n');
      // Kneser-Ney, the n-gram counts alone: what is compared is how they were counted.
      const session = await start({ folders: [folder], settings: { smoothing: 'kneser-ney' } });
      const status = await session.whenReady();
      assert.equal(status.filesLearned, 2);
      const expected = new NgramModel({ order: 3, tokenizer: 'words' });
      expected.addText(text);
      expected.addText('line 1 says hello .\n');
      assert.equal(status.tokens, expected.stats().tokens);
      for (const context of ['line 5 says', 'word3 then', '']) {
        const result = await session.predict({ context, candidates: 5, temperature: 1 });
        const tokens = contextBeforeCursor('words', context, context.length);
        // Words of equal probability may rank in another order (ids are given in learning order).
        assert.deepEqual(
          result.candidates.map((candidate) => candidate.probability),
          expected.candidates(tokens, 5).map((candidate) => candidate.probability),
        );
        for (const candidate of result.candidates) assert.equal(candidate.probability, expected.score(tokens, candidate.word).probability, candidate.word);
      }
    });

    it('learns every folder of a multi-root workspace', async () => {
      const other = tempDir('second-root');
      fs.writeFileSync(path.join(other, 'cats.txt'), 'the cat purred\n'.repeat(4));
      const session = await start({ folders: [copyFixture('basic'), other] });
      const status = await session.whenReady();
      assert.equal(status.filesLearned, 3);
      assert.equal(await session.argmax('the cat'), 'purred', 'four "purred" in the second folder, three "sat" in the first');
    });

    it('chooses nothing while nothing is learned, and says why through the status', async () => {
      const folder = tempDir('empty');
      fs.writeFileSync(path.join(folder, 'logo.png'), 'not text we learn');
      const session = await start({ folders: [folder] });
      const status = await session.whenReady();
      assert.equal(status.state, 'empty');
      const result = await session.predict({ context: 'the', temperature: 1, insertableOnly: true });
      assert.equal(result.chosen, null);
      assert.equal(result.status.tokens, 0);
    });

    it('generates greedily until the output loops, and says where the loop starts', async () => {
      const folder = tempDir('loop');
      fs.writeFileSync(path.join(folder, 'loop.txt'), 'the model is the model is the model is good\nthe model is fine\n');
      // An n-gram model's state is its last two tokens, so its loop shows within 40 words (longest match reads 64).
      const session = await start({ folders: [folder], settings: { smoothing: 'kneser-ney' } });
      await session.whenReady();
      const result = await session.generate({ context: 'the', words: 40, mode: 'greedy' });
      assert.deepEqual(result.context, ['<s>', 'the']);
      assert.ok(result.loop !== null, `no loop in ${result.tokens.join(' ')}`);
      const { start: loopStart, length } = result.loop;
      assert.deepEqual(result.tokens.slice(loopStart, loopStart + length), result.tokens.slice(loopStart + length, loopStart + 2 * length));
      assert.ok(result.tokens.length < 40, 'greedy generation stops once the loop is established');
    });
  });

  describe('which files are learned', () => {
    it('never learns secrets, even when they are included or opened in an editor', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder], settings: { include: ['**/*'] } });
      await session.whenReady();
      await session.open(path.join(folder, '.env'), 'API_TOKEN=hunter2-canary\n'.repeat(3));
      for (const context of ['API_TOKEN =', 'API_TOKEN = hunter2', '']) {
        const result = await session.predict({ context, temperature: 1, candidates: 200, draws: 200, seed: 'canary' });
        const words = result.candidates.map((candidate) => candidate.word);
        assert.ok(!words.some((word) => word.includes('hunter2') || word === 'canary'), `${context}: ${words.join(' ')}`);
      }
      const skipped = await session.skippedFiles();
      const reasons = new Map(skipped.map((file) => [path.basename(new URL(file.uri).pathname), file.reason]));
      assert.equal(reasons.get('.env'), 'secret');
      assert.equal(reasons.get('server.pem'), 'secret');
    });

    it('skips binary, invalid UTF-8, minified, huge, git-ignored and excluded files, each with its reason', async () => {
      const folder = copyFixture('basic');
      const write = (relative: string, content: string | Buffer): void => {
        fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
        fs.writeFileSync(path.join(folder, relative), content);
      };
      write('data/blob.txt', Buffer.from([0x74, 0x68, 0x65, 0x00, 0x01, 0x02]));
      write('data/latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
      write('web/app.js', `var a=${'1+'.repeat(750)}1;\n`);
      write('notes/huge.txt', 'the cat sat on the mat\n'.repeat(200));
      write('scratch/ignored.txt', 'gitignored_canary\n');
      fs.writeFileSync(path.join(folder, '.gitignore'), 'scratch/\n');
      write('node_modules/pkg/index.js', 'node_modules_canary\n');
      write('build/out.txt', 'build_canary\n');

      const session = await start({ folders: [folder], settings: { maxFileSizeKB: 2 } });
      const status = await session.whenReady();
      const skipped = await session.skippedFiles();
      const byPath = new Map(skipped.map((file) => [path.relative(folder, decodeURIComponent(new URL(file.uri).pathname)), file]));
      assert.equal(byPath.get(path.join('data', 'blob.txt'))?.reason, 'binary');
      assert.equal(byPath.get(path.join('data', 'latin1.txt'))?.reason, 'binary');
      assert.equal(byPath.get(path.join('web', 'app.js'))?.reason, 'minified');
      assert.equal(byPath.get(path.join('notes', 'huge.txt'))?.reason, 'too large');
      assert.match(byPath.get(path.join('notes', 'huge.txt'))?.detail ?? '', /5 KB > 2 KB/);
      assert.equal(byPath.get('scratch')?.reason, 'gitignore');
      assert.equal(byPath.get('node_modules')?.reason, 'excluded');
      assert.equal(byPath.get('build')?.reason, 'excluded');
      assert.equal(status.filesSkipped, skipped.length);
      assert.equal(status.filesLearned, 2);
      for (const canary of ['gitignored_canary', 'node_modules_canary', 'build_canary']) {
        const result = await session.predict({ context: '', temperature: 1, candidates: 200 });
        assert.ok(!result.candidates.some((candidate) => candidate.word === canary), canary);
      }
    });

    it('logs at the end of every pass the counts the status bar and Show Skipped Files give (learned, skipped)', async () => {
      // The log said "Found 12 files… 2 skipped" while the status said 11 learned, 3 skipped.
      const folder = copyFixture('basic');
      fs.writeFileSync(path.join(folder, 'notes', 'huge.txt'), 'the cat sat on the mat\n'.repeat(200));
      fs.writeFileSync(path.join(folder, 'notes', 'keys.txt'), 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nthe cat purrs\n');
      // The fixture's .gitignore leaves scratch/ out.
      fs.mkdirSync(path.join(folder, 'scratch'));
      fs.writeFileSync(path.join(folder, 'scratch', 'draft.txt'), 'a draft\n');
      const session = await start({ folders: [folder], settings: { maxFileSizeKB: 2 } });
      const logged = (status: ModelStatus): string =>
        `Learned ${status.filesLearned} files (${status.tokens} words); ${status.filesSkipped} files or folders skipped (Show Skipped Files lists why).`;

      const line = await session.waitForLog(/^Learned /);
      const status = await session.whenReady();
      assert.equal(line, logged(status));
      // animals.txt, greet.js and keys.txt (without its key's line) learned; .env, server.pem, huge.txt and scratch/ not.
      assert.equal(status.filesLearned, 3);
      assert.equal(status.filesSkipped, 4);
      // Show Skipped Files counts what it lists as the status does: keys.txt is listed, but learned.
      const skipped = await session.skippedFiles();
      assert.equal(skipped.find((file) => file.uri.endsWith('/notes/keys.txt'))?.reason, 'secret lines');
      assert.deepEqual(countSkipped(skipped), { files: 3, folders: 1, partly: 1 });

      // Re-learning logs the line again, with the counts of the new pass.
      fs.rmSync(path.join(folder, 'notes', 'huge.txt'));
      const from = session.logs.length;
      await session.relearn();
      const again = await session.waitForLog(/^Learned /, from);
      const relearned = await session.waitForStatus((current) => current.state === 'ready' && current.filesSkipped === 3);
      assert.equal(again, logged(relearned));
      assert.deepEqual(countSkipped(await session.skippedFiles()), { files: 2, folders: 1, partly: 1 });
    });

    it('honours files.exclude and re-reads the workspace when the include setting changes', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder], filesExclude: { '**/src': true } });
      let status = await session.whenReady();
      assert.equal(status.filesLearned, 1);
      assert.equal((await session.skippedFiles()).find((file) => file.uri.endsWith('/src/'))?.reason, 'files.exclude');

      await session.updateSettings({ include: ['**/*.js'] });
      status = await session.waitForStatus((s) => s.state === 'empty');
      assert.equal(status.filesLearned, 0, 'only src/greet.js matches, and files.exclude leaves it out');
    });
  });

  describe('settings', () => {
    it('re-estimates when the order changes, from the kept token ids', async () => {
      const folder = copyFixture('basic');
      // Kneser-Ney: the order bounds the context (longest match reads past it, across lines).
      const session = await start({ folders: [folder], settings: { order: 2, smoothing: 'kneser-ney' } });
      await session.whenReady();
      let result = await session.predict({ context: 'the cat sat on the', temperature: 0 });
      assert.deepEqual(result.context, ['the']);
      assert.ok(result.candidates.every((candidate) => candidate.order <= 2));

      await session.updateSettings({ order: 4 });
      const status = await session.waitForStatus((s) => s.order === 4 && s.state === 'ready');
      assert.equal(status.filesLearned, 2);
      assert.ok(session.progress.some((message) => /^Re-counting at order 4: 2 \/ 2 files$/.test(message)), session.progress.join('\n'));
      assert.equal(session.logs.filter((line) => line.startsWith('Found ')).length, 1, 'no file was looked for or read again');
      result = await session.predict({ context: 'the cat sat on the', temperature: 0, candidates: 2 });
      assert.deepEqual(result.context, ['sat', 'on', 'the']);
      assert.deepEqual(result.candidates.map((candidate) => [candidate.word, candidate.order, candidate.count]).sort(), [
        ['chair', 4, 1],
        ['mat', 4, 1],
      ]);
    });

    it('switches the estimator and re-weights without re-reading anything', async () => {
      const session = await start({ folders: [copyFixture('basic')] });
      await session.whenReady();
      await session.updateSettings({ smoothing: 'mle' });
      const status = await session.waitForStatus((s) => s.estimator === 'mle');
      assert.equal(status.state, 'ready');
      const result = await session.predict({ context: 'the cat', temperature: 0 });
      assert.equal(result.candidates[0].probability, 1, 'MLE: 3 of 3');
    });

    it('clamps an out-of-range setting and reports it once', async () => {
      const session = await start({ folders: [copyFixture('basic')], settings: { temperature: 500, topK: -3 } });
      await session.whenReady();
      const first = await session.predict({ context: 'the' });
      const second = await session.predict({ context: 'the cat' });
      assert.equal(first.sampling.temperature, 100);
      assert.equal(second.sampling.topK, 0);
      const temperatureWarnings = session.messages.filter((message) => message.includes('nextWordLab.temperature'));
      assert.equal(temperatureWarnings.length, 1, session.messages.join('\n'));
    });

    it('a set seed repeats the same sequence of draws', async () => {
      const folder = copyFixture('basic');
      const draws = async (session: TestSession): Promise<string[]> => {
        const words: string[] = [];
        for (let i = 0; i < 8; i++) words.push((await session.predict({ context: 'the', temperature: 2 })).chosen?.word ?? '');
        return words;
      };
      const first = await start({ folders: [folder], settings: { seed: 'lesson' } });
      await first.whenReady();
      const second = await start({ folders: [folder], settings: { seed: 'lesson' } });
      await second.whenReady();
      const a = await draws(first);
      assert.deepEqual(await draws(second), a);
      assert.ok(new Set(a).size > 1, 'temperature 2 over "the" draws more than one word in 8 draws');
    });

    it('answers completion requests (the extension asks only where they are on), ranked after the language’s own', async () => {
      const folder = copyFixture('basic');
      const session = await start({ folders: [folder] });
      await session.whenReady();
      const uri = await session.open(path.join(folder, 'scratch.txt'), 'the cat s');
      const request = { textDocument: { uri }, position: { line: 0, character: 9 } };
      const items = (await session.client.sendRequest('textDocument/completion', request)) as {
        label: string;
        detail: string;
        sortText: string;
      }[];
      assert.equal(items[0].label, 'sat');
      assert.match(items[0].detail, /^\d+\.\d % · next word \(2\/2, 3-token context\)$/);
      assert.ok(items.every((item) => item.sortText > 'zzzz'), 'sorted after ordinary labels');
    });
  });

  describe('persistence', () => {
    it('saves the model, restores it on the next start and re-learns only changed files', async () => {
      const folder = copyFixture('basic');
      const storage = tempDir('storage');
      const first = await start({ folders: [folder], storagePath: storage });
      await first.whenReady();
      await first.dispose();
      sessions.splice(sessions.indexOf(first), 1);
      assert.ok(fs.existsSync(path.join(storage, SNAPSHOT_FILE_NAME)), 'snapshot written on shutdown');

      const later = new Date(Date.now() + 5_000);
      fs.writeFileSync(path.join(folder, 'notes', 'animals.txt'), 'the cat slept all day\n'.repeat(3));
      fs.utimesSync(path.join(folder, 'notes', 'animals.txt'), later, later);

      const second = await start({ folders: [folder], storagePath: storage });
      const status = await second.whenReady();
      assert.equal(status.restoredFromSnapshot, true);
      assert.equal(status.filesLearned, 2);
      assert.ok(second.logs.some((line) => /Found 2 files to read \(1 new or changed\)/.test(line)), second.logs.join('\n'));
      assert.equal(await second.argmax('the cat'), 'slept');
    });

    it('discards a corrupt snapshot with a log line and rebuilds it', async () => {
      const folder = copyFixture('basic');
      const storage = tempDir('storage');
      fs.writeFileSync(path.join(storage, SNAPSHOT_FILE_NAME), 'this is not a model');
      const session = await start({ folders: [folder], storagePath: storage });
      const status = await session.whenReady();
      assert.equal(status.restoredFromSnapshot, false);
      assert.ok(session.logs.some((line) => line.startsWith('Discarded the saved model')), session.logs.join('\n'));
      assert.equal(await session.argmax('the cat'), 'sat');
      await session.dispose();
      sessions.splice(sessions.indexOf(session), 1);

      const restarted = await start({ folders: [folder], storagePath: storage });
      assert.equal((await restarted.whenReady()).restoredFromSnapshot, true, 'the rebuilt snapshot loads');
      assert.equal(await restarted.argmax('the cat'), 'sat');
    });
  });
});
