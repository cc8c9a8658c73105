// The custom LSP messages between the extension (client) and the language server, one definition
// imported by both sides. Each message is a namespace with its literal method and typed `type`;
// the comment above each names its direction. Standard LSP messages (completion, document sync,
// watched files, configuration, work-done progress) are used as they are and not repeated here.
/* eslint-disable @typescript-eslint/no-namespace -- a namespace per message is the protocol's convention (STYLE.md example 2) */

import {
  NotificationType,
  Position,
  RequestType,
  RequestType0,
  TextDocumentIdentifier,
} from 'vscode-languageserver-protocol';
import type { LongestMatchExplanation } from '../core/longestMatch';
import type { EstimatorExplanation } from '../core/model';
import type { EstimatorName, Reweighting, TokenizerName, WeightedCandidate } from '../core/types';

/** Sent by the client in `initialize`'s `initializationOptions`. */
export interface InitializationOptions {
  /** A folder the server may write its model snapshot into (the extension's workspace storage). */
  readonly storagePath?: string;
}

/** The snapshot's file name inside `storagePath`. */
export const SNAPSHOT_FILE_NAME = 'model.nwlm';

// ---------------------------------------------------------------------------------------------
// Status

/**
 * Where the model is in its life:
 * - `starting`: nothing learned yet, discovery not finished;
 * - `learning`: reading files (the model already answers from what it has);
 * - `ready`: every discovered file learned, nothing pending;
 * - `empty`: done, but nothing was learned (no matching files, or every file was skipped).
 */
export type ModelState = 'starting' | 'learning' | 'ready' | 'empty';

export interface ModelStatus {
  readonly state: ModelState;
  /** Files whose text is in the model. */
  readonly filesLearned: number;
  /** Files selected for learning (learned + still queued); skipped files are not counted. */
  readonly filesTotal: number;
  /** Files left out, with a reason each (see `SkippedFilesRequest`). */
  readonly filesSkipped: number;
  /** Word tokens learned (without `<s>`/`</s>`). */
  readonly tokens: number;
  /** Sentences (non-blank lines) learned. */
  readonly sentences: number;
  readonly vocabularySize: number;
  /** Distinct n-grams with a non-zero count, per order (index 0 = unigrams). */
  readonly ngrams: readonly number[];
  readonly order: number;
  readonly estimator: EstimatorName;
  readonly tokenizer: TokenizerName;
  /** The model's approximate memory, in bytes. */
  readonly modelBytes: number;
  /** Set when the model reached `nextWordLab.maxModelMB`: that many files were left out to stay within it. */
  readonly memoryBudget?: { readonly maxModelMB: number; readonly filesLeftOut: number };
  /** Set while a background pass runs: `done` of `total` files. */
  readonly progress?: { readonly done: number; readonly total: number };
  /** Whether the model came from the persisted snapshot at start-up. */
  readonly restoredFromSnapshot: boolean;
  /** Set while `nextWordLab.baseModel` names a file: the team's base model and how its load went. */
  readonly baseModel?: BaseModelStatus;
}

/**
 * The base model (`nextWordLab.baseModel`): read in the background, then mixed with the workspace
 * model at `weight` (λ in λ·P_base + (1 − λ)·P_workspace). A file that cannot be read is reported once
 * and left out: the workspace model answers alone.
 */
export type BaseModelStatus = { readonly source: string; readonly weight: number } & (
  | {
      readonly state: 'loading';
      /** n-grams read of the number the file announces (absent until its header is read). */
      readonly progress?: { readonly done: number; readonly total: number };
    }
  | {
      readonly state: 'ready';
      readonly order: number;
      /** n-grams per order (index 0 = unigrams). */
      readonly ngrams: readonly number[];
      readonly vocabularySize: number;
      /** The model's arrays in memory, in bytes. */
      readonly modelBytes: number;
      /** How long the load took, reading and checking included. */
      readonly seconds: number;
      /** False while the workspace's estimator gives scores, not probabilities (stupid-backoff): nothing to mix. */
      readonly mixed: boolean;
    }
  | { readonly state: 'failed'; readonly message: string }
);

/** server → client: the model's status, sent whenever it changes (throttled while learning). */
export namespace StatusNotification {
  export const method = 'nextWordLab/status' as const;
  export const type = new NotificationType<ModelStatus>(method);
}

/** client → server: the current status, on demand (for example right after the client starts). */
export namespace StatusRequest {
  export const method = 'nextWordLab/getStatus' as const;
  export const type = new RequestType0<ModelStatus, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Prediction

/** Re-weighting of the model's distribution before a draw; omitted fields come from the settings. */
export interface SamplingParams extends Partial<Reweighting> {
  /**
   * Draw from a fresh generator seeded with this value, for this request only. Omitted: draw from the
   * server's running generator (seeded from `nextWordLab.seed`, so a set seed repeats the same
   * sequence of draws from the moment it is set).
   */
  readonly seed?: string;
}

/**
 * What to predict after: either the text before `position` in an open document (its current text,
 * unsaved edits included), or an explicit `context`: the text before the cursor, which may run over
 * previous lines. The server uses as much of it as the estimator can: the cursor's line for the n-gram
 * estimators (a line is a sentence: `<s>` and the line's words), the lines before it too for an
 * estimator that reads contexts across line breaks. Clients send at most `MAX_CONTEXT_LINES` lines.
 */
export type ContextParams =
  | { readonly textDocument: TextDocumentIdentifier; readonly position: Position; readonly context?: undefined }
  | {
      readonly context: string;
      /**
       * The URI of the document the context was read from, if any. The longest match reads the
       * workspace without that document: its own text at the cursor would always be the longest
       * match, followed by whatever follows the cursor (the end of the line being typed).
       */
      readonly document?: string;
      readonly textDocument?: undefined;
      readonly position?: undefined;
    };

/** The most lines before the cursor a context runs over (the cursor's own included). */
export const MAX_CONTEXT_LINES = 8;
/** And the most characters of them (a minified or very long line must not make every request heavy). */
export const MAX_CONTEXT_CHARS = 2_000;

/**
 * The last MAX_CONTEXT_LINES lines of `text`, and of them at most the last MAX_CONTEXT_CHARS
 * characters, starting at the start of a line (a context is read from a line start: a line cut by
 * the character bound is left out whole, unless it is the cursor's own).
 */
export function boundedContext(text: string): string {
  // Lines at even indexes, their line breaks at odd ones.
  const parts = text.split(/(\r\n|\r|\n)/);
  const kept = parts.slice(Math.max(0, parts.length - (2 * MAX_CONTEXT_LINES - 1))).join('');
  if (kept.length <= MAX_CONTEXT_CHARS) return kept;
  const cut = kept.slice(kept.length - MAX_CONTEXT_CHARS);
  const firstBreak = cut.search(/\r\n|\r|\n/);
  if (firstBreak < 0 || /[\r\n]$/.test(kept.slice(0, kept.length - MAX_CONTEXT_CHARS))) return cut;
  // A `\r\n` cut between its two characters leaves `\n` first: that line break ends the cut line too.
  return cut.slice(firstBreak + (cut.startsWith('\r\n', firstBreak) ? 2 : 1));
}

/** The first line of the context before a cursor on line `line` (0-based): the lines a client reads. */
export function contextStartLine(line: number): number {
  return Math.max(0, line - (MAX_CONTEXT_LINES - 1));
}

export type PredictParams = ContextParams & SamplingParams & {
  /** How many of the likeliest candidates to return (default 10, at most 200). */
  readonly candidates?: number;
  /**
   * Leave out tokens that cannot be typed into an editor (`<unk>`) before re-weighting and drawing,
   * as Predict Next Word does. The panel leaves this off to show the model's full distribution.
   */
  readonly insertableOnly?: boolean;
  /** Also draw this many times (at most MAX_DRAWS, limits.ts) and return the histogram (lesson step 5). */
  readonly draws?: number;
  /**
   * Also return the probability of every other word (`rest`), so that the client can re-weight the
   * whole distribution itself (the panel's temperature step moves a slider without a request).
   */
  readonly rest?: boolean;
};

/**
 * Every word with a probability beyond `candidates`, as runs of words of equal probability, likeliest
 * first (a vocabulary of tens of thousands of words has a few hundred distinct probabilities after a
 * context: the words it never saw there share their unigram count's).
 */
export interface DistributionRest {
  /** The probability (a score for stupid-backoff) of each word of a run. */
  readonly probabilities: readonly number[];
  /** How many words each run holds. */
  readonly words: readonly number[];
  /**
   * Set when the rest holds more than MAX_REST_WORDS (limits.ts) words: the runs then give the likeliest of them
   * exactly, and one last run spreads what the others share evenly over them.
   */
  readonly approximate: boolean;
}

/** A candidate (a score rather than a probability for stupid-backoff: see `isProbability`). */
export interface PredictedCandidate extends WeightedCandidate {
  /**
   * The text that types this word after the context: a space between two words, none before
   * punctuation, a line break for `</s>` (spacing follows the tokenizer, which only the server knows).
   */
  readonly insertText: string;
  /** Under a mixture (`PredictResult.mixture`): each model's own probability of the word, before weighting. */
  readonly parts?: { readonly base: number; readonly workspace: number };
}

export interface PredictResult {
  /** The context tokens the model used: at most order-1, `<s>` first at a line start, OOV words as `<unk>`. */
  readonly context: readonly string[];
  /**
   * The length in tokens of the longest context suffix seen in training: the prediction is "answered
   * by a N-token context" (0 = the unigram distribution answered).
   */
  readonly matchedContextLength: number;
  /** The likeliest candidates, most likely first. */
  readonly candidates: readonly PredictedCandidate[];
  /** Everything not in `candidates`, lumped together. */
  readonly others: { readonly words: number; readonly probability: number; readonly weight: number };
  /** False for stupid-backoff: `probability` values are scores, normalised before re-weighting. */
  readonly isProbability: boolean;
  /** The sampled word, or null when the model has learned nothing yet (`status` says why). */
  readonly chosen: {
    readonly word: string;
    /** Index in `candidates`, or -1 when the draw landed among `others`. */
    readonly rank: number;
    readonly probability: number;
    readonly weight: number;
    readonly insertText: string;
    /** The uniform draw in [0, 1) that picked it (the panel animates it); null at temperature 0 (argmax, no draw). */
    readonly draw: number | null;
  } | null;
  /** The re-weighting that was applied (request values, else settings, after clamping). */
  readonly sampling: Reweighting;
  /** Present when `draws` was asked: how often each candidate (same order) and the others were drawn. */
  readonly histogram?: { readonly counts: readonly number[]; readonly others: number; readonly draws: number };
  /** Present when `rest` was asked: `others`, word by word. */
  readonly rest?: DistributionRest;
  /**
   * Present when the base model answered with the workspace model: the mixture's weight and source,
   * and what each model gives the words not listed (each column's shown values plus these sum to its total).
   */
  readonly mixture?: MixtureAnswer & { readonly others: { readonly base: number; readonly workspace: number } };
  /** The model's status when it answered (an empty result explains itself through `state`). */
  readonly status: ModelStatus;
}

/** Which models answered: the base model (named by its file) at `weight`, the workspace model at 1 − weight. */
export interface MixtureAnswer {
  readonly weight: number;
  readonly source: string;
}

/** client → server: P(next word | context), the re-weighted distribution, and one draw from it. */
export namespace PredictRequest {
  export const method = 'nextWordLab/predict' as const;
  export const type = new RequestType<PredictParams, PredictResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Generation

export type GenerateParams = ContextParams & SamplingParams & {
  /** How many tokens to generate (at most 500). */
  readonly words: number;
  /** `greedy` always takes the likeliest word (temperature, top-k, top-p are ignored). */
  readonly mode: 'greedy' | 'sample';
  /** Keep going after `</s>` (a new line starts with `<s>`); otherwise `</s>` ends the generation. */
  readonly acrossLines?: boolean;
};

export interface GenerateResult {
  /** The context tokens the generation started from. */
  readonly context: readonly string[];
  /** The generated tokens, `</s>` included where a line ended. */
  readonly tokens: readonly string[];
  /**
   * Where the output starts repeating itself for good: from `tokens[start]` on, the same `length`
   * tokens come back again and again, and the model's whole context has come round to a state it was
   * in one period earlier (greedy decoding can then only repeat; it stops there). Null when no loop was
   * reached. For sampled output it only says the draws happened to go round so far.
   */
  readonly loop: { readonly start: number; readonly length: number } | null;
  /** Present when the mixture of the base model and the workspace model generated. */
  readonly mixture?: MixtureAnswer;
  readonly status: ModelStatus;
}

/** client → server: a continuation of the context, greedy or sampled. */
export namespace GenerateRequest {
  export const method = 'nextWordLab/generate' as const;
  export const type = new RequestType<GenerateParams, GenerateResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Evidence

/** The most occurrences an evidence request lists (`total` still counts them all). */
export const MAX_EVIDENCE_OCCURRENCES = 50;

export type EvidenceParams = ContextParams & {
  /** The next word to explain (`</s>` for the end of a line). */
  readonly word: string;
  /** How many occurrences to list (default and at most MAX_EVIDENCE_OCCURRENCES). */
  readonly limit?: number;
  /**
   * With `textDocument` and `position` (the start of a word): the evidence as the surprisal lens
   * counts it there — the document's own text left out, the context read as the lens reads it (the
   * lens hover's Show where…).
   */
  readonly leaveOutDocument?: boolean;
};

/** One place in the learned text where the answering context was followed by the word. */
export interface EvidenceOccurrence {
  /** The file, as a URI the client can open. */
  readonly uri: string;
  /** Its path relative to its workspace folder (prefixed by the folder's name in a multi-root workspace), `/`-separated. */
  readonly file: string;
  /** 1-based line where the context starts (its first token; the word's own when the context is only `<s>`). */
  readonly line: number;
  /** 1-based column (UTF-16 units, as the editor counts) where the context starts. */
  readonly column: number;
  /** That line's text. */
  readonly text: string;
}

export interface EvidenceResult {
  /** The word asked about. */
  readonly word: string;
  /**
   * The context that answered for this word: the longest suffix of the context that the learned text
   * holds followed by the word, `<s>` first at a line start and `</s>` at a line break. Empty when no
   * context was followed by the word (the unigram answered).
   */
  readonly context: readonly string[];
  /** How often that context occurs in the learned text (with any next token). */
  readonly contextCount: number;
  /** How often the model counted it followed by the word (the count the quick pick and the panel show). */
  readonly count: number;
  /** How many occurrences the learned text holds, listed or not (equal to `count`: the search is exact). */
  readonly total: number;
  /** The first occurrences, in workspace order, at most `limit`. */
  readonly occurrences: readonly EvidenceOccurrence[];
  readonly status: ModelStatus;
}

/**
 * client → server: where the learned text shows the context followed by the word, and the counts of
 * context and context·word at the length that answered. Only learned text is searched: skipped and
 * secret files never appear.
 */
export namespace EvidenceRequest {
  export const method = 'nextWordLab/evidence' as const;
  export const type = new RequestType<EvidenceParams, EvidenceResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Estimators side by side

/** The n-gram estimators the lesson compares, in its order: the plain share first, smoothing after. */
export const COMPARED_ESTIMATORS = ['mle', 'add-k', 'stupid-backoff', 'kneser-ney'] as const satisfies readonly EstimatorName[];

export type ExplainParams = ContextParams & {
  /** The next words to explain (`</s>` for the end of a line), at most MAX_EXPLAIN_WORDS (limits.ts). */
  readonly words: readonly string[];
};

/** One estimator's answer for the words, on the model's counts, with the arithmetic level by level. */
export interface EstimatorColumn extends EstimatorExplanation {
  /** The context it conditions on: the cursor line's last order − 1 tokens, `<s>` first at a line start. */
  readonly context: readonly string[];
}

export interface ExplainResult {
  /** One column per COMPARED_ESTIMATORS entry, in that order. */
  readonly columns: readonly EstimatorColumn[];
  /**
   * The longest-match estimator (over the token index, across lines), interpolated with Kneser-Ney;
   * null when the model's estimator is neither longest match nor Kneser-Ney (its n-gram part would
   * then not be Kneser-Ney).
   */
  readonly longestMatch: LongestMatchExplanation | null;
  readonly status: ModelStatus;
}

/** client → server: P(word | context) for a few words under each estimator, with the arithmetic behind each number. */
export namespace ExplainRequest {
  export const method = 'nextWordLab/explain' as const;
  export const type = new RequestType<ExplainParams, ExplainResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Inline suggestions (ghost text)

/** The most words one inline suggestion may hold. */
export const MAX_INLINE_WORDS = 12;

export type InlineSuggestionParams = ContextParams & SamplingParams & {
  /** At most this many words (1 to MAX_INLINE_WORDS); the suggestion ends sooner at a natural break. */
  readonly maxWords: number;
};

export interface InlineSuggestionResult {
  /**
   * What to show after the cursor: the rest of the word being typed (if one is), then the next words
   * with the spacing that types them; '' when there is nothing to suggest.
   */
  readonly text: string;
  /** The whole words the text completes or adds, in order. */
  readonly words: readonly string[];
  readonly status: ModelStatus;
}

/** client → server: ghost text at a cursor, drawn at the request's (else the settings') temperature. */
export namespace InlineSuggestionRequest {
  export const method = 'nextWordLab/inlineSuggestion' as const;
  export const type = new RequestType<InlineSuggestionParams, InlineSuggestionResult, void>(method);
}

// ---------------------------------------------------------------------------------------------
// Files

export type SkipReason =
  | 'excluded'
  | 'files.exclude'
  | 'search.exclude'
  | 'gitignore'
  | 'secret'
  | 'secret lines'
  | 'too large'
  | 'memory budget'
  | 'binary'
  | 'minified'
  | 'unreadable';

/**
 * A file or folder left out of the model, or (reason `secret lines`) a file learned without the lines
 * that hold secrets: its detail says how many and of which kind.
 */
export interface SkippedFile {
  readonly uri: string;
  readonly reason: SkipReason;
  /** A human detail, e.g. "1,536 KB > 1,024 KB" or the matching rule. */
  readonly detail: string;
}

/** client → server: the files left out of the model and why. */
export namespace SkippedFilesRequest {
  export const method = 'nextWordLab/skippedFiles' as const;
  export const type = new RequestType0<readonly SkippedFile[], void>(method);
}

/** client → server: forget the model and its snapshot, then learn the workspace again from the files. */
export namespace RelearnRequest {
  export const method = 'nextWordLab/relearn' as const;
  export const type = new RequestType0<void, void>(method);
}

/** Lines of a document from `start` to `end` (excluded), 0-based. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

/** Which document the surprisal lens scores: an open editor's text, as the server has it. */
export interface SurprisalParams {
  readonly textDocument: TextDocumentIdentifier;
  /** Only these lines (what the editor shows, scored and answered first); the whole document when absent. */
  readonly lines?: LineRange;
  /** Figures and `lineBits` alone, no spans: after an edit the editor asks its lines on screen for their words, the whole file for its figure. */
  readonly withoutSpans?: boolean;
  /** Also send each word's log10 probability (`SurprisalResult.log10Probs`): the lens colours by rank and asks a word's numbers when hovered. */
  readonly withProbabilities?: boolean;
}

/** Numbers per token in `SurprisalResult.spans`. */
export const SURPRISAL_SPAN_FIELDS = 4;

/**
 * The document scored line by line (a line is a sentence) against the model without the document's
 * own counts, so the file does not predict itself: the lines asked for, or all of them.
 */
export interface SurprisalResult {
  /** The document version that was scored. */
  readonly version: number;
  /** The lines scored, which every figure below is over: the whole document, or the lines asked for (clamped to it). */
  readonly lines: LineRange;
  /** Present when the team's base model scored with the workspace model (the mixture's probabilities and ranks). */
  readonly mixture?: MixtureAnswer;
  /** Whether the document was learned and its own counts were left out while scoring. */
  readonly ownCountsLeftOut: boolean;
  /** False for stupid backoff: the figures are scores, not probabilities. */
  readonly isProbability: boolean;
  readonly order: number;
  readonly estimator: EstimatorName;
  /** Scored tokens: the words plus one `</s>` per non-blank line. */
  readonly tokens: number;
  readonly oov: number;
  readonly log10ProbTotal: number;
  /** −Σ log2 p / tokens, and 2 to that (null when a token has probability 0). */
  readonly bitsPerToken: number | null;
  readonly perplexity: number | null;
  /**
   * Per word (not `</s>`), SURPRISAL_SPAN_FIELDS numbers: line, start character, end character, rank
   * (1 + the words the model found strictly likelier there): what the editor draws. A word's n-gram
   * length and vocabulary status are the hover's (`SurprisalTokenRequest`). Empty when asked `withoutSpans`.
   */
  readonly spans: readonly number[];
  /** log10 p of each span's word (null for probability 0), when asked for (`withProbabilities`): half the result's size. */
  readonly log10Probs?: readonly (number | null)[];
  /** Per line from `lines.start`, the mean surprisal in bits of its tokens with its `</s>` (null for a blank line or a probability of 0). */
  readonly lineBits: readonly (number | null)[];
}

/** client → server: score an open document for the surprisal lens. */
export namespace SurprisalRequest {
  export const method = 'nextWordLab/surprisal' as const;
  export const type = new RequestType<SurprisalParams, SurprisalResult | null, void>(method);
}

export interface SurprisalTokenParams {
  readonly textDocument: TextDocumentIdentifier;
  readonly position: Position;
}

/** One token of the lens explained: its score, the n-gram that answered, and the likeliest words there. */
export interface SurprisalTokenResult {
  readonly version: number;
  /** Present when the mixture scored the token: which models, and each one's own probability of the word. */
  readonly mixture?: MixtureAnswer & { readonly parts: { readonly base: number; readonly workspace: number } };
  readonly word: string;
  /** The token's start and end character on its line. */
  readonly start: number;
  readonly end: number;
  /** The context as the model used it: at most order − 1 tokens, `<s>` at a line start, unknown words as `<unk>`. */
  readonly context: readonly string[];
  readonly probability: number;
  readonly rank: number;
  readonly inVocabulary: boolean;
  readonly isProbability: boolean;
  readonly ownCountsLeftOut: boolean;
  /** c(context, word) and c(context) at the order that answered (the n-gram length). */
  readonly count: number;
  readonly contextCount: number;
  readonly order: number;
  /** The five likeliest words in this context, with their probabilities and counts. */
  readonly alternatives: readonly { readonly word: string; readonly probability: number; readonly count: number; readonly contextCount: number; readonly order: number }[];
}

/** client → server: explain the token at a position (the lens's hover); null when there is none. */
export namespace SurprisalTokenRequest {
  export const method = 'nextWordLab/surprisalToken' as const;
  export const type = new RequestType<SurprisalTokenParams, SurprisalTokenResult | null, void>(method);
}
