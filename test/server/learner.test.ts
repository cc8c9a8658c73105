// The learner on its own, with a host whose "requests being answered" the test holds and releases:
// work that arrives while the learner waits for requests must still be done.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS } from '../../src/protocol/settings';
import { Learner } from '../../src/server/learner';
import { pathToUri, type Folder } from '../../src/server/paths';
import { SettingsCache } from '../../src/server/settingsCache';
import { WorkspaceModel } from '../../src/server/workspaceModel';
import { removeTempDirs, tempDir } from './harness';

/** The parts of a connection the learner and a settings cache that cannot pull use: log lines. */
function quietConnection(logs: string[]): Connection {
  const log = (line: string): void => void logs.push(line);
  return { console: { info: log, warn: log, error: log, log } } as unknown as Connection;
}

/** Requests the learner waits for, held the first time it waits while `holds()` (until then, none). */
class HeldRequests {
  private release: (() => void) | undefined;
  private reached: (() => void) | undefined;
  /** Resolves when the learner first waits for requests while `holds()`. */
  readonly waiting = new Promise<void>((resolve) => (this.reached = resolve));

  constructor(private readonly holds: () => boolean) {}

  /** What the learner calls: held until `answer()`. */
  whenAnswered(): Promise<void> {
    if (this.release === undefined && !this.holds()) return Promise.resolve();
    this.reached?.();
    return this.release === undefined ? new Promise((resolve) => (this.release = resolve)) : Promise.resolve();
  }

  answer(): void {
    const release = this.release;
    this.release = () => undefined;
    release?.();
  }
}

describe('learner', () => {
  after(removeTempDirs);

  it('does the work that came in while it waited for requests before compacting', async () => {
    const root = tempDir('learner');
    const folder: Folder = { uri: pathToUri(root), fsPath: root };
    const workspace = new WorkspaceModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
    const logs: string[] = [];
    const connection = quietConnection(logs);
    // The wait before compacting (the learner also lets requests in while it makes room in the tables).
    const held = new HeldRequests(() => workspace.documentCount === 2);
    let idle: () => void = () => undefined;
    const learner = new Learner({
      connection,
      settings: new SettingsCache(connection),
      workspace: () => workspace,
      folders: () => [folder],
      editorText: () => undefined,
      maxModelMB: () => DEFAULT_SETTINGS.maxModelMB,
      whenRequestsAnswered: () => held.whenAnswered(),
      changed: () => undefined,
      idle: () => idle(),
      indexMerged: () => undefined,
    });
    const write = (name: string, text: string): string => {
      const file = path.join(root, name);
      fs.writeFileSync(file, text);
      return file;
    };

    // New files, all of their n-grams new: a compaction is due once they are learned, and the learner
    // first lets requests in, which the test holds.
    learner.fileChanged(write('a.txt', 'the cat sat on the mat\n'));
    learner.fileChanged(write('b.txt', 'the dog ran to the park\n'));
    await held.waiting;
    assert.equal(workspace.documentCount, 2);
    assert.ok(workspace.model.compactionDue);
    // A file changes while the learner waits.
    const idleAgain = new Promise<void>((resolve) => (idle = resolve));
    learner.fileChanged(write('c.txt', 'a bird flew over the house\n'));
    held.answer();
    await idleAgain;

    assert.equal(workspace.documentCount, 3, 'the file that changed during the wait is learned');
    assert.equal(workspace.model.compactionDue, false);
    assert.ok(logs.some((line) => /^Compacted the model/.test(line)), logs.join('\n'));
  });
});
