// A snapshot saved under older reading rules holds documents as those rules read them, under the files'
// current stamps, so nothing would ever read the files again: the server must discard it and learn the
// workspace from its files. Format 2 predates secret scanning by content (a secret line it learned must
// go); format 3 dropped a literal <s>, </s> or <unk> from the text (the word must come back).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NgramModel } from '../../src/core/model';
import { frame, SNAPSHOT_MAGIC } from '../../src/core/snapshot';
import { olderSnapshotBody } from '../unit/core/helpers';
import { SNAPSHOT_FILE_NAME } from '../../src/protocol/lsp';
import { TestSession, removeTempDirs, tempDir } from './harness';

const SECRET_LINE = 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYcanaryOld';

/** The model and documents as format 2 (no withheld note per document) or format 3 (no token index) wrote them. */
function olderSnapshot(version: 2 | 3, model: NgramModel, documents: { key: string; size: number; mtimeMs: number; encoded: Int32Array }[]): Uint8Array {
  return frame(SNAPSHOT_MAGIC, version, olderSnapshotBody(version, model, documents));
}

describe('a snapshot saved under older reading rules', function () {
  this.timeout(60_000);
  let session: TestSession | undefined;

  after(async () => {
    await session?.dispose();
    removeTempDirs();
  });

  it('from before secret scanning by content is discarded and rebuilt from the files, so the secret line it learned is gone', async () => {
    const folder = tempDir('old-snapshot');
    const storage = tempDir('old-snapshot-storage');
    const file = path.join(folder, 'notes.txt');
    const text = `the cat sat on the mat\n${SECRET_LINE}\n`;
    fs.writeFileSync(file, text);
    const stat = fs.statSync(file);
    // What the old server saved: the file learned whole, under the stamp the file still has.
    const model = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
    const encoded = model.addText(text);
    const secretWord = model.vocabulary.allWords().find((word) => word.includes('canaryOld'));
    assert.ok(secretWord !== undefined, 'the old model holds the secret');
    fs.writeFileSync(path.join(storage, SNAPSHOT_FILE_NAME), olderSnapshot(2, model, [{ key: file, size: stat.size, mtimeMs: stat.mtimeMs, encoded }]));

    session = await TestSession.start({ folders: [folder], storagePath: storage, settings: { order: 3, tokenizer: 'words' } });
    assert.equal((await session.whenReady()).restoredFromSnapshot, false);
    assert.ok(session.logs.some((line) => line.includes('Discarded the saved model (format 2, saved before secret scanning by content)')), session.logs.join('\n'));
    assert.deepEqual((await session.predict({ context: secretWord, temperature: 0 })).context, ['<s>', '<unk>']);
    assert.equal((await session.predict({ context: 'the cat sat on the', temperature: 0 })).chosen?.word, 'mat');
    const entry = (await session.skippedFiles()).find((skipped) => skipped.uri.endsWith('/notes.txt'));
    assert.deepEqual(entry && { reason: entry.reason, detail: entry.detail }, { reason: 'secret lines', detail: 'learned, 1 line withheld: credential assignment' });
  });

  it('from when literal markers were dropped is discarded and rebuilt, so the written <s> is a word again', async () => {
    await session?.dispose();
    const folder = tempDir('marker-snapshot');
    const storage = tempDir('marker-snapshot-storage');
    const file = path.join(folder, 'page.txt');
    const text = 'the tag is <s> here\nthe tag is <s> here\n';
    fs.writeFileSync(file, text);
    const stat = fs.statSync(file);
    // What the format 3 server saved: the text with its literal marker dropped, under the file's stamp.
    const model = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'whitespace' });
    const encoded = model.addText(text.replaceAll(' <s>', ''));
    fs.writeFileSync(path.join(storage, SNAPSHOT_FILE_NAME), olderSnapshot(3, model, [{ key: file, size: stat.size, mtimeMs: stat.mtimeMs, encoded }]));

    session = await TestSession.start({ folders: [folder], storagePath: storage, settings: { order: 3, tokenizer: 'whitespace', estimator: 'kneser-ney' } });
    assert.equal((await session.whenReady()).restoredFromSnapshot, false);
    assert.ok(session.logs.some((line) => line.includes('Discarded the saved model (format 3, saved when a literal <s>, </s> or <unk> in the text was dropped)')), session.logs.join('\n'));
    assert.equal((await session.predict({ context: 'the tag is', temperature: 0 })).chosen?.word, '\\<s>');
  });
});
