// The package as users get it. `npm test` packs the .vsix (npm run package) and points
// NEXT_WORD_LAB_VSIX at it; the harness installs it with `code-server --install-extension` into the
// run's own extensions folder. These tests check that what runs is that installed copy (the panel's
// script and the language server come from it), and walk its walkthrough as a person would: opened
// from the palette, each step checked off by the event it waits for (its buttons, the keyboard
// shortcut, the setting), its images in the theme's colours.
// Without NEXT_WORD_LAB_VSIX (the development folder is loaded instead) they are skipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { manifest } from '../manifest';
import { FIXTURE_WORKSPACE, REPO_ROOT, Workbench, poll } from './harness';

const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
const [WALKTHROUGH] = manifest.contributes.walkthroughs;
type StepId = (typeof WALKTHROUGH.steps)[number]['id'];
/** The file the predict step opens: its first line is the context the model continues. */
const FILE_TO_PREDICT_IN = path.join('notes', 'weather.txt');
/** Predict Next Word's keybinding as declared (e.g. "ctrl+alt+n"), in Playwright's spelling ("Control+Alt+N"). */
const PREDICT_SHORTCUT = (() => {
  const binding = manifest.contributes.keybindings.find((entry) => entry.command === 'nextWordLab.predictNextWord');
  assert.ok(binding, 'package.json binds no key to Predict Next Word');
  const names: Record<string, string> = { ctrl: 'Control', alt: 'Alt', shift: 'Shift' };
  return binding.key.split('+').map((part) => names[part] ?? part.toUpperCase()).join('+');
})();

const stepOf = (id: StepId) => {
  const step = WALKTHROUGH.steps.find((candidate) => candidate.id === id);
  assert.ok(step, `package.json's walkthrough has no step ${id}`);
  return { ...step, qualifiedId: `${EXTENSION_ID}#${WALKTHROUGH.id}#${step.id}` };
};


/** The first value `probe` finds in any of the page's frames (webviews are nested frames). */
function findInFrames<T>(what: string, frames: () => Frame[], probe: (frame: Frame) => Promise<T | undefined>): Promise<T> {
  return poll(what, async () => {
    for (const frame of frames()) {
      const value = await probe(frame).catch(() => undefined); // a frame may be navigating or gone
      if (value !== undefined) return value;
    }
    return undefined;
  });
}

/** Processes whose command line mentions `text` (Linux /proc). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (commandLine.includes(text)) found.push(commandLine);
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

describe('the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  // The predict step writes into a file: it works on a copy, so the fixture never changes.
  let folder: string;

  const stepButton = (id: StepId): Locator =>
    workbench.page.locator(`button.getting-started-step[data-step-id="${stepOf(id).qualifiedId}"]`);
  const isChecked = (id: StepId): Promise<string | null> =>
    workbench.page.locator(`[data-done-step-id="${stepOf(id).qualifiedId}"]`).getAttribute('aria-checked');
  const waitUntilChecked = (id: StepId) => workbench.step(`step "${stepOf(id).title}" checked off`, () =>
    workbench.page.locator(`[data-done-step-id="${stepOf(id).qualifiedId}"][aria-checked="true"]`).waitFor());

  /** Expands a step, then clicks the button its description renders for `label`. */
  async function clickStepButton(id: StepId, label: string): Promise<void> {
    await workbench.step(`step "${stepOf(id).title}": ${label}`, async () => {
      if (await stepButton(id).getAttribute('aria-expanded') !== 'true') {
        await stepButton(id).locator('.step-title').click();
        await workbench.page.locator(`button.getting-started-step.expanded[data-step-id="${stepOf(id).qualifiedId}"]`).waitFor();
      }
      await stepButton(id).locator('.button-container .monaco-button', { hasText: label }).click();
    });
  }

  /** The `fill` of the first text of the walkthrough image on show (its own webview frame). */
  const imageTextFill = (altText: string): Promise<string> => workbench.step('the step image', () =>
    findInFrames('the image titled by its alt text', () => workbench.page.frames(), (frame) => frame.evaluate((alt) => {
      const svg = document.querySelector('svg[role="img"]');
      if (svg?.querySelector('title')?.textContent !== alt) return undefined;
      return getComputedStyle(svg.querySelector('text') as Element).fill;
    }, altText)));

  before(async function () {
    if (!process.env.NEXT_WORD_LAB_VSIX) {
      console.log('      (NEXT_WORD_LAB_VSIX is not set: npm run test:e2e packs and installs the .vsix)');
      this.skip();
    }
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-vsix-workspace-'));
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    workbench = await Workbench.open({
      folder,
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        // The Welcome page focuses a step it expands only after its 250 ms slide, and that late focus
        // closes a quick pick a step's button opened meanwhile; without the slide it focuses at once.
        'workbench.welcomePage.preferReducedMotion': true,
        // T = 0: Predict Next Word writes the likeliest word, never a line break.
        'nextWordLab.temperature': 0,
      },
    });
  });

  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('offers the walkthrough in "Welcome: Open Walkthrough..." and opens it with every step', async () => {
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await workbench.step(`pick "${WALKTHROUGH.title}"`, async () => {
      await workbench.page.locator('.quick-input-widget .quick-input-box input').fill(WALKTHROUGH.title);
      await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: WALKTHROUGH.title }).first().click();
      await workbench.page.locator(`h2.category-title[x-category-title-for="${EXTENSION_ID}#${WALKTHROUGH.id}"]`).waitFor();
    });
    const titles = await workbench.page.locator('button.getting-started-step .step-title').allInnerTexts();
    assert.deepEqual(titles, WALKTHROUGH.steps.map((step) => step.title));
    assert.deepEqual(await Promise.all(WALKTHROUGH.steps.map((step) => isChecked(step.id))), WALKTHROUGH.steps.map(() => 'false'));
    await workbench.page.locator('.tabs-container .tab.active', { hasText: `Walkthrough: ${manifest.displayName}` }).waitFor();
  });

  it('shows each step\'s image from the package, drawn in the theme\'s colours', async () => {
    const first = stepOf('openVisualizer');
    const darkFill = await imageTextFill(first.media.altText);
    await workbench.screenshot('walkthrough-dark');
    await workbench.updateSetting('workbench.colorTheme', 'Default Light Modern');
    await workbench.step('light theme applied', () => workbench.page.locator('.monaco-workbench.vs').waitFor());
    await workbench.step('the walkthrough back in front', () => stepButton('openVisualizer').waitFor());
    const lightFill = await workbench.step('the image redrawn', () => poll('a fill other than the dark theme\'s', async () => {
      const fill = await imageTextFill(first.media.altText);
      return fill === darkFill ? undefined : fill;
    }));
    assert.notEqual(lightFill, darkFill);
    await workbench.screenshot('walkthrough-light');
    for (const id of ['conditionalProbability', 'predictNextWord', 'changeTemperature'] as const) {
      await stepButton(id).locator('.step-title').click();
      await imageTextFill(stepOf(id).media.altText);
    }
  });

  it('checks off "Open the visualizer" (and the step whose button opens it too) when its button opens the panel', async () => {
    await clickStepButton('openVisualizer', 'Open Visualizer');
    await waitUntilChecked('openVisualizer');
    // Without completion events of its own, a step is checked off by its buttons' command: the same one.
    await waitUntilChecked('conditionalProbability');
    assert.equal(await isChecked('predictNextWord'), 'false');
    assert.equal(await isChecked('changeTemperature'), 'false');
  });

  it('runs the extension installed in the extensions folder, not a development copy', async () => {
    // The panel's script URL is the extension's own location, as the running extension host knows it.
    const scriptUrl = await workbench.step('the panel\'s script', () => findInFrames('the panel\'s script', () => workbench.page.frames(),
      (frame) => frame.evaluate(() => document.querySelector<HTMLScriptElement>('script[src*="/dist/webview.js"]')?.src)));
    const extensionDir = path.dirname(path.dirname(decodeURIComponent(new URL(scriptUrl).pathname)));
    assert.equal(path.basename(extensionDir), `${EXTENSION_ID}-${manifest.version}`, scriptUrl);
    assert.equal(path.basename(path.dirname(extensionDir)), 'extensions', scriptUrl);
    assert.ok(!extensionDir.startsWith(REPO_ROOT + path.sep), `${extensionDir} is inside the repository`);
    // That folder is what code-server unpacked from the .vsix: the manifest, the bundles, no sources.
    const installed = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8')) as typeof manifest;
    assert.equal(`${installed.publisher}.${installed.name}@${installed.version}`, `${EXTENSION_ID}@${manifest.version}`);
    assert.ok(!fs.existsSync(path.join(extensionDir, 'src')), 'the installed extension holds its sources');
    assert.ok(!fs.readdirSync(path.join(extensionDir, 'dist')).some((name) => name.endsWith('.map')), 'the installed extension holds source maps');
    // And the language server it started runs from there.
    const serverModule = path.join(extensionDir, 'dist', 'server.js');
    await workbench.step('the language server process', () =>
      poll(`a process running ${serverModule}`, () => (processesMentioning(serverModule).length > 0 ? true : undefined)));
  });

  it('checks off "Predict the next word" when its shortcut writes a word into the file its button opens', async () => {
    const file = path.basename(FILE_TO_PREDICT_IN);
    const firstLine = fs.readFileSync(path.join(folder, FILE_TO_PREDICT_IN), 'utf8').split('\n')[0];
    await clickStepButton('predictNextWord', 'Open a File');
    await workbench.step(`open ${file}`, async () => {
      await workbench.page.locator('.quick-input-widget .quick-input-box input').fill(file);
      await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: file }).first().click();
      await workbench.page.locator('.tabs-container .tab.active', { hasText: file }).waitFor();
      await workbench.page.locator('.editor-instance .monaco-editor.focused').waitFor();
    });
    // The cursor is at the start of the file: the model writes the likeliest first word of a line there.
    await workbench.page.keyboard.press(PREDICT_SHORTCUT);
    const editorFirstLine = workbench.page.locator('.editor-instance .monaco-editor .view-line').filter({ visible: true }).first();
    const edited = await workbench.step('the predicted word in the editor', () => poll('the first line to change', async () => {
      const text = (await editorFirstLine.innerText()).replace(/\u00a0/g, ' '); // Monaco shows spaces as no-break spaces
      return text === firstLine ? undefined : text;
    }));
    assert.ok(edited.endsWith(firstLine) && edited.length > firstLine.length, `"${edited}" is not a word followed by "${firstLine}"`);
    await workbench.step('back to the walkthrough', () =>
      workbench.page.locator('.tabs-container .tab', { hasText: `Walkthrough: ${manifest.displayName}` }).click());
    await waitUntilChecked('predictNextWord');
  });

  it('checks off "Change the temperature" when its button changes the setting', async () => {
    await clickStepButton('changeTemperature', 'Set Temperature');
    await workbench.step('pick T = 1.5', () =>
      workbench.page.locator('.quick-input-widget .monaco-list-row', {
        has: workbench.page.locator('.label-name', { hasText: /(^|\s)1\.5$/ }),
      }).first().click());
    await waitUntilChecked('changeTemperature');
    await workbench.step('the status bar shows T = 1.5', () =>
      workbench.page.locator('.statusbar-item', { hasText: /^\s*T 1\.5\s*$/ }).first().waitFor());
    await workbench.screenshot('walkthrough-done');
  });
});
