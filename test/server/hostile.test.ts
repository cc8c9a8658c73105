// The server on a hostile workspace, generated here into a temp folder: a binary file, a 50 MB text
// file, a minified one-line bundle, invalid UTF-8, symbolic link loops, files that cannot be read even
// by root (a named pipe, a file replaced by a folder between the walk and the read, a folder whose path
// is longer than the system allows), 10,000 tiny files, 200 nested folders, a file deleted between the
// walk and the read and one deleted while it is being read. Learning must finish without a crash, each
// skipped file must be reported with its reason, and predictions must stay prompt while it learns.
//
// Tests run as root, for whom permissions do not make a file unreadable (chmod 000 is no obstacle), so
// the unreadable files are ones no permission can fix. The two races are made deterministic by
// intercepting the server's own fs.promises.readFile (the server runs in this process).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ModelStatus, SkipReason, SkippedFile } from '../../src/protocol/lsp';
import { TestSession, removeTempDirs, tempDir } from './harness';

const TINY_FILES = 10_000;
const TINY_PER_FOLDER = 100;
const NESTED_LEVELS = 200;
const HUGE_FILE_BYTES = 50 * 1024 * 1024;
/** Long folder names, so that a few hundred levels pass PATH_MAX (4,096 bytes on Linux). */
const LONG_FOLDER_NAME = 'a-folder-name-of-forty-characters-long--';
const TOO_DEEP_LEVELS = 110;
/** Predict latency bound asserted while learning; the bench target is 20 ms p99 (docs/robustness.md has the figures). */
const GENEROUS_P99_MS = 250;

/** Makes folders one level at a time from inside the last one: the only way past PATH_MAX. */
function makeTooDeep(root: string): void {
  const script = `
    const fs = require('node:fs');
    process.chdir(process.argv[1]);
    for (let i = 0; i < ${TOO_DEEP_LEVELS}; i++) { fs.mkdirSync(process.argv[2]); process.chdir(process.argv[2]); }
    fs.writeFileSync('lost.txt', 'lost words beyond the longest path\\n');`;
  execFileSync(process.execPath, ['-e', script, root, LONG_FOLDER_NAME]);
}

interface Figures {
  learningMs: number;
  filesLearned: number;
  latencies: number[];
  statusWhileLearning: ModelStatus[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('a hostile workspace', function () {
  this.timeout(120_000);
  let folder: string;
  let session: TestSession;
  const figures: Figures = { learningMs: 0, filesLearned: 0, latencies: [], statusWhileLearning: [] };
  /** What the intercepted reads did with the raced files. */
  const races = { swappedForFolder: false, vanishedBeforeRead: false, deletedWhileRead: 'not read' as 'not read' | 'read whole' | 'failed' };
  const originalReadFile = fs.promises.readFile;

  before(async () => {
    folder = tempDir('hostile');
    const write = (relative: string, content: string | Uint8Array): void => {
      fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
      fs.writeFileSync(path.join(folder, relative), content);
    };
    for (let i = 0; i < TINY_FILES; i++) {
      write(`tiny/${Math.floor(i / TINY_PER_FOLDER)}/note-${i}.txt`, `the tiny note ${i % 7} says hello\n`);
    }
    write('readme.md', 'the tiny note says hello to the hostile workspace\n');
    write('image.txt', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    write('latin1.txt', Uint8Array.from(Buffer.from('caf\u00e9 cr\u00e8me\n', 'latin1')));
    write('huge.txt', Buffer.alloc(HUGE_FILE_BYTES, 'the cat sat on the mat\n'));
    write('bundle.js', `!function(){${'var a=1;'.repeat(60_000)}}();`);
    write('.env', 'HOSTILE_CANARY_TOKEN=do-not-learn\n');
    write(`${'d/'.repeat(NESTED_LEVELS)}deepest.txt`, 'deepest_marker_word follows the nesting\n');
    // Symbolic links are never followed: a loop to the folder itself, a pair pointing at each other, a link to itself.
    fs.symlinkSync('.', path.join(folder, 'loop'));
    fs.symlinkSync('pair-b.txt', path.join(folder, 'pair-a.txt'));
    fs.symlinkSync('pair-a.txt', path.join(folder, 'pair-b.txt'));
    fs.symlinkSync('self.txt', path.join(folder, 'self.txt'));
    // Unreadable for root: reading a named pipe waits for a writer for ever.
    execFileSync('mkfifo', [path.join(folder, 'pipe.txt')]);
    makeTooDeep(folder);
    write('swapped.txt', 'swapped_canary words\n');
    write('vanishing.txt', 'vanishing_canary words\n');
    write('deleted-while-read.txt', 'deleted_while_read_marker words\n');

    // The races, at the moment the server reads each file.
    fs.promises.readFile = (async (file: Parameters<typeof originalReadFile>[0], options?: Parameters<typeof originalReadFile>[1]) => {
      const name = typeof file === 'string' ? path.basename(file) : '';
      if (name === 'swapped.txt') {
        fs.rmSync(file as string);
        fs.mkdirSync(file as string);
        races.swappedForFolder = true;
      } else if (name === 'vanishing.txt') {
        fs.rmSync(file as string);
        races.vanishedBeforeRead = true;
      } else if (name === 'deleted-while-read.txt') {
        // Opened, then deleted, then read: the open file keeps its data (and stays in the model until the delete event).
        const handle = await fs.promises.open(file as string);
        fs.rmSync(file as string);
        try {
          const bytes = await handle.readFile();
          races.deletedWhileRead = 'read whole';
          return bytes;
        } catch (error) {
          races.deletedWhileRead = 'failed';
          throw error;
        } finally {
          await handle.close();
        }
      }
      return originalReadFile(file, options);
    }) as typeof originalReadFile;

    const started = performance.now();
    session = await TestSession.start({ folders: [folder] });
    // Ask while it learns, one request after another, as a user typing would.
    let learning = true;
    const ready = session.whenReady().then((status) => {
      learning = false;
      return status;
    });
    while (learning) {
      const asked = performance.now();
      const result = await session.predict({ context: 'the tiny note', temperature: 0 });
      if (result.status.state === 'ready' || result.status.state === 'empty') break;
      figures.latencies.push(performance.now() - asked);
      figures.statusWhileLearning.push(result.status);
    }
    figures.filesLearned = (await ready).filesLearned;
    figures.learningMs = performance.now() - started;
  });

  after(async () => {
    fs.promises.readFile = originalReadFile;
    await session?.dispose();
    // Node's recursive rm works on whole paths, so it cannot remove a tree deeper than PATH_MAX; rm -rf can.
    if (folder !== undefined) execFileSync('rm', ['-rf', folder]);
    removeTempDirs();
  });

  const relative = (file: SkippedFile): string => path.relative(folder, decodeURIComponent(new URL(file.uri).pathname)) + (file.uri.endsWith('/') ? '/' : '');

  it('finishes learning without a crash: every tiny file, the deepest one, and nothing it should not', async () => {
    const status = await session.whenReady();
    assert.equal(status.state, 'ready');
    // The tiny files, readme.md, the one 200 folders down, and the one deleted while it was read.
    assert.equal(races.deletedWhileRead, 'read whole');
    assert.equal(status.filesLearned, TINY_FILES + 3);
    const deepest = await session.predict({ context: 'deepest_marker_word', temperature: 0 });
    assert.equal(deepest.chosen?.word, 'follows');
    assert.deepEqual(deepest.context, ['<s>', 'deepest_marker_word']);
    for (const canary of ['swapped_canary', 'vanishing_canary', 'HOSTILE_CANARY_TOKEN', 'lost']) {
      assert.deepEqual((await session.predict({ context: canary, temperature: 0 })).context, ['<s>', '<unk>'], `${canary} was learned`);
    }
  });

  it('reports every skipped file with its reason, and says why it could not read the unreadable ones', async () => {
    const skipped = await session.skippedFiles();
    const byReason = new Map<SkipReason, string[]>();
    for (const file of skipped) byReason.set(file.reason, [...(byReason.get(file.reason) ?? []), relative(file)]);
    const tooDeep = (byReason.get('unreadable') ?? []).find((file) => file.startsWith(LONG_FOLDER_NAME));
    assert.ok(tooDeep, `the folder past PATH_MAX is not reported: ${JSON.stringify([...byReason])}`);
    const expected: [SkipReason, string[]][] = [
      ['binary', ['image.txt', 'latin1.txt']],
      ['minified', ['bundle.js']],
      ['secret', ['.env']],
      ['too large', ['huge.txt']],
      ['unreadable', ['pipe.txt', 'swapped.txt', tooDeep].sort()],
    ];
    assert.deepEqual([...byReason].map(([reason, files]) => [reason, files.sort()]).sort(), expected);
    const detail = (name: string): string => skipped.find((file) => relative(file) === name)?.detail ?? '';
    assert.match(detail('pipe.txt'), /named pipe, not a regular file/);
    assert.match(detail('swapped.txt'), /EISDIR/);
    assert.match(detail(tooDeep), /cannot be listed \(ENAMETOOLONG\)/);
    assert.match(detail('huge.txt'), /51,200 KB > 1,024 KB/);
    assert.equal((await session.waitForStatus(() => true)).filesSkipped, skipped.length);
    assert.ok(races.swappedForFolder && races.vanishedBeforeRead, JSON.stringify(races));
    // The file deleted between the walk and the read is simply gone: nothing to report.
    assert.ok(!skipped.some((file) => file.uri.endsWith('/vanishing.txt')));
  });

  it('answers predictions while it learns, within the latency bound', () => {
    const { latencies, statusWhileLearning } = figures;
    assert.ok(latencies.length >= 20, `only ${latencies.length} predictions were answered while learning`);
    assert.ok(statusWhileLearning.some((status) => status.state === 'learning' && status.filesLearned > 0), 'no answer came from a partly learned model');
    const p99 = percentile(latencies, 99);
    console.log(
      `      hostile workspace: learned ${figures.filesLearned.toLocaleString('en-US')} files in ${(figures.learningMs / 1000).toFixed(1)} s; ` +
        `${latencies.length} predictions while learning: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    assert.ok(p99 <= GENEROUS_P99_MS, `p99 ${p99.toFixed(1)} ms`);
  });

  it('a watcher event for the named pipe or a link does not block the learner; a file deleted mid-read leaves with its delete event', async () => {
    // Links could point anywhere (here: outside the workspace); a pipe's read would never return.
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'private.txt'), 'outside_canary words\n');
    fs.symlinkSync(path.join(outside, 'private.txt'), path.join(folder, 'link-out.txt'));
    const before = await session.waitForStatus(() => true);
    for (const name of ['pipe.txt', 'link-out.txt', 'loop', 'pair-a.txt']) await session.fileEvent(path.join(folder, name), 'changed');
    fs.writeFileSync(path.join(folder, 'after.txt'), 'after_marker_word comes next\n');
    await session.fileEvent(path.join(folder, 'after.txt'), 'created');
    await session.fileEvent(path.join(folder, 'deleted-while-read.txt'), 'deleted');
    // −2 tokens (the deleted file) +3 (after.txt): only the end state has one token more, in either order.
    const status = await session.waitForStatus((s) => s.tokens === before.tokens + 1 && s.state === 'ready');
    assert.equal(status.filesLearned, TINY_FILES + 3);
    assert.equal((await session.predict({ context: 'after_marker_word', temperature: 0 })).chosen?.word, 'comes');
    for (const canary of ['outside_canary', 'deleted_while_read_marker']) {
      assert.deepEqual((await session.predict({ context: canary, temperature: 0 })).context, ['<s>', '<unk>'], `${canary} is in the model`);
    }
  });
});
