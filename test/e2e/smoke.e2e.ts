// Proves the browser harness on the real workbench: the extension's commands are in the palette, a
// command runs from it, and a setting changed through the settings editor takes effect.
import assert from 'node:assert/strict';
import { manifest } from '../manifest';
import { Workbench } from './harness';

/** Palette titles of the commands the manifest shows without conditions (no `when` in menus.commandPalette). */
const unconditionalTitles = manifest.contributes.commands
  .filter(({ command }) => !manifest.contributes.menus.commandPalette.some((entry) => entry.command === command))
  .map(({ category, title }) => `${category}: ${title}`);

describe('workbench smoke', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('lists the extension commands in the command palette', async () => {
    const titles = await workbench.commandPaletteTitles('Next Word Lab:');
    assert.deepEqual(unconditionalTitles.filter((title) => !titles.includes(title)), []);
  });

  it('opens the visualizer from the command palette', async () => {
    await workbench.runCommand('Next Word Lab: Open Visualizer');
    const body = workbench.webviewFrame().locator('body');
    await workbench.step('visualizer content', () => body.locator('*').first().waitFor({ state: 'visible' }));
    assert.notEqual((await body.innerText()).trim(), '');
    await workbench.screenshot('smoke-visualizer');
  });

  it('applies a setting changed through the settings editor', async () => {
    // The theme is the setting whose effect the workbench shows on its root element.
    await workbench.step('dark theme from the initial settings', () => workbench.page.locator('.monaco-workbench.vs-dark').waitFor());
    await workbench.updateSetting('workbench.colorTheme', 'Default Light Modern');
    await workbench.step('light theme applied', () => workbench.page.locator('.monaco-workbench.vs').waitFor());
  });
});
