// Each bug the fuzz targets and the soak found, pinned down as a plain example so it stays fixed even
// when a random run does not happen to reach it again.

import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ArpaModel, readArpa, writeArpa } from '../../../src/core/arpa';
import { ADJUSTED } from '../../../src/core/orderTable';
import { NgramModel } from '../../../src/core/model';
import { crc32, readSnapshot, writeSnapshot } from '../../../src/core/snapshot';
import { UNK } from '../../../src/core/vocabulary';
import { normalizeSettings } from '../../../src/protocol/settings';
import { PathFilter } from '../../../src/files/fileFilter';

const ADD_K = 0.25;

function trainedModel(estimator: 'kneser-ney' | 'add-k' = 'kneser-ney'): NgramModel {
  const model = new NgramModel({ order: 3, estimator: { name: estimator, addK: ADD_K }, tokenizer: 'whitespace' });
  model.addText('the sky is blue\nthe sky is cloudy\nthe model is the model');
  return model;
}

/** The CRC-32 both binary formats keep at byte 12, recomputed after an edit. */
function resigned(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(12, crc32(bytes.subarray(16)), true);
  return bytes;
}

/** Offsets of the 8-byte little-endian float `value` in `bytes`. */
function offsetsOfFloat(bytes: Uint8Array, value: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const found: number[] = [];
  for (let at = 16; at + 8 <= bytes.length; at += 8) if (view.getFloat64(at, true) === value) found.push(at);
  return found;
}

const rules = { include: ['**/*.txt'], exclude: [], filesExclude: {}, searchExclude: {}, maxFileSizeKB: 1024 };

describe('fuzzing regressions', () => {
  it('ARPA: a header announcing 10^11 n-grams is a clear error, not a RangeError or a huge allocation', () => {
    assert.throws(() => readArpa('\\data\\\nngram 1=99999999999\n\n\\1-grams:\n-1\t<s>\n'), (error: Error) => {
      assert.equal(error.constructor, Error);
      assert.match(error.message, /^ARPA line \d+: the file ends after 1 of the 99999999999 1-grams/);
      return true;
    });
  });

  it('ARPA: an infinite back-off is refused; an extreme finite one makes a distribution sum past 1 and is refused too; an underflowing probability gives no NaN', () => {
    const text = writeArpa(trainedModel());
    assert.throws(() => readArpa(text.replace(/^(-[\d.]+\tthe\t)[-\d.]+$/m, '$11e400')), /log10 back-off 1e400 is infinite/);
    // 10^-324 underflows and 10^309 overflows: multiplied in linear space they were 0 · ∞ = NaN.
    const extreme = text.replace(/^[-\d.]+(\t<\/s>)/m, '-324$1').replace(/^([-\d.]+\t<unk>)\t[-\d.]+$/m, '$1\t309').replace(/^([-\d.]+\t<unk>)$/m, '$1\t309');
    assert.ok(extreme.includes('-324\t</s>') && extreme.includes('<unk>\t309'), extreme);
    assert.throws(() => readArpa(extreme), /^Error: ARPA line \d+: the distribution after "<unk>" sums to Infinity, more than 1/);
    const model = readArpa(text.replace(/^[-\d.]+(\t<\/s>)/m, '-324$1'));
    const { probabilities } = model.distribution(['never', 'seen']);
    assert.ok(probabilities.every((p) => !Number.isNaN(p)), String(probabilities));
    assert.equal(probabilities[model.vocabulary.idOf('</s>')], 10 ** model.score(['never', 'seen'], '</s>').log10Prob);
  });

  it('back-off bytes: a NaN probability behind a forged checksum is refused', () => {
    const model = readArpa(writeArpa(trainedModel()));
    const bytes = model.toBytes();
    const the = model.score(['<s>', 'x'], 'the');
    const [at] = offsetsOfFloat(bytes, the.log10Prob);
    assert.ok(at !== undefined, 'found the unigram probability of "the"');
    new DataView(bytes.buffer).setFloat64(at, NaN, true);
    assert.throws(() => ArpaModel.fromBytes(resigned(bytes)), /^Error: not a readable back-off model: a 1-gram has log10 probability NaN/);
  });

  it('snapshot: a continuation count on the uncounted <unk> is refused (it loaded, and the distribution summed to 1.015)', () => {
    const model = trainedModel();
    const unigrams = model.tables.tables[0];
    unigrams.data[UNK * unigrams.stride + ADJUSTED] = 1;
    assert.throws(() => readSnapshot(writeSnapshot(model)), /snapshot table 1: uncounted word 0 has statistics/);
  });

  it('snapshot: an add-k of 0 is a snapshot error, not the estimator’s', () => {
    const bytes = writeSnapshot(trainedModel('add-k'));
    const [at] = offsetsOfFloat(bytes, ADD_K);
    assert.ok(at !== undefined, `found k = ${ADD_K}`);
    new DataView(bytes.buffer).setFloat64(at, 0, true);
    assert.throws(() => readSnapshot(resigned(bytes)), /^Error: snapshot has an invalid add-k 0/);
  });

  it('settings: NaN and Infinity are reported as given, and maxFileSizeKB is a whole number', () => {
    const { settings, problems } = normalizeSettings({ temperature: NaN, topP: Infinity, maxFileSizeKB: 1.5 });
    assert.deepEqual(problems, [
      'nextWordLab.temperature = NaN is out of range; using 0.7.',
      'nextWordLab.topP = Infinity is out of range; using 1.',
    ]);
    assert.equal(settings.maxFileSizeKB, 2);
  });

  it('file rules: a glob minimatch refuses matches nothing; a numeric brace range compiles fast', () => {
    const tooLong = new PathFilter({ ...rules, exclude: ['x'.repeat(70_000)], filesExclude: { ['y'.repeat(70_000)]: true } });
    assert.equal(tooLong.checkFile('notes/a.txt', new Set()), undefined);
    const started = performance.now();
    const ranged = new PathFilter({ ...rules, exclude: ['**/{1..100000}.txt'] });
    assert.deepEqual(ranged.checkFile('notes/7.txt', new Set()), { reason: 'excluded', detail: 'matches **/{1..100000}.txt' });
    assert.ok(performance.now() - started < 500, `${performance.now() - started} ms`);
  });
});
