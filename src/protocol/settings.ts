// The `nextWordLab.*` settings as both sides read them: one shape, one set of defaults and one
// clamping, so the extension (which sends sampling values with its requests) and the server (which
// pulls settings over workspace/configuration) can never disagree on what a value means.

import {
  DEFAULT_ORDER,
  ESTIMATOR_NAMES,
  MAX_ORDER,
  MIN_ORDER,
  TOKENIZER_NAMES,
  type EstimatorName,
  type Reweighting,
  type TokenizerName,
} from '../core/types';

export const SETTINGS_SECTION = 'nextWordLab';

export interface Settings extends Reweighting {
  /** Empty = a fresh random seed. */
  readonly seed: string;
  readonly order: number;
  readonly smoothing: EstimatorName;
  readonly addK: number;
  readonly tokenizer: TokenizerName;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly maxFileSizeKB: number;
  /** The model's largest size (tables and vocabulary); learning adds no file past it. */
  readonly maxModelMB: number;
  /** A team's base model: an ARPA file or a model saved by `import-arpa --out` (absolute or workspace-relative); empty = none. */
  readonly baseModel: string;
  /** λ, the base model's weight in the mixture λ·P_base + (1 − λ)·P_workspace. */
  readonly baseModelWeight: number;
}

export const TEMPERATURE_RANGE = { min: 0, max: 100 } as const;
export const TOP_K_RANGE = { min: 0, max: 1000 } as const;
export const TOP_P_RANGE = { min: 0.01, max: 1 } as const;
export const ADD_K_RANGE = { min: 1e-6, max: 100 } as const;
export const MAX_FILE_SIZE_KB_RANGE = { min: 1, max: 102400 } as const;
export const MAX_MODEL_MB_RANGE = { min: 1, max: 1048576 } as const;
export const BASE_MODEL_WEIGHT_RANGE = { min: 0, max: 1 } as const;
/** maxModelMB's unit, as the model measures its bytes. */
export const BYTES_PER_MB = 1024 * 1024;

export const DEFAULT_SETTINGS: Settings = {
  temperature: 0.7,
  topK: 0,
  topP: 1,
  seed: '',
  order: DEFAULT_ORDER,
  // Chosen by held-out accuracy (docs/engine.md, "Longest match").
  smoothing: 'longest-match',
  addK: 1,
  tokenizer: 'words',
  include: [
    '**/*.{ts,tsx,js,jsx,mjs,cjs,py,java,go,rs,rb,php,c,h,cpp,hpp,cc,cs,swift,kt,scala,sh,md,txt,rst,html,css,scss,json,yaml,yml,toml,xml,sql,vue,svelte}',
  ],
  exclude: [
    '**/node_modules/**',
    '**/.git/**',
    '**/dist/**',
    '**/out/**',
    '**/build/**',
    '**/*.min.*',
    '**/package-lock.json',
    '**/yarn.lock',
  ],
  maxFileSizeKB: 1024,
  maxModelMB: 2048,
  baseModel: '',
  baseModelWeight: 0.5,
};

export interface NormalizedSettings {
  readonly settings: Settings;
  /** One human sentence per value that was out of range or of the wrong type, naming the value used instead. */
  readonly problems: readonly string[];
}

/**
 * Reads the raw `nextWordLab` section (as `workspace/configuration` or `getConfiguration` returns it:
 * nested objects, any JSON) into typed settings. Missing values take their default silently; values of
 * the wrong type or out of range are replaced (clamped when numeric) and reported.
 */
export function normalizeSettings(raw: unknown): NormalizedSettings {
  const section = isRecord(raw) ? raw : {};
  const problems: string[] = [];
  const reader = new SettingReader(section, problems);
  const settings: Settings = {
    temperature: reader.number('temperature', TEMPERATURE_RANGE),
    topK: Math.round(reader.number('topK', TOP_K_RANGE)),
    topP: reader.number('topP', TOP_P_RANGE),
    seed: reader.string('seed'),
    order: Math.round(reader.number('order', { min: MIN_ORDER, max: MAX_ORDER })),
    smoothing: reader.oneOf('smoothing', ESTIMATOR_NAMES),
    addK: reader.number('addK', ADD_K_RANGE),
    tokenizer: reader.oneOf('tokenizer', TOKENIZER_NAMES),
    include: reader.strings('include'),
    exclude: reader.strings('exclude'),
    maxFileSizeKB: Math.round(reader.number('maxFileSizeKB', MAX_FILE_SIZE_KB_RANGE)),
    maxModelMB: Math.round(reader.number('maxModelMB', MAX_MODEL_MB_RANGE)),
    baseModel: reader.string('baseModel').trim(),
    baseModelWeight: reader.number('baseModelWeight', BASE_MODEL_WEIGHT_RANGE),
  };
  return { settings, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type SettingKey = keyof Settings & keyof typeof DEFAULT_SETTINGS;

class SettingReader {
  constructor(
    private readonly section: Record<string, unknown>,
    private readonly problems: string[],
  ) {}

  number(key: SettingKey, range: { readonly min: number; readonly max: number }): number {
    const fallback = DEFAULT_SETTINGS[key] as number;
    const value = this.section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      this.report(key, value, fallback);
      return fallback;
    }
    const clamped = Math.min(range.max, Math.max(range.min, value));
    if (clamped !== value) this.report(key, value, clamped);
    return clamped;
  }

  string(key: SettingKey): string {
    const fallback = DEFAULT_SETTINGS[key] as string;
    const value = this.section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') {
      this.report(key, value, fallback);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(key: SettingKey, allowed: readonly T[]): T {
    const fallback = DEFAULT_SETTINGS[key] as T;
    const value = this.section[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.report(key, value, fallback);
    return fallback;
  }

  strings(key: SettingKey): readonly string[] {
    const fallback = DEFAULT_SETTINGS[key] as readonly string[];
    const value = this.section[key];
    if (value === undefined || value === null) return fallback;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    this.report(key, value, fallback);
    return fallback;
  }

  private report(key: string, given: unknown, used: unknown): void {
    this.problems.push(`${SETTINGS_SECTION}.${key} = ${describe(given)} is out of range; using ${describe(used)}.`);
  }
}

/** A value as the user wrote it; JSON would print NaN and ±Infinity as null. */
function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
