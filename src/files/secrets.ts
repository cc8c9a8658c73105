// Secrets by content. A key pasted into notes.md is as secret as one in .env: a model that learned it
// would recite it after its name. Lines holding a credential-shaped value are withheld (blanked, so
// line numbers and an open editor's line index stay as they are), and files that carry credentials by
// their structure (a service account's `private_key`, a kubeconfig's `users`, docker's `auths` …) are
// left out whole. Pure functions of the text: the server and the command line apply the same rules.

import { unchangedEnds } from '../core/lines';

/** Lines withheld from one text, and the kinds of secret that caused it. */
export interface Withheld {
  readonly lines: number;
  /** Kinds found, e.g. "private key", "AWS access key", in order of first appearance. */
  readonly kinds: readonly string[];
}

export interface ScannedText {
  /** The text with every secret line replaced by an empty line. */
  readonly text: string;
  readonly withheld?: Withheld;
}

/** Tokens whose shape alone says what they are (the issuers publish these prefixes so scanners can find them). */
const TOKEN_SHAPES: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: 'AWS access key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b/ },
  { kind: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/ },
  { kind: 'GitLab token', pattern: /\bgl(?:pat|dt|ptt|rt|cbt|soat)-[A-Za-z0-9_-]{20,}/ },
  { kind: 'Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { kind: 'Stripe key', pattern: /\b(?:[sr]k|pk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{20,}/ },
  { kind: 'Google key', pattern: /\bAIza[0-9A-Za-z_-]{35}|\bGOCSPX-[A-Za-z0-9_-]{20,}|\bya29\.[0-9A-Za-z_-]{20,}/ },
  { kind: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"]{3,}@[^\s]/i },
  { kind: 'private key', pattern: /PuTTY-User-Key-File-\d|^\s*Private-Lines:/ },
];

/** `-----BEGIN RSA PRIVATE KEY-----`, `… OPENSSH PRIVATE KEY …`, `… PGP PRIVATE KEY BLOCK …` */
const PRIVATE_KEY_BEGIN = /-----BEGIN[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;
const PRIVATE_KEY_END = /-----END[A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;

/**
 * A name that says "this holds a credential", then `=`, `:`, `:=` or `=>`, then the value (quoted or
 * not). The name may be part of a longer one (`aws_secret_access_key`, `DB_PASSWORD`, `secretKey`).
 */
const ASSIGNMENT =
  /(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?|session[_-]?key|signing[_-]?key)[A-Za-z0-9_-]*["']?\s*(?::=|=>|=|:)\s*["'`]?([^\s"'`,;]+)/gi;

/** Where the value is code, not a literal: a call, a variable, a template, a placeholder. */
const NOT_A_LITERAL = /[(){}[\]$<>]|^(?:process\.env|os\.environ|env\.|self\.|this\.|config\.|settings\.)/;

/** The Shannon entropy of `text` in bits per character. */
function entropyBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A value that looks generated rather than written: long enough, letters mixed with digits or
 * symbols, and varied (an identifier like `userPasswordField` or `changeme` is not).
 */
export function looksRandom(value: string): boolean {
  if (value.length < 8 || NOT_A_LITERAL.test(value)) return false;
  const hasLetter = /[A-Za-z]/.test(value);
  const hasDigit = /[0-9]/.test(value);
  const hasSymbol = /[^A-Za-z0-9_.-]/.test(value);
  const mixedCase = /[a-z]/.test(value) && /[A-Z]/.test(value);
  if (!hasLetter && !hasDigit) return false;
  const classes = Number(hasDigit) + Number(hasSymbol) + Number(mixedCase);
  if (classes === 0 || (classes === 1 && mixedCase && value.length < 20)) return false;
  return entropyBits(value) >= 3;
}

/**
 * Something every secret shape above contains (GitLab's prefixes run to four letters: `glsoat-`): a
 * text or line without any of it needs no closer look, which most lines of code do not.
 */
const MAYBE_SECRET =
  /PRIVATE KEY|PuTTY|Private-Lines|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA|gh[pousr]_|github_pat_|gl[a-z]{1,4}-|xox|hooks\.slack|_live_|_test_|whsec_|AIza|GOCSPX-|ya29\.|npm_|eyJ|:\/\/[^\s/:@]+:[^\s/@]+@|pass|pwd|secret|token|key|credential/i;
const MAYBE_SECRET_PLACES = new RegExp(MAYBE_SECRET.source, 'gi');

/** The kind of secret on one line, if any (private-key blocks are handled by `scanText`). */
export function secretKind(line: string): string | undefined {
  if (!MAYBE_SECRET.test(line)) return undefined;
  for (const { kind, pattern } of TOKEN_SHAPES) if (pattern.test(line)) return kind;
  ASSIGNMENT.lastIndex = 0;
  for (let match = ASSIGNMENT.exec(line); match !== null; match = ASSIGNMENT.exec(line)) {
    if (looksRandom(match[1])) return 'credential assignment';
  }
  return undefined;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** `text` with every line that holds a secret blanked; the line ends stay as they were. */
export function scanText(text: string): ScannedText {
  // Where something that could start a secret is: most files have no such place, and most lines of
  // the rest none either (no part of MAYBE_SECRET crosses a line end, so a line holds its places).
  const maybe: number[] = [];
  MAYBE_SECRET_PLACES.lastIndex = 0;
  for (let match = MAYBE_SECRET_PLACES.exec(text); match !== null; match = MAYBE_SECRET_PLACES.exec(text)) maybe.push(match.index);
  if (maybe.length === 0) return { text };
  let nextMaybe = 0;
  const kinds: string[] = [];
  let withheld = 0;
  let inKey = false;
  let out = '';
  let start = 0;
  let previousEnd = '';
  const note = (kind: string): void => {
    withheld++;
    if (!kinds.includes(kind)) kinds.push(kind);
  };
  const visit = (line: string, end: string, lineStart: number): void => {
    while (nextMaybe < maybe.length && maybe[nextMaybe] < lineStart) nextMaybe++;
    const mayHold = nextMaybe < maybe.length && maybe[nextMaybe] < lineStart + line.length;
    let kind: string | undefined;
    if (inKey || (mayHold && PRIVATE_KEY_BEGIN.test(line))) {
      kind = 'private key';
      // A block without its END line is withheld to the end of the text.
      inKey = !PRIVATE_KEY_END.test(line);
    } else if (mayHold) {
      kind = secretKind(line);
    }
    // A blank line inside a key block holds nothing: it is kept, and not counted as withheld.
    if (kind === undefined || line.trim() === '') out += line + end;
    else {
      note(kind);
      // Between a `\r` and a `\n` an empty line would join them into one line end: keep a space.
      out += (previousEnd === '\r' && end.startsWith('\n') ? ' ' : '') + end;
    }
    previousEnd = end;
  };
  LINE_BREAK.lastIndex = 0;
  for (let match = LINE_BREAK.exec(text); match !== null; match = LINE_BREAK.exec(text)) {
    visit(text.slice(start, match.index), match[0], start);
    start = match.index + match[0].length;
  }
  visit(text.slice(start), '', start);
  return withheld === 0 ? { text } : { text: out, withheld: { lines: withheld, kinds } };
}

/** `Withheld` in words, for Show Skipped Files and the command line. */
export function describeWithheld(withheld: Withheld): string {
  const lines = withheld.lines === 1 ? '1 line' : `${withheld.lines.toLocaleString('en-US')} lines`;
  return `${lines} withheld: ${withheld.kinds.join(', ')}`;
}

/**
 * Keys that mark a whole file as credentials: a Google service account or OAuth client, a kubeconfig,
 * docker's registry logins, Composer's and gh's tokens, a Kubernetes Secret. Matched as keys (a quoted
 * JSON key anywhere, or a YAML key at a line start), so prose that mentions them is not affected.
 */
const key = (name: string): RegExp => new RegExp(`["']${name}["']\\s*:|^\\s*${name}:(?:\\s|$)`, 'm');
/** Each mark's pattern, and words one of which every match holds (a plain search rules most texts out at once). */
const STRUCTURE_MARKS: readonly { readonly what: string; readonly pattern: RegExp; readonly words: readonly string[] }[] = [
  { what: 'a private_key field', pattern: key('private_key'), words: ['private_key'] },
  { what: 'a client_secret field', pattern: key('client_secret'), words: ['client_secret'] },
  { what: 'an oauth_token field', pattern: key('oauth_token'), words: ['oauth_token'] },
  { what: 'kubeconfig users', pattern: /^users:\s*$[\s\S]*^\s*(?:client-key-data|client-certificate-data|token|password):/m, words: ['users:'] },
  { what: 'docker registry logins (auths)', pattern: /["']auths["']\s*:\s*\{[\s\S]*["']auth["']\s*:/, words: ['auths'] },
  { what: 'a Kubernetes Secret', pattern: /^kind:\s*["']?Secret["']?\s*$/m, words: ['Secret'] },
  { what: 'Composer credentials', pattern: /["'](?:http-basic|github-oauth|gitlab-token|bitbucket-oauth)["']\s*:\s*\{/, words: ['http-basic', 'github-oauth', 'gitlab-token', 'bitbucket-oauth'] },
];

/**
 * Whether `text` (its lines `lines`), an edit of a text whose lines `before` the rules left whole (no
 * line withheld, no mark of credentials), is left whole too, judged by its changed lines: none of them
 * holds a secret or begins a private key, and the text holds no structure mark (a mark may span lines;
 * a plain search for its words rules most texts out before its pattern runs). An open document is
 * screened at every keystroke: 2 ms for a 2,000-line file in full, a tenth of that this way.
 */
export function editLeavesTextWhole(before: readonly string[], text: string, lines: readonly string[]): boolean {
  if (structuralSecret(text) !== undefined) return false;
  const { head, tail } = unchangedEnds(before, lines);
  for (let i = head; i < lines.length - tail; i++) {
    const line = lines[i];
    if (PRIVATE_KEY_BEGIN.test(line) || secretKind(line) !== undefined) return false;
  }
  return true;
}

/** Why a file's structure marks it as credentials, if it does. */
export function structuralSecret(text: string): string | undefined {
  for (const { what, pattern, words } of STRUCTURE_MARKS) if (words.some((word) => text.includes(word)) && pattern.test(text)) return what;
  return undefined;
}
