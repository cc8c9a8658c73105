// VS Code's own default keybindings, read from the VS Code the tests run (code-server 4.100.3 in
// .vscode-test/, which `npm test` installs before any layer runs). The workbench registers its defaults
// in code, so they are read from its bundle: every `primary:` / `secondary:` value of a keybinding rule
// (a number, or `KeyChord(a, b)` for a chord), decoded with the bundle's own key-code table; the
// built-in extensions add theirs in their package.json. Both branches of a platform conditional are
// kept, so the set over-approximates: a key it holds is used by some default on some platform.

import fs from 'node:fs';
import path from 'node:path';

export const VSCODE_DIR = path.resolve(__dirname, '../../../.vscode-test/code-server/node_modules/code-server/lib/vscode');
const WORKBENCH_BUNDLE = path.join(VSCODE_DIR, 'out/vs/code/browser/workbench/workbench.js');
const BUILTIN_EXTENSIONS = path.join(VSCODE_DIR, 'extensions');

// Bits of a keybinding number (src/vs/base/common/keyCodes.ts: KeyMod).
const CTRL_CMD = 1 << 11;
const SHIFT = 1 << 10;
const ALT = 1 << 9;
const WIN_CTRL = 1 << 8;
const KEY_CODE = 0xff;

export type Platform = 'linux' | 'win' | 'mac';

export interface DefaultKeybindings {
  readonly version: string;
  /** Per platform, every key (`ctrl+shift+n`, chords as `ctrl+k ctrl+n`) some default binds, with who binds it. */
  readonly keys: Record<Platform, Map<string, string>>;
}

/** Reads the defaults; throws (never returns an empty set) when the test VS Code is not installed. */
export function readDefaultKeybindings(): DefaultKeybindings {
  if (!fs.existsSync(WORKBENCH_BUNDLE)) {
    throw new Error(`VS Code's workbench is not at ${WORKBENCH_BUNDLE}: run \`node scripts/vscode-runtime/install.mjs\` (npm test installs it first).`);
  }
  const version = (JSON.parse(fs.readFileSync(path.join(VSCODE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  const bundle = fs.readFileSync(WORKBENCH_BUNDLE, 'utf8');
  const keyNames = keyCodeNames(bundle);
  const chordFunction = /function (\w+)\((\w+),(\w+)\)\{const (\w+)=\(\3&65535\)<<16>>>0;return\(\2\|\4\)>>>0\}/.exec(bundle)?.[1];
  if (chordFunction === undefined) throw new Error('KeyChord() was not found in the workbench bundle.');
  const keys: DefaultKeybindings['keys'] = { linux: new Map(), win: new Map(), mac: new Map() };
  const add = (platforms: readonly Platform[], key: string, by: string): void => {
    for (const platform of platforms) if (!keys[platform].has(key)) keys[platform].set(key, by);
  };

  const numbers = new RegExp(`${chordFunction}\\((\\d+),(\\d+)\\)|\\b(\\d+)\\b`, 'g');
  for (const rule of bundle.matchAll(/[{,](?:primary|secondary):/g)) {
    for (const match of valueAt(bundle, rule.index + rule[0].length).matchAll(numbers)) {
      const parts = match[3] !== undefined ? [Number(match[3])] : [Number(match[1]), Number(match[2])];
      if (parts.some((part) => (part & KEY_CODE) === 0)) continue; // 0 = no key; `primary:0` with mac only
      for (const platform of ['linux', 'win', 'mac'] as const) {
        const key = parts.map((part) => decode(part, platform, keyNames)).join(' ');
        if (!key.includes('undefined')) add([platform], key, 'VS Code workbench');
      }
    }
  }

  for (const extension of fs.readdirSync(BUILTIN_EXTENSIONS)) {
    const manifestPath = path.join(BUILTIN_EXTENSIONS, extension, 'package.json');
    if (!fs.existsSync(manifestPath)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { contributes?: { keybindings?: unknown } };
    for (const binding of manifestKeybindings(manifest.contributes?.keybindings)) {
      for (const [platform, key] of Object.entries(platformKeys(binding)) as [Platform, string][]) {
        add([platform], key, `built-in extension ${extension} (${binding.command})`);
      }
    }
  }
  return { version, keys };
}

export interface ManifestKeybinding {
  readonly command: string;
  readonly key?: string;
  readonly linux?: string;
  readonly win?: string;
  readonly mac?: string;
}

export function manifestKeybindings(value: unknown): ManifestKeybinding[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as ManifestKeybinding[];
}

/** The key a manifest binding gives each platform, normalised (`key` unless the platform overrides it). */
export function platformKeys(binding: ManifestKeybinding): Partial<Record<Platform, string>> {
  const result: Partial<Record<Platform, string>> = {};
  for (const platform of ['linux', 'win', 'mac'] as const) {
    const key = binding[platform] ?? binding.key;
    if (key) result[platform] = normaliseKey(key);
  }
  return result;
}

const MODIFIER_ORDER = ['ctrl', 'shift', 'alt', 'meta', 'cmd'];

/** `Shift+Ctrl+N` → `ctrl+shift+n`; chords keep their order; `win`/`super` → `meta`. */
export function normaliseKey(key: string): string {
  return key
    .toLowerCase()
    .trim()
    .split(/\s+/)
    .map((part) => {
      const pieces = part.split(/\+(?!$)/);
      const name = pieces.pop()!;
      const modifiers = pieces.map((modifier) => (modifier === 'win' || modifier === 'super' ? 'meta' : modifier));
      modifiers.sort((a, b) => MODIFIER_ORDER.indexOf(a) - MODIFIER_ORDER.indexOf(b));
      return [...modifiers, name].join('+');
    })
    .join(' ');
}

/** The expression that starts at `start`: up to the `,` or `}` that ends it (brackets balanced). */
function valueAt(bundle: string, start: number): string {
  let depth = 0;
  for (let end = start; end < bundle.length && end < start + 200; end++) {
    const char = bundle[end]!;
    if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (depth === 0 && (char === ',' || char === '}')) return bundle.slice(start, end);
  }
  return '';
}

function decode(part: number, platform: Platform, keyNames: ReadonlyMap<number, string>): string {
  const modifiers: string[] = [];
  const mac = platform === 'mac';
  if (mac ? part & WIN_CTRL : part & CTRL_CMD) modifiers.push('ctrl');
  if (part & SHIFT) modifiers.push('shift');
  if (part & ALT) modifiers.push('alt');
  if (!mac && part & WIN_CTRL) modifiers.push('meta');
  if (mac && part & CTRL_CMD) modifiers.push('cmd');
  return normaliseKey([...modifiers, keyNames.get(part & KEY_CODE)].join('+'));
}

/**
 * The bundle's own table of keys (keyCodes.ts's mapping rows: `[immutable, scanCode, "ScanCodeName",
 * keyCode, "KeyCodeName", eventKeyCode, "VK_…", usUserSettingsLabel, generalUserSettingsLabel]`),
 * as keyCode → the name keybindings.json uses.
 */
function keyCodeNames(bundle: string): Map<number, string> {
  const names = new Map<number, string>();
  const row = /\[[01],\d+,"\w+",(\d+),"([^"]+)",\d+,(?:"\w+"|\w+),(?:"([^"]+)"|\w+),/g;
  for (const match of bundle.matchAll(row)) {
    const keyCode = Number(match[1]);
    if (!names.has(keyCode) && keyCode !== 0) names.set(keyCode, (match[3] ?? match[2]!).toLowerCase());
  }
  if (!['a', 'n', 'f1', 'escape'].every((name) => [...names.values()].includes(name))) {
    throw new Error('The key-code table of the workbench bundle was not recognised.');
  }
  return names;
}
