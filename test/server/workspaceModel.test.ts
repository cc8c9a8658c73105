// The incremental update path: whatever sequence of editor edits a document goes through, counting
// only the changed lines leaves the model exactly as counting the final text from scratch would.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NgramModel } from '../../src/core/model';
import { WorkspaceModel, type ModelConfiguration } from '../../src/server/workspaceModel';

const configuration: ModelConfiguration = { order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' };
const FILE = '/workspace/notes.txt';
const URI = 'file:///workspace/notes.txt';
const STAMP = { size: 0, mtimeMs: 0 };

/** Short lines over a tiny vocabulary, so n-grams repeat and counts cross 0, 1, 2, 3 often. */
const line = fc.array(fc.constantFrom('the', 'cat', 'sat', 'on', 'mat', '.', '(', ')'), { maxLength: 6 }).map((words) => words.join(' '));
const lines = fc.array(line, { maxLength: 12 });
const edit = fc.record({ start: fc.nat({ max: 12 }), removed: fc.nat({ max: 4 }), inserted: lines });

function applyEdit(text: string[], change: { start: number; removed: number; inserted: string[] }): string[] {
  const start = Math.min(change.start, text.length);
  return [...text.slice(0, start), ...change.inserted, ...text.slice(start + change.removed)];
}

/** The model a fresh count of `text` gives, over the same vocabulary (so ids agree). */
function freshModel(workspace: WorkspaceModel, text: string): NgramModel {
  const model = new NgramModel(configuration, workspace.model.vocabulary.clone());
  model.addSentences(model.encodeText(text));
  return model;
}

function assertSameModel(actual: NgramModel, expected: NgramModel): void {
  // Table capacity (bytes) may differ after removals; every count must not.
  const withoutBytes = (model: NgramModel): object => ({ ...model.stats(), modelBytes: 0 });
  assert.deepEqual(withoutBytes(actual), withoutBytes(expected));
  for (const context of [['<s>'], ['<s>', 'the'], ['the', 'cat'], ['cat', 'sat'], ['(', ')'], ['on', 'mat']]) {
    const a = actual.distribution(context).probabilities;
    const b = expected.distribution(context).probabilities;
    for (let id = 0; id < Math.max(a.length, b.length); id++) {
      assert.ok(Math.abs((a[id] ?? 0) - (b[id] ?? 0)) < 1e-12, `P(${id} | ${context.join(' ')}): ${a[id]} vs ${b[id]}`);
    }
  }
}

describe('workspace model: incremental edits', () => {
  it('re-counting only the changed lines equals counting the final text, with the tables compacted and the index merged at any point', () => {
    fc.assert(
      fc.property(lines, fc.array(fc.tuple(edit, fc.boolean(), fc.boolean()), { maxLength: 8 }), (initial, edits) => {
        const workspace = new WorkspaceModel(configuration);
        const other = 'the cat sat on the mat\nthe mat sat\n';
        workspace.setText('/workspace/other.txt', 'file:///workspace/other.txt', other, STAMP);
        const entry = workspace.setText(FILE, URI, initial.join('\n'), STAMP);
        let text = initial;
        workspace.applyEditorText(entry, text.join('\n'));
        for (const [change, compactAfter, mergeAfter] of edits) {
          text = applyEdit(text, change);
          workspace.applyEditorText(entry, text.join('\n'));
          // The server compacts between learning steps: node ids change, the kept word ids must still remove exactly.
          if (compactAfter) workspace.model.compact();
          // The document's ids are read from the token index: fresh in it, or from its merged base.
          if (mergeAfter) workspace.index.merge();
        }
        const expected = freshModel(workspace, `${other}${text.join('\n')}`);
        assertSameModel(workspace.model, expected);
        assert.deepEqual(Array.from(entry.encoded), Array.from(workspace.model.encodeText(text.join('\n'))));
      }),
      { numRuns: 150 },
    );
  });

  it('opening a document whose text differs from what was learned re-counts it once, whole', () => {
    const workspace = new WorkspaceModel(configuration);
    const entry = workspace.setText(FILE, URI, 'the cat sat\n', STAMP);
    workspace.applyEditorText(entry, 'the cat sat\nthe mat sat\n');
    assertSameModel(workspace.model, freshModel(workspace, 'the cat sat\nthe mat sat\n'));
    workspace.remove(FILE);
    assert.equal(workspace.stats().tokens, 0);
  });

  it('a document counted piece by piece joins as if it had been counted whole, or leaves nothing when dropped', () => {
    const pieces = ['the cat sat on the mat\nthe mat sat\n', '( the cat )\n\n', 'on the mat . the end\n'];
    const whole = new WorkspaceModel(configuration);
    whole.setText('/workspace/other.txt', 'file:///workspace/other.txt', 'the cat\n', STAMP);
    const expected = whole.setText(FILE, URI, pieces.join(''), STAMP);

    const workspace = new WorkspaceModel(configuration);
    workspace.setText('/workspace/other.txt', 'file:///workspace/other.txt', 'the cat\n', STAMP);
    const pending = workspace.beginDocument(FILE);
    for (const piece of pieces) pending.add(piece);
    assert.equal(workspace.get(FILE), undefined, 'not a document until it is counted whole');
    pending.finish(URI, STAMP);
    assert.deepEqual(Array.from(workspace.get(FILE)?.encoded ?? []), Array.from(expected.encoded));
    assert.equal(workspace.countedCount, 2);
    assertSameModel(workspace.model, whole.model);

    // Deleted halfway (the file, or a folder above it): its pieces leave the model, and it never joins.
    const counts = (): object => ({ ...workspace.stats(), modelBytes: 0 });
    const before = counts();
    for (const remove of [() => workspace.remove('/workspace/sub/big.txt'), () => workspace.removeUnder('/workspace/sub', '/')]) {
      const deleted = workspace.beginDocument('/workspace/sub/big.txt');
      deleted.add(pieces[0]);
      remove();
      assert.equal(deleted.current, false);
      assert.throws(() => deleted.finish('file:///workspace/sub/big.txt', STAMP), /no longer being learned/);
      assert.equal(workspace.documentCount, 2);
      assert.deepEqual(counts(), before);
    }
    // A new order halfway: the pieces went with the old model.
    const orphan = workspace.beginDocument('/workspace/sub/big.txt');
    orphan.add(pieces[1]);
    assert.equal(workspace.reconfigure({ ...configuration, order: 2 }), 'recount');
    assert.equal(orphan.current, false);
  });

  it('versionWithout a document moves with every change but its own: the model without it stays as it was while it does not', () => {
    const OTHER = '/workspace/other.txt';
    const workspace = new WorkspaceModel(configuration);
    workspace.setText(OTHER, 'file:///workspace/other.txt', 'the cat\n', STAMP);
    const entry = workspace.setText(FILE, URI, 'the cat sat\non the mat\n', STAMP);
    const withoutFile = (): object => {
      const copy = workspace.model.copy();
      if (workspace.get(FILE)?.counted === true) copy.removeSentences(workspace.get(FILE)?.encoded ?? new Int32Array(0));
      return { ...copy.stats(), modelBytes: 0 };
    };
    const without = withoutFile();
    const version = workspace.versionWithout(FILE);
    const changes = workspace.version;
    // The file's own changes: an editor's text and edits, closing it, learning it again whole or piece by piece.
    workspace.applyEditorText(entry, 'the cat sat\non the mat\n');
    workspace.applyEditorText(entry, 'the cat sat down\non the mat\n');
    workspace.releaseEditor(entry);
    workspace.setText(FILE, URI, 'a mat\n', STAMP);
    const pending = workspace.beginDocument(FILE);
    pending.add('the cat\n');
    pending.finish(URI, STAMP);
    workspace.remove(FILE);
    workspace.setText(FILE, URI, 'the end\n', STAMP);
    assert.ok(workspace.version > changes);
    assert.equal(workspace.versionWithout(FILE), version);
    assert.deepEqual(withoutFile(), without);
    // Another document's change moves it.
    workspace.setText(OTHER, 'file:///workspace/other.txt', 'the dog ran\n', STAMP);
    assert.notEqual(workspace.versionWithout(FILE), version);
    assert.notDeepEqual(withoutFile(), without);
  });

  it('a file read again unchanged is kept as it is (its stamp updated); a changed one, an uncounted one or one open in an editor is not', () => {
    const workspace = new WorkspaceModel(configuration);
    const entry = workspace.setText(FILE, URI, 'the cat sat\n\non the mat\n', STAMP);
    const version = workspace.version;
    const without = workspace.versionWithout(FILE);
    assert.equal(workspace.keepIfUnchanged(FILE, 'the cat sat\n\non the mat\n', STAMP), true);
    assert.equal(workspace.version, version, 'nothing changed');
    const later = { size: 1, mtimeMs: 2 };
    assert.equal(workspace.keepIfUnchanged(FILE, 'the cat sat\non the mat', later), true);
    assert.deepEqual(workspace.get(FILE)?.stamp, later);
    assert.equal(workspace.versionWithout(FILE), without, 'only its own stamp changed');
    assert.ok(workspace.version > version, 'a new stamp is saved');
    assert.equal(workspace.keepIfUnchanged(FILE, 'the cat sat\non a mat\n', later), false);
    assert.equal(workspace.keepIfUnchanged('/workspace/new.txt', 'the cat\n', later), false);
    workspace.applyEditorText(entry, 'the cat sat\n\non the mat\n');
    assert.equal(workspace.keepIfUnchanged(FILE, 'the cat sat\n\non the mat\n', later), false, 'the text of an open editor is what counts');
  });

  it('a recount at another order keeps every document and counts them again', () => {
    const workspace = new WorkspaceModel(configuration);
    workspace.setText(FILE, URI, 'the cat sat on the mat\n', STAMP);
    assert.equal(workspace.reconfigure({ ...configuration, order: 2 }), 'recount');
    assert.equal(workspace.countedCount, 0);
    for (const entry of [...workspace.entries()]) workspace.count(entry);
    assert.equal(workspace.model.order, 2);
    assert.equal(workspace.stats().tokens, 6);
    assert.equal(workspace.reconfigure({ ...configuration, order: 2, tokenizer: 'whitespace' }), 'relearn');
    assert.equal(workspace.documentCount, 0, 'another tokenizer makes the kept ids meaningless');
  });
});
