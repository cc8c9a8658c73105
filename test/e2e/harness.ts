// Browser end-to-end harness: a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with the extension
// loaded, opened on a folder in headless Chromium and driven the way a person drives it.
// By default the extension under development (this repository, built into dist/) is loaded through the
// workbench's `payload`; NEXT_WORD_LAB_VSIX=/path/to/next-word-lab.vsix installs that package instead.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import {
  chromiumLaunchOptions,
  installVsix,
  linkExtensionUnderDevelopment,
  makeStateDir,
  startCodeServer,
  workbenchUrl,
  writeUserSettings,
  type RunningCodeServer,
} from '../../scripts/vscode-runtime/code-server.mjs';
import { manifest } from '../manifest';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
/** A command the extension declares for the palette unconditionally: when it is listed, the extension is loaded. */
const READY_COMMAND_TITLE = (() => {
  const conditional = new Set(manifest.contributes.menus.commandPalette.map((entry) => entry.command));
  const command = manifest.contributes.commands.find((entry) => !conditional.has(entry.command));
  if (!command) throw new Error('package.json declares no command the palette always lists');
  return `${command.category}: ${command.title}`;
})();
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
const DEFAULT_STEP_TIMEOUT_MS = 30_000;
const WORKBENCH_READY_TIMEOUT_MS = 60_000;
const PALETTE_RETRY_MS = 2_000;
const FAILURE_SCREENSHOT_TIMEOUT_MS = 5_000;

export interface WorkbenchOptions {
  /** The folder to open; the fixture workspace unless given. */
  folder?: string;
  /** User settings for this run, over the harness's quiet defaults (e.g. `workbench.colorTheme`). */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** How long each step may take before it fails with its name. */
  stepTimeoutMs?: number;
}

/** Workbenches still running, so an aborted test process (Ctrl+C) leaves no code-server or state behind. */
const running = new Map<RunningCodeServer, string>();
process.once('exit', () => {
  for (const [server, stateDir] of running) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly server: RunningCodeServer,
    private readonly stateDir: string,
    private readonly stepTimeoutMs: number,
  ) {}

  /** Starts code-server with a fresh profile, opens the folder in Chromium and waits for the workbench. */
  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    const vsix = process.env.NEXT_WORD_LAB_VSIX;
    if (!vsix && !fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
      throw new Error('dist/extension.js is missing: build first (node esbuild.mjs)');
    }
    const stateDir = makeStateDir('nwl-e2e-');
    const userDataDir = path.join(stateDir, 'user-data');
    const extensionsDir = path.join(stateDir, 'extensions');
    writeUserSettings(userDataDir, options.settings);
    if (vsix) installVsix(vsix, { userDataDir, extensionsDir });
    const server = await startCodeServer({ stateDir, userDataDir, extensionsDir });
    running.set(server, stateDir);
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(path.join(stateDir, 'chromium'), {
        ...chromiumLaunchOptions(stateDir),
        viewport: options.viewport ?? { width: 1400, height: 900 },
      });
      const page = context.pages()[0] ?? await context.newPage();
      // Playwright's own waits give up with the step, not at its 30 s default.
      const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
      page.setDefaultTimeout(stepTimeoutMs);
      if (process.env.NEXT_WORD_LAB_VERBOSE) page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
      const workbench = new Workbench(page, context, server, stateDir, stepTimeoutMs);
      const url = workbenchUrl(server.baseUrl, {
        folder: options.folder ?? FIXTURE_WORKSPACE,
        extensionDevelopmentPath: vsix ? undefined : linkExtensionUnderDevelopment(stateDir, REPO_ROOT),
      });
      await workbench.step('open the workbench', async () => {
        await page.goto(url);
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_READY_TIMEOUT_MS });
      }, WORKBENCH_READY_TIMEOUT_MS);
      // The workbench shows before extensions are registered; a test starts once ours is.
      await workbench.waitForCommand(READY_COMMAND_TITLE);
      return workbench;
    } catch (error) {
      await context?.close().catch(() => {});
      await server.stop();
      running.delete(server);
      fs.rmSync(stateDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs `action`, failing with the step's name if it takes longer than `timeoutMs`. */
  async step<T>(name: string, action: () => Promise<T>, timeoutMs = this.stepTimeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`step "${name}" did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([action(), timeout]);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}${await this.failureScreenshot(name)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the window showed when a step failed, as " (screenshot: path)", or nothing if that failed too. */
  private async failureScreenshot(stepName: string): Promise<string> {
    const file = path.join(SCREENSHOT_DIR, `failed-${stepName.replace(/[^\w.-]+/g, '-').slice(0, 80)}.png`);
    try {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await this.page.screenshot({ path: file, timeout: FAILURE_SCREENSHOT_TIMEOUT_MS });
      return ` (screenshot: ${path.relative(REPO_ROOT, file)})`;
    } catch {
      return '';
    }
  }

  /** Opens the command palette (F1) with `text` typed after the `>`, and returns its input. */
  private async openCommandPalette(text: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // Right after start-up the workbench may not handle keys yet; a person would press F1 again.
    for (let attempt = 1; !await input.isVisible(); attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: PALETTE_RETRY_MS });
      } catch (error) {
        if (attempt * PALETTE_RETRY_MS >= this.stepTimeoutMs) throw error;
      }
    }
    await input.fill(`>${text}`);
    return input;
  }

  /**
   * Opens the palette on `title` and returns the row listing exactly that command. The palette lists
   * what is registered when it opens, so until the command shows up (extensions still loading) it is
   * closed and opened again, as a person would.
   */
  private async commandRow(title: string): Promise<Locator> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    }).first();
    for (let attempt = 1; ; attempt++) {
      await this.openCommandPalette(title);
      try {
        await row.waitFor({ state: 'visible', timeout: PALETTE_RETRY_MS });
        return row;
      } catch (error) {
        if (attempt * PALETTE_RETRY_MS >= this.stepTimeoutMs) throw error;
        await this.closeCommandPalette();
      }
    }
  }

  private async closeCommandPalette(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Runs a command by its palette title (e.g. "Next Word Lab: Open Visualizer"), as a person would. */
  async runCommand(title: string): Promise<void> {
    await this.step(`run command "${title}"`, async () => {
      await (await this.commandRow(title)).click();
      // The palette closes, or gives way to the command's own quick input (e.g. "Go to File...").
      await this.page.waitForFunction((typed) => {
        const widget = document.querySelector<HTMLElement>('.quick-input-widget');
        const input = widget?.querySelector<HTMLInputElement>('.quick-input-box input');
        return !widget || widget.style.display === 'none' || input?.value !== typed;
      }, `>${title}`);
    });
  }

  /** Opens a file of the workspace by name with "Go to File...", as a person would, and waits for its focused editor. */
  async openFile(name: string): Promise<void> {
    await this.runCommand('Go to File...');
    await this.step(`open ${name}`, async () => {
      await this.page.keyboard.insertText(name);
      await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().click();
      await this.page.locator('.editor-instance .monaco-editor.focused').waitFor();
    });
  }

  /** The lines of the visible text editor. */
  editorLines(): Locator {
    return this.page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
  }

  /** Opens `name`, types `context` on a new last line, opens the visualizer there and returns its content once drawn. */
  async openVisualizerAfter(name: string, context: string): Promise<FrameLocator> {
    await this.openFile(name);
    await this.step('type a context on a new last line', async () => {
      await this.editorLines().click();
      await this.page.keyboard.press('ControlOrMeta+End');
      await this.page.keyboard.press('Enter');
      await this.page.keyboard.insertText(context);
    });
    await this.runCommand('Next Word Lab: Open Visualizer');
    const panel = this.webviewFrame();
    await this.step('the panel renders', () => panel.locator('.app').waitFor());
    return panel;
  }

  /** Waits until the palette lists `title`, i.e. the extension contributing it is registered. */
  async waitForCommand(title: string): Promise<void> {
    await this.step(`wait for command "${title}"`, async () => {
      await this.commandRow(title);
      await this.closeCommandPalette();
    });
  }

  /** The command titles the palette lists for `query`, as shown (closes the palette afterwards). */
  async commandPaletteTitles(query: string): Promise<string[]> {
    return this.step(`list commands matching "${query}"`, async () => {
      await this.openCommandPalette(query);
      // The list first shows every command; it is filtered once each row highlights the match.
      await this.page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')];
        return rows.length > 0 && rows.every((row) => row.querySelector('.label-name .highlight') !== null);
      });
      const titles = await this.page.locator('.quick-input-widget .monaco-list-row .label-name').allTextContents();
      await this.closeCommandPalette();
      return titles;
    });
  }

  /** The content of the visible webview panel: the outer iframe.webview, then its iframe#active-frame. */
  webviewFrame(): FrameLocator {
    return this.page.locator('iframe.webview').filter({ visible: true }).first()
      .contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** Waits for a notification toast containing `text` and returns its message element. */
  async notification(text: string | RegExp): Promise<Locator> {
    const message = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
    await this.step(`notification "${text}"`, () => message.waitFor({ state: 'visible' }));
    return message;
  }

  /** Saves a screenshot of the whole window to test-results/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await this.step(`screenshot ${name}`, () => this.page.screenshot({ path: file }));
    return file;
  }

  /**
   * Changes a user setting the way a person does: "Preferences: Open User Settings (JSON)", replace the
   * text, save, close. code-server does not notice another process writing settings.json, but it does
   * apply what its own editor saves, and the extension host then sees a configuration change.
   */
  async updateSetting(key: string, value: unknown): Promise<void> {
    const file = this.userSettingsFile;
    const settings = { ...JSON.parse(fs.readFileSync(file, 'utf8')), [key]: value };
    // One line: typed newlines would be auto-indented and a typed "{" auto-closed by the JSON editor.
    const text = JSON.stringify(settings);
    await this.runCommand('Preferences: Open User Settings (JSON)');
    await this.step(`set ${key} to ${JSON.stringify(value)}`, async () => {
      const editor = this.page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
      await this.page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor({ state: 'visible' });
      await editor.locator('.view-lines').click();
      await this.page.keyboard.press('ControlOrMeta+A');
      await this.page.keyboard.press('Delete');
      await this.page.keyboard.insertText(text);
      await this.page.keyboard.press('ControlOrMeta+S');
      await poll(`settings.json to hold ${key}`, () => (isDeepEqualJson(fs.readFileSync(file, 'utf8'), settings) ? true : undefined), this.stepTimeoutMs);
    });
    await this.runCommand('View: Close Editor');
  }

  /** The user settings.json of this workbench's profile. */
  get userSettingsFile(): string {
    return path.join(this.server.userDataDir, 'User', 'settings.json');
  }

  /** Closes the browser and stops code-server with every process it started. */
  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.server.stop();
    running.delete(this.server);
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isDeepEqualJson(text: string, expected: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(expected);
  } catch {
    return false; // half-written
  }
}

const POLL_MS = 100;
const POLL_TIMEOUT_MS = 30_000;

/**
 * Polls `probe` until it returns a value (for state no event reports: files on disk, processes,
 * computed styles); gives up after `timeoutMs`, so no loop outlives its step.
 */
export async function poll<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = POLL_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
