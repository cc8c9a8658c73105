// The tokenizer's section of `npm run bench`: both paths of the `words` tokenizer — the ASCII fast
// path that source code takes, and the Unicode path (NFC, Intl.Segmenter for unspaced scripts,
// grapheme clusters) that other text takes — beside `whitespace`, and training an order-3 model with
// `words` on the same corpus, against the engine's training floor.

import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NgramModel } from '../src/core/model';
import { scanTextRanges, normalizeForTokenizer } from '../src/core/tokenizer';
import type { TokenizerName } from '../src/core/types';
import { CORE_TARGETS, type CoreCorpus } from './core';
import { bestAndMedian, type BestAndMedian } from './percentiles';

/** Chinese, Japanese, Thai, Korean, Cyrillic, Greek, Arabic, Hebrew, Devanagari, emoji, NFD accents. */
const MULTISCRIPT_FIXTURE = path.resolve(__dirname, '../test/fixtures/core/multiscript.txt');
/** The multi-script text is repeated to this size, so that its timing is not noise. */
const MULTISCRIPT_BYTES = 4 << 20;

export interface TokenizeResult {
  readonly text: string;
  readonly tokenizer: TokenizerName;
  readonly megabytes: number;
  readonly tokens: number;
  readonly tokensPerSecond: BestAndMedian;
  readonly megabytesPerSecond: BestAndMedian;
}

export interface TokenizerBenchResult {
  readonly corpus: string;
  readonly tokenize: readonly TokenizeResult[];
  /** Order 3, `words`, text in → compacted model. */
  readonly trainWords: { readonly tokens: number; readonly tokensPerSecond: BestAndMedian };
  readonly trainFloor: number;
}

function tokenizeRuns(name: string, text: string, tokenizer: TokenizerName, runs: number): TokenizeResult {
  const tokensPerSecond: number[] = [];
  const megabytesPerSecond: number[] = [];
  let tokens = 0;
  for (let run = 0; run < runs; run++) {
    tokens = 0;
    const start = performance.now();
    const normalized = normalizeForTokenizer(tokenizer, text);
    scanTextRanges(tokenizer, normalized, { range: () => void tokens++, endSentence: () => undefined });
    const seconds = (performance.now() - start) / 1000;
    tokensPerSecond.push(tokens / seconds);
    megabytesPerSecond.push(text.length / 1e6 / seconds);
  }
  return { text: name, tokenizer, megabytes: text.length / 1e6, tokens, tokensPerSecond: bestAndMedian(tokensPerSecond, 'highest'), megabytesPerSecond: bestAndMedian(megabytesPerSecond, 'highest') };
}

export function runTokenizerBench(corpus: CoreCorpus, runs: number): TokenizerBenchResult {
  const sample = fs.readFileSync(MULTISCRIPT_FIXTURE, 'utf8');
  const multiscript = sample.repeat(Math.ceil(MULTISCRIPT_BYTES / sample.length));
  const tokenize = [
    tokenizeRuns(corpus.name, corpus.train, 'whitespace', runs),
    tokenizeRuns(corpus.name, corpus.train, 'words', runs),
    tokenizeRuns('multi-script text (test/fixtures/core/multiscript.txt, repeated)', multiscript, 'words', runs),
  ];
  const trainRates: number[] = [];
  let tokens = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const model = new NgramModel({ order: 3, tokenizer: 'words' });
    model.addSentences(model.encodeText(corpus.train));
    model.compact();
    tokens = model.stats().tokens;
    trainRates.push(tokens / ((performance.now() - start) / 1000));
  }
  return { corpus: corpus.name, tokenize, trainWords: { tokens, tokensPerSecond: bestAndMedian(trainRates, 'highest') }, trainFloor: CORE_TARGETS.trainTokensPerSecond };
}

const millions = (value: number): string => `${(value / 1e6).toFixed(2)} M`;

export function tokenizerMarkdown(result: TokenizerBenchResult): string[] {
  return [
    'Tokenizing only (normalising included), best · median of the runs. The reference corpus is ASCII, so `words` takes its fast path there; the multi-script text takes the Unicode path on nearly every token.',
    '',
    '| text | tokenizer | MB | tokens | tokens/s | MB/s |',
    '|---|---|--:|--:|--:|--:|',
    ...result.tokenize.map(
      (row) =>
        `| ${row.text} | \`${row.tokenizer}\` | ${row.megabytes.toFixed(1)} | ${row.tokens.toLocaleString('en-US')} | ${millions(row.tokensPerSecond.best)} · ${millions(row.tokensPerSecond.median)} | ${row.megabytesPerSecond.best.toFixed(1)} · ${row.megabytesPerSecond.median.toFixed(1)} |`,
    ),
    '',
    `Training order 3 with \`words\` on the reference corpus (${result.trainWords.tokens.toLocaleString('en-US')} tokens, text in → compacted model): ${millions(result.trainWords.tokensPerSecond.best)} · ${millions(result.trainWords.tokensPerSecond.median)} tokens/s (floor ≥ ${millions(result.trainFloor)}).`,
  ];
}

export function tokenizerSummary(result: TokenizerBenchResult): string[] {
  return [
    ...result.tokenize.map((row) => `tokenize ${row.tokenizer} on ${row.text.split(' (')[0]}: ${millions(row.tokensPerSecond.best)} tokens/s, ${row.megabytesPerSecond.best.toFixed(1)} MB/s`),
    `train order 3 words: ${millions(result.trainWords.tokensPerSecond.best)} tokens/s (floor ${millions(result.trainFloor)})`,
  ];
}
