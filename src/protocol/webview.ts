// The visualizer panel's messages, both ways, and the runtime guards each receiving side applies:
// a webview message is untrusted input until its shape has been checked.
import type { LevelArithmetic } from '../core/estimators';
import type { LongestMatchExplanation } from '../core/longestMatch';
import type { EstimatorExplanation } from '../core/model';
import { ESTIMATOR_NAMES, TOKENIZER_NAMES, type EstimatorOptions, type Reweighting } from '../core/types';
import { MAX_DRAWS, MAX_EXPLAIN_WORDS, MAX_REST_WORDS } from './limits';
import type {
  BaseModelStatus,
  DistributionRest,
  EstimatorColumn,
  EvidenceOccurrence,
  EvidenceResult,
  ExplainResult,
  ModelState,
  ModelStatus,
  PredictedCandidate,
  PredictResult,
} from './lsp';

export const VISUALIZER_VIEW_TYPE = 'nextWordLab.visualizer';

/** The `nextWordLab.*` settings that only re-weight, as the panel shows and edits them. */
export interface SamplingSettings extends Reweighting {
  /** Empty = a fresh random seed. */
  readonly seed: string;
}

/** Where the cursor is: the model predicts from the current line's text before it (a line is a sentence). */
export interface EditorContext {
  readonly fileName: string;
  /** 0-based. */
  readonly line: number;
  readonly textBeforeCursor: string;
}

/** A candidate as the panel shows it: the server's, field for field (the guard below checks each). */
export type CandidateView = PredictedCandidate;

/** One word drawn by the model. */
export interface DrawView {
  readonly word: string;
  /** Index in `candidates`, -1 when the draw landed among the others. */
  readonly rank: number;
  readonly weight: number;
  readonly insertText: string;
  /**
   * The uniform number in [0, 1) that picked it, which is its place on the line of the chances laid end
   * to end in rank order (the dart of lesson step 5); null at temperature 0 (the argmax, no draw).
   */
  readonly draw: number | null;
}

/** How often each candidate (same order) and the others were drawn. */
export interface HistogramView {
  readonly counts: readonly number[];
  readonly others: number;
  readonly draws: number;
}

/** The model's answer for one context, in the shape the panel draws. */
export interface PredictionView {
  /** The text that was asked about. */
  readonly text: string;
  /** The context actually used (at most order-1 tokens, `<s>` at a line start, unknown words as `<unk>`). */
  readonly context: readonly string[];
  /** The longest suffix of `context` seen in training (0 = the unigram distribution answered). */
  readonly matchedContextLength: number;
  /** False for stupid-backoff: the numbers are scores, not probabilities. */
  readonly isProbability: boolean;
  /** The likeliest words first. */
  readonly candidates: readonly CandidateView[];
  /** Every other vocabulary entry, lumped together. */
  readonly others: { readonly words: number; readonly probability: number; readonly weight: number };
  /** `others` word by word, in runs of equal probability (absent: only the lump is known). */
  readonly rest?: DistributionRest;
  /** The re-weighting `weight` was computed with. */
  readonly sampling: Reweighting;
  /** Present when the request asked for sampling and the model knows some words. */
  readonly chosen: DrawView | null;
  readonly histogram: HistogramView | null;
  /** Present when the team's base model answered with the workspace model (each candidate then has its `parts`). */
  readonly mixture?: PredictResult['mixture'];
}

/** Sampling asked of a prediction: one draw, plus `draws` more for a histogram (0 = none). */
export interface SamplingRequest extends Reweighting {
  /** Seed of a fresh generator for this request; empty = the model's running generator. */
  readonly seed: string;
  readonly draws: number;
}

export type GenerationMode = 'greedy' | 'sample';

/** The estimators side by side for one context: the server's answer without its status. */
export type ExplanationView = Omit<ExplainResult, 'status'>;

/** Where the workspace shows the context followed by a word: the server's answer without its status. */
export type EvidenceView = Omit<EvidenceResult, 'status'>;


/** Host → webview. */
export type ToWebview =
  | { readonly type: 'settings'; readonly settings: SamplingSettings }
  /** Null until the language server has reported. */
  | { readonly type: 'status'; readonly status: ModelStatus | null }
  | { readonly type: 'editorContext'; readonly context: EditorContext | null }
  | { readonly type: 'prediction'; readonly requestId: number; readonly prediction: PredictionView }
  | {
      readonly type: 'generation';
      readonly requestId: number;
      readonly tokens: readonly string[];
      /** From `tokens[start]` on, the same `length` tokens repeat for good; null when no loop was reached. */
      readonly loop: { readonly start: number; readonly length: number } | null;
    }
  | { readonly type: 'explanation'; readonly requestId: number; readonly explanation: ExplanationView }
  | { readonly type: 'evidence'; readonly requestId: number; readonly evidence: EvidenceView }
  | { readonly type: 'requestFailed'; readonly requestId: number; readonly message: string };

/** Webview → host. */
export type FromWebview =
  /** The webview's listener is installed: the host may post. */
  | { readonly type: 'ready' }
  | { readonly type: 'predict'; readonly requestId: number; readonly text: string; readonly sampling: SamplingRequest | null }
  /** Continue `text` by `length` tokens, across line ends. */
  | {
      readonly type: 'generate';
      readonly requestId: number;
      readonly text: string;
      readonly length: number;
      readonly mode: GenerationMode;
      readonly temperature: number;
      /** Empty = the model's running generator. */
      readonly seed: string;
    }
  /** The compared estimators' numbers for `words` after `text`, with their arithmetic. */
  | { readonly type: 'explain'; readonly requestId: number; readonly text: string; readonly words: readonly string[] }
  /** Where the workspace shows `text`'s answering context followed by `word`. */
  | { readonly type: 'evidence'; readonly requestId: number; readonly text: string; readonly word: string }
  /** Open an evidence occurrence in the editor: a URI the host listed in an evidence answer, 1-based line and column. */
  | { readonly type: 'openLocation'; readonly uri: string; readonly line: number; readonly column: number }
  /**
   * Insert `word` at the editor's cursor, spaced from the text around it. `context` is the text the
   * word was predicted after: the host inserts only while the cursor's line still reads that.
   */
  | { readonly type: 'insert'; readonly word: string; readonly context: string }
  /** Write the `nextWordLab.temperature` setting. */
  | { readonly type: 'setTemperature'; readonly temperature: number };

/** What the host renders into the page's data attribute, so the first paint needs no round trip. */
export interface PanelBootstrap {
  readonly settings: SamplingSettings;
  readonly status: ModelStatus | null;
}

/** The longest continuation a `generate` request may ask for. */
export const MAX_GENERATE_LENGTH = 200;
/** The longest text a `predict`/`generate`/`insert` request may carry. */
export const MAX_TEXT_LENGTH = 10_000;

// ---- guards -------------------------------------------------------------------------------------

export type Guard<T> = (value: unknown) => value is T;
export type Shape<T> = { readonly [K in keyof T]-?: Guard<T[K]> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isString: Guard<string> = (value): value is string => typeof value === 'string';
const isShortString: Guard<string> = (value): value is string => isString(value) && value.length <= MAX_TEXT_LENGTH;
export const isBoolean: Guard<boolean> = (value): value is boolean => typeof value === 'boolean';
const isNumber: Guard<number> = (value): value is number => typeof value === 'number' && Number.isFinite(value);
const isNonNegative: Guard<number> = (value): value is number => isNumber(value) && value >= 0;
export const isCount: Guard<number> = (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function oneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (value): value is T => values.includes(value as T);
}

export function arrayOf<T>(item: Guard<T>): Guard<readonly T[]> {
  return (value): value is readonly T[] => Array.isArray(value) && value.every(item);
}

function nullable<T>(guard: Guard<T>): Guard<T | null> {
  return (value): value is T | null => value === null || guard(value);
}

/** An object with at least these fields, each passing its guard (extra fields are ignored). */
export function object<T>(shape: Shape<T>): Guard<T> {
  const entries = Object.entries(shape) as [string, Guard<unknown>][];
  return (value): value is T => isRecord(value) && entries.every(([key, guard]) => guard(value[key]));
}

function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (value): value is T | undefined => value === undefined || guard(value);
}

const REWEIGHTING: Shape<Reweighting> = { temperature: isNonNegative, topK: isCount, topP: isNonNegative };

const isSamplingSettings = object<SamplingSettings>({ ...REWEIGHTING, seed: isString });

const isProbabilityValue: Guard<number> = (value): value is number => isNumber(value) && value >= 0 && value <= 1;
const isProgress = object<{ readonly done: number; readonly total: number }>({ done: isCount, total: isCount });

const isBaseModelStatus: Guard<BaseModelStatus> = (value): value is BaseModelStatus => {
  if (!isRecord(value) || !isString(value.source) || !isProbabilityValue(value.weight)) return false;
  if (value.state === 'loading') return optional(isProgress)(value.progress);
  if (value.state === 'failed') return isString(value.message);
  return (
    value.state === 'ready' &&
    isCount(value.order) &&
    arrayOf(isCount)(value.ngrams) &&
    isCount(value.vocabularySize) &&
    isCount(value.modelBytes) &&
    isNonNegative(value.seconds) &&
    isBoolean(value.mixed)
  );
};

const isModelStatus = object<ModelStatus>({
  state: oneOf<ModelState>(['starting', 'learning', 'ready', 'empty']),
  filesLearned: isCount,
  filesTotal: isCount,
  filesSkipped: isCount,
  tokens: isCount,
  sentences: isCount,
  vocabularySize: isCount,
  ngrams: arrayOf(isCount),
  order: isCount,
  estimator: oneOf(ESTIMATOR_NAMES),
  tokenizer: oneOf(TOKENIZER_NAMES),
  modelBytes: isCount,
  memoryBudget: optional(object<{ readonly maxModelMB: number; readonly filesLeftOut: number }>({ maxModelMB: isCount, filesLeftOut: isCount })),
  progress: optional(isProgress),
  restoredFromSnapshot: isBoolean,
  baseModel: optional(isBaseModelStatus),
});

const isEditorContext = object<EditorContext>({
  fileName: isString,
  line: isCount,
  textBeforeCursor: isString,
});

const isCandidateView = object<CandidateView>({
  word: isString,
  probability: isNonNegative,
  weight: isNonNegative,
  count: isCount,
  contextCount: isCount,
  order: isCount,
  insertText: isString,
  parts: optional(object<NonNullable<CandidateView['parts']>>({ base: isProbabilityValue, workspace: isProbabilityValue })),
});

const isPositive: Guard<number> = (value): value is number => isNumber(value) && value > 0;
const isRestShape = object<DistributionRest>({
  probabilities: arrayOf(isPositive),
  words: arrayOf((value): value is number => isCount(value) && value > 0),
  approximate: isBoolean,
});
/** Runs that pair up, no more of them than the words the rest may list (plus the approximated remainder). */
const isDistributionRest: Guard<DistributionRest> = (value): value is DistributionRest =>
  isRestShape(value) && value.probabilities.length === value.words.length && value.words.length <= MAX_REST_WORDS + 1;

const isPredictionView = object<PredictionView>({
  text: isString,
  context: arrayOf(isString),
  matchedContextLength: isCount,
  isProbability: isBoolean,
  candidates: arrayOf(isCandidateView),
  others: object<PredictionView['others']>({ words: isCount, probability: isNonNegative, weight: isNonNegative }),
  sampling: object<Reweighting>(REWEIGHTING),
  chosen: nullable(
    object<DrawView>({
      word: isString,
      rank: (value): value is number => Number.isSafeInteger(value) && (value as number) >= -1,
      weight: isNonNegative,
      insertText: isString,
      draw: nullable((value): value is number => isNumber(value) && value >= 0 && value < 1),
    }),
  ),
  histogram: nullable(object<HistogramView>({ counts: arrayOf(isCount), others: isCount, draws: isCount })),
  rest: optional(isDistributionRest),
  mixture: optional(
    object<NonNullable<PredictionView['mixture']>>({
      weight: isProbabilityValue,
      source: isShortString,
      others: object<NonNullable<PredictionView['mixture']>['others']>({ base: isNonNegative, workspace: isNonNegative }),
    }),
  ),
});

const isLevelArithmetic = object<LevelArithmetic>({
  order: isCount,
  count: isCount,
  usedCount: isNonNegative,
  discount: isNonNegative,
  denominator: isNonNegative,
  lowerWeight: isNonNegative,
  lower: isNonNegative,
  value: isNonNegative,
});

const EXPLANATION: Shape<EstimatorExplanation> = {
  estimator: object<EstimatorOptions>({ name: oneOf(ESTIMATOR_NAMES), addK: optional(isNonNegative) }),
  isProbability: isBoolean,
  matchedContextLength: isCount,
  words: arrayOf(object<EstimatorExplanation['words'][number]>({ word: isString, probability: isNonNegative, levels: arrayOf(isLevelArithmetic) })),
  total: isNonNegative,
  vocabularySize: isCount,
};

const isExplanationView = object<ExplanationView>({
  columns: arrayOf(object<EstimatorColumn>({ ...EXPLANATION, context: arrayOf(isString) })),
  longestMatch: nullable(
    object<LongestMatchExplanation>({
      matchedContext: arrayOf(isString),
      contextCount: isCount,
      followers: isCount,
      minLength: isCount,
      beta: isNonNegative,
      lambda: isNonNegative,
      kneserNey: object<EstimatorExplanation>(EXPLANATION),
      words: arrayOf(object<LongestMatchExplanation['words'][number]>({ word: isString, count: isCount, probability: isNonNegative })),
      total: isNonNegative,
    }),
  ),
});

const isEvidenceView = object<EvidenceView>({
  word: isString,
  context: arrayOf(isString),
  contextCount: isCount,
  count: isCount,
  total: isCount,
  occurrences: arrayOf(object<EvidenceOccurrence>({ uri: isString, file: isString, line: isCount, column: isCount, text: isString })),
});

const isSamplingRequest = object<SamplingRequest>({
  ...REWEIGHTING,
  seed: isShortString,
  draws: (value): value is number => isCount(value) && value <= MAX_DRAWS,
});

type Variant<U extends { type: string }, K extends U['type']> = Omit<Extract<U, { type: K }>, 'type'>;
type MessageShapes<U extends { type: string }> = { readonly [K in U['type']]: Shape<Variant<U, K>> };

/** Accepts a message whose `type` is known and whose fields pass that variant's shape. */
function messageGuard<U extends { type: string }>(shapes: MessageShapes<U>): Guard<U> {
  const guards = new Map<string, Guard<unknown>>(
    Object.entries(shapes).map(([type, shape]) => [type, object(shape as Shape<unknown>)]),
  );
  return (value): value is U => {
    if (!isRecord(value) || typeof value.type !== 'string') return false;
    const guard = guards.get(value.type);
    return guard !== undefined && guard(value);
  };
}

export const isToWebview: Guard<ToWebview> = messageGuard<ToWebview>({
  settings: { settings: isSamplingSettings },
  status: { status: nullable(isModelStatus) },
  editorContext: { context: nullable(isEditorContext) },
  prediction: { requestId: isCount, prediction: isPredictionView },
  generation: {
    requestId: isCount,
    tokens: arrayOf(isString),
    loop: nullable(object<{ readonly start: number; readonly length: number }>({ start: isCount, length: isCount })),
  },
  explanation: { requestId: isCount, explanation: isExplanationView },
  evidence: { requestId: isCount, evidence: isEvidenceView },
  requestFailed: { requestId: isCount, message: isString },
});

export const isFromWebview: Guard<FromWebview> = messageGuard<FromWebview>({
  ready: {},
  predict: { requestId: isCount, text: isShortString, sampling: nullable(isSamplingRequest) },
  generate: {
    requestId: isCount,
    text: isShortString,
    length: (value): value is number => isCount(value) && value >= 1 && value <= MAX_GENERATE_LENGTH,
    mode: oneOf<GenerationMode>(['greedy', 'sample']),
    temperature: isNonNegative,
    seed: isShortString,
  },
  explain: {
    requestId: isCount,
    text: isShortString,
    words: (value): value is readonly string[] => arrayOf(isShortString)(value) && value.length <= MAX_EXPLAIN_WORDS,
  },
  evidence: { requestId: isCount, text: isShortString, word: (value): value is string => isShortString(value) && value.length > 0 },
  openLocation: { uri: isShortString, line: isCount, column: isCount },
  insert: { word: (value): value is string => isShortString(value) && value.length > 0, context: isShortString },
  setTemperature: { temperature: isNonNegative },
});

export const isPanelBootstrap = object<PanelBootstrap>({
  settings: isSamplingSettings,
  status: nullable(isModelStatus),
});
