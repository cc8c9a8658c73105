// What a first-time user ran into (issue "Tried as a new user would"), kept fixed in a real VS Code and
// a real browser: the panel inserts only words predicted for the editor's own context, continuations
// read as the source was written, and every step stays readable from 280 px wide up (screenshots at
// 280, 420 and 900 px in test-results/e2e/, layout checks from ./layout.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { REPO_ROOT, Workbench, poll } from './harness';
import { checkEveryStep, setPanelWidth } from './layout';

/** The narrow screenshot kept in the docs (the step with the most numbers: the next-word bars). */
const DOCS_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'images', 'panel-280px.png');

describe('the visualizer as a new user meets it', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let panel: FrameLocator;

  const tab = (name: string): Locator => panel.getByRole('tab', { name });

  async function typeContext(text: string): Promise<void> {
    await workbench.step(`type the context “${text}”`, async () => {
      await panel.getByRole('radio', { name: 'Typed' }).check();
      await panel.locator('.context-input input').fill(text);
    });
  }

  before(async () => {
    workbench = await Workbench.open({ viewport: { width: 1400, height: 1800 } });
    await workbench.runCommand('Next Word Lab: Open Visualizer');
    panel = workbench.webviewFrame();
    await workbench.step('the panel renders', () => panel.locator('.app').waitFor());
  });

  after(async () => {
    await workbench?.close();
  });

  it('in Typed mode the bars say why clicking does not insert, and are not buttons', async () => {
    await tab('Next word').click();
    await typeContext('Some people like');
    const chart = panel.locator('[data-chart="candidates"]');
    await workbench.step('bars for the typed context', () => chart.locator('.bar-row').first().waitFor());
    await workbench.step('the caption explains', () =>
      chart.locator('figcaption', { hasText: 'typed context, not the text at the editor’s cursor' }).waitFor(),
    );
    assert.equal(await chart.getByRole('button', { name: /^Insert/ }).count(), 0, 'a bar still offers to insert a word predicted for the typed text');
  });

  it('writes continuations as the source was written: no spaces inside calls', async () => {
    await tab('Greedy repeats').click();
    await typeContext('pairs.set');
    let shown = '';
    const text = await poll('a greedy continuation with a call in it', async () => {
      shown = (await panel.locator('.greedy-text').innerText()).trim();
      return shown.includes('(') ? shown : undefined;
    }).catch((error: Error) => assert.fail(`${error.message}: “${shown}”`));
    // counter.js: `pairs.set(key, (pairs.get(key) ?? 0) + 1);`, continued greedily after `pairs.set`.
    assert.match(text, /^\(key\) \?\? 0\) \+ 1\);/u, text);
  });

  it('the temperature slider: a stop per key, Page keys jump, the default marked, the setting written once it rests', async () => {
    await tab('Temperature').click();
    const slider = panel.locator('#temperature-slider');
    await workbench.step('the default 0.7 is marked', () => panel.locator('.tick.default', { hasText: '0.7' }).waitFor());
    assert.equal(await slider.getAttribute('aria-valuetext'), 'T = 0.7 (the default)');
    const file = workbench.userSettingsFile;
    const temperatureSetting = (): unknown => {
      try {
        return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)['nextWordLab.temperature'];
      } catch {
        return undefined; // caught mid-write
      }
    };
    const written = new Set<unknown>();
    const watcher = fs.watch(path.dirname(file), () => written.add(temperatureSetting()));
    try {
      await slider.focus();
      await slider.press('ArrowRight');
      assert.equal(await slider.getAttribute('aria-valuetext'), 'T = 0.8');
      await slider.press('ArrowRight');
      assert.equal(await slider.getAttribute('aria-valuetext'), 'T = 0.9');
      await slider.press('PageUp');
      assert.equal(await slider.getAttribute('aria-valuetext'), 'T = 2');
      await poll('the setting to be written', () => (temperatureSetting() === 2 ? true : undefined));
      await workbench.step('the status bar follows', () =>
        workbench.page.locator('.statusbar-item', { hasText: /^T 2 ·/ }).first().waitFor(),
      );
    } finally {
      watcher.close();
    }
    written.delete(undefined);
    assert.deepEqual([...written], [2], 'settings.json was written before the slider came to rest');
  });

  it('keeps every step readable at 280, 420 and 900 px, screenshots in test-results/e2e/', async () => {
    await tab('Next word').click();
    await typeContext('Some people like');
    await workbench.runCommand('View: Close Primary Side Bar');
    await workbench.runCommand('View: Single Column Editor Layout');
    const ready = async (title: string): Promise<void> => {
      if (title === 'Conditional probability' || title === 'The model') return;
      await panel.locator('.step .placeholder').waitFor({ state: 'detached' });
      if (title === 'Greedy repeats') await panel.locator('.greedy-text .word').first().waitFor();
      if (title === 'Temperature') await poll('the examples', async () => ((await panel.locator('.example .generated').first().innerText()).trim() !== '…' ? true : undefined));
    };
    const problems: string[] = [];
    for (const width of [280, 420, 900]) {
      await setPanelWidth(workbench, width);
      const result = await checkEveryStep(workbench, panel, width, { prefix: 'panel', ready });
      problems.push(...result.problems);
      if (width === 280) fs.copyFileSync(result.screenshots[1], DOCS_SCREENSHOT);
    }
    assert.deepEqual(problems, []);
  });
});
