// The lesson shows its work, in a real VS Code (code-server) and a real browser: step 1's formula with
// the live numbers, maximum likelihood whose bars are their fractions, columns that add up, a
// parameter looked up, sampling at T = 1 by default, tabs that keep their size, and no serious or
// critical accessibility violation (axe-core, contrast included) on any step in dark, light and
// high-contrast themes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { FIXTURE_WORKSPACE, Workbench } from './harness';
import { THEMES, chooseTheme, panelShot, seriousViolations, type AxeViolation } from './panelHelpers';

const CONTEXT = 'Some people like';
const STEP_NAMES = ['Conditional probability', 'Next word', 'The model', 'Greedy repeats', 'Sampling', 'Temperature'];

const plain = (text: string): string => text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
const numberIn = (text: string): number => Number(text.replace(/,/g, ''));

describe('the lesson shows its work', function () {
  this.timeout(600_000);
  let workbench: Workbench;
  let panel: FrameLocator;
  let folder: string;
  /** c(people like tennis) as step 2's maximum-likelihood bar shows it. */
  let tennisCount: number | undefined;

  const tab = (name: string): Locator => panel.getByRole('tab', { name });

  /** Shows a step and waits until it has drawn its answer. */
  async function showStep(name: string): Promise<void> {
    await tab(name).click();
    await workbench.step(`step "${name}" drawn`, async () => {
      await panel.locator('.step-body').waitFor();
      await panel.locator('.placeholder').waitFor({ state: 'detached' });
    });
  }

  /** Opens "why tennis?" and the arithmetic of Kneser-Ney's number for tennis. */
  async function openWorkings(): Promise<void> {
    const row = panel.locator('[data-chart="maximum-likelihood"] .bar-row', { has: panel.locator('.bar-label', { hasText: /^tennis$/ }) });
    await row.locator('.why-button').click();
    await workbench.step('the evidence', () => panel.locator('.evidence .evidence-link').first().waitFor());
    const column = panel.locator('.estimator-column[data-estimator="kneser-ney"]');
    await workbench.step('the estimator columns', () => column.waitFor());
    await column.locator('li', { has: panel.locator('.cell-word', { hasText: /^tennis$/ }) }).getByRole('button').click();
    await panel.locator('.arithmetic').waitFor();
  }

  /** Clicks Step `count` times, each time until both runs have their word. */
  async function stepWords(count: number): Promise<void> {
    const control = panel.locator('.step-control');
    const before = await control.locator('.step-run.sampled .step-word').count();
    for (let i = before + 1; i <= before + count; i++) {
      await control.getByRole('button', { name: 'Step', exact: true }).click();
      await workbench.step(`word ${i}`, () => control.locator('.step-run.greedy .step-word').nth(i - 1).waitFor());
      await control.locator('.step-run.sampled .step-word').nth(i - 1).waitFor();
    }
  }

  before(async () => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nwl-lesson-')), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, folder, { recursive: true });
    // The lesson walks the n-gram model's work (its parameters are n-grams of the order, Kneser-Ney's
    // terms): it runs with that estimator; the other suites run with the default, longest match.
    workbench = await Workbench.open({
      folder,
      settings: { 'nextWordLab.temperature': 0.7, 'nextWordLab.smoothing': 'kneser-ney' },
      viewport: { width: 1600, height: 1800 },
    });
    await chooseTheme(workbench, THEMES.dark.label, THEMES.dark.selector);
    panel = await workbench.openVisualizerAfter('tennis.md', CONTEXT);
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('step 1 fills the formula with the live numbers and keeps the labels readable given B', async () => {
    await showStep('Conditional probability');
    assert.equal(plain(await panel.locator('#worked-a-given-b').innerText()), 'P(A|B) = P(A and B) / P(B) = 3/14 ÷ 8/14 = 3/8 = 0.375');
    assert.equal(plain(await panel.locator('.worked-formula .effect').innerText()), 'lower than P(A): knowing B made A less likely');
    assert.match(plain(await panel.locator('#worked-b-given-a').innerText()), /P\(B\|A\) = P\(A and B\) \/ P\(A\) = 3\/14 ÷ 7\/14 = 3\/7 = 0\.429.*P\(A\|B\) ≠ P\(B\|A\)/);
    // Two tennis fans become football fans as well: P(A|B) = 5/10 against P(A) = 7/14, the same.
    await panel.getByRole('button', { name: /^Person 1: likes tennis/ }).click();
    await panel.getByRole('button', { name: /^Person 1: likes football/ }).click();
    await panel.getByRole('button', { name: /^Person 2: likes tennis/ }).click();
    await panel.getByRole('button', { name: /^Person 2: likes football/ }).click();
    await workbench.step('the formula follows', () =>
      panel.locator('#worked-a-given-b', { hasText: '5/14 ÷ 10/14 = 5/10 = 0.500' }).waitFor(),
    );
    assert.match(plain(await panel.locator('.worked-formula .effect').innerText()), /^equal to P\(A\)/);
    await panel.getByRole('button', { name: 'Reset to the example' }).click();
    await panel.getByLabel('Given B: keep only football fans').check();
    const outside = panel.locator('.person.outside');
    assert.equal(await outside.count(), 14 - 8);
    // The figures fade, their labels keep full opacity.
    const labelOpacity = await outside.first().locator('.person-label').evaluate((label) => {
      let opacity = 1;
      for (let node: Element | null = label; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
      return opacity;
    });
    assert.equal(labelOpacity, 1);
    await panelShot(workbench, panel, 'panel-dark-1-conditional-formula');
  });

  it('keeps every tab in place whichever step is selected', async () => {
    const boxes = async (): Promise<string> =>
      JSON.stringify(await panel.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => { const r = t.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })));
    const first = await boxes();
    for (const name of STEP_NAMES) {
      await tab(name).click();
      assert.equal(await boxes(), first, `the tabs moved when "${name}" was selected`);
    }
  });

  it('step 2 starts from maximum likelihood: each bar is its fraction, and each column adds up to 1', async () => {
    await showStep('Next word');
    const chart = panel.locator('[data-chart="maximum-likelihood"]');
    await workbench.step('the maximum-likelihood bars', () => chart.locator('.bar-row').first().waitFor());
    const rows = chart.locator('.bar-row');
    const count = await rows.count();
    let numerators = 0;
    let denominator = 0;
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      const label = plain(await row.locator('.bar-label').innerText());
      const value = plain(await row.locator('.bar-value').innerText());
      const fraction = row.locator('.fraction-exact');
      if ((await fraction.count()) === 0) {
        assert.equal(label, 'all other words');
        assert.equal(value, '0');
        continue;
      }
      const [n, d] = plain(await fraction.innerText()).split('/').map(numberIn);
      assert.equal(value, (n / d).toFixed(3), `${label}: the bar ${value} is not its fraction ${n}/${d}`);
      if (label === 'tennis') tennisCount = n;
      numerators += n;
      denominator = d;
    }
    assert.equal(numerators, denominator, 'the fractions add up to c(context)/c(context) = 1');
    assert.ok(tennisCount !== undefined && tennisCount > 0, 'tennis was counted after "people like"');

    await chart.getByRole('button', { name: 'Table view' }).click();
    const counts = await chart.locator('tbody tr td:nth-child(2)').allInnerTexts();
    const total = numberIn(await chart.locator('tfoot td:nth-child(2)').innerText());
    assert.equal(counts.reduce((sum, cell) => sum + numberIn(cell), 0), total);
    assert.equal(await chart.locator('tfoot td:nth-child(4)').innerText(), '1');

    const smoothed = panel.locator('[data-chart="candidates"]');
    await smoothed.getByRole('button', { name: 'Table view' }).click();
    const probabilities = (await smoothed.locator('tbody tr td:nth-child(2)').allInnerTexts()).map(Number);
    const sum = probabilities.reduce((a, b) => a + b, 0);
    // Each shown value is rounded to 3 decimals: the rounded column adds up to 1 within half a unit per row.
    assert.ok(Math.abs(sum - 1) <= 0.0005 * probabilities.length, `Kneser-Ney column sums to ${sum}`);
    assert.equal(await smoothed.locator('tfoot td:nth-child(2)').innerText(), '1.000');
    await smoothed.getByRole('button', { name: 'Table view' }).click();
    await chart.getByRole('button', { name: 'Table view' }).click();
    await panelShot(workbench, panel, 'panel-dark-2-maximum-likelihood');
  });

  it('step 2 sets five estimators side by side: each column adds up in the table view, and each number opens its arithmetic', async () => {
    await showStep('Next word');
    const chart = panel.locator('[data-chart="estimators"]');
    await workbench.step('the estimator columns', () => chart.locator('.estimator-column').first().waitFor());
    await panelShot(workbench, panel, 'panel-dark-2-estimators', chart);
    await chart.getByRole('button', { name: 'Table view' }).click();
    const headers = (await chart.locator('thead th').allInnerTexts()).map(plain);
    assert.deepEqual(headers.slice(1), ['Maximum likelihood', 'Add-k (k = 1)', 'Stupid backoff (scores)', 'Kneser-Ney', 'Longest match']);
    for (let c = 2; c <= headers.length; c++) {
      const cells = (await chart.locator(`tbody tr td:nth-child(${c})`).allInnerTexts()).map((cell) => Number(plain(cell)));
      const total = plain(await chart.locator(`tfoot td:nth-child(${c})`).innerText());
      const sum = cells.reduce((a, b) => a + b, 0);
      // Each shown value is rounded to 3 decimals: the column adds up to its total within half a unit per row.
      if (headers[c - 1].includes('scores')) {
        assert.match(total, /^\d+\.\d{3} \(scores\)$/);
        assert.ok(Math.abs(sum - Number(total.split(' ')[0])) <= 0.0005 * (cells.length + 1), `${headers[c - 1]}: ${sum} vs ${total}`);
      } else {
        assert.equal(total, '1.000', headers[c - 1]);
        assert.ok(Math.abs(sum - 1) <= 0.0005 * cells.length, `${headers[c - 1]} sums to ${sum}`);
      }
    }
    // Maximum likelihood's tennis is the fraction the maximum-likelihood chart showed, and its arithmetic says so.
    const tennis = chart.locator('tbody tr', { has: panel.locator('th', { hasText: /^tennis$/ }) });
    await tennis.locator('td').nth(0).getByRole('button').click();
    const arithmetic = panel.locator('.arithmetic');
    const mlFormula = plain(await arithmetic.locator('.level-formula').innerText());
    assert.match(mlFormula, new RegExp(`^\\(${tennisCount}\\) / \\d+ = \\d\\.\\d{3}$`));
    // Kneser-Ney: discounts, the back-off weight, and below the top order the continuation count.
    await tennis.locator('td').nth(3).getByRole('button').click();
    assert.equal(await arithmetic.getAttribute('data-estimator'), 'kneser-ney');
    const terms = plain(await arithmetic.locator('.terms').allInnerTexts().then((texts) => texts.join(' ')));
    assert.match(terms, /continuation count/);
    assert.match(terms, /discount D/);
    assert.match(terms, /back-off weight γ/);
    const last = plain(await arithmetic.locator('.level-formula').last().innerText());
    assert.equal(last.split('= ').at(-1), plain(await tennis.locator('td').nth(3).innerText()), 'the last level is the number clicked');
    await tennis.locator('td').nth(4).getByRole('button').click();
    assert.equal(await arithmetic.getAttribute('data-estimator'), 'longest-match');
    assert.match(plain(await arithmetic.innerText()), /Witten-Bell weight λ|answers alone/);
    await tennis.locator('td').nth(4).getByRole('button').click();
    await chart.getByRole('button', { name: 'Table view' }).click();
  });

  it('step 2 answers "why this word?": the context\'s occurrences with those followed by the word, each a link into the editor', async () => {
    await showStep('Next word');
    const chart = panel.locator('[data-chart="maximum-likelihood"]');
    const row = chart.locator('.bar-row', { has: panel.locator('.bar-label', { hasText: /^tennis$/ }) });
    const fraction = plain(await row.locator('.why-button').innerText());
    const [count, contextCount] = fraction.split('/').map(numberIn);
    await row.locator('.why-button').click();
    const evidence = panel.locator('.evidence');
    await workbench.step('the evidence', () => evidence.locator('.evidence-link').first().waitFor());
    assert.match(plain(await evidence.locator('.evidence-summary').innerText()), new RegExp(`occurs ${contextCount} times .* ${count} of them are followed by “tennis”`));
    assert.equal(await evidence.locator('.evidence-figure').count(), contextCount);
    assert.equal(await evidence.locator('.evidence-figure.followed').count(), count);
    assert.match(plain(await evidence.locator('.evidence-share').innerText()), new RegExp(`^Maximum likelihood: P\\(tennis \\| people like\\) = ${count}/${contextCount} = ${(count / contextCount).toFixed(3)}\\. Kneser-Ney gives`));
    const links = evidence.locator('.evidence-link');
    assert.equal(await links.count(), count);
    await panelShot(workbench, panel, 'panel-dark-2-why-this-word', evidence);
    // notes/tennis.md:4 "A few people like tennis and football.": "people like" starts at column 7.
    const link = links.filter({ hasText: 'notes/tennis.md:4' });
    await link.click();
    await workbench.step('the editor at the occurrence', () =>
      workbench.page.locator('.statusbar-item', { hasText: /^\s*Ln 4, Col 7\s*$/ }).first().waitFor(),
    );
    const activeTab = plain(await workbench.page.locator('.tab.active .label-name').first().innerText());
    assert.equal(activeTab, 'tennis.md');
    // Back to the context at the end of the file for the steps that follow.
    await workbench.editorLines().click();
    await workbench.page.keyboard.press('ControlOrMeta+End');
    await workbench.step('the context is back', () =>
      panel.locator('.context-tokens', { hasText: 'like' }).first().waitFor(),
    );
    await evidence.getByRole('button', { name: 'Close' }).click();
  });

  it('step 3 looks up one parameter: an n-gram and its count', async () => {
    await showStep('The model');
    await panel.locator('.ngram-input').fill('people like tennis');
    await panel.getByRole('button', { name: 'Look up' }).click();
    await workbench.step('the count', () => panel.locator('.lookup-count').waitFor());
    assert.equal(numberIn(await panel.locator('.lookup-count').innerText()), tennisCount);
    await panel.locator('.ngram-input').fill('people like');
    await panel.getByRole('button', { name: 'Look up' }).click();
    await workbench.step('a 2-gram is not a parameter of a 3-gram model', () =>
      panel.locator('.lookup-result', { hasText: 'this model’s parameters are 3-grams' }).waitFor(),
    );
  });

  it('step 5 samples at T = 1 unless the learner chooses the setting, and says which', async () => {
    await showStep('Sampling');
    assert.match(plain(await panel.locator('.sampling-temperature').innerText()), /^Drawing at T = 1:/);
    await panel.getByLabel('Draw at my temperature setting (T = 0.7)').check();
    assert.match(plain(await panel.locator('.sampling-temperature').innerText()), /^Drawing at your settings: T = 0\.7/);
    await panel.getByLabel('Draw at my temperature setting (T = 0.7)').uncheck();
  });

  it('step 5 generates one word per Step, greedy and sampled side by side: ten clicks append ten words, the dart at each draw\'s number', async () => {
    await showStep('Sampling');
    const control = panel.locator('.step-control');
    const sampled = control.locator('.step-run.sampled');
    for (let i = 1; i <= 10; i++) {
      await control.getByRole('button', { name: 'Step', exact: true }).click();
      await workbench.step(`word ${i}`, () => sampled.locator('.step-word').nth(i - 1).waitFor());
      assert.equal(await sampled.locator('.step-word').count(), i);
      assert.equal(await control.locator('.step-run.greedy .step-word').count(), i);
      const pointer = sampled.locator('.pointer');
      const dart = Number(await pointer.getAttribute('data-dart'));
      assert.ok(dart >= 0 && dart < 1, `the draw ${dart}`);
      // The browser keeps the percentage to 4 decimals.
      const left = parseFloat(await pointer.evaluate((element) => (element as HTMLElement).style.left));
      assert.ok(Math.abs(left - dart * 100) < 1e-4, `the dart at ${left}% for the draw ${dart}`);
      assert.match(plain(await sampled.locator('.step-draw').innerText()), new RegExp(`^The dart landed at ${dart.toFixed(3)}, in the slice of “`));
      // The dart stands inside the slice of the word that was drawn.
      const line = await sampled.locator('.number-line').boundingBox();
      const slice = await sampled.locator('.slice.chosen').boundingBox();
      assert.ok(line && slice);
      const x = line.x + dart * line.width;
      assert.ok(x >= slice.x - 1 && x <= slice.x + slice.width + 1, `the dart at ${x} is outside the chosen slice ${slice.x}–${slice.x + slice.width}`);
    }
    assert.equal(await control.locator('.step-run.greedy .pointer.hidden').count(), 1, 'greedy draws nothing');
    // Greedy after "Some people like" comes round to "people like" again: the loop is marked.
    assert.match(plain(await control.locator('.step-run.greedy .step-loop').innerText()), /^Step \d+ came back to the context of step \d+ \(“people like” with the same top word\)/);
    assert.ok((await control.locator('.step-run.greedy .step-word.loop').count()) > 0);
    await panelShot(workbench, panel, 'panel-dark-5-one-word-at-a-time', control);
  });

  it('defines the terms where they first appear and in the glossary', async () => {
    await showStep('Next word');
    for (const term of ['context', 'token', 'n-gram', 'maximum likelihood', 'smoothing', 'Kneser-Ney']) {
      const title = await panel.locator(`dfn.term[data-term="${term}"]`).first().getAttribute('title');
      assert.ok(title && title.length > 20, `${term} has no definition`);
    }
    await panel.locator('.glossary summary').click();
    const terms = await panel.locator('.glossary dt').allInnerTexts();
    for (const term of ['token', 'n-gram', 'backoff', 'smoothing', 'Kneser-Ney', 'logit', 'softmax', 'entropy', 'seed']) {
      assert.ok(terms.includes(term), `the glossary lacks ${term}`);
    }
    await panel.locator('.glossary summary').click();
  });

  it('has no serious or critical accessibility violation on any step, in dark, light and high-contrast themes', async () => {
    const found: string[] = [];
    for (const theme of [THEMES.dark, THEMES.light, THEMES['high-contrast'], THEMES['high-contrast-light']]) {
      await chooseTheme(workbench, theme.label, theme.selector);
      for (const name of STEP_NAMES) {
        await showStep(name);
        if (name === 'Conditional probability') await panel.getByLabel('Given B: keep only football fans').check();
        // The workings open too: the evidence and one number's arithmetic, the runs after two Steps.
        if (name === 'Next word') await openWorkings();
        if (name === 'Sampling') await stepWords(2);
        const violations: AxeViolation[] = await seriousViolations(panel);
        for (const v of violations) found.push(`${theme.label} · ${name}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.slice(0, 3).join(', ')}`);
      }
      if (theme === THEMES.light) {
        await showStep('Conditional probability');
        await panelShot(workbench, panel, 'panel-light-1-conditional-formula');
        await showStep('Next word');
        await panelShot(workbench, panel, 'panel-light-2-maximum-likelihood');
        await openWorkings();
        await panelShot(workbench, panel, 'panel-light-2-why-this-word', panel.locator('.evidence'));
        await panelShot(workbench, panel, 'panel-light-2-estimators', panel.locator('[data-chart="estimators"]'));
        await showStep('Sampling');
        await stepWords(10);
        await panelShot(workbench, panel, 'panel-light-5-one-word-at-a-time', panel.locator('.step-control'));
      }
    }
    assert.deepEqual(found, []);
  });
});
