// The manifest's default keys take nothing from the keyboard: no key VS Code 1.100 binds by default
// (read from the VS Code the tests run, its workbench and built-in extensions), none a widely installed
// extension binds, no Ctrl+Alt+letter on Windows or Linux (Ctrl+Alt is AltGr there: it types the
// characters of many layouts) and no Option+letter alone on macOS (Option types characters too).

import assert from 'node:assert/strict';
import manifest from '../../../package.json';
import {
  manifestKeybindings,
  normaliseKey,
  platformKeys,
  readDefaultKeybindings,
  type Platform,
} from './vscodeKeybindings';

/**
 * Keys of the most installed extensions that bind keys by default (their package.json at the time of
 * VS Code 1.100): Code Runner, Live Server, GitHub Copilot, Markdown All in One, Bookmarks, Python.
 */
const WIDELY_INSTALLED: Readonly<Record<string, readonly string[]>> = {
  'formulahendry.code-runner': ['ctrl+alt+n', 'ctrl+alt+m', 'ctrl+alt+k', 'ctrl+alt+j'],
  'ritwickdey.LiveServer': ['alt+l alt+o', 'alt+l alt+c', 'cmd+l cmd+o', 'cmd+l cmd+c'],
  'GitHub.copilot': ['alt+\\', 'alt+]', 'alt+[', 'ctrl+enter', 'tab', 'ctrl+alt+i', 'ctrl+cmd+i'],
  'yzhang.markdown-all-in-one': ['ctrl+b', 'ctrl+i', 'alt+s', 'ctrl+shift+]', 'ctrl+shift+[', 'ctrl+m', 'alt+c', 'ctrl+shift+v', 'ctrl+k v'],
  'alefragnani.Bookmarks': ['ctrl+alt+k', 'ctrl+alt+l', 'ctrl+alt+j', 'alt+cmd+k', 'alt+cmd+l', 'alt+cmd+j'],
  'ms-python.python': ['shift+enter'],
};

const LETTER = /^[a-z]$/;

describe('package: default keybindings collide with nothing', () => {
  const defaults = readDefaultKeybindings();
  const bindings = manifestKeybindings(manifest.contributes.keybindings);

  it('reads the defaults of the VS Code the tests run (1.100), hundreds of keys per platform', () => {
    assert.match(defaults.version, /^1\.100\./);
    for (const platform of ['linux', 'win', 'mac'] as const) assert.ok(defaults.keys[platform].size > 300, `${platform}: ${defaults.keys[platform].size} keys`);
    // Known defaults, so that a reader that stopped recognising the bundle fails here, not silently.
    assert.ok(defaults.keys.linux.has('ctrl+shift+p'));
    assert.ok(defaults.keys.linux.has('ctrl+k ctrl+s'));
    assert.ok(defaults.keys.linux.has('ctrl+alt+n'), 'VS Code for the web: New Untitled Text File');
    assert.ok(defaults.keys.mac.has('shift+cmd+p'));
  });

  it('the manifest has default keys to check', () => {
    assert.ok(bindings.length >= 2);
  });

  for (const binding of manifestKeybindings(manifest.contributes.keybindings)) {
    it(`${binding.command}: ${JSON.stringify(platformKeys(binding))} is free on every platform`, () => {
      for (const [platform, key] of Object.entries(platformKeys(binding)) as [Platform, string][]) {
        const usedBy = defaults.keys[platform].get(key);
        assert.equal(usedBy, undefined, `${platform} ${key} is a default of ${usedBy}`);
        for (const [extension, keys] of Object.entries(WIDELY_INSTALLED)) {
          assert.ok(!keys.map(normaliseKey).includes(key), `${platform} ${key} is bound by ${extension}`);
        }
        for (const part of key.split(' ')) {
          const pieces = part.split('+');
          const name = pieces.at(-1)!;
          if (platform === 'mac') {
            assert.ok(!(LETTER.test(name) && pieces.includes('alt') && !pieces.includes('cmd') && !pieces.includes('ctrl')), `${key}: Option+letter types a character on macOS`);
          } else {
            assert.ok(!(LETTER.test(name) && pieces.includes('ctrl') && pieces.includes('alt')), `${platform} ${key}: Ctrl+Alt is AltGr`);
          }
        }
      }
    });
  }
});
