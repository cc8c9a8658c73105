// The visualizer with a team base model, in a real VS Code and a real browser: nextWordLab.baseModel
// names the KenLM-built ARPA model of test/fixtures/team, and the Next word step says which models
// answered and shows the team base, workspace and mixture columns side by side, each adding up to 1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { FIXTURE_WORKSPACE, REPO_ROOT, Workbench } from './harness';

const ARPA = path.join(REPO_ROOT, 'test', 'fixtures', 'team', 'kenlm-code-small-o3.arpa.gz');
const CONTEXT = 'Some people like';

describe('visualizer panel with a team base model', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let panel: FrameLocator;
  let folder: string;

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-team-')), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    workbench = await Workbench.open({ folder, settings: { 'nextWordLab.baseModel': ARPA, 'nextWordLab.baseModelWeight': 0.25 } });
    panel = await workbench.openVisualizerAfter('tennis.md', CONTEXT);
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('names the models that answered and shows both distributions and the mixture side by side, each column with its total', async () => {
    await panel.getByRole('tab', { name: 'Next word' }).click();
    const table = panel.locator('table.mixture-table');
    await workbench.step('the mixture columns', () => table.waitFor());
    assert.equal(
      await panel.locator('.mixture-answer').innerText(),
      `Answered by the mixture of the team base model ${ARPA} and the workspace model: P = 0.25 · P_base + 0.75 · P_workspace.`,
    );
    assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['word', 'team base P_base', 'workspace P_workspace', 'mixture P']);
    const totals = (await table.locator('tfoot td').allInnerTexts()).map(Number);
    assert.equal(totals.length, 3);
    // Each column sums its model's whole distribution (the base model's to its file's 8 printed digits).
    for (const total of totals) assert.ok(Math.abs(total - 1) <= 0.001, totals.join(' '));
    // Every row's mixture is the weighted sum of the two columns beside it, to the three printed decimals.
    for (const row of await table.locator('tbody tr').all()) {
      const [base, workspace, mixture] = (await row.locator('td').allInnerTexts()).map(Number);
      assert.ok(Math.abs(mixture - (0.25 * base + 0.75 * workspace)) <= 0.0015, `${base} ${workspace} ${mixture}`);
    }
  });
});
