// npm run verify:reference — checks the engine's Kneser-Ney against KenLM on the reference data
// beside the project (../shared/reference, or $NEXT_WORD_LAB_REFERENCE):
//   1. code-small, orders 3 and 5: every probe token's log10 p within 1e-6 of KenLM's `query`, the
//      same matched n-gram length and vocabulary status, the same discounts (as printed, 6
//      significant digits) and the same summary (perplexities, OOVs, tokens);
//   2. KenLM's own ARPA files for code-small, imported (src/core/arpa.ts): scoring the probe file
//      reproduces KenLM's per-token log10 p (within 1e-6), n-gram lengths and vocabulary status;
//   3. the command line's `score --json` (the built dist/cli.js, run as its contract line reads) on
//      code-small, orders 3 and 5: every token's word, log10 p (within 1e-6), n-gram length and
//      vocabulary status as KenLM's `query` printed them, sentence by sentence;
//   4. the full code corpus, orders 3 and 5: KenLM's n-gram counts, OOVs and perplexities (as the
//      reference README gives them, to 2 decimals).
// Prints what it compared and the largest deviation; exits 1 on any mismatch, 0 (with a message)
// when the reference data is not there.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { queryArpa } from '../src/core/arpa';
import { perplexityOf } from '../src/core/evaluation';
import { NgramModel } from '../src/core/model';

const TOLERANCE_LOG10 = 1e-6;
/** Discounts are printed with 6 significant digits. */
const DISCOUNT_RELATIVE = 5e-6;
/** Summary perplexities: KenLM sums float32 log10s, the engine doubles. */
const PERPLEXITY_RELATIVE = 1e-6;

/** KenLM on the full corpus, from the reference README (perplexities given to 2 decimals). */
const FULL_CORPUS = {
  3: { ngrams: [30320, 196984, 418484], perplexity: 11.32 },
  5: { ngrams: [30320, 196984, 418484, 609129, 726646], perplexity: 7.85 },
} as const;
const FULL_CORPUS_OOV = 2744;

interface Golden {
  readonly train_sha256: string;
  readonly probe_sha256: string;
  readonly discounts: { readonly order: number; readonly D1: number; readonly D2: number; readonly 'D3+': number }[];
  readonly summary: Record<'Perplexity including OOVs' | 'Perplexity excluding OOVs' | 'OOVs' | 'Tokens', number>;
  readonly lines: { readonly tokens: { readonly word: string; readonly in_vocab: boolean; readonly ngram_length: number; readonly log10_prob: number }[] }[];
}

const failures: string[] = [];

function check(ok: boolean, message: string): void {
  if (!ok) failures.push(message);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

function referenceDirectory(): string | undefined {
  const candidates = [process.env.NEXT_WORD_LAB_REFERENCE, path.resolve(__dirname, '..', '..', 'shared', 'reference')];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(path.join(candidate, 'kenlm-code-small-o3.json')));
}

function train(order: number, text: string): NgramModel {
  const model = new NgramModel({ order, tokenizer: 'whitespace' });
  model.addText(text);
  model.compact();
  return model;
}

function verifySmall(directory: string, order: 3 | 5): void {
  const golden = JSON.parse(readFileSync(path.join(directory, `kenlm-code-small-o${order}.json`), 'utf8')) as Golden;
  const trainText = readFileSync(path.join(directory, 'code-small.train.txt'), 'utf8');
  const probeText = readFileSync(path.join(directory, 'code-small.test.txt'), 'utf8');
  check(sha256(trainText) === golden.train_sha256, `code-small.train.txt is not the file KenLM was trained on`);
  check(sha256(probeText) === golden.probe_sha256, `code-small.test.txt is not the file KenLM scored`);
  const model = train(order, trainText);

  let maxDiscountDelta = 0;
  for (const expected of golden.discounts) {
    const d = model.discounts(expected.order);
    for (const [actual, printed, name] of [[d.d1, expected.D1, 'D1'], [d.d2, expected.D2, 'D2'], [d.d3, expected['D3+'], 'D3+']] as const) {
      const delta = relative(actual, printed);
      maxDiscountDelta = Math.max(maxDiscountDelta, delta);
      check(delta <= DISCOUNT_RELATIVE && !d.fallback, `order ${order}: ${expected.order}-gram ${name} = ${actual}, KenLM ${printed}`);
    }
  }

  const expected = golden.lines.flatMap((line) => line.tokens);
  let maxDelta = 0;
  let lengthMismatches = 0;
  const probe = model.encodeForScoring(probeText);
  const totals = model.scoreSentences(probe, (index, _word, log10Prob, ngramLength, inVocabulary) => {
    const token = expected[index];
    if (!token) return;
    const delta = Math.abs(log10Prob - token.log10_prob);
    maxDelta = Math.max(maxDelta, delta);
    check(delta <= TOLERANCE_LOG10, `order ${order}: token ${index} "${token.word}": log10 p ${log10Prob}, KenLM ${token.log10_prob}`);
    if (ngramLength !== token.ngram_length || inVocabulary !== token.in_vocab) {
      lengthMismatches++;
      check(false, `order ${order}: token ${index} "${token.word}": n-gram length ${ngramLength} (in vocabulary ${inVocabulary}), KenLM ${token.ngram_length} (${token.in_vocab})`);
    }
  });
  check(totals.tokens === expected.length, `order ${order}: scored ${totals.tokens} tokens, KenLM ${expected.length}`);
  const perplexity = perplexityOf(totals);
  const summary = golden.summary;
  check(totals.tokens === summary.Tokens && totals.oov === summary.OOVs, `order ${order}: ${totals.tokens} tokens / ${totals.oov} OOVs, KenLM ${summary.Tokens} / ${summary.OOVs}`);
  const pplDelta = Math.max(
    relative(perplexity.perplexity, summary['Perplexity including OOVs']),
    relative(perplexity.perplexityExcludingOov, summary['Perplexity excluding OOVs']),
  );
  check(pplDelta <= PERPLEXITY_RELATIVE, `order ${order}: perplexity ${perplexity.perplexity} / ${perplexity.perplexityExcludingOov} excluding OOVs, KenLM ${summary['Perplexity including OOVs']} / ${summary['Perplexity excluding OOVs']}`);
  console.log(
    `code-small order ${order}: ${expected.length} tokens, max |Δ log10 p| = ${maxDelta.toExponential(2)} (≤ ${TOLERANCE_LOG10.toExponential(0)}), ` +
      `n-gram length mismatches ${lengthMismatches}, max discount Δ ${maxDiscountDelta.toExponential(2)} (relative), ` +
      `perplexity ${perplexity.perplexity.toFixed(6)} vs ${summary['Perplexity including OOVs'].toFixed(6)}, ` +
      `excluding OOVs ${perplexity.perplexityExcludingOov.toFixed(6)} vs ${summary['Perplexity excluding OOVs'].toFixed(6)}`,
  );
}

function verifyImportedArpa(directory: string, order: 3 | 5): void {
  const golden = JSON.parse(readFileSync(path.join(directory, `kenlm-code-small-o${order}.json`), 'utf8')) as Golden;
  const probeText = readFileSync(path.join(directory, 'code-small.test.txt'), 'utf8');
  const result = queryArpa(unpack(path.join(directory, `kenlm-code-small-o${order}.arpa.xz`)), probeText);
  const expected = golden.lines.flatMap((line) => line.tokens);
  const actual = (result.sentences ?? []).flat();
  check(actual.length === expected.length, `imported ARPA order ${order}: scored ${actual.length} tokens, KenLM ${expected.length}`);
  let maxDelta = 0;
  actual.forEach((token, index) => {
    const want = expected[index];
    if (!want) return;
    const delta = Math.abs(token.log10Prob - want.log10_prob);
    maxDelta = Math.max(maxDelta, delta);
    check(delta <= TOLERANCE_LOG10, `imported ARPA order ${order}: token ${index} "${want.word}": log10 p ${token.log10Prob}, KenLM ${want.log10_prob}`);
    check(
      token.word === want.word && token.ngramLength === want.ngram_length && token.inVocabulary === want.in_vocab,
      `imported ARPA order ${order}: token ${index} "${token.word}" n-gram length ${token.ngramLength} (in vocabulary ${token.inVocabulary}), KenLM "${want.word}" ${want.ngram_length} (${want.in_vocab})`,
    );
  });
  console.log(`imported KenLM ARPA order ${order}: ${actual.length} tokens, max |Δ log10 p| = ${maxDelta.toExponential(2)}, perplexity ${result.perplexity.perplexity.toFixed(6)} vs ${golden.summary['Perplexity including OOVs'].toFixed(6)}`);
}

interface ScoreJson {
  readonly sentences: { readonly word: string; readonly log10Prob: number; readonly ngramLength: number; readonly inVocabulary: boolean }[][];
  readonly perplexity: number;
  readonly tokens: number;
  readonly oov: number;
}

function verifyScoreCommand(directory: string, order: 3 | 5): void {
  const golden = JSON.parse(readFileSync(path.join(directory, `kenlm-code-small-o${order}.json`), 'utf8')) as Golden;
  const cli = path.join(__dirname, 'cli.js');
  const args = ['score', '--train', path.join(directory, 'code-small.train.txt'), '--test', path.join(directory, 'code-small.test.txt')];
  const output = execFileSync(process.execPath, [cli, ...args, '--order', String(order), '--smoothing', 'kneser-ney', '--tokenizer', 'whitespace', '--json'], {
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
  const result = JSON.parse(output) as ScoreJson;
  const label = `score --json order ${order}`;
  check(result.sentences.length === golden.lines.length, `${label}: ${result.sentences.length} sentences, KenLM ${golden.lines.length} lines`);
  let maxDelta = 0;
  let tokens = 0;
  golden.lines.forEach((line, sentence) => {
    const actual = result.sentences[sentence] ?? [];
    check(actual.length === line.tokens.length, `${label}: sentence ${sentence} has ${actual.length} tokens, KenLM ${line.tokens.length}`);
    line.tokens.forEach((want, index) => {
      const token = actual[index];
      if (!token) return;
      tokens++;
      const delta = Math.abs(token.log10Prob - want.log10_prob);
      maxDelta = Math.max(maxDelta, delta);
      check(delta <= TOLERANCE_LOG10, `${label}: sentence ${sentence} token ${index} "${want.word}": log10 p ${token.log10Prob}, KenLM ${want.log10_prob}`);
      check(
        token.word === want.word && token.ngramLength === want.ngram_length && token.inVocabulary === want.in_vocab,
        `${label}: sentence ${sentence} token ${index} "${token.word}" n-gram length ${token.ngramLength} (in vocabulary ${token.inVocabulary}), KenLM "${want.word}" ${want.ngram_length} (${want.in_vocab})`,
      );
    });
  });
  const summary = golden.summary;
  check(result.tokens === summary.Tokens && result.oov === summary.OOVs, `${label}: ${result.tokens} tokens / ${result.oov} OOVs, KenLM ${summary.Tokens} / ${summary.OOVs}`);
  check(relative(result.perplexity, summary['Perplexity including OOVs']) <= PERPLEXITY_RELATIVE, `${label}: perplexity ${result.perplexity}, KenLM ${summary['Perplexity including OOVs']}`);
  console.log(`${label} (dist/cli.js): ${golden.lines.length} sentences, ${tokens} tokens, max |Δ log10 p| = ${maxDelta.toExponential(2)}, perplexity ${result.perplexity.toFixed(6)} vs ${summary['Perplexity including OOVs'].toFixed(6)}`);
}

function unpack(file: string): string {
  return execFileSync('xz', ['-dkc', file], { maxBuffer: 1 << 30 }).toString('utf8');
}

function verifyFull(directory: string): void {
  const trainFile = path.join(directory, 'code.train.txt.xz');
  const testFile = path.join(directory, 'code.test.txt.xz');
  if (!existsSync(trainFile) || !existsSync(testFile)) {
    console.log('full corpus: code.train/test.txt.xz not found, skipped');
    return;
  }
  const sums = new Map(
    readFileSync(path.join(directory, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).reverse() as [string, string]),
  );
  const trainText = unpack(trainFile);
  const testText = unpack(testFile);
  check(sha256(trainText) === sums.get('code.train.txt'), 'code.train.txt does not match SHA256SUMS');
  check(sha256(testText) === sums.get('code.test.txt'), 'code.test.txt does not match SHA256SUMS');
  for (const order of [3, 5] as const) {
    const model = train(order, trainText);
    const expected = FULL_CORPUS[order];
    // KenLM's unigram count includes <unk>, which the engine's n-gram counts (non-zero counts) do not.
    const ngrams = model.stats().ngrams.map((count, i) => (i === 0 ? count + 1 : count));
    check(ngrams.join() === expected.ngrams.join(), `full corpus order ${order}: n-grams ${ngrams.join(' / ')}, KenLM ${expected.ngrams.join(' / ')}`);
    const perplexity = perplexityOf(model.scoreSentences(model.encodeForScoring(testText)));
    check(Number(perplexity.perplexity.toFixed(2)) === expected.perplexity, `full corpus order ${order}: perplexity ${perplexity.perplexity}, KenLM ${expected.perplexity}`);
    check(perplexity.oov === FULL_CORPUS_OOV, `full corpus order ${order}: ${perplexity.oov} OOVs, KenLM ${FULL_CORPUS_OOV}`);
    console.log(
      `full corpus order ${order}: n-grams ${ngrams.map((n) => n.toLocaleString('en-US')).join(' / ')}, ` +
        `perplexity ${perplexity.perplexity.toFixed(4)} (KenLM ${expected.perplexity}), ${perplexity.oov} OOVs of ${perplexity.tokens} tokens`,
    );
  }
}

function main(): void {
  const directory = referenceDirectory();
  if (!directory) {
    console.log('verify:reference: no reference data (../shared/reference or $NEXT_WORD_LAB_REFERENCE); skipped.');
    return;
  }
  console.log(`reference data: ${directory}`);
  verifySmall(directory, 3);
  verifySmall(directory, 5);
  verifyImportedArpa(directory, 3);
  verifyImportedArpa(directory, 5);
  verifyScoreCommand(directory, 3);
  verifyScoreCommand(directory, 5);
  verifyFull(directory);
  if (failures.length > 0) {
    console.error(`\n${failures.length} mismatch(es) with KenLM:`);
    for (const failure of failures.slice(0, 20)) console.error(`  ${failure}`);
    process.exitCode = 1;
  } else {
    console.log('\nall checks agree with KenLM');
  }
}

main();
