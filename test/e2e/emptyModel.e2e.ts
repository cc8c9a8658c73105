// A workspace whose nextWordLab.include matches no file, as a new user sets it up by mistake: Predict
// Next Word names the cause (the include pattern matched nothing, not "every candidate file was left
// out"), and Open Settings opens the Workspace tab, where the pattern is set.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_WORKSPACE, Workbench } from './harness';

const INCLUDE = '**/*.nothing';

describe('an include pattern that matches no file', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let folder: string;

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-empty-')), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    fs.mkdirSync(path.join(folder, '.vscode'));
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'nextWordLab.include': [INCLUDE] }));
    workbench = await Workbench.open({ folder });
  });

  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('Predict Next Word says the pattern matched nothing, and Open Settings opens the Workspace tab', async () => {
    const page = workbench.page;
    await workbench.openFile('weather.txt');
    await workbench.step('nothing learned', () => page.locator('.statusbar-item [aria-label*="0 words learned"], .statusbar-item[aria-label*="0 words learned"]').first().waitFor());
    await workbench.runCommand('Next Word Lab: Predict Next Word');
    const message = await workbench.notification('found nothing to learn');
    const text = await message.innerText();
    assert.match(text, new RegExp(`nextWordLab\\.include \\(“${INCLUDE.replace(/[*.]/g, '\\$&')}”\\) matches no file in the workspace`), text);
    assert.doesNotMatch(text, /every candidate file was left out/);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'found nothing to learn' });
    await toast.getByRole('button', { name: 'Open Settings' }).click();
    await workbench.step('the Workspace tab of the Settings editor', () =>
      page.locator('.settings-editor .settings-tabs-widget .action-label.checked', { hasText: 'Workspace' }).waitFor(),
    );
    await workbench.step('searching for the setting', () =>
      page.locator('.settings-editor .setting-item-contents', { hasText: 'Include' }).first().waitFor(),
    );
  });
});
