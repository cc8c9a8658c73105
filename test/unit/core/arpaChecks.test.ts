// ARPA files whose numbers cannot be probabilities are refused, naming the line: a distribution that
// sums to more than 1 (a back-off weight of 10^300), text after \end\, bytes that are not UTF-8.
// Files written by the engine, by hand within the rules, and their binary form still load.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArpaModel, readArpa, writeArpa } from '../../../src/core/arpa';
import { NgramModel } from '../../../src/core/model';
import { crc32 } from '../../../src/core/snapshot';

const tiny = readFileSync(path.join(__dirname, '../../fixtures/cli/tiny-bigram.arpa'), 'utf8');
const kenlmTrain = readFileSync(path.join(__dirname, '../../fixtures/core/kenlm/code-small.train.txt'), 'utf8');

describe('ARPA: only possible numbers', () => {
  it('refuses a back-off weight that makes a distribution sum past 1, naming its line', () => {
    assert.throws(() => readArpa(tiny.replace('-0.7\tb\t-0.7', '-0.7\tb\t300')), {
      message: /^ARPA line 10: the distribution after "b" sums to \d\.\d+e\+299, more than 1: not a probability model$/,
    });
    // Listed probabilities alone can pass 1 too.
    assert.throws(() => readArpa(tiny.replace('-1.0\tb </s>', '-0.01\tb </s>')), { message: /^ARPA line 10: the distribution after "b" sums to 1\.\d+, more than 1/ });
    // And the unigrams.
    assert.throws(() => readArpa(tiny.replace('-0.6\ta\t-0.3', '-0.01\ta\t-0.3')), { message: /^ARPA line \d+: the unigram distribution sums to 1\.\d+, more than 1/ });
  });

  it('refuses the same in the binary form', () => {
    const bytes = readArpa(tiny).toBytes();
    assert.ok(ArpaModel.fromBytes(bytes));
    // b's back-off (log10 −0.7) is the last −0.7 written: set it to 300 and seal the checksum again.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = -1;
    for (let offset = 16; offset + 8 <= bytes.length; offset += 8) if (view.getFloat64(offset, true) === -0.7) at = offset;
    assert.ok(at > 0);
    view.setFloat64(at, 300, true);
    view.setUint32(12, crc32(bytes.subarray(16)), true);
    assert.throws(() => ArpaModel.fromBytes(bytes), { message: /^not a readable back-off model: the distribution after "b" sums to \d\.\d+e\+299, more than 1$/ });
  });

  it('refuses text after \\end\\, naming its line; blank lines are fine', () => {
    assert.ok(readArpa(`${tiny}\n\n`));
    assert.throws(() => readArpa(`${tiny}\\2-grams:\n`), { message: /^ARPA line 19: text after "\\end\\": "\\2-grams:"$/ });
    assert.throws(() => readArpa(`${tiny}\nmore\n`), { message: /^ARPA line 20: text after "\\end\\": "more"$/ });
  });

  it('refuses bytes that are not UTF-8, naming their line, instead of reading them as U+FFFD', () => {
    const bytes = Buffer.from(tiny.replace('-0.6\ta\t-0.3', '-0.6\ta\u0000\t-0.3'));
    bytes[bytes.indexOf(0)] = 0xff;
    assert.throws(() => readArpa(bytes), { message: /^ARPA line 9: the bytes are not valid UTF-8$/ });
    assert.deepEqual(readArpa(Buffer.from(tiny)).parts(), readArpa(tiny).parts());
  });

  it('reads the bytes of a file a chunk at a time, as the text, with a byte order mark and Windows line ends', () => {
    const model = new NgramModel({ order: 3, estimator: { name: 'kneser-ney' }, tokenizer: 'whitespace' });
    model.addText(Array.from({ length: 3000 }, (_, i) => `w${i % 97} x${i % 89} y${i % 83}`).join('\n'));
    const text = writeArpa(model);
    const fromText = readArpa(text).parts();
    assert.deepEqual(readArpa(Buffer.from(`\uFEFF${text}`)).parts(), fromText);
    assert.deepEqual(readArpa(Buffer.from(text.replace(/\n/g, '\r\n'))).parts(), fromText);
  });

  it('loads what the engine writes, at every order, for Kneser-Ney and maximum likelihood', () => {
    for (const name of ['kneser-ney', 'mle'] as const) {
      for (const order of [1, 2, 3, 5]) {
        const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
        model.addText(kenlmTrain);
        const imported = readArpa(writeArpa(model));
        assert.equal(imported.impossibleDistribution(), undefined, `${name} order ${order}`);
      }
    }
  });
});
