// The memory budget (nextWordLab.maxModelMB): once the model's tables and vocabulary reach it, no
// more files join; the model keeps answering with what it learned, and the status and Show Skipped
// Files say which files were left out. A larger budget lets them in.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestSession, removeTempDirs, tempDir } from './harness';

const FILES = 6;
/** About 0.95 MB of model each (2,000 lines of new words at order 3): a 1 MB budget takes two. */
const fileText = (file: number): string => Array.from({ length: 2000 }, (_, i) => `w${file}x${i} a${i % 7} b${i}`).join('\n');

describe('memory budget', function () {
  this.timeout(120_000);
  let session: TestSession | undefined;

  after(async () => {
    await session?.dispose();
    removeTempDirs();
  });

  it('a tiny budget leaves files out, predictions still answer, the status and skipped files say so; a larger one lets them in', async () => {
    const folder = tempDir('budget');
    for (let file = 0; file < FILES; file++) fs.writeFileSync(path.join(folder, `part${file}.txt`), fileText(file));
    session = await TestSession.start({ folders: [folder], settings: { maxModelMB: 1 } });
    const status = await session.whenReady();
    assert.equal(status.filesLearned, 2);
    assert.ok(status.modelBytes >= 1024 * 1024, `${status.modelBytes} bytes`);
    assert.deepEqual(status.memoryBudget, { maxModelMB: 1, filesLeftOut: FILES - 2 });

    const leftOut = (await session.skippedFiles()).filter((file) => file.reason === 'memory budget');
    assert.equal(leftOut.length, FILES - 2);
    assert.equal(leftOut[0].detail, 'not learned: the model reached its 1 MB budget (nextWordLab.maxModelMB)');
    const learned = [...Array(FILES).keys()].filter((file) => !leftOut.some((skipped) => skipped.uri.endsWith(`/part${file}.txt`)));
    assert.equal(learned.length, 2);
    // The model answers from the files it learned, and knows nothing of the ones left out.
    assert.equal((await session.predict({ context: `w${learned[0]}x5 a5`, temperature: 0 })).chosen?.word, 'b5');
    const notLearned = [...Array(FILES).keys()].find((file) => !learned.includes(file)) ?? -1;
    assert.deepEqual((await session.predict({ context: `w${notLearned}x5`, temperature: 0 })).context, ['<s>', '<unk>']);

    await session.updateSettings({ maxModelMB: 64 });
    const relearned = await session.waitForStatus((next) => next.state === 'ready' && next.filesLearned === FILES);
    assert.equal(relearned.memoryBudget, undefined);
    assert.deepEqual((await session.skippedFiles()).filter((file) => file.reason === 'memory budget'), []);
    assert.equal((await session.predict({ context: `w${notLearned}x5 a5`, temperature: 0 })).chosen?.word, 'b5');
  });
});
