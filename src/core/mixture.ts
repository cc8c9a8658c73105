// A team's base model (a back-off model built elsewhere, read from ARPA) mixed with the workspace's
// own model: P(w | h) = λ·P_base(w | h) + (1 − λ)·P_workspace(w | h), exactly, over the union of the
// two vocabularies.
//
// Words unknown to one model. Each model spends some mass on `<unk>`: the words it never saw. A word
// one model does not know gets 0 from that model, and that model's `<unk>` mass stays on `<unk>`, so
//   P(w)     = λ·P_base(w) + (1 − λ)·P_workspace(w)   (a term is 0 where its model lacks w),
//   P(<unk>) = λ·P_base(<unk>) + (1 − λ)·P_workspace(<unk>),
// and the mixture sums to λ·1 + (1 − λ)·1 = 1. Giving an unknown word its model's P(<unk>) instead
// would count that mass once for every word the model lacks, and the mixture would sum to more than 1.
//
// Ids. The mixture's vocabulary is the workspace's ids, then the base-only words after them (base id b
// → workspace size + b). `<unk>`, `<s>` and `</s>` have the same ids in every vocabulary. Contexts are
// tokens: each model reads them with its own vocabulary (an unknown word is its `<unk>`); the base
// model reads the cursor's line (it knows no line breaks), as every n-gram model does.

import { ArpaModel, BACKOFF_MAGIC, readArpa } from './arpa';
import { lineContextOf } from './longestMatch';
import type { WordScore } from './model';
import { runsOfVector, type ProbabilityRuns } from './runs';
import type { Candidate, TokenizerName } from './types';
import { BOS, EOS, EOS_TOKEN, UNK, type Vocabulary } from './vocabulary';

/** The weight's bounds: 0 = the workspace alone, 1 = the base model alone. */
export const MIXTURE_WEIGHT_RANGE = { min: 0, max: 1 } as const;

/**
 * A base model from a file's bytes: an ARPA file (as KenLM's lmplz writes it) or a model saved by
 * `import-arpa --out`, told apart by their first bytes. `tokenizer` is recorded for scoring text with
 * the model alone (the mixture reads the workspace's tokens). Throws an Error that says what is wrong.
 */
export function readBaseModel(bytes: Uint8Array, tokenizer: TokenizerName, progress?: (done: number, total: number) => void): ArpaModel {
  // TextDecoder drops a byte order mark; blank lines may come first in a text file.
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (start.startsWith(BACKOFF_MAGIC)) return ArpaModel.fromBytes(bytes);
  if (start.startsWith('\\data\\')) return readArpa(bytes, tokenizer, progress);
  throw new Error('not an ARPA file (it starts with \\data\\) nor a model saved by `next-word-lab import-arpa --out`');
}

/** What the mixture needs of the workspace's model: an `NgramModel` or a `LongestMatchModel`. */
export interface WorkspaceAnswering {
  readonly order: number;
  readonly tokenizer: TokenizerName;
  readonly vocabulary: Vocabulary;
  runs(
    context: readonly string[],
    options: { readonly withoutUnknown?: boolean },
  ): { readonly runs: ProbabilityRuns; readonly context: readonly string[]; readonly isProbability: boolean; readonly matchedContextLength: number; readonly answeringLength?: number };
  candidates(context: readonly string[], k: number): readonly Candidate[];
  score(context: readonly string[], word: string): WordScore;
  extend?(context: readonly string[], word: string): string[];
}

/**
 * Which base word each workspace word is, and back. Vocabulary ids never change, so a join follows a
 * growing workspace vocabulary by looking up only its new words.
 */
class VocabularyJoin {
  /** Workspace id → base id, −1 where the base model lacks the word. */
  private toBase = new Int32Array(0);
  /** Base id → workspace id, −1 where the workspace lacks the word. */
  readonly fromBase: Int32Array;
  private joined = 0;

  constructor(
    private readonly base: Vocabulary,
    private readonly workspace: Vocabulary,
  ) {
    this.fromBase = new Int32Array(base.size).fill(-1);
  }

  /** Brings the join up to the workspace vocabulary's current size. */
  update(): Int32Array {
    const size = this.workspace.size;
    if (size === this.joined) return this.toBase;
    const toBase = new Int32Array(Math.max(size, 2 * this.toBase.length));
    toBase.set(this.toBase.subarray(0, this.joined));
    for (let id = this.joined; id < size; id++) {
      const word = this.workspace.word(id);
      // The reserved ids are shared; any other word is matched by its spelling.
      const baseId = id <= EOS ? id : this.base.has(word) ? this.base.idOf(word) : -1;
      toBase[id] = baseId;
      if (baseId >= 0) this.fromBase[baseId] = id;
    }
    this.toBase = toBase;
    this.joined = size;
    return toBase;
  }
}

/** A loaded base model, and its vocabulary joins with the workspace models it has been mixed with. */
export class BaseModel {
  private readonly joins = new WeakMap<Vocabulary, VocabularyJoin>();

  constructor(
    readonly model: ArpaModel,
    /** Where it was read from, as the user named it (shown with every answer it takes part in). */
    readonly source: string,
  ) {}

  join(workspace: Vocabulary): { toBase: Int32Array; fromBase: Int32Array } {
    let join = this.joins.get(workspace);
    if (join === undefined) {
      join = new VocabularyJoin(this.model.vocabulary, workspace);
      this.joins.set(workspace, join);
    }
    return { toBase: join.update(), fromBase: join.fromBase };
  }
}

/** A mixture candidate: the mixture's probability, and each model's share of it before weighting. */
export interface MixtureCandidate extends Candidate {
  readonly base: number;
  readonly workspace: number;
}

/** The three distributions after one context, over the mixture's ids. */
interface MixedDistribution {
  readonly key: string;
  readonly base: Float64Array;
  readonly workspace: Float64Array;
  readonly mixture: Float64Array;
  readonly workspaceAnswer: ReturnType<WorkspaceAnswering['runs']>;
}

/** The union vocabulary's words by mixture id. */
class MixtureVocabulary {
  constructor(
    private readonly workspace: Vocabulary,
    private readonly base: Vocabulary,
    readonly workspaceSize: number,
  ) {}

  get size(): number {
    return this.workspaceSize + this.base.size;
  }

  word(id: number): string {
    return id < this.workspaceSize ? this.workspace.word(id) : this.base.word(id - this.workspaceSize);
  }
}

/**
 * λ·base + (1 − λ)·workspace after a context: the queries generation, prediction and scoring ask of
 * a model (`NextWordModel` of decoding.ts). Made per request: it keeps the last context's
 * distributions, since a prediction asks for its runs and its candidates.
 */
export class MixtureModel {
  readonly vocabulary: MixtureVocabulary;
  private readonly toBase: Int32Array;
  private readonly fromBase: Int32Array;
  private last: MixedDistribution | undefined;

  constructor(
    readonly workspace: WorkspaceAnswering,
    readonly base: BaseModel,
    /** λ, the base model's weight, in [0, 1]. */
    readonly weight: number,
  ) {
    if (!(weight >= MIXTURE_WEIGHT_RANGE.min && weight <= MIXTURE_WEIGHT_RANGE.max)) throw new RangeError(`the base model's weight must be in [0, 1], got ${weight}`);
    ({ toBase: this.toBase, fromBase: this.fromBase } = base.join(workspace.vocabulary));
    this.vocabulary = new MixtureVocabulary(workspace.vocabulary, base.model.vocabulary, workspace.vocabulary.size);
  }

  /** How the editor's text is split: the workspace model's way (the base model is read with its tokens). */
  get tokenizer(): TokenizerName {
    return this.workspace.tokenizer;
  }

  /** Generation's loop proof: a choice depends on as many tokens as the longer-reading model reads. */
  get order(): number {
    return Math.max(this.workspace.order, this.base.model.order);
  }

  extend(context: readonly string[], word: string): string[] {
    if (this.workspace.extend !== undefined) return this.workspace.extend(context, word);
    // Both read the line: a line end starts the next at `<s>` (`generate`'s own rule).
    return [...context.slice(Math.max(0, context.length - (this.order - 2))), word];
  }

  /** The base model's, the workspace's and the mixture's probabilities after `context`, by mixture id. */
  distributions(context: readonly string[]): MixedDistribution {
    const key = context.join('\u0000');
    if (this.last?.key === key) return this.last;
    const workspaceSize = this.vocabulary.workspaceSize;
    const baseModel = this.base.model;
    const size = workspaceSize + baseModel.vocabulary.size;
    const workspaceAnswer = this.workspace.runs(context, {});
    const workspace = new Float64Array(size);
    const { runs } = workspaceAnswer;
    // By id, not run by run: a run names its words lazily (a merge of rankings), its membership at once.
    for (let id = 0; id < workspaceSize; id++) {
      const run = runs.runOf(id);
      if (run >= 0) workspace[id] = runs.probability[run];
    }
    const baseProbabilities = baseModel.distribution(lineContextOf(context)).probabilities;
    const base = new Float64Array(size);
    for (let id = 0; id < workspaceSize; id++) if (this.toBase[id] >= 0) base[id] = baseProbabilities[this.toBase[id]];
    for (let b = 0; b < baseProbabilities.length; b++) if (this.fromBase[b] < 0 || this.fromBase[b] >= workspaceSize) base[workspaceSize + b] = baseProbabilities[b];
    base[BOS] = 0;
    const λ = this.weight;
    const mixture = new Float64Array(size);
    for (let id = 0; id < size; id++) mixture[id] = λ * base[id] + (1 - λ) * workspace[id];
    this.last = { key, base, workspace, mixture, workspaceAnswer };
    return this.last;
  }

  /**
   * The mixture as runs, likeliest first (ties by lower mixture id), `<unk>` in none when
   * `withoutUnknown`. The context and the matched length are the workspace model's (the base model
   * reads the same line).
   */
  runs(context: readonly string[], options: { readonly withoutUnknown?: boolean } = {}): {
    readonly runs: ProbabilityRuns;
    readonly context: readonly string[];
    readonly isProbability: boolean;
    readonly matchedContextLength: number;
  } {
    const { mixture, workspaceAnswer } = this.distributions(context);
    return {
      runs: runsOfVector(mixture, options.withoutUnknown === true ? UNK : -1),
      context: workspaceAnswer.context,
      isProbability: workspaceAnswer.isProbability,
      matchedContextLength: workspaceAnswer.answeringLength ?? workspaceAnswer.matchedContextLength,
    };
  }

  /** Which models answer, as the editor names them: the base model's file and its weight. */
  get answer(): { readonly weight: number; readonly source: string } {
    return { weight: this.weight, source: this.base.source };
  }

  /** Each model's own probability of the word with mixture id `id` after `context`, before weighting. */
  parts(id: number, context: readonly string[]): { base: number; workspace: number } {
    const { base, workspace } = this.distributions(context);
    return { base: base[id], workspace: workspace[id] };
  }

  /**
   * What each model gives the words of `runs` (this mixture's after `context`) other than `shown`:
   * with the shown words' own parts, each model's column adds up to what it gives the runs' words.
   */
  othersThan(runs: ProbabilityRuns, shown: readonly { readonly id: number }[], context: readonly string[]): { base: number; workspace: number } {
    const { base, workspace } = this.distributions(context);
    const left = new Set(shown.map((candidate) => candidate.id));
    let baseTotal = 0;
    let workspaceTotal = 0;
    for (let r = 0; r < runs.length; r++) {
      for (let i = 0; i < runs.size[r]; i++) {
        const id = runs.word(r, i);
        if (left.has(id)) continue;
        baseTotal += base[id];
        workspaceTotal += workspace[id];
      }
    }
    return { base: baseTotal, workspace: workspaceTotal };
  }

  /** How many words the mixture finds strictly likelier than `probability` after `context` (a word's rank is one more). O(|V|). */
  countLikelier(context: readonly string[], probability: number): number {
    const { mixture } = this.distributions(context);
    let likelier = 0;
    for (let id = 0; id < mixture.length; id++) if (mixture[id] > probability) likelier++;
    return likelier;
  }

  /**
   * The k likeliest words of the mixture. A word's count, context count and order are the workspace
   * model's where it ranks the word among its own likeliest (counts are the workspace's: a base model
   * read from ARPA has none); otherwise 0, 0 and the base model's n-gram length.
   */
  candidates(context: readonly string[], k: number): MixtureCandidate[] {
    const wanted = Math.max(0, Math.floor(k));
    const { base, workspace, mixture } = this.distributions(context);
    const ids = topIds(mixture, wanted);
    const own = new Map(this.workspace.candidates(context, Math.max(wanted, 50)).map((candidate) => [candidate.id, candidate]));
    const lineContext = lineContextOf(context);
    return ids.map((id) => {
      const word = this.vocabulary.word(id);
      const counted = id < this.vocabulary.workspaceSize ? own.get(id) : undefined;
      const answer = counted ?? { count: 0, contextCount: 0, order: this.base.model.score(lineContext, word).ngramLength };
      return { word, id, probability: mixture[id], base: base[id], workspace: workspace[id], count: answer.count, contextCount: answer.contextCount, order: answer.order };
    });
  }

  /**
   * P(word | context) under the mixture, and each model's part. A word neither model knows is scored
   * as `<unk>`, with both models' unknown mass; a word one model knows gets nothing from the other.
   */
  score(context: readonly string[], word: string): WordScore & { readonly base: number; readonly workspace: number } {
    const own = this.workspace.score(context, word);
    const team = this.base.model.score(lineContextOf(context), word);
    const knownToWorkspace = own.inVocabulary || word === EOS_TOKEN;
    const knownToBase = team.inVocabulary || word === EOS_TOKEN;
    const unknown = !knownToWorkspace && !knownToBase;
    const workspace = knownToWorkspace || unknown ? own.probability : 0;
    const base = knownToBase || unknown ? team.probability : 0;
    const probability = this.weight * base + (1 - this.weight) * workspace;
    return {
      word,
      probability,
      log10Prob: Math.log10(probability),
      ngramLength: knownToWorkspace ? own.ngramLength : team.ngramLength,
      inVocabulary: !unknown,
      base,
      workspace,
    };
  }
}

/**
 * The ids of the k largest positive values, largest first, ties by lower id (the runs' ranking),
 * in one pass: most values fall below the k-th kept and cost one comparison.
 */
function topIds(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  if (k === 0) return top;
  for (let id = 0; id < values.length; id++) {
    const value = values[id];
    if (!(value > 0) || (top.length === k && value <= values[top[k - 1]])) continue;
    // Ids come in ascending order, so an equal value goes after the ones kept.
    let low = 0;
    let high = top.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (values[top[middle]] >= value) low = middle + 1;
      else high = middle;
    }
    top.splice(low, 0, id);
    if (top.length > k) top.pop();
  }
  return top;
}
