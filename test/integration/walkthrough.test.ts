// The walkthrough in a real VS Code: it opens in the Welcome page by its id without error, and what
// package.json declares for it is real: every image exists in the extension, is drawn in theme colours
// and carries its alt text as its own title, and every command and setting a step links to or
// completes on is one VS Code knows. Which walkthrough the page then shows is not visible from an
// extension (the page retitles its tab without a label event, so Tab.label stays "Welcome"):
// test/e2e/vsix.e2e.ts opens it in the browser and checks its steps.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { manifest } from '../manifest';

const extensionId = `${manifest.publisher}.${manifest.name}`;
const [walkthrough] = manifest.contributes.walkthroughs;
const TAB_TIMEOUT_MS = 20_000;

/** `command:id`, `command:toSide:id` and `command:id?args` links in a step description. */
const COMMAND_LINK = /\]\(command:(?:toSide:)?([\w.-]+)(?:\?([^)]*))?\)/g;
const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

function completionEvents(kind: string): string[] {
  return walkthrough.steps.flatMap((step): string[] => ('completionEvents' in step ? step.completionEvents ?? [] : []))
    .filter((event) => event.startsWith(`${kind}:`))
    .map((event) => event.slice(kind.length + 1));
}

function commandLinks(): { command: string; args: unknown[] }[] {
  return walkthrough.steps.flatMap((step) => [...step.description.matchAll(COMMAND_LINK)].map(([, command, query]) => ({
    command,
    args: query ? JSON.parse(decodeURIComponent(query)) as unknown[] : [],
  })));
}

/** The Welcome page's tab in `group` ("Welcome", or "Walkthrough: <extension>"), waiting for tab changes. */
function welcomeTabIn(group: vscode.TabGroup): Promise<vscode.Tab> {
  const find = () => group.tabs.find((tab) => tab.label === 'Welcome' || tab.label.startsWith('Walkthrough: '));
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no Welcome page within ${TAB_TIMEOUT_MS / 1000} s; tabs: ${JSON.stringify(group.tabs.map((tab) => tab.label))}`));
    }, TAB_TIMEOUT_MS);
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(tab);
    });
  });
}

describe('the walkthrough', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const loaded = vscode.extensions.getExtension(extensionId);
    assert.ok(loaded, `${extensionId} is loaded`);
    extension = loaded;
    await extension.activate();
  });

  it('has an image for every step, drawn in theme colours, titled with its alt text', async () => {
    for (const step of walkthrough.steps) {
      const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, step.media.svg)));
      // Inside the Welcome page the SVG is inlined, so its own <title> is what a screen reader reads.
      assert.match(svg, /<svg [^>]*role="img"[^>]*aria-labelledby="title"/, step.media.svg);
      const title = /<title id="title">([^<]*)<\/title>/.exec(svg)?.[1].replace(/&\w+;|&#\d+;/g, (entity) => XML_ENTITIES[entity] ?? entity);
      assert.equal(title, step.media.altText, `${step.media.svg}: its title is not the step's alt text`);
      // Every colour follows the theme: a VS Code theme variable, with a fallback for viewers outside VS Code.
      const colours = [...svg.matchAll(/\b(?:fill|stroke)="([^"]*)"/g)].map(([, value]) => value);
      assert.deepEqual(colours.filter((value) => value !== 'none' && !/^var\(--vscode-[\w-]+, #[0-9a-f]{3,8}\)$/i.test(value)), [], step.media.svg);
    }
  });

  it('links to and completes on commands that exist', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const used = [...completionEvents('onCommand'), ...commandLinks().map(({ command }) => command)];
    assert.ok(used.includes('nextWordLab.openVisualizer') && used.includes('nextWordLab.predictNextWord'), JSON.stringify(used));
    assert.deepEqual(used.filter((command) => !registered.has(command)), []);
  });

  it('completes on, and opens, settings that exist', () => {
    const opened = commandLinks().filter(({ command }) => command === 'workbench.action.openSettings').flatMap(({ args }) => args);
    const settings = [...completionEvents('onSettingChanged'), ...opened];
    assert.ok(settings.includes('nextWordLab.temperature'), JSON.stringify(settings));
    const unknown = settings.filter((key) => typeof key !== 'string' || vscode.workspace.getConfiguration().inspect(key)?.defaultValue === undefined);
    assert.deepEqual(unknown, []);
  });

  it('opens in the Welcome page by its id, without error', async () => {
    const group = vscode.window.tabGroups.activeTabGroup;
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${walkthrough.id}`, false);
    const tab = await welcomeTabIn(group);
    assert.ok(tab.isActive, 'the Welcome page is not the active tab');
    // By command: the page replaces its tab as it loads, so a Tab object can be stale by now.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
