import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import zlib from 'node:zlib';
import { NgramModel } from '../../../src/core/model';
import { crc32, frame, INDEX_FORMAT_VERSION, readSnapshot, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, readSnapshotFrom, writeSnapshot, writeSnapshotInSteps, writeSnapshotTo, type ByteSource, type Snapshot, type SnapshotDocument } from '../../../src/core/snapshot';
import { TokenIndex } from '../../../src/core/tokenIndex';
import { ESTIMATOR_NAMES } from '../../../src/core/types';
import { formatFiveBody, formatSixSnapshot, olderSnapshotBody, statistics } from './helpers';


const WORDS = ['a', 'b', 'c', 'ü', '→', 'word_with_underscore'];
const documentArb = fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });

/** A model of `order` over some documents, and the documents as the server would keep them. */
function sample(order = 3): { model: NgramModel; documents: SnapshotDocument[] } {
  const model = new NgramModel({ order, estimator: { name: 'add-k', addK: 0.25 }, tokenizer: 'words' });
  const documents = ['const x = f(a, b);\nreturn x;', 'naïve café → 42€\n\nconst y = x;'].map((text, i) => ({
    key: `/work/file${i}.ts`,
    size: text.length,
    mtimeMs: 1700000000000.5 + i,
    withheld: i === 0 ? '2 lines withheld: AWS key, password' : '',
    encoded: model.addText(text),
  }));
  return { model, documents };
}

/** The body re-signed after `mutate`, so only the content checks can catch the change. */
function resigned(bytes: Uint8Array, mutate: (body: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  const body = copy.subarray(16);
  mutate(body);
  new DataView(copy.buffer).setUint32(12, crc32(body), true);
  return copy;
}

describe('snapshot', () => {
  it("computes CRC-32 as zlib does, in one piece or continued (so the server may use zlib's native one)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        assert.equal(crc32(bytes), zlib.crc32(bytes));
        assert.equal(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at))), zlib.crc32(bytes));
        assert.equal(zlib.crc32(bytes.subarray(at), zlib.crc32(bytes.subarray(0, at))), crc32(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips the model exactly: options, vocabulary, every statistic, answers and documents', () => {
    fc.assert(
      fc.property(fc.array(documentArb, { maxLength: 4 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom(...ESTIMATOR_NAMES), fc.boolean(), (texts, order, name, compact) => {
        const model = new NgramModel({ order, estimator: { name }, tokenizer: 'whitespace' });
        const documents = texts.map((sentences, i) => ({
          key: `doc${i}`,
          size: i,
          mtimeMs: i * 1.5,
          withheld: i % 2 === 0 ? '' : `${i} lines withheld: private key`,
          encoded: model.addText(sentences.map((s) => s.join(' ')).join('\n')),
        }));
        if (compact) model.compact();
        const loaded = readSnapshot(writeSnapshot(model, documents));
        assert.deepEqual([loaded.model.order, loaded.model.estimator, loaded.model.tokenizer], [order, { name }, 'whitespace']);
        assert.deepEqual(loaded.model.vocabulary.allWords(), model.vocabulary.allWords());
        assert.deepEqual(statistics(loaded.model), statistics(model));
        assert.deepEqual(loaded.model.distribution(['<s>', 'a']), model.distribution(['<s>', 'a']));
        assert.deepEqual(loaded.documents, documents);
        // The loaded model keeps learning and forgetting exactly.
        for (const document of loaded.documents) loaded.model.removeSentences(document.encoded);
        assert.deepEqual(statistics(loaded.model), statistics(new NgramModel({ order, tokenizer: 'whitespace' })));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps add-k’s k, the words tokenizer and Unicode words', () => {
    const { model, documents } = sample();
    const loaded = readSnapshot(writeSnapshot(model, documents));
    assert.deepEqual(loaded.model.estimator, { name: 'add-k', addK: 0.25 });
    assert.equal(loaded.model.tokenizer, 'words');
    assert.ok(loaded.model.vocabulary.has('naïve') && loaded.model.vocabulary.has('€'));
    assert.deepEqual(loaded.model.candidates(['<s>', 'const'], 5), model.candidates(['<s>', 'const'], 5));
  });

  it('reads from a buffer at any byte offset', () => {
    const { model, documents } = sample();
    const bytes = writeSnapshot(model, documents);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    assert.deepEqual(statistics(readSnapshot(shifted.subarray(3)).model), statistics(model));
  });

  it('adopts the bytes when told: the tables are views of them where aligned, the model the same as a copy', () => {
    const { model, documents } = sample();
    model.compact();
    const bytes = writeSnapshot(model, documents);
    let checksums = 0;
    const checksum = (part: Uint8Array, previous: number): number => {
      checksums++;
      return zlib.crc32(part, previous);
    };
    for (const offset of [0, 4, 3]) {
      const shifted = new Uint8Array(bytes.length + offset);
      shifted.set(bytes, offset);
      const input = shifted.subarray(offset);
      const adopted = readSnapshot(input, { checksum, adopt: true });
      const copied = readSnapshot(bytes);
      assert.deepEqual(statistics(adopted.model), statistics(copied.model));
      assert.deepEqual(adopted.documents, copied.documents);
      assert.deepEqual(adopted.model.candidates(['<s>', 'const'], 5), copied.model.candidates(['<s>', 'const'], 5));
      const records = adopted.model.tables.tables[1].exportState().data;
      assert.equal(records.buffer === shifted.buffer, offset % 4 === 0, `offset ${offset}`);
      // Learning goes on as on a copy (and writes into the adopted bytes, as the option says).
      adopted.model.addText('const z = 1;');
      copied.model.addText('const z = 1;');
      assert.deepEqual(statistics(adopted.model), statistics(copied.model));
    }
    assert.equal(checksums, 3);
    assert.throws(() => readSnapshot(resigned(bytes, (body) => (body[40] ^= 1)), { adopt: true, checksum: () => 0 }), /checksum does not match/);
  });

  describe('the token index inside it', () => {
    /** A workspace's model, documents and index: one document in the merged base, one replaced since, one fresh, one not counted. */
    function indexed(): { model: NgramModel; documents: SnapshotDocument[]; index: TokenIndex } {
      const { model, documents } = sample();
      const index = new TokenIndex();
      for (const document of documents) index.set(document.key, document.encoded);
      index.set('/work/uncounted.ts', model.encodeText('const x = y;'));
      index.merge();
      const edited = { ...documents[1], encoded: model.encodeText('naïve café → 42€\nconst x = f(a, b);') };
      index.set(edited.key, edited.encoded);
      const added = { key: '/work/new.ts', size: 3, mtimeMs: 1, withheld: '', encoded: model.encodeText('return x;') };
      index.set(added.key, added.encoded);
      return { model, documents: [documents[0], edited, added], index };
    }

    /** Where some patterns occur (`<s>`/`</s>` are ids 1 and 2, as the vocabulary gives them). */
    const queries = (model: NgramModel, index: TokenIndex): unknown[] =>
      [['const', 'x'], ['x', ';', '</s>', 'return'], ['<s>', 'naïve'], ['café'], ['y']].map((words) => index.occurrences(words.map((word) => model.vocabulary.idOf(word)), 50));

    it('round-trips: the same answers, the saved documents only, nothing rebuilt', () => {
      const { model, documents, index } = indexed();
      const loaded = readSnapshot(writeSnapshot(model, documents, index));
      assert.equal(loaded.indexProblem, undefined);
      const restored = loaded.index as TokenIndex;
      // The document the snapshot does not list (not counted when it was saved) is left out.
      index.delete('/work/uncounted.ts');
      assert.deepEqual([...restored.keys()].sort(), documents.map((document) => document.key).sort());
      assert.deepEqual(restored.stats(), index.stats());
      assert.deepEqual(queries(model, restored), queries(model, index));
      assert.deepEqual(restored.longestMatch(model.encodeText('const x = f(a,').subarray(0, -1)), index.longestMatch(model.encodeText('const x = f(a,').subarray(0, -1)));
    });

    it("holds the documents' sentences once, in the index: the snapshot is smaller by them, and they read back as saved, from a 16- or 32-bit stream", () => {
      const { model, documents, index } = indexed();
      const sentenceBytes = documents.reduce((total, document) => total + 4 + document.encoded.byteLength, 0);
      const beside = frame(SNAPSHOT_MAGIC, 5, formatFiveBody(model, documents, index));
      const once = writeSnapshot(model, documents, index);
      // Less format 7's segment count.
      assert.equal(beside.length - once.length, sentenceBytes - 4 - 4);
      const loaded = readSnapshot(once);
      assert.deepEqual(loaded.documents.map((document) => Array.from(document.encoded)), documents.map((document) => Array.from(document.encoded)));
      assert.ok((loaded.index?.exportState().segments[0].stream ?? new Int32Array(0)) instanceof Uint16Array);
      // A vocabulary past 65,536 words: the index's stream stays 32-bit, and the documents read off it as views.
      const large = new NgramModel({ order: 2, tokenizer: 'whitespace' });
      large.addText(Array.from({ length: 70_000 }, (_, i) => `w${i}`).join(' '));
      const text = 'w69999 w3 w69998\nw5 w69999';
      const wide = [{ key: '/work/wide.ts', size: 1, mtimeMs: 1, withheld: '', encoded: large.addText(text) }];
      const wideIndex = new TokenIndex();
      wideIndex.set(wide[0].key, wide[0].encoded);
      wideIndex.merge();
      const wideLoaded = readSnapshot(writeSnapshot(large, wide, wideIndex));
      const stream = wideLoaded.index?.exportState().segments[0].stream;
      assert.ok(stream instanceof Int32Array);
      assert.deepEqual(Array.from(wideLoaded.documents[0].encoded), Array.from(wide[0].encoded));
      assert.equal(wideLoaded.documents[0].encoded.buffer, stream.buffer);
    });

    it('a document the index does not hold is refused when written; a format 5 index that does not hold the saved sentences, or of another format, is left out with the reason and the model loads', () => {
      const { model, documents, index } = indexed();
      assert.throws(() => writeSnapshot(model, [...documents, { ...documents[0], key: '/work/elsewhere.ts' }], index), /the token index does not hold the document "\/work\/elsewhere.ts"/);

      const stale = [...documents];
      stale[0] = { ...stale[0], encoded: model.encodeText('return x;') };
      const mismatched = readSnapshot(frame(SNAPSHOT_MAGIC, 5, formatFiveBody(model, stale, index)));
      assert.equal(mismatched.index, undefined);
      assert.match(mismatched.indexProblem ?? '', /the token index does not hold the saved document "\/work\/file0.ts" as saved/);
      assert.deepEqual(statistics(mismatched.model), statistics(model));
      assert.deepEqual(mismatched.documents, stale);

      const missing = readSnapshot(frame(SNAPSHOT_MAGIC, 5, formatFiveBody(model, [...documents, { ...documents[0], key: '/work/elsewhere.ts' }], index)));
      assert.match(missing.indexProblem ?? '', /does not hold the saved document "\/work\/elsewhere.ts"/);

      const fromFive = readSnapshot(frame(SNAPSHOT_MAGIC, 5, formatFiveBody(model, documents, index)));
      assert.equal(fromFive.indexProblem, undefined);
      assert.deepEqual(fromFive.index?.stats(), readSnapshot(writeSnapshot(model, documents, index)).index?.stats());

      // The index's format version and byte length come before its bytes, which end the body: their
      // length is what the index adds to a snapshot without documents, less those two u32.
      const bytes = writeSnapshot(model, documents, index);
      const indexBytes = writeSnapshot(model, [], index).length - writeSnapshot(model).length - 4;
      const at = bytes.length - 16 - indexBytes - 8;
      const future = resigned(bytes, (body) => new DataView(body.buffer, body.byteOffset).setUint32(at, INDEX_FORMAT_VERSION + 1, true));
      // Format 6 keeps the documents' sentences in the index: without it there are no documents to restore.
      assert.throws(() => readSnapshot(future), new RegExp(`documents are in a token index of format ${INDEX_FORMAT_VERSION + 1}, which this build does not read`));

      const unindexed = readSnapshot(writeSnapshot(model, documents));
      assert.equal(unindexed.indexProblem, 'saved without a token index');
      assert.deepEqual(unindexed.documents, documents);
    });

    it('writes the index in segments (format 7) and reads them back as they were; a format 6 index (one base) loads as the same index', () => {
      const { model, documents } = sample();
      // Segments of a document or two, one of them holding a retired document, and a fresh one.
      const index = new TokenIndex(undefined, 16);
      for (const document of documents) index.set(document.key, document.encoded);
      index.merge();
      const edited = { ...documents[1], encoded: model.encodeText('const x = f(a, b);') };
      index.set(edited.key, edited.encoded);
      const saved = [documents[0], edited, ...documents.slice(2)];
      assert.ok(index.stats().segments > 1);
      const loaded = readSnapshot(writeSnapshot(model, saved, index));
      assert.equal(loaded.formatVersion, SNAPSHOT_VERSION);
      assert.deepEqual(loaded.index?.stats(), index.stats());
      assert.deepEqual(queries(model, loaded.index as TokenIndex), queries(model, index));
      assert.deepEqual(loaded.documents.map((document) => Array.from(document.encoded)), saved.map((document) => Array.from(document.encoded)));

      const one = indexed();
      const six = readSnapshot(formatSixSnapshot(one.model, one.documents, one.index));
      assert.equal(six.formatVersion, 6);
      assert.equal(six.indexProblem, undefined);
      assert.deepEqual(six.index?.stats(), readSnapshot(writeSnapshot(one.model, one.documents, one.index)).index?.stats());
      // The document the snapshot does not list is left out.
      one.index.delete('/work/uncounted.ts');
      assert.deepEqual(queries(one.model, six.index as TokenIndex), queries(one.model, one.index));
      assert.deepEqual(six.documents.map((document) => Array.from(document.encoded)), one.documents.map((document) => Array.from(document.encoded)));
    });

    it('a format 3 snapshot (no index) still loads, saying it has no index', () => {
      const { model, documents } = sample();
      // Format 3 is format 4 without the index section.
      const loaded = readSnapshot(frame(SNAPSHOT_MAGIC, 3, olderSnapshotBody(3, model, documents)));
      assert.equal(loaded.formatVersion, 3);
      assert.deepEqual(loaded.documents, documents);
      assert.deepEqual(statistics(loaded.model), statistics(model));
      assert.equal(loaded.indexProblem, 'saved without a token index (format 3)');
    });

    it('a format 4 snapshot (the sibling link inside each record) is read as the same model, laid out or not, and keeps learning exactly', () => {
      const { model, documents } = sample();
      const scored = (candidate: NgramModel): number => candidate.scoreSentences(candidate.encodeForScoring('const x = f(a, b);\nnaïve y')).log10ProbTotal;
      // As counted (linked child lists, before any compaction), then laid out, then edited after the layout.
      const edited = model.copy();
      edited.compact();
      edited.removeSentences(documents[1].encoded);
      for (const candidate of [model, (() => { const laidOut = model.copy(); laidOut.compact(); return laidOut; })(), edited]) {
        const loaded = readSnapshot(frame(SNAPSHOT_MAGIC, 4, olderSnapshotBody(4, candidate, documents)));
        assert.equal(loaded.formatVersion, 4);
        assert.deepEqual(statistics(loaded.model), statistics(candidate));
        assert.equal(scored(loaded.model), scored(candidate));
        // Its tables stay exact under later changes: remove and add back every document.
        for (const document of documents) if (candidate !== edited || document !== documents[1]) loaded.model.removeSentences(document.encoded);
        for (const document of documents) loaded.model.addSentences(document.encoded);
        const reference = new NgramModel({ order: 3, estimator: { name: 'add-k', addK: 0.25 }, tokenizer: 'words' }, model.vocabulary);
        for (const document of documents) reference.addSentences(document.encoded);
        assert.deepEqual(statistics(loaded.model), statistics(reference));
      }
    });

    it('a forged index (re-signed) is refused with the reason, never read out of bounds', () => {
      const { model, documents, index } = indexed();
      const bytes = writeSnapshot(model, documents, index);
      // From the index's format version on (see above: its bytes end the body).
      const start = bytes.length - 16 - (writeSnapshot(model, [], index).length - writeSnapshot(model).length - 4) - 8;
      fc.assert(
        fc.property(fc.integer({ min: start, max: bytes.length - 17 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
          let loaded: ReturnType<typeof readSnapshot>;
          try {
            loaded = readSnapshot(resigned(bytes, (body) => (body[at] ^= flip)));
          } catch (error) {
            assert.ok(error instanceof Error);
            return;
          }
          if (loaded.index === undefined) assert.ok((loaded.indexProblem ?? '').length > 0);
          else queries(model, loaded.index);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('read from a source as it is parsed (readSnapshotFrom, the server\'s file reading)', () => {
    /** The bytes handed out in small, uneven reads, as a file is read; counts the bytes asked for. */
    function chunked(bytes: Uint8Array): ByteSource & { readonly asked: () => number } {
      let position = 0;
      return {
        length: bytes.length,
        read(target: Uint8Array) {
          for (let done = 0; done < target.length; ) {
            const part = Math.min(target.length - done, 1 + ((position * 7) % 13));
            if (position + part > bytes.length) throw new Error('read past the end of the source');
            target.set(bytes.subarray(position, position + part), done);
            done += part;
            position += part;
          }
        },
        asked: () => position,
      };
    }

    /** readSnapshot's outcome, or the message it throws, for comparing the two readers. */
    function outcome(read: () => Snapshot): unknown {
      try {
        const { model, documents, index, indexProblem, formatVersion } = read();
        return { statistics: statistics(model), documents, index: index?.stats(), indexProblem, formatVersion };
      } catch (error) {
        return (error as Error).message;
      }
    }

    it('reads the same snapshot as readSnapshot, model, documents and index, reading every byte once', () => {
      const { model, documents } = sample();
      const index = new TokenIndex();
      for (const document of documents) index.set(document.key, document.encoded);
      index.merge();
      const bytes = writeSnapshot(model, documents, index);
      const source = chunked(bytes);
      const loaded = readSnapshotFrom(source);
      assert.equal(source.asked(), bytes.length);
      assert.deepEqual(outcome(() => loaded), outcome(() => readSnapshot(bytes)));
      assert.equal(loaded.index?.stats().documents, documents.length);
    });

    it('streams a snapshot to a sink (writeSnapshotTo, the server\'s file) without ever handing it over whole: every byte written once, the header last, the same bytes', () => {
      const model = new NgramModel({ order: 3, tokenizer: 'whitespace' });
      // About 400,000 tokens: the index's stream and suffix array are larger than a chunk.
      const text = Array.from({ length: 20_000 }, (_, line) => Array.from({ length: 19 }, (_, i) => `w${(line * 7 + i * i) % 500}`).join(' ')).join('\n');
      const documents = [{ key: '/work/big.txt', size: text.length, mtimeMs: 1, withheld: '' }];
      const index = new TokenIndex();
      index.set(documents[0].key, model.addText(text));
      index.merge();
      let file = new Uint8Array(0);
      const writes: [number, number][] = [];
      const length = writeSnapshotTo(
        (total) => {
          file = new Uint8Array(total);
          return {
            write(bytes, position) {
              file.set(bytes, position);
              writes.push([position, bytes.length]);
            },
          };
        },
        model,
        documents,
        index,
      );
      assert.equal(length, file.length);
      assert.deepEqual(writes[writes.length - 1], [0, 16], 'the header, once the body is written');
      const body = writes.slice(0, -1);
      for (let i = 0, next = 16; i < body.length; next += body[i][1], i++) assert.equal(body[i][0], next, 'the body in order, each byte once');
      assert.equal(body.reduce((total, [, size]) => total + size, 16), length);
      assert.ok(Math.max(...body.map(([, size]) => size)) <= Math.max(1 << 20, ...index.exportState().segments.map((segment) => segment.suffixArray.byteLength)), 'chunks, and the largest arrays as they are');
      assert.ok(body.length > 3);
      assert.deepEqual(file, writeSnapshot(model, documents, index));
      const loaded = readSnapshot(file);
      assert.deepEqual(Array.from(loaded.documents[0].encoded), Array.from(index.sentences(documents[0].key) ?? []));
      assert.deepEqual(statistics(loaded.model), statistics(model));
    });

    it('written a step at a time (writeSnapshotInSteps), holds the model and index of its first step: documents set, deleted and merged and words added between steps change nothing written', () => {
      const model = new NgramModel({ order: 3, tokenizer: 'whitespace' });
      const line = (n: number): string => Array.from({ length: 19 }, (_, i) => `w${(n * 7 + i * i) % 500}`).join(' ');
      const documents = [0, 1].map((d) => {
        const text = Array.from({ length: 10_000 }, (_, n) => line(n + d)).join('\n');
        return { key: `/work/big${d}.txt`, size: text.length, mtimeMs: 1, withheld: '', encoded: model.addText(text) };
      });
      const index = new TokenIndex();
      for (const document of documents) index.set(document.key, document.encoded);
      index.merge();
      index.set('/work/fresh.txt', model.encodeText(line(3)));
      const atOnce = writeSnapshot(model, documents, index);
      const words = model.vocabulary.size;

      let file = new Uint8Array(0);
      const steps = writeSnapshotInSteps(
        (total) => {
          file = new Uint8Array(total);
          return { write: (bytes, position) => file.set(bytes, position) };
        },
        model,
        documents,
        index,
      );
      // The index changes as the server's may between steps (its tables do not: a change to them gives the write up).
      const changes = [
        () => index.set('/work/later.txt', model.encodeText('words never seen before')),
        () => index.delete(documents[0].key),
        () => index.merge(),
        () => index.set(documents[1].key, model.encodeText(line(7))),
      ];
      let count = 0;
      for (let step = steps.next(); !step.done; step = steps.next(), count++) for (const change of changes.splice(0, 2)) change();
      assert.ok(count >= 3 && changes.length === 0, `${count} steps`);
      assert.ok(model.vocabulary.size > words, 'words were added while it was written');
      assert.deepEqual(file, atOnce);
    });

    it('refuses what readSnapshot refuses, with the same message: cut short, trailing bytes, any corrupted byte, forged content', () => {
      const { model, documents } = sample();
      const bytes = writeSnapshot(model, documents);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length + 3 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), (at, flip, resign) => {
          let input: Uint8Array;
          if (at >= bytes.length) input = new Uint8Array([...bytes, ...new Array(at - bytes.length + 1).fill(0)]);
          else if (flip === 0) input = bytes.subarray(0, at);
          else if (resign && at >= 16) input = resigned(bytes, (body) => (body[at - 16] ^= flip));
          else {
            input = bytes.slice();
            input[at] ^= flip;
          }
          assert.deepEqual(outcome(() => readSnapshotFrom(chunked(input))), outcome(() => readSnapshot(input)));
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('rejects', () => {
    const { model, documents } = sample();
    const bytes = writeSnapshot(model, documents);

    it('input shorter than the header', () => {
      assert.throws(() => readSnapshot(new Uint8Array(0)), /not a Next Word Lab snapshot: 0 bytes is shorter than the header/);
    });

    it('a foreign file', () => {
      const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(40).fill(0)]);
      assert.throws(() => readSnapshot(zip), /not a Next Word Lab snapshot: the file starts with "PK\\u0003\\u0004"/);
      assert.throws(() => readSnapshot(new TextEncoder().encode('{"order": 3, "lines": []}')), /not a Next Word Lab snapshot/);
    });

    it('another format version', () => {
      const future = bytes.slice();
      new DataView(future.buffer).setUint32(4, SNAPSHOT_VERSION + 1, true);
      assert.throws(() => readSnapshot(future), new RegExp(`format version ${SNAPSHOT_VERSION + 1} is not supported \\(this build reads version ${SNAPSHOT_VERSION}\\)`));
    });

    it('a snapshot cut short anywhere', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (length) => {
          assert.throws(() => readSnapshot(bytes.subarray(0, length)), /shorter than the header|is truncated/);
        }),
      );
    });

    it('trailing bytes', () => {
      const longer = new Uint8Array(bytes.length + 4);
      longer.set(bytes);
      assert.throws(() => readSnapshot(longer), /4 unexpected bytes after its data/);
    });

    it('any corrupted byte of the body, by its checksum', () => {
      fc.assert(
        fc.property(fc.integer({ min: 16, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
          const corrupt = bytes.slice();
          corrupt[index] ^= flip;
          assert.throws(() => readSnapshot(corrupt), /snapshot is corrupt: its checksum does not match its data/);
        }),
      );
    });

    it('content that does not fit together, even with a valid checksum', () => {
      // Body: order (u32), then the estimator name's length (u32) and bytes.
      assert.throws(() => readSnapshot(resigned(bytes, (body) => new DataView(body.buffer, body.byteOffset).setUint32(0, 9, true))), /invalid order 9/);
      assert.throws(() => readSnapshot(resigned(bytes, (body) => body.fill(0x78, 8, 13))), /unknown estimator "xxxxx"/);
      assert.throws(() => readSnapshot(resigned(bytes, (body) => new DataView(body.buffer, body.byteOffset).setUint32(4, 1e6, true))), /truncated or corrupt: estimator runs past the end/);
    });

    it('forged tables without hanging or crashing: an Error, or a model that still answers', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length - 17 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
          let loaded: NgramModel;
          try {
            loaded = readSnapshot(resigned(bytes, (body) => (body[index] ^= flip))).model;
          } catch (error) {
            assert.ok(error instanceof Error);
            return;
          }
          loaded.distribution(['<s>', 'const']);
          loaded.candidates(['<s>', 'const'], 5);
        }),
        { numRuns: 300 },
      );
    });
  });
});
