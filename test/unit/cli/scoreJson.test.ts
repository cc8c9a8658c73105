// `score --json`'s document, written in pieces from the scored arrays, against the object it stands
// for printed by `Io.json` (JSON.stringify): the same text, character for character.

import { strict as assert } from 'node:assert';
import { jsonText } from '../../../src/cli/command';
import { scoreJsonPieces, type ScoreReport } from '../../../src/cli/commands/score';
import { scoreText, sentenceScores } from '../../../src/core/evaluation';
import { NgramModel } from '../../../src/core/model';
import { tokenizeText } from '../../../src/core/tokenizer';
import type { EstimatorOptions, TokenizerName } from '../../../src/core/types';

function reportOn(train: string, test: string, tokenizer: TokenizerName, estimator: EstimatorOptions): ScoreReport {
  const model = new NgramModel({ order: 3, estimator, tokenizer });
  model.addText(train);
  const scored = scoreText(model, test);
  const totals = { ...scored.perplexity, trainSeconds: 0.25, evalSeconds: 0.125, modelBytes: model.byteLength(), order: 3, source: 'ngram' as const, isProbability: true, scoreSeconds: 0.125 };
  return { scored, totals };
}

/** What `score --json` printed before it was written in pieces: the report as objects, through `Io.json`. */
function asObjects(report: ScoreReport): string {
  const sentences = Array.from(report.scored.sentenceEnds, (_end, sentence) => sentenceScores(report.scored, sentence));
  return `${jsonText({ sentences, ...report.totals })}\n`;
}

/** The pieces as one text. */
function written(report: ScoreReport): string {
  return Buffer.concat([...scoreJsonPieces(report)]).toString('utf8');
}

describe('score --json document', () => {
  const train = 'a "quoted" b\nc:\\path\\ d\ncafé → 42 €\n<s> x </s>\n';
  const test = 'a "quoted" zz\n\n  c:\\path\\ d\tcafé 😀 \\<unk>\n<s> </s> <unk>\na\n';

  it('is the text JSON.stringify gives for the report as objects (OOV words, escapes, markers, Unicode)', () => {
    for (const tokenizer of ['whitespace', 'words'] as const) {
      const report = reportOn(train, test, tokenizer, { name: 'kneser-ney' });
      const text = written(report);
      assert.equal(text, asObjects(report));
      const parsed = JSON.parse(text) as { sentences: { word: string }[][] };
      // The words as the tokenizer reads them, then </s>, line by line.
      assert.deepEqual(
        parsed.sentences.map((sentence) => sentence.map((token) => token.word)),
        tokenizeText(tokenizer, test).map((line) => [...line, '</s>']),
      );
    }
  });

  it('prints a log10 probability of −∞ (maximum likelihood on an unseen n-gram) as Io.json does', () => {
    const report = reportOn('a b\n', 'b a\nzz\n', 'whitespace', { name: 'mle' });
    assert.ok(report.scored.log10Probs.includes(-Infinity));
    const text = written(report);
    assert.equal(text, asObjects(report));
    assert.match(text, /"log10Prob": "-Infinity"/);
  });

  it('cuts a long report into pieces that join to the same document', () => {
    const lines = Array.from({ length: 8_000 }, (_, i) => `a b c${i % 7}`).join('\n');
    const report = reportOn(lines, lines, 'whitespace', { name: 'kneser-ney' });
    const pieces = [...scoreJsonPieces(report)];
    assert.ok(pieces.length > 1, `${pieces.length} pieces`);
    assert.equal(Buffer.concat(pieces).toString('utf8'), asObjects(report));
  });
});
