// The manifest follows VS Code's conventions for what it contributes: settings in titled, ordered
// groups with the scope each is read at, an explicit extension kind, a context-menu submenu.

import assert from 'node:assert/strict';
import rawManifest from '../../../package.json';
import strings from '../../../package.nls.json';
import { manifest } from '../../manifest';

interface Setting {
  readonly scope?: string;
  readonly order?: number;
}

describe('package: manifest conventions', () => {
  const groups = manifest.contributes.configuration;
  const settings = Object.assign({}, ...groups.map((group) => group.properties)) as Record<string, Setting>;

  it('settings come in titled groups, in order: Sampling, Model, Files, Editor, each setting with its order', () => {
    assert.deepEqual(groups.map((group) => group.title), ['Sampling', 'Model', 'Files', 'Editor']);
    assert.deepEqual(groups.map((group) => group.order), [0, 1, 2, 3]);
    for (const group of groups) {
      const orders = Object.values(group.properties as unknown as Record<string, Setting>).map((setting) => setting.order);
      assert.deepEqual(orders, orders.map((_, i) => i), `${group.title}: ${JSON.stringify(orders)}`);
    }
    // The Settings UI opens on the temperature, not on addK.
    assert.equal(Object.keys(groups[0].properties)[0], 'nextWordLab.temperature');
  });

  it('the file rules are read per folder (scope resource); the editor settings per language', () => {
    for (const key of ['include', 'exclude', 'maxFileSizeKB']) assert.equal(settings[`nextWordLab.${key}`].scope, 'resource', key);
    for (const key of ['inlineSuggestions.enabled', 'inlineSuggestions.maxWords', 'completions.enabled']) {
      assert.equal(settings[`nextWordLab.${key}`].scope, 'language-overridable', key);
    }
    // What the model is (order, smoothing, tokenizer …) is one per window: one model serves the workspace.
    for (const key of ['order', 'smoothing', 'tokenizer', 'temperature']) assert.equal(settings[`nextWordLab.${key}`].scope, undefined, key);
  });

  it('ghost text is on by default in Markdown and plain text only', () => {
    assert.equal((settings['nextWordLab.inlineSuggestions.enabled'] as { default?: unknown }).default, false);
    const defaults = manifest.contributes.configurationDefaults as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(defaults).sort(), ['[markdown]', '[plaintext]']);
    for (const value of Object.values(defaults)) assert.deepEqual(value, { 'nextWordLab.inlineSuggestions.enabled': true });
  });

  it('takes its user-visible strings from package.nls.json: every key defined, every entry used', () => {
    const raw = JSON.stringify(rawManifest);
    const used = new Set([...raw.matchAll(/"%([^%"]+)%"/g)].map(([, key]) => key));
    assert.deepEqual([...used].filter((key) => !(key in strings)), []);
    assert.deepEqual(Object.keys(strings).filter((key) => !used.has(key)), []);
    // Titles, descriptions and walkthrough texts are keys, not English, in package.json itself.
    const { contributes } = rawManifest;
    for (const text of [rawManifest.displayName, rawManifest.description, ...contributes.commands.map((command) => command.title), ...contributes.walkthroughs[0].steps.map((step) => step.description)]) {
      assert.match(text, /^%[\w.]+%$/);
    }
  });

  it('declares where it runs: the workspace side, where the files are', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });

  it('groups its editor commands in a context-menu submenu', () => {
    const { submenus, menus } = manifest.contributes;
    const [submenu] = submenus;
    const context = menus['editor/context'] as { submenu?: string }[];
    assert.deepEqual(context.map((entry) => entry.submenu), [submenu.id]);
    const items = (menus as unknown as Record<string, { command: string }[]>)[submenu.id].map((entry) => entry.command);
    assert.ok(items.includes('nextWordLab.predictNextWord') && items.includes('nextWordLab.chooseNextWord'), items.join());
    const commands = new Set(manifest.contributes.commands.map((command) => command.command));
    assert.deepEqual(items.filter((command) => !commands.has(command)), []);
  });
});
