// The surprisal lens as a person uses it, in a real VS Code (code-server) and a real browser: Show
// Surprisal on a note of the sample workspace puts the file's bits per token in the status bar, and
// hovering a word explains it with the likeliest words in its place. The screenshot is the README's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, Workbench } from './harness';

const FILE = 'sampling.md';
/** A word of the file's "Greedy choice" paragraph to hover. */
const HOVERED = 'surprises';

describe('Surprisal lens in the editor', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let folder: string;

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-lens-')), 'workspace');
    fs.cpSync(path.join(REPO_ROOT, 'sample-workspace'), folder, { recursive: true });
    workbench = await Workbench.open({ folder, settings: { 'workbench.colorTheme': 'Default Dark Modern' }, viewport: { width: 1200, height: 760 } });
  });

  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('shows bits per token in the status bar and explains a word on hover', async () => {
    const page = workbench.page;
    await workbench.openFile(FILE);
    await workbench.runCommand('Next Word Lab: Show Surprisal');
    const figure = await workbench.step('the figure in the status bar', async () => {
      const item = page.locator('.statusbar-item', { hasText: 'bits/token' }).first();
      await item.waitFor();
      return (await item.innerText()).trim();
    });
    assert.match(figure, /^\d+\.\d\d bits\/token$/);
    // The cursor on the word (Go to Line/Column), then the hover from the keyboard, as a person without a mouse does.
    const lines = fs.readFileSync(path.join(folder, 'notes', FILE), 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes(` ${HOVERED}`));
    await workbench.runCommand('Go to Line/Column...');
    await workbench.step(`go to "${HOVERED}"`, async () => {
      await page.keyboard.insertText(`${line + 1}:${lines[line].indexOf(HOVERED) + 2}`);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    });
    await workbench.runCommand('Show or Focus Hover');
    const hover = await workbench.step(`the hover on "${HOVERED}"`, async () => {
      const widget = page.locator('.monaco-hover', { hasText: 'likeliest here' }).first();
      await widget.waitFor();
      return widget.innerText();
    });
    assert.match(hover, new RegExp(`${HOVERED}`));
    assert.match(hover, /surprisal \d+\.\d\d bits · rank [\d,]+/);
    assert.match(hover, /likeliest here/);
    await workbench.screenshot('editor-surprisal-lens');
  });
});
