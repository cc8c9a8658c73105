// Layout checks for the visualizer at a given panel width, shared by the panel's e2e tests: the panel is
// made exactly that wide, every lesson step is screenshotted into test-results/e2e/, and each step is
// checked for what makes a narrow panel unreadable: the page scrolling sideways, text that sticks out
// of the panel (outside a scroll box of its own, as a wide table may have), text cut by its box (unless a tooltip
// holds it whole), and labels drawn over each other; and text checked for its contrast against what is
// drawn behind it (opacity, translucent fills and veils included).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT, type Workbench, poll } from './harness';

export const LAYOUT_SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'e2e');

/**
 * Resizes the browser window so that the panel's webview is `width` CSS pixels wide (the panel must be
 * the only editor group, with the side bar closed, so that the window's width is the panel's plus a
 * fixed margin). Returns the width reached.
 */
export async function setPanelWidth(workbench: Workbench, width: number): Promise<number> {
  const page = workbench.page;
  const frame = (): Promise<{ width: number } | null> =>
    page.locator('iframe.webview').filter({ visible: true }).first().boundingBox();
  return workbench.step(`panel ${width} px wide`, async () => {
    const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
    const now = await frame();
    assert.ok(now, 'the panel is not on screen');
    await page.setViewportSize({ width: Math.round(viewport.width + width - now.width), height: viewport.height });
    return poll(`the panel to be ${width} px wide`, async () => {
      const box = await frame();
      return box !== null && Math.abs(box.width - width) <= 1 ? box.width : undefined;
    });
  });
}

/** What is wrong with the layout of the panel's page as it is now, one line per problem (none: []). */
export async function layoutProblems(panel: FrameLocator): Promise<string[]> {
  return panel.locator('body').evaluate((body) => {
    // tsx compiles this function with esbuild's keepNames, whose helper does not exist in the page.
    (globalThis as { __name?: (value: unknown) => unknown }).__name ??= (value) => value;
    const problems: string[] = [];
    const root = document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in ${width} px`);
    const describe = (element: Element): string =>
      `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''} “${(element.textContent ?? '').trim().slice(0, 30)}”`;
    /** The nearest ancestor that scrolls sideways itself (a table's wrapper), if any. */
    const scroller = (element: Element): Element | null => {
      for (let parent = element.parentElement; parent && parent !== body && parent !== root; parent = parent.parentElement) {
        const overflow = getComputedStyle(parent).overflowX;
        if (overflow === 'auto' || overflow === 'scroll') return parent;
      }
      return null;
    };
    const texts = [...body.querySelectorAll('*')].filter(
      (element) =>
        element.checkVisibility({ opacityProperty: false, visibilityProperty: true }) &&
        !element.closest('.visually-hidden') &&
        [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() !== ''),
    );
    for (const element of texts) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const container = scroller(element);
      if (container === null && (box.left < -1 || box.right > width + 1)) {
        problems.push(`${describe(element)} sticks out of the panel (${Math.round(box.left)}…${Math.round(box.right)} px of ${width})`);
      }
      const style = getComputedStyle(element);
      // An ellipsis is allowed where a tooltip holds the whole text (the slices of the number line).
      const tooltipHoldsIt = element.getAttribute('title')?.includes((element.textContent ?? '').trim()) === true;
      if (element.scrollWidth > element.clientWidth + 1 && !tooltipHoldsIt && style.overflowX !== 'visible' && style.overflowX !== 'auto' && style.overflowX !== 'scroll') {
        problems.push(`${describe(element)} is cut: ${element.scrollWidth} px of text in ${element.clientWidth} px`);
      }
    }
    // Labels drawn over each other (positioned tick labels, badges): siblings whose text boxes intersect
    // (line by line: a word wrapped over two lines has one box per line).
    const overlap = (a: DOMRect, b: DOMRect): boolean =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    for (const element of texts) {
      const boxes = [...element.getClientRects()];
      for (const other of texts) {
        if (other.parentElement !== element.parentElement || !(element.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        if (boxes.some((a) => [...other.getClientRects()].some((b) => overlap(a, b)))) {
          problems.push(`${describe(element)} and ${describe(other)} overlap`);
        }
      }
    }
    return problems;
  });
}

/**
 * Visits each step (by its tab's name), waits for `ready` on it, screenshots the panel as
 * test-results/e2e/<prefix>-<width>-<n>.png and collects the layout problems of every step.
 */
export async function checkEveryStep(
  workbench: Workbench,
  panel: FrameLocator,
  width: number,
  options: { readonly prefix: string; readonly ready: (stepName: string) => Promise<void> },
): Promise<{ problems: string[]; screenshots: string[] }> {
  fs.mkdirSync(LAYOUT_SCREENSHOTS, { recursive: true });
  const problems: string[] = [];
  const screenshots: string[] = [];
  const names = await panel.getByRole('tab').allInnerTexts();
  for (const [index, name] of names.entries()) {
    const title = name.replace(/^\d+\s*/, '').trim();
    await workbench.step(`step ${title} at ${width} px`, async () => {
      await panel.getByRole('tab', { name: title }).click();
      await options.ready(title);
      for (const problem of await layoutProblems(panel)) problems.push(`${title} at ${width} px: ${problem}`);
      const file = path.join(LAYOUT_SCREENSHOTS, `${options.prefix}-${width}-${index + 1}.png`);
      await panel.locator('.app').screenshot({ path: file, animations: 'disabled' });
      screenshots.push(file);
    });
  }
  return { problems, screenshots };
}

/**
 * Text in the elements matching `selector` whose contrast with what is painted behind it is below
 * `minimum` (WCAG's ratio; 4.5 for normal text). The colours are composited as the page paints them:
 * the element's background over its ancestors', an inset box-shadow veil over that, the text on top,
 * and the whole element faded by its opacity (and its ancestors') over the background behind it.
 */
export async function contrastProblems(panel: FrameLocator, selector: string, minimum = 4.5): Promise<string[]> {
  return panel.locator('body').evaluate(
    async (body, { selector, minimum }) => {
      (globalThis as { __name?: (value: unknown) => unknown }).__name ??= (value) => value;
      // Measure the colours at rest: a fade still running would read as its first frames.
      await Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
      type Rgba = [number, number, number, number];
      const parse = (color: string): Rgba => {
        const probe = document.createElement('canvas').getContext('2d');
        if (!probe) return [0, 0, 0, 0];
        probe.fillStyle = '#000';
        probe.fillStyle = color;
        probe.clearRect(0, 0, 1, 1);
        probe.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
        return [r, g, b, a / 255];
      };
      const over = (top: Rgba, bottom: Rgba): Rgba => {
        const alpha = top[3] + bottom[3] * (1 - top[3]);
        if (alpha === 0) return [0, 0, 0, 0];
        const mix = (i: number): number => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
        return [mix(0), mix(1), mix(2), alpha];
      };
      const luminance = ([r, g, b]: Rgba): number => {
        const linear = (c: number): number => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
      };
      /** What the page paints behind `element`: the backgrounds of its ancestors, the body's theme colour last. */
      const behind = (element: Element | null): Rgba => {
        const layers: Rgba[] = [];
        for (let node = element; node; node = node.parentElement) layers.push(parse(getComputedStyle(node).backgroundColor));
        return layers.reverse().reduce<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
      };
      const problems: string[] = [];
      for (const element of body.querySelectorAll(selector)) {
        if ((element.textContent ?? '').trim() === '' || !element.checkVisibility()) continue;
        const style = getComputedStyle(element);
        const base = behind(element.parentElement);
        let background = over(parse(style.backgroundColor), base);
        const veil = /inset/.test(style.boxShadow) ? style.boxShadow.match(/rgba?\([^)]*\)|color\([^)]*\)/)?.[0] : undefined;
        if (veil) background = over(parse(veil), background);
        let text = over(parse(style.color), background);
        let opacity = 1;
        for (let node: Element | null = element; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
        text = over([text[0], text[1], text[2], opacity], base);
        background = over([background[0], background[1], background[2], opacity], base);
        const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
        const ratio = (light + 0.05) / (dark + 0.05);
        if (ratio < minimum) problems.push(`“${(element.textContent ?? '').trim().slice(0, 30)}” has a contrast of ${ratio.toFixed(2)}:1 (< ${minimum}:1)`);
      }
      return problems;
    },
    { selector, minimum },
  );
}
