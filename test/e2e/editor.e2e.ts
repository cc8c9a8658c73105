// Choose Next Word as a person uses it, in a real VS Code (code-server) and a real browser: the quick
// pick lists the candidates as "word — probability · count of context count · n-gram", titled with the
// context in the panel's words, and the one picked is written at the cursor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_WORKSPACE, Workbench, poll } from './harness';

const FILE = 'tennis.md';
const CONTEXT = 'Some people like';
/** notes/tennis.md says "like tennis" three times and "like football" once after "people like". */
const LIKELIEST = 'tennis';

describe('Choose Next Word in the editor', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let folder: string;

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-editor-')), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    workbench = await Workbench.open({ folder, settings: { 'workbench.colorTheme': 'Default Dark Modern' }, viewport: { width: 1200, height: 700 } });
  });

  after(async () => {
    await workbench?.close();
    if (folder) fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('offers the candidates with their numbers and writes the one picked at the cursor', async () => {
    const page = workbench.page;
    await workbench.openFile(FILE);
    await workbench.step('type a context on a new last line', async () => {
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.press('Enter');
      await page.keyboard.insertText(CONTEXT);
    });
    // The numbers below are the whole fixture's: the command would answer from the files learned so far.
    await workbench.step('the model learned', () => page.locator('.statusbar-item .codicon-symbol-text').first().waitFor());
    await workbench.runCommand('Next Word Lab: Choose Next Word');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    const first = await workbench.step('the quick pick of candidates', async () => {
      await rows.first().waitFor();
      return (await rows.first().innerText()).replace(/\s+/g, ' ');
    });
    await workbench.screenshot('editor-choose-next-word');
    // "tennis — 13.2% · 2 of 5 times after “people like” · 2-token context": the quick pick draws the dash
    // between label and description; the counts say what they count, what answered is named as the panel
    // names it (the default estimator, longest match: the context that answered).
    assert.match(first, new RegExp(`^${LIKELIEST} ?[\\d.]+% · \\d+ of \\d+ (words|times after “[^”]+”) · (\\d+-token context|no context)$`));
    assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /^Next word after “[^”]*people like” — answered by /);
    await page.keyboard.press('Enter');
    // Saved and read from disk: the file's text, not Monaco's rendering of it.
    await workbench.step('the word written after the context', async () => {
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      await page.keyboard.press('ControlOrMeta+S');
      const saved = path.join(folder, 'notes', FILE);
      await poll(`"${CONTEXT} ${LIKELIEST}" saved`, () =>
        (fs.readFileSync(saved, 'utf8').trimEnd().endsWith(`\n${CONTEXT} ${LIKELIEST}`) ? true : undefined));
    });
  });

  it('names a line start as the panel does, not <s>', async () => {
    const page = workbench.page;
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await workbench.runCommand('Next Word Lab: Choose Next Word');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await workbench.step('the quick pick at a line start', () => title.filter({ hasText: 'Next word after' }).waitFor());
    assert.match(await title.innerText(), /^Next word after “⟨line start⟩”/);
    await page.keyboard.press('Escape');
  });
});
