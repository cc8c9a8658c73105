// The visualizer in a real VS Code (code-server) and a real browser: opened from the command palette on
// the fixture workspace, read and driven inside its webview frame, synchronised with the temperature
// setting both ways, inserting into the editor, surviving a window reload, screenshotted in dark and
// light themes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { TEMPERATURE_STOPS } from '../../webview/temperatureScale';
import { FIXTURE_WORKSPACE, Workbench, poll } from './harness';
import { chooseTheme as chooseThemeIn, panelShot as panelShotOf } from './panelHelpers';
const CONTEXT = 'Some people like';
/** The fixture's notes say "like tennis" and "like football": both must be among the first candidates. */
const EXPECTED_NEXT = ['tennis', 'football'];

/** The words and values of a bar chart, as shown. */
async function readBars(chart: Locator): Promise<{ word: string; value: string }[]> {
  const rows = chart.locator('.bar-row');
  const words = await rows.locator('.bar-label').allInnerTexts();
  const values = await rows.locator('.bar-value').allInnerTexts();
  return words.map((word, i) => ({ word: word.trim(), value: values[i].trim() }));
}

/** Monaco renders spaces as non-breaking spaces. */
const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

/** A line of the editor holding exactly `text` (any kind of space between words). */
const exactLine = (text: string): RegExp => new RegExp(`^${text.split(' ').join('\\s')}$`);

describe('visualizer panel', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let panel: FrameLocator;
  // The test types into a file: it works on a copy, so the fixture never changes.
  let folder: string;

  const step = (name: string): Locator => panel.getByRole('tab', { name });
  const statusBarTemperature = (): Locator =>
    workbench.page.locator('.statusbar-item', { hasText: /^\s*T [\d.]+\s*$/ }).first();
  const editorLines = (): Locator => workbench.editorLines();

  /** Relative luminance (0 black … 1 white) of the panel's background, as the theme's variables paint it. */
  async function panelLuminance(): Promise<number> {
    const color = await panel.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
    const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  }

  const panelShot = (name: string): Promise<void> => panelShotOf(workbench, panel, name);

  /**
   * Edits a setting through the settings JSON editor with the first editor group active, so that the
   * settings file opens there and the panel beside it stays visible.
   */
  async function updateSetting(key: string, value: unknown): Promise<void> {
    await workbench.runCommand('View: Focus First Editor Group');
    await workbench.updateSetting(key, value);
  }

  const chooseTheme = (theme: string, selector: string): Promise<void> => chooseThemeIn(workbench, theme, selector);

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-panel-')), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    workbench = await Workbench.open({
      folder,
      settings: { 'nextWordLab.temperature': 0.7 },
      // Tall enough for every step to fit in the panel's screenshot.
      viewport: { width: 1800, height: 1800 },
    });
    // A theme named in the initial user settings is not always applied: pick it as a person would.
    await chooseTheme('Dark Modern', '.monaco-workbench.vs-dark');
    panel = await workbench.openVisualizerAfter('tennis.md', CONTEXT);
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('shows the next-word bars for the words before the cursor', async () => {
    await step('Next word').click();
    const chart = panel.locator('[data-chart="candidates"]');
    await workbench.step('bars for the context', () =>
      panel.locator('.context-text', { hasText: CONTEXT }).waitFor().then(() => chart.locator('.bar-row').first().waitFor()),
    );
    await workbench.step('the model answered from the full context', () =>
      panel.locator('.token.matched', { hasText: 'like' }).waitFor(),
    );
    const bars = await readBars(chart);
    const top = bars.slice(0, 3).map((bar) => bar.word);
    for (const word of EXPECTED_NEXT) assert.ok(top.includes(word), `${word} not among ${top.join(', ')}`);
    // The last row lumps every other word, so that the column visibly adds up.
    assert.match(bars.at(-1)?.word ?? '', /^all other words/);
    const values = bars.slice(0, -1).map((bar) => Number(bar.value));
    assert.ok(values.every((value) => value > 0 && value <= 1), values.join(' '));
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    await panelShot('panel-dark-2-next-word');
  });

  it('inserts a clicked candidate at the editor cursor', async () => {
    const chart = panel.locator('[data-chart="candidates"]');
    const first = (await readBars(chart))[0].word;
    await chart.locator('button.bar-row').first().click();
    await workbench.step(`"${first}" appears after the context in the editor`, () =>
      editorLines().locator('.view-line', { hasText: exactLine(`${CONTEXT} ${first}`) }).waitFor(),
    );
    const lines = (await editorLines().locator('.view-line').allInnerTexts()).map(plain);
    assert.ok(lines.some((line) => line === `${CONTEXT} ${first}`), lines.join(' | '));
    // The cursor moved past the word, so the panel now predicts what follows it.
    await workbench.step('the context follows the cursor', () =>
      panel.locator('.context-text', { hasText: `${CONTEXT} ${first}` }).waitFor(),
    );
  });

  it('moves between the steps with the arrow keys', async () => {
    await step('Next word').focus();
    await workbench.page.keyboard.press('ArrowRight');
    assert.equal(await step('The model').getAttribute('aria-selected'), 'true');
    assert.ok(await step('The model').evaluate((tab) => tab === document.activeElement));
    await workbench.step('step 3 shows the model', () => panel.locator('.stat-grid').waitFor());
    await workbench.page.keyboard.press('Home');
    assert.equal(await step('Conditional probability').getAttribute('aria-selected'), 'true');
  });

  it('changes P(A|B) when a person is toggled, and greys out everyone outside B', async () => {
    await step('Conditional probability').click();
    const aGivenB = panel.locator('#p-a-given-b');
    assert.match(plain(await aGivenB.innerText()), /3\s*8\s*0\.375/);
    await panelShot('panel-dark-1-conditional');
    // Person 1 likes tennis; one click makes them a football fan: B grows to 9, A and B stays 3.
    await panel.getByRole('button', { name: /^Person 1: likes tennis/ }).click();
    await workbench.step('P(A|B) = 3/9', () => aGivenB.locator('.value', { hasText: '0.333' }).waitFor());
    assert.match(plain(await aGivenB.innerText()), /3\s*9\s*0\.333/);
    await panel.getByLabel('Given B: keep only football fans').check();
    assert.equal(await panel.locator('.person.outside').count(), 14 - 9);
  });

  it('draws one word, then a histogram growing 1 → 10 → 100 → 1,000 whose gap to the chances shrinks', async () => {
    await step('Sampling').click();
    await panel.getByRole('button', { name: 'Sample', exact: true }).click();
    await workbench.step('the draw is announced', () => panel.locator('.draw-result', { hasText: /^Drew “.+”/ }).waitFor());
    assert.equal(await panel.locator('.draw-result').getAttribute('aria-live'), 'polite');
    const histogram = panel.locator('[data-chart="histogram"]');
    for (const total of ['1', '10', '100', '1,000']) {
      await panel.getByRole('button', { name: `Draw to ${total}` }).click();
      await workbench.step(`the histogram of ${total}`, () =>
        histogram.locator('h3', { hasText: new RegExp(`^${total} draws? against the chances$`) }).waitFor(),
      );
    }
    const gaps = (await histogram.locator('.histogram-gaps').innerText()).split(' → ').map((entry) => Number(entry.split(': ')[1]));
    assert.equal(gaps.length, 4);
    assert.ok(gaps[3] < gaps[0], `the gap shrinks from ${gaps[0]} to ${gaps[3]}`);
    await panelShot('panel-dark-5-sampling');
    await histogram.getByRole('button', { name: 'Table view' }).click();
    const draws = await histogram.locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.equal(draws.reduce((sum, cell) => sum + Number(cell.replace(/,/g, '')), 0), 1000);
  });

  it('shows greedy text with its loop highlighted', async () => {
    await step('Greedy repeats').click();
    await workbench.step('a greedy continuation', () => panel.locator('.greedy-text .word').first().waitFor());
    await panelShot('panel-dark-4-greedy');
  });

  it('writes the temperature setting when the slider moves', async () => {
    await step('Temperature').click();
    const slider = panel.locator('#temperature-slider');
    await slider.focus();
    await workbench.page.keyboard.press('Home');
    await workbench.step('the setting is 0 (status bar)', () => statusBarTemperature().filter({ hasText: /^\s*T 0\s*$/ }).waitFor());
    await workbench.page.keyboard.press('End');
    await workbench.step('the setting is 5 (status bar)', () => statusBarTemperature().filter({ hasText: /^\s*T 5\s*$/ }).waitFor());
    assert.equal(await panel.locator('.temperature-value').innerText(), 'T = 5');
  });

  it('moves the slider when the setting is edited', async () => {
    await updateSetting('nextWordLab.temperature', 1.5);
    const slider = panel.locator('#temperature-slider');
    await workbench.step('the slider follows the setting', () =>
      panel.locator('.temperature-value', { hasText: /^T = 1\.5$/ }).waitFor(),
    );
    assert.equal(await slider.getAttribute('aria-valuetext'), 'T = 1.5');
    // One position per stop of the scale: 1.5 is a stop.
    assert.equal(Number(await slider.inputValue()), TEMPERATURE_STOPS.indexOf(1.5));
    await panelShot('panel-dark-6-temperature');
  });

  it('is restored after a window reload, with its state', async () => {
    await step('Conditional probability').click();
    await workbench.runCommand('Developer: Reload Window');
    await workbench.step('the workbench is back', () => workbench.page.locator('.monaco-workbench').waitFor());
    panel = workbench.webviewFrame();
    await workbench.step('the panel is restored', () => panel.locator('.app').waitFor({ timeout: 60_000 }), 60_000);
    const selected = await panel.locator('[role="tab"][aria-selected="true"]').innerText();
    assert.match(selected, /Conditional probability/);
    // The toggled person and "given B" came back from the webview's saved state.
    assert.ok(await panel.getByRole('button', { name: /^Person 1: likes football/ }).isVisible());
    assert.ok(await panel.getByLabel('Given B: keep only football fans').isChecked());
  });

  it('labels stupid-backoff numbers as scores', async () => {
    await updateSetting('nextWordLab.smoothing', 'stupid-backoff');
    await step('Next word').click();
    await workbench.step('the chart speaks of scores', () =>
      panel.locator('[data-chart="candidates"] h3', { hasText: /^Score\(next word \|/ }).waitFor(),
    );
    assert.match(await panel.locator('.warning').innerText(), /scores, not probabilities/);
    await updateSetting('nextWordLab.smoothing', 'kneser-ney');
    await workbench.step('back to probabilities', () =>
      panel.locator('[data-chart="candidates"] h3', { hasText: /^P\(next word \|/ }).waitFor(),
    );
  });

  it('follows the light theme', async () => {
    assert.ok((await panelLuminance()) < 0.5, 'the panel is dark in the dark theme');
    await chooseTheme('Light Modern', '.monaco-workbench.vs');
    await workbench.step('the panel turns light', () =>
      poll('a light panel', async () => ((await panelLuminance()) >= 0.5 ? true : undefined)));
    await step('Conditional probability').click();
    await panelShot('panel-light-1-conditional-given-b');
    await step('Next word').click();
    await panel.locator('[data-chart="candidates"] .bar-row').first().waitFor();
    await panelShot('panel-light-2-next-word');
    await step('Temperature').click();
    await panel.locator('.examples .generated').first().waitFor();
    await panelShot('panel-light-6-temperature');
    await step('Greedy repeats').click();
    await panel.locator('.greedy-text .word').first().waitFor();
    await panelShot('panel-light-4-greedy');
  });
});
