// What the panel's e2e tests share: choosing a colour theme as a person does, screenshots of the panel
// down to the end of its content, and the accessibility check (axe-core) run inside the webview.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, FrameLocator, Locator } from 'playwright-core';
import { REPO_ROOT, type Workbench } from './harness';

export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

/** The themes the panel must read well in, and the class the workbench wears in each. */
export const THEMES = {
  dark: { label: 'Dark Modern', selector: '.monaco-workbench.vs-dark' },
  light: { label: 'Light Modern', selector: '.monaco-workbench.vs' },
  'high-contrast': { label: 'Dark High Contrast', selector: '.monaco-workbench.hc-black' },
  'high-contrast-light': { label: 'Light High Contrast', selector: '.monaco-workbench.hc-light' },
} as const;

/** Picks a colour theme (by its label) with "Preferences: Color Theme" and waits for the workbench to wear it. */
export async function chooseTheme(workbench: Workbench, theme: string, workbenchSelector: string): Promise<void> {
  const page = workbench.page;
  await workbench.runCommand('Preferences: Color Theme');
  await workbench.step(`theme ${theme}`, async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(theme);
    // Not Enter: the list also offers "Browse Additional Color Themes…", which may hold the focus.
    await page
      .locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${theme}$`) }) })
      .first()
      .click();
    await page.locator(workbenchSelector).waitFor();
  });
}

/** The panel down to the end of its content (the window is tall enough for all of it), or only `element`, as test-results/e2e/<name>.png. */
export async function panelShot(workbench: Workbench, panel: FrameLocator, name: string, element?: Locator): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await workbench.step(`screenshot ${name}`, async () => {
    if (element !== undefined) {
      await element.scrollIntoViewIfNeeded();
      await element.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
      return;
    }
    const frame = await workbench.page.locator('iframe.webview').filter({ visible: true }).first().boundingBox();
    const content = await panel.locator('.app').boundingBox();
    assert.ok(frame && content, 'the panel is not on screen');
    const height = Math.min(frame.height, content.y + content.height - frame.y);
    await workbench.page.screenshot({
      path: path.join(SCREENSHOTS, `${name}.png`),
      clip: { x: frame.x, y: frame.y, width: frame.width, height },
      animations: 'disabled',
    });
  });
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * axe-core's WCAG 2 A/AA rules over the panel as it is drawn now: the serious and critical
 * violations (contrast below 4.5:1 among them). The script is evaluated through the browser's debugging
 * protocol, which the webview's CSP does not govern: the panel itself never loads it.
 */
export async function seriousViolations(panel: FrameLocator): Promise<AxeViolation[]> {
  const handle = await panel.locator('body').elementHandle();
  const frame: Frame | null = (await handle?.ownerFrame()) ?? null;
  assert.ok(frame, 'the panel frame is not reachable');
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(`${AXE_SOURCE};window.axe = axe;`);
  return frame.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  });
}
