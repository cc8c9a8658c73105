import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ArpaModel, readArpa, writeArpa } from '../../../src/core/arpa';
import { generate } from '../../../src/core/decoding';
import { MixtureModel, BaseModel, readBaseModel } from '../../../src/core/mixture';
import { NgramModel } from '../../../src/core/model';
import { createRandom } from '../../../src/core/prng';
import { summarizeRuns } from '../../../src/core/runs';
import { UNK } from '../../../src/core/vocabulary';

function closeTo(actual: number, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);
}

/** A unigram ARPA file with these probabilities (log10 written with 17 digits). */
function unigramArpa(probabilities: Record<string, number>): string {
  const lines = Object.entries(probabilities).map(([word, p]) => `${Math.log10(p).toPrecision(17)}\t${word}`);
  return ['\\data\\', `ngram 1=${lines.length + 1}`, '', '\\1-grams:', '-99\t<s>', ...lines, '', '\\end\\', ''].join('\n');
}

const workspaceText = ['the model reads the workspace', 'the model counts every word', 'a word follows the context', 'only the workspace says hello'].join('\n');
const teamText = ['the model reads a large corpus', 'the team corpus has every repository', 'a word follows a word', 'the corpus says goodbye'].join('\n');

function workspaceModel(text = workspaceText, estimator: 'kneser-ney' | 'mle' = 'kneser-ney'): NgramModel {
  const model = new NgramModel({ order: 3, estimator: { name: estimator }, tokenizer: 'whitespace' });
  model.addText(text);
  return model;
}

function teamModel(): BaseModel {
  const trained = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'whitespace' });
  trained.addText(teamText);
  return new BaseModel(readArpa(writeArpa(trained)), 'team.arpa');
}

describe('the mixture of a base model and the workspace model', () => {
  it('equals the hand-computed mixture of two unigram models, <unk> included', () => {
    // Base: a 0.3, c 0.4, </s> 0.2, <unk> 0.1. Workspace (MLE on "a b"): a, b, </s> a third each, <unk> 0.
    const base = new BaseModel(readArpa(unigramArpa({ '<unk>': 0.1, '</s>': 0.2, a: 0.3, c: 0.4 })), 'base.arpa');
    const workspace = new NgramModel({ order: 1, estimator: { name: 'mle' }, tokenizer: 'whitespace' });
    workspace.addText('a b');
    const mixture = new MixtureModel(workspace, base, 0.25);
    const expected: Record<string, number> = { a: 0.25 * 0.3 + 0.75 / 3, b: 0.75 / 3, c: 0.25 * 0.4, '</s>': 0.25 * 0.2 + 0.75 / 3, '<unk>': 0.25 * 0.1 };
    const candidates = mixture.candidates(['<s>'], 10);
    assert.deepEqual(
      candidates.map((candidate) => candidate.word),
      ['a', '</s>', 'b', 'c', '<unk>'],
    );
    for (const candidate of candidates) {
      closeTo(candidate.probability, expected[candidate.word], `P(${candidate.word})`, 1e-15);
      closeTo(mixture.score(['<s>'], candidate.word).probability, expected[candidate.word], `score(${candidate.word})`, 1e-15);
    }
    assert.deepEqual(
      candidates.map(({ word, base: b, workspace: w }) => [word, +b.toFixed(12), +w.toFixed(12)]),
      [
        ['a', 0.3, +(1 / 3).toFixed(12)],
        ['</s>', 0.2, +(1 / 3).toFixed(12)],
        ['b', 0, +(1 / 3).toFixed(12)],
        ['c', 0.4, 0],
        ['<unk>', 0.1, 0],
      ],
    );
    closeTo(summarizeRuns(mixture.runs(['<s>']).runs).total, 1, 'Σ P', 1e-15);
    // A word neither model knows is `<unk>` with both models' unknown mass.
    closeTo(mixture.score(['<s>'], 'zebra').probability, 0.025, 'P(zebra) = P(<unk>)', 1e-15);
    assert.equal(mixture.score(['<s>'], 'zebra').inVocabulary, false);
    assert.equal(mixture.score(['<s>'], 'c').inVocabulary, true);
  });

  it('sums to 1 over the union vocabulary for any context and weight (property)', () => {
    const workspace = workspaceModel();
    const base = teamModel();
    const words = ['<s>', 'the', 'model', 'word', 'corpus', 'team', 'workspace', 'says', 'unknown', 'a'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (context, weight) => {
        const mixture = new MixtureModel(workspace, base, weight);
        const { mixture: vector, base: b, workspace: w } = mixture.distributions(context);
        const sum = (values: Float64Array) => values.reduce((total, p) => total + p, 0);
        // The base model's probabilities went through ARPA's 9 written digits; the workspace's are exact.
        closeTo(sum(b), 1, 'Σ P_base', 1e-7);
        closeTo(sum(w), 1, 'Σ P_workspace', 1e-12);
        closeTo(sum(vector), weight * sum(b) + (1 - weight) * sum(w), 'Σ P_mixture = λ Σ P_base + (1 − λ) Σ P_workspace', 1e-12);
        closeTo(summarizeRuns(mixture.runs(context).runs).total, sum(vector), 'Σ over the runs', 1e-12);
        // Every word's mixture value is the weighted sum of the two models' own scores.
        for (const word of ['the', 'corpus', 'workspace', 'goodbye', 'hello', '</s>']) {
          const s = mixture.score(context, word);
          closeTo(s.probability, weight * s.base + (1 - weight) * s.workspace, `P(${word})`, 1e-15);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives each word its models\' own probabilities, and a word one model lacks nothing from it', () => {
    const workspace = workspaceModel();
    const base = teamModel();
    const mixture = new MixtureModel(workspace, base, 0.4);
    const context = ['<s>', 'the'];
    const both = mixture.score(context, 'model');
    closeTo(both.base, base.model.score(context, 'model').probability, 'base part');
    closeTo(both.workspace, workspace.score(context, 'model').probability, 'workspace part');
    const workspaceOnly = mixture.score(context, 'hello');
    assert.equal(workspaceOnly.base, 0);
    closeTo(workspaceOnly.probability, 0.6 * workspace.score(context, 'hello').probability, 'P(hello)');
    const baseOnly = mixture.score(context, 'goodbye');
    assert.equal(baseOnly.workspace, 0);
    closeTo(baseOnly.probability, 0.4 * base.model.score(context, 'goodbye').probability, 'P(goodbye)');
    // The runs and the candidates rank alike, and a base-only word has a mixture id of its own.
    const runs = mixture.runs(context).runs;
    const candidates = mixture.candidates(context, 30);
    candidates.forEach((candidate) => assert.equal(runs.probability[runs.runOf(candidate.id)], candidate.probability));
    // In the runs' own order: likeliest first, ties by lower id.
    const ranked: number[] = [];
    for (let r = 0; r < runs.length; r++) for (let i = 0; i < runs.size[r]; i++) ranked.push(runs.word(r, i));
    assert.deepEqual(
      candidates.map((candidate) => candidate.id),
      ranked.slice(0, 30),
    );
    const goodbye = candidates.find((candidate) => candidate.word === 'goodbye');
    assert.ok(goodbye !== undefined && goodbye.id >= workspace.vocabulary.size);
    assert.equal(mixture.vocabulary.word(goodbye.id), 'goodbye');
  });

  it('is the workspace model at weight 0 and the base model at weight 1', () => {
    const workspace = workspaceModel();
    const base = teamModel();
    const context = ['<s>', 'a', 'word'];
    const alone = workspace.candidates(context, 5);
    assert.deepEqual(
      new MixtureModel(workspace, base, 0).candidates(context, 5).map((c) => [c.word, c.probability]),
      alone.map((c) => [c.word, c.probability]),
    );
    const teamAlone = base.model.candidates(context, 5);
    assert.deepEqual(
      new MixtureModel(workspace, base, 1).candidates(context, 5).map((c) => c.word),
      teamAlone.map((c) => c.word),
    );
    assert.throws(() => new MixtureModel(workspace, base, 1.5), /weight must be in \[0, 1\]/);
  });

  it('follows words the workspace learns after the base model was joined with it', () => {
    const workspace = workspaceModel();
    const base = teamModel();
    assert.equal(new MixtureModel(workspace, base, 0.5).score(['<s>'], 'goodbye').workspace, 0);
    workspace.addText('goodbye for now');
    const later = new MixtureModel(workspace, base, 0.5);
    const goodbye = later.score(['<s>'], 'goodbye');
    assert.ok(goodbye.base > 0 && goodbye.workspace > 0);
    const ids = later.candidates(['<s>'], 100).filter((candidate) => candidate.word === 'goodbye');
    assert.equal(ids.length, 1, 'one id for a word both models know');
    closeTo(summarizeRuns(later.runs(['<s>']).runs).total, 1, 'Σ P (the base model through ARPA\'s 9 digits)', 1e-7);
  });

  it('decodes with temperature, top-k and seeds, and leaves <unk> out when asked', () => {
    const mixture = new MixtureModel(workspaceModel(), teamModel(), 0.5);
    const runs = mixture.runs(['<s>', 'the'], { withoutUnknown: true }).runs;
    assert.equal(runs.runOf(UNK), -1);
    const sampled = (seed: string) => generate(mixture, ['<s>'], { tokens: 8, sampling: { temperature: 1.5, topK: 5 }, random: createRandom(seed), acrossLines: true }).tokens;
    assert.deepEqual(sampled('s1'), sampled('s1'));
    const greedy = generate(mixture, ['<s>'], { tokens: 6, sampling: { temperature: 0 }, random: createRandom(1) });
    assert.equal(greedy.tokens[0], mixture.candidates(['<s>'], 1)[0].word);
  });
});

describe('reading a base model', () => {
  const arpa = writeArpa(workspaceModel());

  it('reads an ARPA file and a model saved by import-arpa --out alike', () => {
    const fromText = readBaseModel(new TextEncoder().encode(arpa), 'words');
    const saved = readBaseModel(readArpa(arpa).toBytes(), 'words');
    assert.deepEqual(saved.score(['<s>', 'the'], 'model'), fromText.score(['<s>', 'the'], 'model'));
  });

  it('moves between threads as its arrays and answers the same', () => {
    const model = readArpa(arpa);
    const moved = ArpaModel.fromParts(structuredClone(model.parts()));
    assert.deepEqual(moved.candidates(['<s>', 'the'], 5), model.candidates(['<s>', 'the'], 5));
    assert.deepEqual(moved.ngramCounts, model.ngramCounts);
  });

  it('says what is wrong with anything else', () => {
    assert.throws(() => readBaseModel(new TextEncoder().encode('hello'), 'words'), /^Error: not an ARPA file .* nor a model saved by `next-word-lab import-arpa --out`$/);
    assert.throws(() => readBaseModel(new TextEncoder().encode('\\data\\\nngram 1=2\n'), 'words'), /ARPA line \d+:/);
    const bytes = readArpa(arpa).toBytes();
    bytes[bytes.length - 1] ^= 1;
    assert.throws(() => readBaseModel(bytes, 'words'), /not a readable back-off model: its checksum does not match/);
  });
});
