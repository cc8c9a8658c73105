// package.json as VS Code shows it: every `%key%` replaced by its English text from package.nls.json
// (the manifest's user-visible strings are localizable, so the file itself holds only keys).

import rawManifest from '../package.json';
import strings from '../package.nls.json';

const NLS_KEY = /^%([^%]+)%$/;

function localize<T>(value: T): T {
  if (typeof value === 'string') {
    const key = NLS_KEY.exec(value)?.[1];
    if (key === undefined) return value;
    const text = (strings as Record<string, string>)[key];
    if (text === undefined) throw new Error(`package.json uses %${key}%, which package.nls.json does not define`);
    return text as T;
  }
  if (Array.isArray(value)) return value.map(localize) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, localize(item)])) as T;
  }
  return value;
}

export const manifest = localize(rawManifest);
