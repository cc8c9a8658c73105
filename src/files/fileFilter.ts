// Which files the model may learn. Decisions by path (globs, .gitignore, secrets) come first and cost
// nothing; decisions by content (size, binary, minified) need the file's bytes. Every file left out
// for a reason the user might not expect is reported with that reason; files that simply do not match
// `nextWordLab.include` (images, lock files …) are ignored silently.

import { Minimatch, type MinimatchOptions } from 'minimatch';
import type { SkipReason } from '../protocol/lsp';
import { scanText, structuralSecret, type Withheld } from './secrets';

export interface Skip {
  readonly reason: SkipReason;
  readonly detail: string;
}

/** Globs as VS Code stores them in `files.exclude` / `search.exclude`: `true`, `false` or a sibling clause. */
export type ExcludeMap = Readonly<Record<string, unknown>>;

export interface FolderRules {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly filesExclude: ExcludeMap;
  readonly searchExclude: ExcludeMap;
  readonly maxFileSizeKB: number;
}

/**
 * Never learned, whatever the settings say: a model that can be asked for the next word must not be
 * able to recite a key. A pattern without `/` is matched against the file's name (case-insensitively)
 * wherever it lives; one with `/` against the end of its path (`.kube/config` is any `config` in a
 * `.kube` folder).
 */
export const SECRET_NAME_PATTERNS: readonly string[] = [
  '.env',
  '.env.*',
  '*.env',
  '.envrc',
  '*.pem',
  '*.key',
  '*.p12',
  '*.p8',
  '*.pfx',
  '*.ppk',
  '*.jks',
  '*.keystore',
  '*.kdbx',
  '*.gpg',
  '*.asc',
  '*.ovpn',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '*private_key*',
  '*private-key*',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.boto',
  '.vault-token',
  '.htpasswd',
  '.git-credentials',
  '.dockercfg',
  '.docker/config.json',
  '.kube/config',
  'kubeconfig',
  'kubeconfig.*',
  '*.kubeconfig',
  'gh/hosts.yml',
  'sftp-config.json',
  'sftp.json',
  'auth.json',
  'token.json',
  '*_token.json',
  '*-token.json',
  'credentials',
  'credentials.*',
  '*credentials*.json',
  '*_credentials*',
  '*-credentials*',
  'client_secret*.json',
  'serviceaccountkey*.json',
  'service-account*.json',
  '*-key.json',
  '*_key.json',
  'key.json',
  'secrets.*',
  'secrets/*',
  '*secret.yaml',
  '*secret.yml',
  '*secret.json',
  '*.secret',
  '*.secrets',
  '*.tfvars',
  '*.tfvars.json',
  '*.tfstate',
  '*.tfstate.*',
  'wp-config.php',
  'database.yml',
  '.*_history',
  '.history',
  'fish_history',
];

/**
 * Brace sets expand to at most this many patterns: a setting like `{1..100000}` would otherwise
 * compile into 100,000 regular expressions (seconds of work, then every path tested against each).
 */
const BRACE_EXPANSION_LIMIT = 1_000;
export const GLOB_OPTIONS: MinimatchOptions = { dot: true, braceExpandMax: BRACE_EXPANSION_LIMIT };
export const NAME_OPTIONS: MinimatchOptions = { dot: true, nocase: true };

/** Whether a path matches a glob. */
export type PathTest = (path: string) => boolean;

/**
 * `matcher.match` as one regular expression where minimatch's equals it: a walk tests every path
 * against some 80 patterns, and `match` takes a microsecond or two each (a tenth of a second for the
 * reference workspace's 1,227 files). A `**` anywhere but at the start (before a slash) keeps
 * `match` (the expression of `src/**` also takes `src` itself), as do negated, comment and empty
 * patterns.
 */
export function pathTest(matcher: Minimatch): PathTest {
  const globstars = matcher.pattern.split('**').length - 1;
  const sameAsMatch = !matcher.negate && !matcher.comment && !matcher.empty && (globstars === 0 || (globstars === 1 && matcher.pattern.startsWith('**/')));
  const regExp = sameAsMatch ? matcher.makeRe() : false;
  return regExp === false ? (path) => matcher.match(path) : (path) => regExp.test(path);
}

/** A glob from the settings, compiled; minimatch refuses patterns over 64 KB, and such a glob matches nothing. */
function compileGlob(glob: string): PathTest | undefined {
  try {
    return pathTest(new Minimatch(glob, GLOB_OPTIONS));
  } catch {
    return undefined;
  }
}

function compiledPattern(glob: string): ExcludePattern | undefined {
  const test = compileGlob(glob);
  return test === undefined ? undefined : { glob, test };
}

/** A name no real file has: a pattern that matches `folder/<probe>` matches every child of the folder. */
const ANY_CHILD_PROBE = '\u0000';

/** Patterns are compiled once: a walk tests thousands of paths against each. */
const SECRET_MATCHERS = SECRET_NAME_PATTERNS.map((pattern) => {
  const matcher = new Minimatch(pattern.includes('/') ? `**/${pattern}` : pattern, NAME_OPTIONS);
  // Each is a name or ends a path after a leading `**/`: its expression is what `match` does (tested).
  return { pattern, byPath: pattern.includes('/'), regExp: matcher.makeRe() as RegExp };
});

/** All the name patterns as one expression, and all the path patterns: a path that matches neither is tested once each. */
const anyOf = (byPath: boolean): RegExp =>
  new RegExp(
    SECRET_MATCHERS.filter((secret) => secret.byPath === byPath)
      .map(({ regExp }) => `(?:${regExp.source})`)
      .join('|'),
    'i',
  );
const ANY_SECRET_NAME = anyOf(false);
const ANY_SECRET_PATH = anyOf(true);

/** The secret rule a file matches, if any; `filePath` uses `/` (relative or absolute). */
export function secretRule(filePath: string): string | undefined {
  const name = baseName(filePath);
  if (!ANY_SECRET_NAME.test(name) && !ANY_SECRET_PATH.test(filePath)) return undefined;
  return SECRET_MATCHERS.find(({ regExp, byPath }) => regExp.test(byPath ? filePath : name))?.pattern;
}

/**
 * The path rules of one workspace folder. Paths are relative to the folder, with `/` separators.
 * Directory checks let discovery prune whole trees (node_modules) without listing them.
 */
export class PathFilter {
  private readonly include: readonly PathTest[];
  private readonly exclusions: readonly { readonly reason: SkipReason; readonly patterns: ExcludePattern[] }[];

  constructor(rules: FolderRules) {
    this.include = rules.include.flatMap((glob) => compileGlob(glob) ?? []);
    this.exclusions = [
      { reason: 'excluded', patterns: rules.exclude.flatMap((glob) => compiledPattern(glob) ?? []) },
      { reason: 'files.exclude', patterns: activePatterns(rules.filesExclude) },
      { reason: 'search.exclude', patterns: activePatterns(rules.searchExclude) },
    ];
  }

  /** Why a whole directory is left out, if it is; `siblings` are the names in its parent directory. */
  checkDirectory(relativePath: string, siblings: ReadonlySet<string>): Skip | undefined {
    return this.excludedBy(relativePath, siblings, true);
  }

  /**
   * `undefined` when the file should be learned (subject to its content), `'ignore'` when it does not
   * match `include`, otherwise why it is skipped.
   */
  checkFile(relativePath: string, siblings: ReadonlySet<string>): Skip | 'ignore' | undefined {
    const secret = secretRule(relativePath);
    if (secret !== undefined) return { reason: 'secret', detail: `never learned (matches ${secret})` };
    if (!this.include.some((test) => test(relativePath))) return 'ignore';
    return this.excludedBy(relativePath, siblings, false);
  }

  private excludedBy(relativePath: string, siblings: ReadonlySet<string>, isDirectory: boolean): Skip | undefined {
    for (const { reason, patterns } of this.exclusions) {
      for (const pattern of patterns) {
        const matches =
          pattern.test(relativePath) || (isDirectory && pattern.test(`${relativePath}/${ANY_CHILD_PROBE}`));
        if (matches && siblingConditionHolds(pattern, relativePath, siblings)) {
          return { reason, detail: `matches ${pattern.glob}` };
        }
      }
    }
    return undefined;
  }
}

interface ExcludePattern {
  readonly glob: string;
  readonly test: PathTest;
  /** VS Code's `{ "when": "$(basename).ts" }`: excluded only if that sibling exists. */
  readonly whenSibling?: string;
}

function activePatterns(map: ExcludeMap): ExcludePattern[] {
  const patterns: ExcludePattern[] = [];
  for (const [glob, value] of Object.entries(map)) {
    const pattern = compiledPattern(glob);
    if (pattern === undefined) continue;
    if (value === true) patterns.push(pattern);
    else if (typeof value === 'object' && value !== null && typeof (value as { when?: unknown }).when === 'string') {
      patterns.push({ ...pattern, whenSibling: (value as { when: string }).when });
    }
  }
  return patterns;
}

function siblingConditionHolds(pattern: ExcludePattern, relativePath: string, siblings: ReadonlySet<string>): boolean {
  if (pattern.whenSibling === undefined) return true;
  const name = baseName(relativePath);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return siblings.has(pattern.whenSibling.replace(/\$\(basename\)/g, stem));
}

export function baseName(relativePath: string): string {
  return relativePath.slice(relativePath.lastIndexOf('/') + 1);
}

// ---------------------------------------------------------------------------------------------
// Content

/** Bytes inspected for a NUL, as git and most editors do to call a file binary. */
const BINARY_PROBE_BYTES = 8000;
/** A line this long is never hand-written text. */
const MINIFIED_LINE_LENGTH = 10_000;
/** Or: lines averaging this long, once some line passes `LONG_LINE_LENGTH`. */
const MINIFIED_AVERAGE_LINE_LENGTH = 500;
const LONG_LINE_LENGTH = 1_000;

const BYTES_PER_KB = 1024;

export function checkSize(sizeBytes: number, maxFileSizeKB: number): Skip | undefined {
  if (sizeBytes <= maxFileSizeKB * BYTES_PER_KB) return undefined;
  const kb = Math.ceil(sizeBytes / BYTES_PER_KB);
  return { reason: 'too large', detail: `${kb.toLocaleString('en-US')} KB > ${maxFileSizeKB.toLocaleString('en-US')} KB` };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The file's text, or why it is not text a person wrote. */
export function decodeText(bytes: Uint8Array): { readonly text: string } | Skip {
  const probe = bytes.subarray(0, BINARY_PROBE_BYTES);
  if (probe.includes(0)) return { reason: 'binary', detail: 'contains NUL bytes' };
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { reason: 'binary', detail: 'not valid UTF-8' };
  }
  const minified = minifiedDetail(text);
  return minified === undefined ? { text } : { reason: 'minified', detail: minified };
}

/** Text the model may learn: its secret lines blanked (and counted), or why none of it may be learned. */
export type LearnableText = { readonly text: string; readonly withheld?: Withheld } | Skip;

/** The secret rules by content, on text already decoded: a file carrying credentials by structure is left out whole. */
export function learnableText(text: string): LearnableText {
  const structure = structuralSecret(text);
  if (structure !== undefined) return { reason: 'secret', detail: `never learned (holds ${structure})` };
  return scanText(text);
}

/** A file's bytes as text the model may learn (`decodeText`, then `learnableText`). */
export function learnableBytes(bytes: Uint8Array): LearnableText {
  const decoded = decodeText(bytes);
  return 'text' in decoded ? learnableText(decoded.text) : decoded;
}

function minifiedDetail(text: string): string | undefined {
  let lines = 0;
  let longest = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    longest = Math.max(longest, end - start);
    lines++;
    start = end + 1;
  }
  if (longest > MINIFIED_LINE_LENGTH) return `a line of ${longest.toLocaleString('en-US')} characters`;
  const average = text.length / lines;
  if (longest > LONG_LINE_LENGTH && average > MINIFIED_AVERAGE_LINE_LENGTH) {
    return `lines average ${Math.round(average).toLocaleString('en-US')} characters`;
  }
  return undefined;
}
