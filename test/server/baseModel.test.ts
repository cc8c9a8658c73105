// The team's base model (nextWordLab.baseModel): read in the background, mixed with the workspace
// model at nextWordLab.baseModelWeight, reported once when it cannot be read, reloaded and unloaded
// as the setting changes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readArpa, writeArpa } from '../../src/core/arpa';
import { BaseModel, MixtureModel } from '../../src/core/mixture';
import { NgramModel } from '../../src/core/model';
import { SURPRISAL_SPAN_FIELDS, SurprisalRequest, SurprisalTokenRequest, type ModelStatus } from '../../src/protocol/lsp';
import { TestSession, removeTempDirs, tempDir } from './harness';

const WORKSPACE_TEXT = ['const total = count + 1;', 'const count = items.length;', 'return total;'].join('\n');
const TEAM_TEXT = ['const total = sum ( values ) ;', 'const count = values . length ;', 'const team = shared + code ;', 'return team ;'].join('\n');

/** A KenLM-style ARPA file of the team's text, as `export-arpa` writes one. */
function writeTeamArpa(folder: string, name = 'team.arpa'): string {
  const model = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
  model.addText(TEAM_TEXT);
  const file = path.join(folder, name);
  fs.writeFileSync(file, writeArpa(model));
  return file;
}

const ready = (status: ModelStatus): boolean => status.state === 'ready' && status.baseModel?.state === 'ready';

describe('language server: the team base model', function () {
  this.timeout(120_000);
  const sessions: TestSession[] = [];
  const start = async (settings: Record<string, unknown>): Promise<{ session: TestSession; folder: string; outside: string }> => {
    const folder = tempDir('base-workspace');
    fs.writeFileSync(path.join(folder, 'main.ts'), WORKSPACE_TEXT);
    const outside = tempDir('base-files');
    const session = await TestSession.start({ folders: [folder], settings: { smoothing: 'kneser-ney', ...settings } });
    sessions.push(session);
    return { session, folder, outside };
  };
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.dispose();
  });
  after(removeTempDirs);

  it('loads the base model in the background and answers with the exact mixture, each model\'s part listed', async () => {
    const outside = tempDir('base-arpa');
    const file = writeTeamArpa(outside);
    const { session } = await start({ baseModel: file, baseModelWeight: 0.3 });
    const status = await session.waitForStatus(ready);
    assert.ok(session.statuses.some((s) => s.baseModel?.state === 'loading'), 'the status said it was loading first');
    const base = status.baseModel;
    assert.ok(base?.state === 'ready');
    assert.equal(base.source, file);
    assert.equal(base.weight, 0.3);
    assert.equal(base.order, 3);
    assert.equal(base.mixed, true);
    assert.ok(base.modelBytes > 0 && base.ngrams[0] === base.vocabularySize);

    const result = await session.predict({ context: 'const count = ', temperature: 0, candidates: 6, rest: true });
    assert.deepEqual({ weight: result.mixture?.weight, source: result.mixture?.source }, { weight: 0.3, source: file });
    // The same mixture computed by the engine from the same two models.
    const workspace = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
    workspace.addText(WORKSPACE_TEXT);
    const expected = new MixtureModel(workspace, new BaseModel(readArpa(fs.readFileSync(file, 'utf8')), file), 0.3).candidates(['<s>', 'const', 'count', '='], 6);
    assert.deepEqual(
      result.candidates.map((candidate) => [candidate.word, candidate.probability, candidate.parts]),
      expected.map((candidate) => [candidate.word, candidate.probability, { base: candidate.base, workspace: candidate.workspace }]),
    );
    // `items` only the workspace knows, `values` only the base model.
    const items = result.candidates.find((candidate) => candidate.word === 'items');
    const values = result.candidates.find((candidate) => candidate.word === 'values');
    assert.ok(items?.parts !== undefined && items.parts.base === 0 && items.parts.workspace > 0);
    assert.ok(values?.parts !== undefined && values.parts.workspace === 0 && values.parts.base > 0);
    // Each column adds up: the shown words' parts plus what the others get is that model's whole distribution.
    const mixture = result.mixture;
    assert.ok(mixture !== undefined);
    const column = (part: 'base' | 'workspace') => result.candidates.reduce((total, c) => total + (c.parts?.[part] ?? 0), 0) + mixture.others[part];
    assert.ok(Math.abs(column('workspace') - 1) < 1e-12, `workspace column ${column('workspace')}`);
    assert.ok(Math.abs(column('base') - 1) < 1e-6, `base column ${column('base')} (ARPA's 9 digits)`);
    const mixed = result.candidates.reduce((total, c) => total + c.probability, 0) + result.others.probability;
    assert.ok(Math.abs(mixed - (0.3 * column('base') + 0.7 * column('workspace'))) < 1e-12);

    // Generation and sampling run on the mixture; a seed repeats its draws.
    const generated = await session.generate({ context: 'const', words: 6, mode: 'sample', seed: 'team', temperature: 1.2 });
    assert.deepEqual(generated.mixture, { weight: 0.3, source: file });
    assert.deepEqual((await session.generate({ context: 'const', words: 6, mode: 'sample', seed: 'team', temperature: 1.2 })).tokens, generated.tokens);
  });

  it('scores the surprisal lens with the mixture: each token\'s probability and rank among the union vocabulary', async () => {
    const outside = tempDir('base-lens');
    const file = writeTeamArpa(outside);
    const { session, outside: elsewhere } = await start({ baseModel: file, baseModelWeight: 0.4 });
    await session.waitForStatus(ready);
    // A file the workspace never learned (outside its folder), so the workspace model is the one learned.
    const text = 'const total = sum ( items ) ;';
    const uri = await session.open(path.join(elsewhere, 'open.ts'), text);
    const lens = await session.client.sendRequest(SurprisalRequest.type, { textDocument: { uri }, withProbabilities: true });
    assert.deepEqual(lens?.mixture, { weight: 0.4, source: file });
    const workspace = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
    workspace.addText(WORKSPACE_TEXT);
    const mixture = new MixtureModel(workspace, new BaseModel(readArpa(fs.readFileSync(file, 'utf8')), file), 0.4);
    const words = ['const', 'total', '=', 'sum', '(', 'items', ')', ';'];
    const expected = words.map((word, i) => {
      const context = ['<s>', ...words.slice(0, i)];
      const p = mixture.score(context, word).probability;
      return { log10Prob: Math.log10(p), rank: mixture.countLikelier(context, p) + 1 };
    });
    // A span is line, start, end, rank.
    const ranks = words.map((_, i) => lens?.spans[i * SURPRISAL_SPAN_FIELDS + 3]);
    assert.deepEqual(ranks, expected.map((token) => token.rank));
    assert.equal(lens?.log10Probs?.length, words.length);
    lens?.log10Probs?.forEach((log10Prob, i) => assert.ok(Math.abs((log10Prob ?? -Infinity) - expected[i].log10Prob) < 1e-12, `token ${i}`));
    // `sum` only the base model knows: the hover says which model answered, with both parts.
    const token = await session.client.sendRequest(SurprisalTokenRequest.type, { textDocument: { uri }, position: { line: 0, character: 15 } });
    assert.equal(token?.word, 'sum');
    assert.equal(token?.mixture?.weight, 0.4);
    assert.equal(token?.mixture?.parts.workspace, 0);
    assert.ok((token?.mixture?.parts.base ?? 0) > 0);
    assert.ok(Math.abs((token?.probability ?? 0) - 0.4 * (token?.mixture?.parts.base ?? 0)) < 1e-15);
  });

  it('reports a file it cannot read once, in one line, and the workspace model answers alone', async () => {
    const { session, outside } = await start({ baseModel: 'missing/team.arpa' });
    const line = await session.waitForLog(/Could not load the base model/);
    assert.match(line, /^Could not load the base model missing\/team\.arpa: ENOENT: no such file or directory, open '.*team\.arpa'\. The workspace model answers alone\.$/);
    const failed = await session.waitForStatus((status) => status.baseModel?.state === 'failed');
    assert.ok(failed.baseModel?.state === 'failed' && failed.baseModel.message.startsWith('ENOENT'));
    await session.whenReady();
    const alone = await session.predict({ context: 'const count = ', temperature: 0 });
    assert.equal(alone.mixture, undefined);
    assert.equal(alone.chosen?.word, 'items');

    // Other settings change: the failure is not reported again.
    await session.updateSettings({ smoothing: 'kneser-ney', baseModel: 'missing/team.arpa', temperature: 0.9 });
    await session.predict({ context: 'const', temperature: 0 });
    // A file that is not a model: one clear line naming what is wrong.
    const notModel = path.join(outside, 'notes.txt');
    fs.writeFileSync(notModel, 'hello');
    await session.updateSettings({ smoothing: 'kneser-ney', baseModel: notModel });
    const second = await session.waitForLog(/Could not load the base model .*notes\.txt/);
    assert.match(second, /notes\.txt: not an ARPA file \(it starts with \\data\\\) nor a model saved by `next-word-lab import-arpa --out`\. The workspace model answers alone\.$/);
    assert.equal(session.logs.filter((logged) => logged.startsWith('Could not load the base model missing')).length, 1);
  });

  it('reads a path relative to the workspace folder, a saved import-arpa --out model, reloads when the setting changes and unloads when it is cleared', async () => {
    const { session, folder } = await start({});
    await session.whenReady();
    assert.equal((await session.waitForStatus(() => true)).baseModel, undefined);
    const arpa = writeTeamArpa(folder, 'team.arpa');
    await session.updateSettings({ smoothing: 'kneser-ney', baseModel: 'team.arpa', baseModelWeight: 1 });
    const loaded = await session.waitForStatus(ready);
    assert.equal(loaded.baseModel?.source, 'team.arpa');
    // At weight 1 the base model alone answers: after "return" the team wrote "team".
    assert.equal((await session.predict({ context: 'return', temperature: 0 })).chosen?.word, 'team');

    fs.writeFileSync(path.join(folder, 'team.nwla'), readArpa(fs.readFileSync(arpa, 'utf8'), 'words').toBytes());
    await session.updateSettings({ smoothing: 'kneser-ney', baseModel: 'team.nwla', baseModelWeight: 0 });
    await session.waitForStatus((status) => status.baseModel?.source === 'team.nwla' && status.baseModel.state === 'ready');
    // At weight 0 the workspace alone: "return total".
    const workspaceAlone = await session.predict({ context: 'return', temperature: 0 });
    assert.equal(workspaceAlone.chosen?.word, 'total');
    assert.equal(workspaceAlone.mixture?.weight, 0);

    await session.updateSettings({ smoothing: 'kneser-ney', baseModel: '' });
    await session.waitForStatus((status) => status.baseModel === undefined);
    await session.waitForLog(/Unloaded the base model/);
    assert.equal((await session.predict({ context: 'return', temperature: 0 })).mixture, undefined);
  });

  it('reads a large file on a thread of its own: predictions answer while it loads, and its progress is reported', async function () {
    const serverModule = path.join(__dirname, '../../dist/server.js');
    if (!fs.existsSync(path.join(__dirname, '../../dist/baseModelWorker.js'))) this.skip();
    const outside = tempDir('base-large');
    const big = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'words' });
    // About 1.3 M n-grams: long enough to read that several predictions are answered meanwhile.
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i++) lines.push(`w${i % 5003} x${(i * 7) % 4001} y${(i * 13) % 3001} z${i % 97}`);
    big.addText(lines.join('\n'));
    const file = path.join(outside, 'large.arpa');
    fs.writeFileSync(file, writeArpa(big));
    const folder = tempDir('base-large-workspace');
    fs.writeFileSync(path.join(folder, 'main.ts'), WORKSPACE_TEXT);
    const session = await TestSession.spawn(serverModule, { folders: [folder], settings: { smoothing: 'kneser-ney', baseModel: file } });
    sessions.push(session);
    let answeredWhileLoading = 0;
    for (;;) {
      const result = await session.predict({ context: 'const count = ', temperature: 0 });
      if (result.status.baseModel?.state !== 'loading') break;
      // Answered by the workspace model alone.
      assert.equal(result.mixture, undefined);
      answeredWhileLoading++;
    }
    const status = await session.waitForStatus(ready);
    assert.ok(answeredWhileLoading > 0, 'no prediction was answered while the file loaded');
    assert.ok(
      session.statuses.some((s) => s.baseModel?.state === 'loading' && s.baseModel.progress !== undefined && s.baseModel.progress.done > 0),
      'progress was reported',
    );
    assert.ok(status.baseModel?.state === 'ready' && status.baseModel.ngrams.reduce((a, b) => a + b, 0) > 1_000_000);
    assert.ok((await session.predict({ context: 'const count = ', temperature: 0 })).mixture !== undefined);
  });
});
