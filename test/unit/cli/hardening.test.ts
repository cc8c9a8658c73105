// The command line under a hostile review: secrets never come back out of any command, no output
// path destroys an input, a write cut short leaves the previous file whole, and special files are
// refused with one line.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BuiltCli, type Run } from './builtCli';
import { CANARY_LINES, SECRET_FILE_NAMES, STRUCTURED_SECRETS, canaryText, isCanary } from '../../fixtures/secrets/canaries';

describe('command line hardening', function () {
  this.timeout(120_000);
  let cli: BuiltCli;
  let dir = '';
  const at = (...parts: string[]): string => path.join(dir, ...parts);
  const write = (relative: string, content: string | Uint8Array): string => {
    mkdirSync(path.dirname(at(relative)), { recursive: true });
    writeFileSync(at(relative), content);
    return at(relative);
  };
  const run = (...args: string[]): Run => cli.run(args);
  const ok = (...args: string[]): Run => {
    const result = run(...args);
    assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  const failsWithOneLine = (status: number, message: RegExp, ...args: string[]): void => {
    const result = run(...args);
    assert.equal(result.status, status, `${args.join(' ')}: exit ${result.status}, ${result.stderr}`);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], message);
  };

  before(async () => {
    cli = await BuiltCli.build('nwl-hardening-');
    dir = cli.workDir;
  });
  after(() => cli.dispose());

  describe('secrets', () => {
    before(() => {
      // Every shape pasted into notes, the structured files and every secret name, each with a canary.
      write('ws/notes.md', canaryText());
      for (const [name, text] of Object.entries(STRUCTURED_SECRETS)) write(`ws/config/${name}`, text);
      for (const name of SECRET_FILE_NAMES) write(`ws/${name}`, `the cat sat canary${name.replace(/[^A-Za-z0-9]/g, '')}\n`);
      write('ws/.env', 'STRIPE=sk_live_canaryEnv000000000000\nthe cat sat canaryenvword\n');
    });

    const contexts = [...new Set(CANARY_LINES.flatMap((canary) => canary.text.split('\n')[0].split(/[=:]/)[0].trim()).filter((c) => c !== ''))];

    it('nothing of a secret comes back from predict, generate, train, export-arpa, eval or their messages', () => {
      const outputs: string[] = [];
      const collect = (result: Run): void => void outputs.push(result.stdout, result.stderr);
      collect(ok('generate', '--train', at('ws'), '--context', 'aws_secret_access_key =', '--greedy', '--words', '40'));
      for (const context of [...contexts, 'the cat sat', '']) {
        collect(ok('predict', '--train', at('ws'), `--context=${context}`, '--top', '1000', '--json'));
        collect(ok('generate', '--train', at('ws'), `--context=${context}`, '--temperature', '5', '--words', '100', '--seed', '2'));
      }
      const trained = ok('train', '--train', at('ws'), '--out', at('ws.nwl'), '--json');
      collect(trained);
      assert.ok(JSON.parse(trained.stdout).withheldLines > 0);
      assert.match(trained.stderr, /notes\.md: \d+ lines withheld: private key, AWS access key/);
      outputs.push(readFileSync(at('ws.nwl'), 'latin1'));
      collect(ok('export-arpa', '--model', at('ws.nwl'), '--smoothing', 'mle'));
      collect(ok('export-arpa', '--train', at('ws'), '--out', at('ws.arpa')));
      outputs.push(readFileSync(at('ws.arpa'), 'utf8'));
      collect(ok('eval', '--train', at('ws'), '--test', at('ws/notes.md'), '--json'));
      const leaked = outputs.filter(isCanary).map((text) => text.match(/.{0,40}canary.{0,40}/i)?.[0]);
      assert.deepEqual(leaked, []);
      // The control: the file's ordinary words were learned.
      assert.match(ok('predict', '--train', at('ws'), '--context', 'the dog ran to the', '--json').stdout, /"word": "park"/);
    });

    it('a single secret file named on the command line goes through the same rules', () => {
      failsWithOneLine(1, /\.env is never learned: its name marks it as secret \(matches \.env\); give --trust-file/, 'generate', '--train', at('ws/.env'), '--greedy');
      failsWithOneLine(1, /\.kube\/config is never learned: .*matches \.kube\/config/, 'train', '--train', at('ws/.kube/config'), '--out', at('k.nwl'));
      // Vouched for: its name is let through, its secret lines never.
      const trusted = ok('predict', '--train', at('ws/.env'), '--trust-file', '--context', 'STRIPE =', '--top', '100', '--json');
      assert.ok(!isCanary(trusted.stdout.replace(/canaryenvword/g, '')), trusted.stdout);
      assert.match(trusted.stderr, /\.env: 1 line withheld: Stripe key/);
      for (const name of Object.keys(STRUCTURED_SECRETS)) {
        failsWithOneLine(1, /never learned \(holds /, 'generate', '--train', at(`ws/config/${name}`), '--trust-file', '--greedy');
      }
    });
  });

  describe('no data loss', () => {
    it('refuses an output that is an input, also through a symbolic or hard link, and leaves it as it was', () => {
      const corpus = write('victim.txt', 'the cat sat on the mat\nthe dog ran\n');
      symlinkSync(corpus, at('victim-link.txt'));
      linkSync(corpus, at('victim-hard.txt'));
      const same = /--out .* is the input .*: writing it would destroy it/;
      failsWithOneLine(2, same, 'train', '--train', corpus, '--out', corpus);
      failsWithOneLine(2, same, 'train', '--train', at('victim-link.txt'), '--out', at('.', 'victim.txt'));
      failsWithOneLine(2, same, 'train', '--train', corpus, '--out', at('victim-hard.txt'));
      ok('train', '--train', corpus, '--out', at('victim.nwl'));
      ok('export-arpa', '--model', at('victim.nwl'), '--out', at('victim.arpa'));
      const model = readFileSync(at('victim.nwl'));
      const arpa = readFileSync(at('victim.arpa'));
      failsWithOneLine(2, same, 'export-arpa', '--model', at('victim.nwl'), '--out', at('victim.nwl'));
      failsWithOneLine(2, same, 'import-arpa', '--arpa', at('victim.arpa'), '--out', at('victim.arpa'));
      failsWithOneLine(2, same, 'import-arpa', '--arpa', at('victim.arpa'), '--test', corpus, '--out', corpus);
      assert.equal(readFileSync(corpus, 'utf8'), 'the cat sat on the mat\nthe dog ran\n');
      assert.deepEqual(readFileSync(at('victim.nwl')), model);
      assert.deepEqual(readFileSync(at('victim.arpa')), arpa);
    });

    it('a write cut short by a size limit leaves the previous model whole and loadable', () => {
      write('small.txt', 'the cat sat on the mat\n');
      write('large.txt', Array.from({ length: 20_000 }, (_, i) => `line ${i} the cat sat on the mat word${i % 997}`).join('\n'));
      ok('train', '--train', at('small.txt'), '--out', at('kept.nwl'));
      const before = readFileSync(at('kept.nwl'));
      // `ulimit -f 16`: files may grow to 16 blocks (8 KB); the large model is far bigger.
      const limited = spawnSync('sh', ['-c', `ulimit -f 16; exec "${process.execPath}" "${cli.file}" train --train large.txt --out kept.nwl --quiet`], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(limited.status, 1, limited.stderr);
      assert.match(limited.stderr.trim(), /^next-word-lab train: cannot write kept\.nwl: the file would pass the size limit \(EFBIG\)$/);
      assert.deepEqual(readFileSync(at('kept.nwl')), before);
      assert.match(ok('predict', '--model', at('kept.nwl'), '--context', 'the cat', '--json').stdout, /"word": "sat"/);
      assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
    });

    it('refuses devices and named pipes as inputs with one line', () => {
      execFileSync('mkfifo', [at('pipe.txt')]);
      for (const [file, what] of [
        ['/dev/zero', 'a device'],
        [at('pipe.txt'), 'a named pipe'],
      ]) {
        const refused = new RegExp(`cannot read ${file.replace(/[/.]/g, '\\$&')}: it is ${what}, not a regular file`);
        failsWithOneLine(1, refused, 'train', '--train', file, '--out', at('x.nwl'));
        failsWithOneLine(1, refused, 'predict', '--model', file, '--context', 'the');
        failsWithOneLine(1, refused, 'eval', '--train', at('small.txt'), '--test', file);
        failsWithOneLine(1, refused, 'import-arpa', '--arpa', file);
      }
    });
  });

  describe('only possible numbers', () => {
    const tinyArpa = readFileSync(path.join(__dirname, '../../fixtures/cli/tiny-bigram.arpa'), 'utf8');

    it('refuses an ARPA file whose back-off makes a probability over 1, text after \\end\\ and bytes that are not UTF-8', () => {
      write('boosted.arpa', tinyArpa.replace('-0.7\tb\t-0.7', '-0.7\tb\t300'));
      write('trailing.arpa', `${tinyArpa}\nextra line\n`);
      const latin1 = Buffer.from(tinyArpa.replace('-0.6\ta\t-0.3', '-0.6\ta\u0000\t-0.3'));
      latin1[latin1.indexOf(0)] = 0xe9;
      write('latin1.arpa', latin1);
      write('test.txt', 'a b\nb a\n');
      failsWithOneLine(1, /boosted\.arpa: ARPA line 10: the distribution after "b" sums to .*e\+299, more than 1/, 'import-arpa', '--arpa', at('boosted.arpa'), '--test', at('test.txt'));
      failsWithOneLine(1, /boosted\.arpa: ARPA line 10: /, 'predict', '--model', at('boosted.arpa'), '--context', 'b');
      failsWithOneLine(1, /trailing\.arpa: ARPA line 20: text after "\\end\\": "extra line"/, 'import-arpa', '--arpa', at('trailing.arpa'));
      failsWithOneLine(1, /latin1\.arpa: ARPA line 9: the bytes are not valid UTF-8/, 'import-arpa', '--arpa', at('latin1.arpa'));
    });

    it('eval on a test without words is an error, not a perplexity of NaN', () => {
      write('empty.txt', '\n\n');
      write('train.txt', 'the cat sat\nthe dog sat\n');
      failsWithOneLine(1, /^next-word-lab eval: .*empty\.txt has no words to score$/, 'eval', '--train', at('train.txt'), '--test', at('empty.txt'));
    });

    it('--json keeps an infinite perplexity distinguishable from a missing one', () => {
      write('unseen.txt', 'zebra\n');
      const report = JSON.parse(ok('eval', '--train', at('train.txt'), '--test', at('unseen.txt'), '--smoothing', 'mle', '--json').stdout);
      assert.equal(report.perplexity, 'Infinity');
      assert.equal(report.crossEntropyBits, 'Infinity');
      // Without the OOV (p = 0) only </s> is left, at the unigram p(</s>) = 2/8: a number, not NaN.
      assert.ok(Math.abs(report.perplexityExcludingOov - 4) < 1e-12, String(report.perplexityExcludingOov));
    });

    it('says that stupid-backoff evaluations are not perplexities', () => {
      const text = ok('eval', '--train', at('train.txt'), '--test', at('train.txt'), '--smoothing', 'stupid-backoff').stdout;
      assert.match(text, /^score "perplexity" /m);
      assert.match(text, /these are not perplexities/);
      assert.equal(JSON.parse(ok('eval', '--train', at('train.txt'), '--test', at('train.txt'), '--smoothing', 'stupid-backoff', '--json').stdout).isProbability, false);
      assert.equal(JSON.parse(ok('eval', '--train', at('train.txt'), '--test', at('train.txt'), '--json').stdout).isProbability, true);
    });

    it('learns literal <s>, </s> and <unk> in whitespace-tokenized text as words of their own, kept apart from the markers', () => {
      write('markers.txt', 'the cat <s> sat\na </s> b\nsee <unk> here\n');
      ok('train', '--train', at('markers.txt'), '--tokenizer', 'whitespace', '--out', at('m.nwl'));
      // The literal is the word \<s> (one backslash apart): followed by sat, never a sentence start.
      const prediction = JSON.parse(ok('predict', '--model', at('m.nwl'), '--context', 'the cat', '--json').stdout);
      assert.equal(prediction.candidates[0].word, '\\<s>');
      const after = JSON.parse(ok('predict', '--model', at('m.nwl'), '--context', 'the cat <s>', '--json').stdout);
      assert.deepEqual([after.candidates[0].word, after.candidates[0].count, after.matchedContextLength], ['sat', 1, 2]);
      // No bigram invented across them: a is followed by the literal </s>, not by b.
      const a = JSON.parse(ok('predict', '--model', at('m.nwl'), '--context', 'a', '--json').stdout);
      assert.equal(a.candidates[0].word, '\\</s>');
      // The ARPA export lists them as ordinary words (KenLM reads them as such) and reads back the same.
      ok('export-arpa', '--model', at('m.nwl'), '--out', at('m.arpa'));
      const arpa = readFileSync(at('m.arpa'), 'utf8');
      for (const word of ['\\<s>', '\\</s>', '\\<unk>']) assert.match(arpa, new RegExp(`\\t${word.replace(/[\\/]/g, '\\$&')}(\\t|$)`, 'm'), word);
      ok('import-arpa', '--arpa', at('m.arpa'), '--out', at('m.bin'));
      // Generation prints each word as written: the text reads back to the same words.
      const generated = ok('generate', '--model', at('m.nwl'), '--context', 'the cat', '--greedy', '-n', '2').stdout;
      assert.equal(generated, '<s> sat\n');
      // The words tokenizer splits them into ordinary symbols.
      ok('train', '--train', at('markers.txt'), '--out', at('m.nwl'));
    });

    it('prints every word with control characters escaped the same way in predict and generate', () => {
      write('escape.txt', 'title \u001b]0;PWNED\u0007 done\nthe bell\u0007rings\n');
      for (const args of [
        ['generate', '--train', at('escape.txt'), '--tokenizer', 'whitespace', '--context', 'title', '--greedy'],
        ['predict', '--train', at('escape.txt'), '--tokenizer', 'whitespace', '--context', 'title', '--top', 'all'],
        ['generate', '--train', at('escape.txt'), '--tokenizer', 'whitespace', '--context', 'the', '--greedy'],
      ]) {
        const result = ok(...args);
        assert.doesNotMatch(result.stdout + result.stderr, /[\u0000-\u0009\u000b-\u001f\u007f]/, args.join(' '));
        assert.match(result.stdout + result.stderr, /\\u001b\]0;PWNED\\u0007|bell\\u0007rings/);
      }
    });

    it("predict's drawn column is what generation draws: never <unk>, summing to 1", () => {
      const prediction = JSON.parse(ok('predict', '--train', at('train.txt'), '--context', 'the', '--top', 'all', '--temperature', '1', '--json').stdout);
      const unknown = prediction.candidates.find((candidate: { word: string }) => candidate.word === '<unk>');
      assert.ok(unknown.probability > 0, 'Kneser-Ney gives <unk> some probability');
      assert.equal(unknown.weight, 0);
      const total = prediction.candidates.reduce((sum: number, candidate: { weight: number }) => sum + candidate.weight, 0);
      assert.ok(Math.abs(total - 1) < 1e-12, `drawn sums to ${total}`);
    });

    it('a --context with a line break starts a new line: only its last line is the context', () => {
      const prediction = JSON.parse(ok('predict', '--train', at('train.txt'), '--context', 'the dog\nthe', '--json').stdout);
      assert.deepEqual(prediction.context, ['<s>', 'the']);
    });
  });
});
