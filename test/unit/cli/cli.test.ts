// The built command line, run as a child process on small fixtures: outputs, files and exit codes.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { predictionAccuracy } from '../../../src/core/accuracy';
import { readArpa } from '../../../src/core/arpa';
import { perplexityOf } from '../../../src/core/evaluation';
import { NgramModel } from '../../../src/core/model';
import { tokenizeText } from '../../../src/core/tokenizer';
import { buildCli } from './builtCli';

const root = path.join(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/cli');
const corpusFile = path.join(fixtures, 'corpus.txt');
const testFile = path.join(fixtures, 'test.txt');
const corpus = readFileSync(corpusFile, 'utf8');
const test = readFileSync(testFile, 'utf8');

let workDir = '';
let cli = '';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(...args: string[]): Run {
  return runWithInput('', ...args);
}

/** Runs the command line with `input` on its standard input. */
function runWithInput(input: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd: workDir, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed and returns its stdout. */
function ok(...args: string[]): string {
  const result = run(...args);
  assert.equal(result.status, 0, `${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Runs a command that must fail with `status` and one line on stderr matching `message`. */
function fails(status: number, message: RegExp, ...args: string[]): void {
  const result = run(...args);
  assert.equal(result.status, status, `${args.join(' ')}: exit ${result.status}, stderr ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
  assert.match(lines[0], message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

function trained(order: number, name: 'kneser-ney' | 'mle' = 'kneser-ney'): NgramModel {
  const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
  model.addText(corpus);
  return model;
}

const TRAIN = ['--train', corpusFile, '--order', '3', '--smoothing', 'kneser-ney', '--tokenizer', 'whitespace'];

describe('command line (built dist/cli.js, run as a child process)', function () {
  this.timeout(60_000);

  before(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'nwl-cli-'));
    cli = path.join(workDir, 'cli.js');
    await buildCli(cli);
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  describe('help', () => {
    const commands = ['demo', 'train', 'predict', 'generate', 'eval', 'score', 'export-arpa', 'import-arpa', 'tokenize'];

    it('lists every command with --help, and exits 2 with the same text when no command is given', () => {
      const help = ok('--help');
      for (const name of commands) assert.match(help, new RegExp(`^  ${name} `, 'm'));
      const bare = run();
      assert.equal(bare.status, 2);
      assert.equal(bare.stdout, help);
    });

    for (const name of commands) {
      it(`explains ${name} with --help`, () => {
        const help = ok(name, '--help');
        assert.match(help, new RegExp(`^Usage: next-word-lab ${name} `));
        assert.match(help, /^Options:$/m);
        assert.match(help, /^Examples:$/m);
        assert.equal(ok('help', name), help);
      });
    }
  });

  describe('eval', () => {
    it('prints the documented JSON object, with the numbers the engine computes', () => {
      const report = JSON.parse(ok('eval', ...TRAIN, '--test', testFile, '--json')) as Record<string, number>;
      for (const key of ['perplexity', 'perplexityExcludingOov', 'tokens', 'oov', 'trainSeconds', 'evalSeconds', 'scoreSeconds', 'accuracySeconds', 'modelBytes']) {
        assert.equal(typeof report[key], 'number', key);
      }
      // Reading and scoring, then predicting for the accuracy: the two parts of evalSeconds.
      assert.ok(report.scoreSeconds > 0 && report.accuracySeconds >= 0);
      assert.ok(Math.abs(report.scoreSeconds + report.accuracySeconds - report.evalSeconds) < 1e-9);
      const model = trained(3);
      const expected = perplexityOf(model.scoreSentences(model.encodeForScoring(test)));
      assert.equal(report.perplexity, expected.perplexity);
      assert.equal(report.perplexityExcludingOov, expected.perplexityExcludingOov);
      // Words plus one </s> per line; OOVs are the test words never seen in training.
      const lines = tokenizeText('whitespace', test);
      const known = new Set(corpus.split(/\s+/));
      assert.equal(report.tokens, lines.reduce((sum, line) => sum + line.length + 1, 0));
      assert.equal(report.oov, lines.flat().filter((word) => !known.has(word)).length);
      assert.ok(report.trainSeconds >= 0 && report.evalSeconds >= 0 && report.modelBytes > 0);
    });

    it('prints a readable report without --json', () => {
      const text = ok('eval', ...TRAIN, '--test', testFile);
      assert.match(text, /^perplexity\s+\d+\.\d\d\s+including \d+ unknown words$/m);
      const tokens = tokenizeText('whitespace', test).reduce((sum, line) => sum + line.length + 1, 0);
      assert.match(text, new RegExp(`^tokens\\s+${tokens}\\s`, 'm'));
    });
  });

  describe('eval accuracy', () => {
    it('with no estimator or order flags uses the defaults (longest-match) and reports accuracy.top1 and top5 in 0–1 beside the other keys', () => {
      const report = JSON.parse(ok('eval', '--train', corpusFile, '--test', testFile, '--tokenizer', 'whitespace', '--json')) as { accuracy: { top1: number; top5: number }; perplexity: number; tokens: number };
      assert.ok(report.accuracy.top1 > 0 && report.accuracy.top1 <= report.accuracy.top5 && report.accuracy.top5 <= 1, JSON.stringify(report.accuracy));
      assert.ok(Number.isFinite(report.perplexity) && report.perplexity > 1);
      assert.equal(report.tokens, tokenizeText('whitespace', test).reduce((sum, line) => sum + line.length + 1, 0));
      assert.match(ok('eval', '--train', corpusFile, '--test', testFile, '--tokenizer', 'whitespace'), /^accuracy\s+\d+\.\d %\s+the likeliest word is the next token; \d+\.\d % among the five likeliest$/m);
    });

    it('with --order 3 --smoothing kneser-ney: the line-by-line argmax of the full distribution, counted independently, and KenLM perplexity unchanged', () => {
      const report = JSON.parse(ok('eval', ...TRAIN, '--test', testFile, '--json')) as { accuracy: { top1: number; top5: number }; perplexity: number };
      const model = trained(3);
      let hits = 0;
      let tokens = 0;
      for (const line of tokenizeText('whitespace', test)) {
        const targets = [...line, '</s>'];
        targets.forEach((target, i) => {
          const { probabilities } = model.distribution(['<s>', ...line.slice(0, i)]);
          let best = -1;
          // Argmax, ties to the lower id, never <unk> (id 0) or <s> (id 1).
          for (let id = 2; id < probabilities.length; id++) if (best < 0 || probabilities[id] > probabilities[best]) best = id;
          if (model.vocabulary.word(best) === target) hits++;
          tokens++;
        });
      }
      assert.equal(report.accuracy.top1, hits / tokens);
      const viaCore = predictionAccuracy('whitespace', test, (context, k) => ({ ranked: model.candidates(context, k).map((c) => c.word) }), { acrossLines: false });
      assert.equal(report.accuracy.top5, viaCore.accuracy.top5);
      assert.equal(report.perplexity, perplexityOf(model.scoreSentences(model.encodeForScoring(test))).perplexity);
    });
  });

  describe('predict --why', () => {
    interface WhyJson {
      candidates: {
        word: string;
        count: number;
        order: number;
        evidence: { ngram: string[]; total: number; occurrences: { file: string; line: number; column: number; text: string }[] };
      }[];
    }

    /** The tokens from (line, column) on, `</s>` after each line with tokens, as the index reads them. */
    function tokensFrom(text: string, line: number, column: number, count: number): string[] {
      const lines = text.split(/\r\n|\n|\r/);
      const out: string[] = [];
      for (let l = line - 1; l < lines.length && out.length < count; l++) {
        const rest = l === line - 1 ? lines[l].slice(column - 1) : lines[l];
        const words = rest.split(/[ \t]+/).filter((word) => word !== '');
        out.push(...words);
        if (words.length > 0 || (l === line - 1 && lines[l].trim() !== '')) out.push('</s>');
      }
      return out.slice(0, count);
    }

    it('lists places that, re-read from the files, hold context·word, as many as the count (property)', () => {
      const wordArb = fc.constantFrom('a', 'b', 'c', 'd');
      const lineArb = fc.array(wordArb, { minLength: 0, maxLength: 5 }).map((words) => words.join(' '));
      const fileArb = fc.array(lineArb, { minLength: 1, maxLength: 8 }).map((lines) => lines.join('\n'));
      fc.assert(
        fc.property(fc.array(fileArb, { minLength: 1, maxLength: 3 }), fc.array(wordArb, { maxLength: 3 }), fc.boolean(), fc.constantFrom('longest-match', 'kneser-ney'), (files, contextWords, newline, smoothing) => {
          const folder = mkdtempSync(path.join(workDir, 'why-'));
          mkdirSync(path.join(folder, 'sub'));
          files.forEach((text, i) => writeFileSync(path.join(folder, i === 2 ? 'sub/c.txt' : `f${i}.txt`), text));
          const context = (newline ? 'a\n' : '') + contextWords.join(' ');
          const report = JSON.parse(ok('predict', '--train', folder, '--context', context, '--top', '4', '--why', '--json', '--tokenizer', 'whitespace', '--smoothing', smoothing)) as WhyJson;
          for (const candidate of report.candidates) {
            const { evidence } = candidate;
            assert.equal(evidence.total, candidate.count, `${candidate.word}: total is the count the prediction came from`);
            assert.equal(evidence.occurrences.length, Math.min(50, evidence.total));
            assert.equal(evidence.ngram[evidence.ngram.length - 1], candidate.word);
            // The words from the first one on (a leading line start or break is where the place begins).
            let first = 0;
            while (first < evidence.ngram.length - 1 && (evidence.ngram[first] === '<s>' || evidence.ngram[first] === '</s>')) first++;
            for (const place of evidence.occurrences) {
              const text = readFileSync(path.join(folder, place.file), 'utf8');
              assert.equal(place.text, text.split(/\r\n|\n|\r/)[place.line - 1]);
              const rest = evidence.ngram.slice(first);
              assert.deepEqual(tokensFrom(text, place.line, place.column, rest.length), rest, `${place.file}:${place.line}:${place.column}`);
              if (first > 0) assert.equal(place.text.slice(0, place.column - 1).trim(), '', 'a context starting at a line start or break starts its line');
            }
          }
          rmSync(folder, { recursive: true, force: true });
        }),
        { numRuns: 12 },
      );
    });

    it('names files relative to a folder and by base name for a file, and refuses --model', () => {
      const report = JSON.parse(ok('predict', '--train', corpusFile, '--context', 'the', '--top', '1', '--why', '--json', '--tokenizer', 'whitespace')) as WhyJson;
      assert.ok(report.candidates[0].evidence.occurrences.length > 0);
      for (const place of report.candidates[0].evidence.occurrences) assert.equal(place.file, path.basename(corpusFile));
      const out = path.join(workDir, 'why.nwl');
      ok('train', '--train', corpusFile, '--out', out);
      fails(2, /^next-word-lab predict: evidence is read from the text itself: give --train PATH, not --model/, 'predict', '--model', out, '--why');
    });
  });

  describe('score', () => {
    interface ScoreJson {
      sentences: { word: string; log10Prob: number; ngramLength: number; inVocabulary: boolean }[][];
      perplexity: number;
      tokens: number;
      oov: number;
    }

    it('prints every token of every line as the engine scores it, with the same totals as eval', () => {
      const report = JSON.parse(ok('score', ...TRAIN, '--test', testFile, '--json')) as ScoreJson;
      const model = trained(3);
      const lines = tokenizeText('whitespace', test);
      assert.equal(report.sentences.length, lines.length);
      // The words of every line, then </s>: the tokens eval scores, in order.
      const words = lines.flatMap((line) => [...line, '</s>']);
      const expected: ScoreJson['sentences'][number] = [];
      model.scoreSentences(model.encodeForScoring(test), (index, _id, log10Prob, ngramLength, inVocabulary) => {
        expected.push({ word: words[index], log10Prob, ngramLength, inVocabulary });
      });
      assert.ok(expected.some((token) => !token.inVocabulary), 'the fixture has unknown words');
      assert.deepEqual(report.sentences.flat(), expected);
      const evaluation = JSON.parse(ok('eval', ...TRAIN, '--test', testFile, '--json')) as ScoreJson;
      assert.equal(report.perplexity, evaluation.perplexity);
      assert.equal(report.tokens, evaluation.tokens);
      assert.equal(report.oov, evaluation.oov);
    });

    it("prints KenLM query's layout without --json: word, n-gram length and log10 p per token, then the line's total", () => {
      const text = ok('score', ...TRAIN, '--test', testFile);
      const report = JSON.parse(ok('score', ...TRAIN, '--test', testFile, '--json')) as ScoreJson;
      const printed = text.split('\n').slice(0, report.sentences.length);
      report.sentences.forEach((sentence, index) => {
        const fields = printed[index].split('\t');
        assert.equal(fields.length, sentence.length + 1);
        sentence.forEach((token, i) => assert.equal(fields[i], `${token.word} ${token.ngramLength} ${token.log10Prob.toPrecision(8)}`));
        const total = sentence.reduce((sum, token) => sum + token.log10Prob, 0);
        const oov = sentence.filter((token) => !token.inVocabulary).length;
        assert.equal(fields[sentence.length], `Total: ${total.toPrecision(8)} OOV: ${oov}`);
      });
      assert.match(text, /^perplexity\s+\d+\.\d\d\s+including \d+ unknown words$/m);
    });
  });

  describe('predict', () => {
    it('lists the top candidates with unrounded probabilities, counts and orders', () => {
      const result = JSON.parse(ok('predict', ...TRAIN, '--context', 'the next', '--top', '4', '--json')) as {
        candidates: { word: string; probability: number; count: number; order: number; weight: number }[];
        context: string[];
      };
      const expected = trained(3).candidates(['<s>', 'the', 'next'], 4);
      assert.deepEqual(result.context, ['the', 'next']);
      assert.deepEqual(
        result.candidates.map(({ word, probability, count, order }) => ({ word, probability, count, order })),
        expected.map(({ word, probability, count, order }) => ({ word, probability, count, order })),
      );
      assert.equal(result.candidates[0].word, 'word');
      // Without re-weighting options the weights are the probabilities (T = 1) renormalised over what
      // generation draws from: every word but <unk>.
      const unknown = trained(3).score(['<s>', 'the', 'next'], '<unk>').probability;
      for (const candidate of result.candidates) assert.ok(Math.abs(candidate.weight - candidate.probability / (1 - unknown)) < 1e-12);
    });

    it('re-weights with --temperature: T = 0 gives the top word all the chance', () => {
      const result = JSON.parse(ok('predict', ...TRAIN, '--context', 'the next', '--top', '2', '--temperature', '0', '--json')) as {
        candidates: { weight: number }[];
      };
      assert.deepEqual(result.candidates.map((c) => c.weight), [1, 0]);
    });

    it('shows a table with bars, counts and the answering order', () => {
      const text = ok('predict', ...TRAIN, '--context', 'the next', '--top', '3');
      assert.match(text, /^context {2}the next {3}all 2 context tokens seen in training$/m);
      assert.match(text, /^1 {2}word\s+0\.\d{4} {2}█+.*4 \/ 4\s+3$/m);
    });
  });

  describe('generate', () => {
    const generateArgs = ['generate', '--train', corpusFile, '--order', '3', '--temperature', '1.5', '--words', '25'];

    it('prints the same text for the same seed and different text for another', () => {
      const first = ok(...generateArgs, '--seed', '7');
      assert.equal(ok(...generateArgs, '--seed', '7'), first);
      assert.notEqual(ok(...generateArgs, '--seed', '8'), first);
      // 25 tokens: the words plus one line break per </s>.
      const tokens = first.trimEnd().split(/[ \n]/).length + (first.trimEnd().match(/\n/g) ?? []).length;
      assert.equal(tokens, 25);
    });

    it('decodes greedily at T = 0, reports the loop on stderr, and stops at a line end with --one-line', () => {
      const model = trained(3);
      let context = ['<s>', 'greedy'];
      const expected: string[] = [];
      for (let i = 0; i < 20; i++) {
        const [top] = model.candidates(context, 2).filter((candidate) => candidate.word !== '<unk>');
        expected.push(top.word);
        context = top.word === '</s>' ? ['<s>'] : [...context, top.word];
      }
      const result = run('generate', ...TRAIN, '--context', 'greedy', '--temperature', '0', '--words', '20');
      assert.equal(result.status, 0);
      assert.equal(result.stdout.trimEnd().replace(/\n/g, ' </s> '), expected.join(' ').replace(/ ?<\/s> ?$/, ''));
      // The reported loop is real: from its start the tokens repeat with its period, and not earlier.
      const [, start, cycle, period] = /^greedy decoding loops from token (\d+): "(.+)" over and over \(period (\d+)\)\n$/.exec(result.stderr) ?? [];
      const from = Number(start) - 1;
      const shown = expected.map((word) => (word === '</s>' ? '⏎' : word));
      assert.equal(cycle, shown.slice(from, from + Number(period)).join(' '));
      for (let i = from; i + Number(period) < expected.length; i++) assert.equal(expected[i], expected[i + Number(period)]);
      assert.ok(from === 0 || expected[from - 1] !== expected[from - 1 + Number(period)], 'the loop starts where it says');
      const oneLine = ok('generate', ...TRAIN, '--context', 'greedy', '--greedy', '--words', '20', '--one-line');
      assert.equal(oneLine, `${expected.slice(0, expected.indexOf('</s>')).join(' ')}\n`);
    });

    it('generates with longest match from the lines before the context, reading on across the line ends it writes', () => {
      const folder = mkdtempSync(path.join(workDir, 'longest-match-'));
      writeFileSync(path.join(folder, 'a.txt'), 'alpha one\nbeta two\nend here\n');
      writeFileSync(path.join(folder, 'b.txt'), 'gamma one\nbeta three\nend there\n');
      const tokensAfter = (context: string, smoothing: string) =>
        (JSON.parse(ok('generate', '--train', folder, '--smoothing', smoothing, '--context', context, '--greedy', '--words', '4', '--json')) as { tokens: string[] }).tokens;
      assert.deepEqual(tokensAfter('alpha one\nbeta', 'longest-match'), ['two', '</s>', 'end', 'here']);
      assert.deepEqual(tokensAfter('gamma one\nbeta', 'longest-match'), ['three', '</s>', 'end', 'there']);
      // Kneser-Ney reads only the context's last line, so both contexts continue alike.
      assert.deepEqual(tokensAfter('gamma one\nbeta', 'kneser-ney'), tokensAfter('alpha one\nbeta', 'kneser-ney'));
    });

    it('reports the seed and the tokens in JSON', () => {
      const result = JSON.parse(ok(...generateArgs, '--seed', 'abc', '--json')) as { seed: string; tokens: string[]; text: string };
      assert.equal(result.seed, 'abc');
      assert.equal(result.tokens.length, 25);
      assert.equal(`${result.text.replace(/\n$/, '')}\n`, ok(...generateArgs, '--seed', 'abc'));
    });

    it('writes code as the source has it: no spaces inside a call or before punctuation, unless the tokenizer kept every token apart', () => {
      // It printed "topK ( candidates , limit ) ;" token by token.
      const source = path.join(workDir, 'calls.ts');
      writeFileSync(source, 'return topK(candidates, limit);\nreturn topK(candidates, limit);\nif (ready) return first(list);\n');
      const greedy = ['generate', '--train', source, '--order', '3', '--greedy', '--one-line', '--words', '12'];
      assert.equal(ok(...greedy, '--context', 'return'), 'topK(candidates, limit);\n');
      assert.equal((JSON.parse(ok(...greedy, '--context', 'return', '--json')) as { text: string }).text, 'topK(candidates, limit);\n');
      // The context's line counts: after `print("hello` the quote that comes is the closing one.
      const quoted = path.join(workDir, 'quoted.py');
      writeFileSync(quoted, 'print("hello world")\n');
      assert.equal(ok('generate', '--train', quoted, '--order', '3', '--greedy', '--one-line', '--context', 'print("hello'), 'world")\n');
      // With the whitespace tokenizer the tokens were written apart, and they are printed apart.
      const spaced = path.join(workDir, 'spaced.txt');
      writeFileSync(spaced, 'return topK ( candidates , limit ) ;\n');
      assert.equal(ok('generate', '--train', spaced, '--tokenizer', 'whitespace', '--greedy', '--one-line', '--context', 'return'), 'topK ( candidates , limit ) ;\n');
    });
  });

  describe('ARPA', () => {
    it('export-arpa writes a file that reads back as the same model', () => {
      const out = path.join(workDir, 'corpus.arpa');
      ok('export-arpa', ...TRAIN, '--out', out, '--quiet');
      const imported = readArpa(readFileSync(out, 'utf8'));
      const model = trained(3);
      for (const [context, word] of [
        [['<s>', 'the'], 'model'],
        [['the', 'next'], 'word'],
        [['next', 'word'], 'never-seen'],
      ] as const) {
        assert.ok(Math.abs(imported.score(context, word).log10Prob - model.score(context, word).log10Prob) < 1e-8);
      }
      assert.equal(ok('export-arpa', ...TRAIN), readFileSync(out, 'utf8'), 'stdout without --out');
    });

    it('import-arpa answers candidates and perplexity from the file', () => {
      const out = path.join(workDir, 'round-trip.arpa');
      ok('export-arpa', ...TRAIN, '--out', out, '--quiet');
      const result = JSON.parse(ok('import-arpa', '--arpa', out, '--context', 'the next', '--top', '2', '--test', testFile, '--json')) as {
        order: number;
        prediction: { candidates: { word: string; probability: number }[] };
        evaluation: { perplexity: number; tokens: number; oov: number };
      };
      const model = trained(3);
      const expected = perplexityOf(model.scoreSentences(model.encodeForScoring(test)));
      assert.equal(result.order, 3);
      assert.equal(result.prediction.candidates[0].word, 'word');
      assert.ok(Math.abs(result.evaluation.perplexity - expected.perplexity) / expected.perplexity < 1e-7);
      assert.equal(result.evaluation.tokens, expected.tokens);
      assert.equal(result.evaluation.oov, expected.oov);
      // Any query command takes the ARPA file as --model, or the binary import-arpa --out saves.
      const viaModel = JSON.parse(ok('eval', '--model', out, '--test', testFile, '--json')) as { perplexity: number };
      assert.equal(viaModel.perplexity, result.evaluation.perplexity);
      const binary = path.join(workDir, 'round-trip.nwla');
      const saved = JSON.parse(ok('import-arpa', '--arpa', out, '--out', binary, '--json')) as { out: string; savedBytes: number };
      assert.equal(saved.out, binary);
      assert.ok(saved.savedBytes > 0);
      const viaBinary = JSON.parse(ok('eval', '--model', binary, '--test', testFile, '--json')) as { perplexity: number; source: string };
      assert.equal(viaBinary.perplexity, result.evaluation.perplexity);
      assert.equal(viaBinary.source, 'arpa');
    });

    it('refuses corrupt ARPA files with the line and the problem, and estimators without a back-off form', () => {
      const broken = path.join(workDir, 'broken.arpa');
      writeFileSync(broken, readFileSync(path.join(fixtures, 'tiny-bigram.arpa'), 'utf8').replace('-0.4\ta b', 'oops\ta b'));
      fails(1, /^next-word-lab import-arpa: .*broken\.arpa: ARPA line 14: "oops" is not a log10 probability$/, 'import-arpa', '--arpa', broken);
      fails(1, /^next-word-lab import-arpa: .*test\.txt: ARPA line 1: expected "\\data\\"/, 'import-arpa', '--arpa', testFile);
      fails(1, /^next-word-lab export-arpa: cannot export: stupid-backoff gives scores, not probabilities/, 'export-arpa', '--train', corpusFile, '--smoothing', 'stupid-backoff');
      fails(2, /^next-word-lab eval: --order does not apply to an ARPA model/, 'eval', '--model', path.join(fixtures, 'tiny-bigram.arpa'), '--order', '2', '--test', testFile);
    });
  });

  describe('tokenize', () => {
    it('prints a folder as the editor tokenizes it, a line per sentence, tokens split by single spaces, for lmplz', () => {
      const folder = mkdtempSync(path.join(workDir, 'tokenize-'));
      writeFileSync(path.join(folder, 'main.ts'), 'const total = items.map((x) => x * 2);\n\n  return <s> total;\n');
      writeFileSync(path.join(folder, '.env'), 'API_TOKEN=not-for-the-corpus\n');
      assert.equal(
        ok('tokenize', '--train', folder),
        ['const total = items . map ( ( x ) = > x * 2 ) ;', 'return < s > total ;', ''].join('\n'),
      );
      assert.equal(ok('tokenize', '--train', path.join(folder, 'main.ts'), '--tokenizer', 'whitespace'), ['const total = items.map((x) => x * 2);', 'return \\<s> total;', ''].join('\n'));
    });
  });

  describe('train and --model', () => {
    it('saves a snapshot that answers exactly as learning again, and can switch smoothing', () => {
      const snapshot = path.join(workDir, 'corpus.nwl');
      const summary = JSON.parse(ok('train', ...TRAIN, '--out', snapshot, '--json')) as { order: number; ngrams: number[]; files: number };
      assert.equal(summary.order, 3);
      assert.deepEqual(summary.ngrams, trained(3).stats().ngrams);
      assert.equal(summary.files, 1);
      const query = ['--context', 'the model', '--top', '5', '--json'];
      assert.equal(ok('predict', '--model', snapshot, ...query), ok('predict', ...TRAIN, ...query));
      const mle = JSON.parse(ok('predict', '--model', snapshot, '--smoothing', 'mle', ...query)) as { candidates: { probability: number }[] };
      const expected = trained(3, 'mle').candidates(['<s>', 'the', 'model'], 5);
      assert.deepEqual(mle.candidates.map((c) => c.probability), expected.map((c) => c.probability));
      fails(2, /--order must be|is a model of order 3/, 'predict', '--model', snapshot, '--order', '2');
    });

    it('learns a folder as the extension would: text files only, no node_modules, binary or git-ignored files', () => {
      const folder = path.join(workDir, 'workspace');
      for (const file of ['docs/guide.md', 'docs/data.txt', 'src/counter.ts']) {
        mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
        copyFileSync(path.join(fixtures, 'workspace', file), path.join(folder, file));
      }
      mkdirSync(path.join(folder, 'node_modules/dep'), { recursive: true });
      writeFileSync(path.join(folder, 'node_modules/dep/index.js'), 'zzzdependency\n');
      writeFileSync(path.join(folder, '.gitignore'), 'ignored.md\n');
      writeFileSync(path.join(folder, 'ignored.md'), 'zzzignored\n');
      writeFileSync(path.join(folder, 'picture.png'), 'not learned: not a text extension\n');
      const summary = JSON.parse(ok('train', '--train', folder, '--out', path.join(workDir, 'ws.nwl'), '--json')) as { files: number; skipped: number };
      assert.equal(summary.files, 2, 'guide.md and counter.ts');
      assert.ok(summary.skipped >= 2, 'data.txt (binary) and node_modules or ignored.md are reported');
      const vocabulary = JSON.parse(ok('predict', '--model', path.join(workDir, 'ws.nwl'), '--context', 'The counter', '--json')) as {
        candidates: { word: string }[];
      };
      assert.equal(vocabulary.candidates[0].word, 'reads');
      for (const word of ['zzzdependency', 'zzzignored']) {
        const score = JSON.parse(ok('predict', '--model', path.join(workDir, 'ws.nwl'), '--context', word, '--json')) as { context: string[] };
        assert.deepEqual(score.context, ['<s>', '<unk>'], `${word} was not learned`);
      }
    });
  });

  describe('--max-model-mb', () => {
    /** About 0.95 MB of model per file (2,000 lines of new words at order 3): a 1 MB budget takes two. */
    const partText = (part: number): string => Array.from({ length: 2000 }, (_, i) => `w${part}x${i} a${i % 7} b${i}`).join('\n');

    it('in a folder, leaves out the files past the budget and says how many; one text past it is an error', () => {
      const folder = path.join(workDir, 'budget');
      mkdirSync(folder, { recursive: true });
      for (let part = 0; part < 5; part++) writeFileSync(path.join(folder, `part${part}.txt`), partText(part));
      const out = path.join(workDir, 'budget.nwl');
      const result = run('train', '--train', folder, '--order', '3', '--max-model-mb', '1', '--out', out, '--json');
      assert.equal(result.status, 0, result.stderr);
      const summary = JSON.parse(result.stdout) as { files: number; skipped: number };
      assert.deepEqual([summary.files, summary.skipped], [2, 3]);
      assert.ok(result.stderr.includes('the model reached its 1 MB budget (--max-model-mb): 3 of 5 files were not learned\n'), result.stderr);
      const learnedAll = JSON.parse(ok('train', '--train', folder, '--order', '3', '--max-model-mb', '64', '--out', out, '--json')) as { files: number };
      assert.equal(learnedAll.files, 5);

      const big = path.join(workDir, 'big.txt');
      writeFileSync(big, [0, 1, 2].map(partText).join('\n'));
      fails(1, /: big\.txt does not fit the 1 MB model budget \(--max-model-mb\): the model reached \d+\.\d MB after 100% of it$/, 'predict', '--train', 'big.txt', '--max-model-mb', '1', '--context', 'a1');
      fails(2, /--max-model-mb must be/, 'train', '--train', folder, '--max-model-mb', '0', '--out', out);
    });
  });

  describe('demo', () => {
    it('walks the lesson on a folder, the same way every time', () => {
      const withoutTiming = (text: string) => text.replace(/learned in \d+\.\d+ s/, 'learned in … s');
      const first = withoutTiming(ok('demo', path.join(root, 'sample-workspace')));
      for (const heading of [
        /^1\. {2}Conditional probability$/m,
        /^2\. {2}Next-word prediction is conditional probability$/m,
        /^3\. {2}The model is a probability distribution learned from data$/m,
        /^4\. {2}Greedy decoding repeats itself$/m,
        /^5\. {2}Sampling/m,
        /^6\. {2}Temperature/m,
      ]) {
        assert.match(first, heading);
      }
      // Step 1 fills the formula with the lesson's numbers and says what knowing B changed.
      assert.match(first, /^P\(A\|B\) = P\(A and B\) \/ P\(B\) = 3\/14 ÷ 8\/14 = 3\/8 = 0\.3750/m);
      assert.match(first, /^that is lower than P\(A\) = 0\.5000: knowing B made A less likely$/m);
      assert.match(first, /^P\(B\|A\) = P\(A and B\) \/ P\(A\) = 3\/14 ÷ 7\/14 = 3\/7 = 0\.4286: P\(A\|B\) ≠ P\(B\|A\)/m);
      // Step 2 is step 1's "given" on the text: the counts behind the top word.
      // Counts print with thousands separators (the bundled stories make them large).
      const [, occurrences, followed, numerator, denominator] = /^step 1 on real text: ".+" occurs ([\d,]+) times \(B\), ([\d,]+) of them followed by .+: ([\d,]+)\/([\d,]+) = /m.exec(first) ?? [];
      assert.ok(occurrences !== undefined, 'step 2 shows the counts as step 1');
      assert.deepEqual([numerator, denominator], [followed, occurrences]);
      // The context really is on the line it names.
      const [, context, file, line] = /^context {2}"(.+)" \(from (.+), line (\d+)\)$/m.exec(first) ?? [];
      const text = readFileSync(path.join(root, 'sample-workspace', file), 'utf8').split('\n')[Number(line) - 1];
      assert.match(text, new RegExp(context.split(' ').join('\\s+')));
      assert.match(first, /\[[^\]]+\]/, 'the loop is marked');
      for (const t of ['0.2', '1', '2']) assert.match(first, new RegExp(`^T = ${t} {2}entropy \\d+\\.\\d\\d bits`, 'm'));
      assert.equal(withoutTiming(ok('demo', path.join(root, 'sample-workspace'))), first);
    });

    it('the entropy grows with the temperature', () => {
      const text = ok('demo', path.join(root, 'sample-workspace'), '--context', 'the model');
      const entropies = [...text.matchAll(/^T = [\d.]+ {2}entropy (\d+\.\d\d) bits/gm)].map((match) => Number(match[1]));
      assert.equal(entropies.length, 3);
      assert.ok(entropies[0] < entropies[1] && entropies[1] < entropies[2], entropies.join(' < '));
    });
  });

  describe('standard streams, --version, --top all', () => {
    it('prints its version', () => {
      const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
      assert.equal(ok('--version'), `next-word-lab ${version}\n`);
      assert.equal(ok('-V'), `next-word-lab ${version}\n`);
    });

    it('learns from standard input with --train - exactly as from the file', () => {
      const query = ['--context', 'the next', '--top', '5', '--json', '--order', '3', '--tokenizer', 'whitespace'];
      const piped = runWithInput(corpus, 'predict', '--train', '-', ...query);
      assert.equal(piped.status, 0, piped.stderr);
      assert.deepEqual(JSON.parse(piped.stdout), JSON.parse(ok('predict', '--train', corpusFile, ...query)));
    });

    it('scores standard input with --test -', () => {
      const piped = runWithInput(test, 'eval', ...TRAIN, '--test', '-', '--json');
      assert.equal(piped.status, 0, piped.stderr);
      const fromFile = JSON.parse(ok('eval', ...TRAIN, '--test', testFile, '--json')) as { perplexity: number; tokens: number };
      const fromStdin = JSON.parse(piped.stdout) as { perplexity: number; tokens: number };
      assert.equal(fromStdin.perplexity, fromFile.perplexity);
      assert.equal(fromStdin.tokens, fromFile.tokens);
    });

    it('writes the snapshot to standard output with --out -, the report to stderr', () => {
      const result = spawnSync(process.execPath, [cli, 'train', ...TRAIN, '--out', '-', '--quiet'], { cwd: workDir, env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(result.status, 0, result.stderr.toString());
      assert.equal(result.stdout.subarray(0, 4).toString('latin1'), 'NWLM');
      assert.match(result.stderr.toString(), /saved\s+standard output/);
      const file = path.join(workDir, 'from-stdout.nwl');
      writeFileSync(file, result.stdout);
      const query = ['--context', 'the model', '--top', '3', '--json'];
      assert.deepEqual(JSON.parse(ok('predict', '--model', file, ...query)), JSON.parse(ok('predict', ...TRAIN, ...query)));
      // export-arpa: - is standard output, as without --out.
      assert.equal(ok('export-arpa', ...TRAIN, '--out', '-'), ok('export-arpa', ...TRAIN));
    });

    it('--top all lists the whole distribution: every word with a probability, summing to 1', () => {
      const result = JSON.parse(ok('predict', ...TRAIN, '--context', 'the', '--top', 'all', '--json')) as { candidates: { probability: number }[] };
      const model = trained(3);
      const expected = model.distribution(['<s>', 'the']).probabilities.filter((p) => p > 0).length;
      assert.equal(result.candidates.length, expected);
      assert.ok(result.candidates.length > 10);
      assert.ok(Math.abs(result.candidates.reduce((sum, candidate) => sum + candidate.probability, 0) - 1) < 1e-9);
      // Beyond the old cap of 10,000 is fine too: it lists what there is.
      assert.equal((JSON.parse(ok('predict', ...TRAIN, '--context', 'the', '--top', '20000', '--json')) as { candidates: unknown[] }).candidates.length, expected);
    });

    it('-n is --top; -k, which would read as --top-k, is no option', () => {
      assert.deepEqual(JSON.parse(ok('predict', ...TRAIN, '--context', 'the', '-n', '2', '--json')), JSON.parse(ok('predict', ...TRAIN, '--context', 'the', '--top', '2', '--json')));
      fails(2, /^next-word-lab predict: Unknown option '-k'/, 'predict', ...TRAIN, '-k', '2');
    });
  });

  describe('bad input', () => {
    it('ends with one line on stderr and exit 2 for bad arguments', () => {
      fails(2, /^next-word-lab: unknown command "bogus" \(see next-word-lab --help\)$/, 'bogus');
      fails(2, /^next-word-lab predict: no model: give --train PATH/, 'predict');
      fails(2, /^next-word-lab predict: Unknown option '--frobnicate'/, 'predict', '--frobnicate');
      fails(2, /^next-word-lab predict: --order must be an integer from 1 to 6, got 9/, 'predict', '--train', corpusFile, '--order', '9');
      fails(2, /^next-word-lab predict: --smoothing must be one of longest-match, kneser-ney, stupid-backoff, add-k, mle, got "magic"/, 'predict', '--train', corpusFile, '--smoothing', 'magic');
      fails(2, /^next-word-lab generate: --temperature must be a number from 0 to 100, got 500/, 'generate', '--train', corpusFile, '--temperature', '500');
      fails(2, /^next-word-lab generate: Option '--temperature' argument is ambiguous/, 'generate', '--train', corpusFile, '--temperature', '-1');
      fails(2, /^next-word-lab eval: --test is required/, 'eval', '--train', corpusFile);
      fails(2, /^next-word-lab predict: give either --train or --model, not both/, 'predict', '--train', corpusFile, '--model', corpusFile);
      fails(2, /^next-word-lab predict: unexpected argument "extra"/, 'predict', '--train', corpusFile, 'extra');
      fails(2, /^next-word-lab predict: --top must be a whole number ≥ 1 or all, got "most"/, 'predict', '--train', corpusFile, '--top', 'most');
      fails(2, /^next-word-lab eval: --train and --test cannot both read standard input \(-\)/, 'eval', '--train', '-', '--test', '-');
    });

    it('ends with one line on stderr and exit 1 for missing, unreadable or unsuitable input', () => {
      fails(1, /^next-word-lab predict: cannot read .*nope\.txt: no such file or folder$/, 'predict', '--train', path.join(workDir, 'nope.txt'));
      fails(1, /^next-word-lab eval: cannot read .*missing\.txt: no such file or folder$/, 'eval', '--train', corpusFile, '--test', path.join(workDir, 'missing.txt'));
      fails(1, /^next-word-lab predict: .*data\.txt is not a text file \(contains NUL bytes\)$/, 'predict', '--train', path.join(fixtures, 'workspace/docs/data.txt'));
      assert.match(runWithInput('a\u0000b', 'predict', '--train', '-').stderr, /^next-word-lab predict: standard input is not a text file \(contains NUL bytes\)\n$/);
      fails(1, /^next-word-lab predict: found no text files to learn in .*empty-folder$/, 'predict', '--train', path.join(fixtures, 'empty-folder'));
      fails(1, /^next-word-lab predict: .*corpus\.txt is not a model: not a snapshot from `train`, an ARPA file or an imported one/, 'predict', '--model', corpusFile);
      const corrupt = path.join(workDir, 'corrupt.nwl');
      writeFileSync(corrupt, 'NWLM and then nonsense');
      fails(1, /^next-word-lab predict: .*corrupt\.nwl: snapshot/, 'predict', '--model', corrupt);
      fails(1, /^next-word-lab train: cannot write .*: no such file or folder$/, 'train', '--train', corpusFile, '--out', path.join(workDir, 'no/such/dir/x.nwl'));
    });
  });
});
