import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildSuffixArray } from '../../../src/core/suffixArray';
import { TokenIndex, type MergeInput, type SegmentState, type TokenIndexState } from '../../../src/core/tokenIndex';
import { BOS, EOS } from '../../../src/core/vocabulary';

/** Suffixes sorted by comparison, a shorter one before every suffix it is a prefix of. */
function naiveSuffixArray(text: Int32Array): number[] {
  const positions = Array.from(text.keys());
  return positions.sort((a, b) => {
    for (;;) {
      if (a === text.length) return -1;
      if (b === text.length) return 1;
      if (text[a] !== text[b]) return text[a] - text[b];
      a++;
      b++;
    }
  });
}

/** Word ids 3..6 and `</s>`: small, so that contexts repeat and long matches happen. */
const tokenArb = fc.constantFrom(3, 4, 5, 6, EOS);
const documentArb = fc.array(tokenArb, { minLength: 0, maxLength: 40 }).map((ids) => {
  // Encoded sentences end in `</s>` and hold no empty sentence.
  const out: number[] = [];
  for (const id of ids) if (id !== EOS || (out.length > 0 && out[out.length - 1] !== EOS)) out.push(id);
  if (out.length > 0 && out[out.length - 1] !== EOS) out.push(EOS);
  return Int32Array.from(out);
});

/** `take` starts a merge (its input taken as a worker would get it), `complete` ends the one started. */
type Operation = { kind: 'set'; key: string; encoded: Int32Array } | { kind: 'delete'; key: string } | { kind: 'merge' | 'take' | 'complete' };
const keyArb = fc.constantFrom('a.ts', 'b.ts', 'c/d.md', 'e.txt');
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: keyArb, encoded: documentArb }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
  fc.constant({ kind: 'merge' as const }),
  fc.constant({ kind: 'take' as const }),
  fc.constant({ kind: 'complete' as const }),
);

/** Merges started by `take` and not completed yet. */
const takenInputs = new WeakMap<TokenIndex, MergeInput>();

/** Tokens a merge's input holds (`<s>` and ids, the separators aside). */
function inputTokens(input: MergeInput): number {
  return input.stream.length - input.keys.length - 1;
}

/**
 * The documents as the index should see them: `<s>` then the encoded sentences. A merge started never
 * takes more than `segmentTokens`, unless one document alone is more.
 */
function apply(index: TokenIndex, truth: Map<string, Int32Array>, operation: Operation, segmentTokens = Infinity): void {
  if (operation.kind === 'set') {
    index.set(operation.key, operation.encoded);
    truth.set(operation.key, Int32Array.from([BOS, ...operation.encoded]));
  } else if (operation.kind === 'delete') {
    assert.equal(index.delete(operation.key), truth.delete(operation.key));
  } else if (operation.kind === 'take') {
    if (takenInputs.has(index)) return;
    const input = index.mergeInput();
    assert.ok(inputTokens(input) <= segmentTokens || input.keys.length === 1, `a merge of ${inputTokens(input)} tokens`);
    takenInputs.set(index, input);
  } else if (operation.kind === 'complete') {
    const input = takenInputs.get(index);
    takenInputs.delete(index);
    if (input !== undefined) index.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
  } else if (!takenInputs.has(index)) {
    // One merge at a time, as the server runs them; it merges every change, a segment at a time.
    index.merge();
    assert.equal(index.stats().pendingTokens, 0);
  }
}

/** Every query the property tests make, against brute force over `truth`. */
function checkAgainstBruteForce(index: TokenIndex, truth: Map<string, Int32Array>, contexts: readonly (readonly number[])[]): void {
  for (const values of contexts) {
    const context = Int32Array.from(values);
    const searched = context.includes(0) ? context.subarray(context.lastIndexOf(0) + 1) : context;
    // Also with a document left out (as the lens reads a document), as if it were deleted.
    for (const leftOut of [undefined, 'b.ts']) {
      const expected = bruteLongestMatch(new Map([...truth].filter(([key]) => key !== leftOut)), searched);
      const match = index.longestMatch(context, context.length, leftOut);
      assert.equal(match.length, expected.length);
      assert.deepEqual(
        Array.from(match.words, (word, i) => [word, match.counts[i]]),
        [...expected.tally].sort((a, b) => a[0] - b[0]),
      );
      assert.equal(match.count, [...expected.tally.values()].reduce((a, b) => a + b, 0));
    }
    const occurrences = index.occurrences(context, 3);
    const brute = context.includes(0) || context.length === 0 ? [] : bruteOccurrences(truth, context);
    if (context.length > 0) {
      assert.equal(occurrences.total, brute.length);
      assert.deepEqual(occurrences.occurrences, brute.slice(0, 3));
      // Documents left out, merged or fresh, are as if deleted.
      const leftOut = new Set(['b.ts', 'c/d.md']);
      const without = index.occurrences(context, 3, leftOut);
      const bruteWithout = brute.filter((place) => !leftOut.has(place.key));
      assert.equal(without.total, bruteWithout.length);
      assert.deepEqual(without.occurrences, bruteWithout.slice(0, 3));
    }
  }
  assert.equal(index.stats().documents, truth.size);
  assert.equal(index.stats().tokens, [...truth.values()].reduce((sum, tokens) => sum + tokens.length, 0));
}

const contextsArb = fc.array(fc.array(fc.constantFrom(3, 4, 5, 6, EOS, BOS, 0), { minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 6 });

function occursAt(tokens: Int32Array, at: number, pattern: ArrayLike<number>): boolean {
  if (at + pattern.length > tokens.length) return false;
  for (let k = 0; k < pattern.length; k++) if (tokens[at + k] !== pattern[k]) return false;
  return true;
}

/** Brute force: every occurrence of `pattern`, in key order then offset (offset = index into the encoded sentences). */
function bruteOccurrences(truth: Map<string, Int32Array>, pattern: ArrayLike<number>): { key: string; offset: number }[] {
  const found: { key: string; offset: number }[] = [];
  for (const key of [...truth.keys()].sort()) {
    const tokens = truth.get(key) as Int32Array;
    for (let at = 0; at < tokens.length; at++) if (occursAt(tokens, at, pattern)) found.push({ key, offset: at - 1 });
  }
  return found;
}

/** Brute force: the longest suffix of `context` followed by a token somewhere, and what follows it. */
function bruteLongestMatch(truth: Map<string, Int32Array>, context: Int32Array): { length: number; tally: Map<number, number> } {
  for (let length = context.length; length >= 1; length--) {
    const suffix = context.subarray(context.length - length);
    const tally = new Map<number, number>();
    for (const tokens of truth.values()) {
      for (let at = 0; at + length < tokens.length; at++) {
        if (occursAt(tokens, at, suffix)) tally.set(tokens[at + length], (tally.get(tokens[at + length]) ?? 0) + 1);
      }
    }
    if (tally.size > 0) return { length, tally };
  }
  return { length: 0, tally: new Map() };
}

describe('core/suffixArray', () => {
  it('sorts the suffixes of any text ending in 0 as a comparison sort does, and leaves the text as it was', () => {
    fc.assert(
      // Small alphabets repeat letters; large ones (ids up to a vocabulary's) make a text shorter than its alphabet.
      fc.property(fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 100, max: 1_000_000 })).chain((alphabet) => fc.tuple(fc.constant(alphabet), fc.array(fc.integer({ min: 0, max: Math.min(alphabet - 1, 6) }).chain((small) => fc.constantFrom(small, Math.max(0, alphabet - 1 - small))), { maxLength: 80 }))), ([alphabet, values]) => {
        const text = Int32Array.from([...values, 0]);
        assert.deepEqual(Array.from(buildSuffixArray(text, alphabet)), naiveSuffixArray(text));
        assert.deepEqual(Array.from(text), [...values, 0]);
      }),
      { numRuns: 500 },
    );
  });

  it('sorts texts that repeat themselves (SA-IS recursing several levels deep) as a comparison sort does', () => {
    // A few blocks, each repeated with small changes: code's duplicated lines and files. Few distinct LMS
    // substrings leave the recursion's buckets room in the suffix array; many (a large alphabet) do not.
    const blocksArb = fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 });
    const textArb = fc.tuple(blocksArb, fc.array(fc.tuple(fc.nat(3), fc.nat(40), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(textArb, ([blocks, picks, ceiling]) => {
        const values: number[] = [];
        for (const [block, changed, value] of picks) {
          const chosen = [...blocks[block % blocks.length]];
          if (changed < chosen.length) chosen[changed] = value;
          values.push(...chosen.map((letter) => 1 + (letter % ceiling)));
        }
        const text = Int32Array.from([...values, 0]);
        assert.deepEqual(Array.from(buildSuffixArray(text, 41)), naiveSuffixArray(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a character outside the alphabet, or a text that does not end in 0, and leaves the text as it was', () => {
    const text = Int32Array.from([1, 5, 0]);
    assert.throws(() => buildSuffixArray(text, 3), /character 5 at 1 is outside the alphabet 0..2/);
    assert.deepEqual(Array.from(text), [1, 5, 0]);
    assert.throws(() => buildSuffixArray(Int32Array.from([1, 2]), 3), /does not end in 0/);
    assert.throws(() => buildSuffixArray(new Int32Array(0), 3), /does not end in 0/);
  });
});

/**
 * The index as it runs; with every fresh document but the latest sorted (searched through a suffix
 * array of its own); and merged in segments of a few documents (several segments, tier merges, segments
 * rebuilt for what they retired).
 */
const sortings: [string, number | undefined, number | undefined][] = [
  ['', undefined, undefined],
  [', fresh documents sorted', 0, undefined],
  [', fresh documents sorted in groups', 12, undefined],
  [', in segments of a few documents', undefined, 24],
  [', in segments of a document or two, fresh documents sorted in groups', 12, 8],
];

describe('core/tokenIndex', () => {
  for (const [sorting, sortFreshAbove, segmentTokens] of sortings) {
  it(`answers longest matches, continuations and occurrences exactly as a brute-force scan, through edits and merges${sorting}`, () => {
    fc.assert(
      fc.property(fc.array(operationArb, { minLength: 1, maxLength: 12 }), contextsArb, (operations, contexts) => {
        const index = new TokenIndex(sortFreshAbove, segmentTokens);
        const truth = new Map<string, Int32Array>();
        for (const operation of operations) apply(index, truth, operation, segmentTokens);
        checkAgainstBruteForce(index, truth, contexts);
      }),
      { numRuns: 300 },
    );
  });

  it(`answers a common context (its followers kept until the next merge) exactly through edits, left-out documents and merges${sorting}`, () => {
    const repeated = (times: number, follower: (i: number) => number): Int32Array => Int32Array.from({ length: 4 * times }, (_, i) => [3, 4, follower(i >> 2), EOS][i % 4]);
    const index = new TokenIndex(sortFreshAbove, segmentTokens === undefined ? undefined : 2500);
    const truth = new Map<string, Int32Array>();
    const set = (key: string, encoded: Int32Array): void => {
      index.set(key, encoded);
      truth.set(key, Int32Array.from([BOS, ...encoded]));
    };
    const check = (leftOut?: string): void => {
      const context = Int32Array.from([EOS, 3, 4]);
      const visible = new Map([...truth].filter(([key]) => key !== leftOut));
      const expected = bruteLongestMatch(visible, context);
      for (let round = 0; round < 2; round++) {
        const match = index.longestMatch(context, context.length, leftOut);
        assert.equal(match.length, expected.length);
        assert.deepEqual(Array.from(match.words, (word, i) => [word, match.counts[i]]), [...expected.tally].sort((a, b) => a[0] - b[0]));
      }
    };
    for (const key of ['a.ts', 'b.ts', 'c.ts']) set(key, repeated(300, (i) => 5 + (i % 26)));
    index.merge();
    check();
    set('b.ts', repeated(250, () => 99));
    check();
    check('a.ts');
    index.delete('c.ts');
    truth.delete('c.ts');
    check('b.ts');
    index.merge();
    check();
    check('a.ts');
  });
  }

  it('walks a context token by token answering as a fresh search of its last tokens, through left-out documents, unmerged (and sorted) changes and a merge midway', () => {
    fc.assert(
      fc.property(
        fc.array(operationArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom(3, 4, 5, 6, EOS, BOS, 0), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.option(keyArb, { nil: undefined }),
        fc.array(operationArb, { maxLength: 2 }),
        fc.nat(40),
        fc.constantFrom(...sortings.map(([, sortFreshAbove, segmentTokens]) => [sortFreshAbove, segmentTokens] as const)),
        (operations, tokens, maxLength, leftOut, later, at, [sortFreshAbove, segmentTokens]) => {
          const index = new TokenIndex(sortFreshAbove, segmentTokens);
          const truth = new Map<string, Int32Array>();
          for (const operation of operations) apply(index, truth, operation, segmentTokens);
          const start = tokens.length >> 1;
          const walk = index.walk(tokens.slice(0, start), maxLength, leftOut);
          const expected = (end: number): void => {
            const context = Int32Array.from(tokens.slice(Math.max(0, end - maxLength), end));
            const fresh = index.longestMatch(context, maxLength, leftOut);
            assert.deepEqual({ ...walk.match }, { ...fresh }, `after ${end} tokens`);
            // And as brute force over the documents it does not leave out.
            const visible = new Map([...truth].filter(([key]) => key !== leftOut));
            const brute = bruteLongestMatch(visible, context.includes(0) ? context.subarray(context.lastIndexOf(0) + 1) : context);
            assert.equal(walk.match.length, brute.length);
          };
          expected(start);
          for (let end = start + 1; end <= tokens.length; end++) {
            // The index changes midway (an edit, a merge): the walk answers on the index as it is.
            if (end === start + 1 + (at % (tokens.length - start))) for (const operation of later) apply(index, truth, operation, segmentTokens);
            walk.push(tokens[end - 1]);
            expected(end);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a text it holds elsewhere token by token without growing: its bytes are those of the index alone', () => {
    const index = new TokenIndex();
    // A text held twice: read again, every match is as long as the walk allows.
    const text = Int32Array.from({ length: 120 }, (_, i) => (i % 10 === 9 ? EOS : 3 + ((i * 7) % 5)));
    index.set('a.ts', text);
    index.set('b.ts', text);
    index.merge();
    const merged = index.stats().bytes;
    const walk = index.walk([], 6);
    text.forEach((token, i) => {
      walk.push(token);
      assert.deepEqual({ ...walk.match }, { ...index.longestMatch(text.subarray(Math.max(0, i - 5), i + 1), 6) }, `after ${i + 1} tokens`);
    });
    assert.equal(walk.match.length, 6);
    assert.equal(index.stats().bytes, merged);
  });

  it('counts the groups of fresh documents a query searches one by one: sorted since the merge, a left-out one aside when it is alone', () => {
    const index = new TokenIndex(0);
    index.set('a', Int32Array.from([3, 4, EOS]));
    index.merge();
    assert.equal(index.searchedGroups(), 0);
    index.set('b', Int32Array.from([3, 5, EOS]));
    index.set('c', Int32Array.from([4, 5, EOS]));
    index.set('d', Int32Array.from([5, 6, EOS]));
    // Every fresh document but the latest is sorted, each alone at this bound.
    assert.equal(index.searchedGroups(), 2);
    assert.equal(index.searchedGroups('b'), 1);
    assert.equal(index.searchedGroups('d'), 2);
    index.merge();
    assert.equal(index.searchedGroups(), 0);
  });

  it('sorts fresh documents together in groups just over its bound, and a changed document takes its group apart, answering exactly throughout', () => {
    // Documents of 4 tokens with `<s>`: a group closes once it holds more than 10 tokens, at three documents.
    const index = new TokenIndex(10);
    const truth = new Map<string, Int32Array>();
    const set = (key: string, encoded: number[]): void => {
      index.set(key, Int32Array.from(encoded));
      truth.set(key, Int32Array.from([BOS, ...encoded]));
    };
    const check = (): void => {
      for (const context of [[3], [3, 4], [4, EOS], [5], [6, 3]]) {
        const brute = bruteOccurrences(truth, context);
        assert.deepEqual(index.occurrences(context, 50), { total: brute.length, occurrences: brute });
        for (const leftOut of [undefined, 'k1', 'k4']) {
          const expected = bruteLongestMatch(new Map([...truth].filter(([key]) => key !== leftOut)), Int32Array.from(context));
          const match = index.longestMatch(context, context.length, leftOut);
          assert.deepEqual([match.length, Array.from(match.words, (word, i) => [word, match.counts[i]])], [expected.length, [...expected.tally].sort((a, b) => a[0] - b[0])]);
        }
      }
    };
    for (let k = 0; k < 9; k++) set(`k${k}`, [3 + (k % 4), 4, EOS]);
    // k0..k2, k3..k5 sorted in two groups; k6..k8 not yet (12 tokens are over the bound only once k9 comes).
    assert.equal(index.searchedGroups(), 2);
    assert.equal(index.scannedTokens(), 12);
    // A group's documents are held once, in its stream: their sentences are views of one buffer, the others' their own.
    const buffer = (key: string): ArrayBufferLike => (index.sentences(key) as Int32Array).buffer;
    assert.equal(buffer('k0'), buffer('k2'));
    assert.notEqual(buffer('k0'), buffer('k3'));
    assert.notEqual(buffer('k6'), buffer('k7'));
    assert.deepEqual(Array.from(index.sentences('k2') as Int32Array), [5, 4, EOS]);
    check();
    // A grouped document left out is subtracted from its group through a copy sorted alone, not read.
    assert.equal(index.scannedTokens('k1'), 12);
    // An edit of k4 takes its group apart: k3 and k5 are unsorted again, behind k6..k8, which are sorted now.
    set('k4', [6, 3, EOS]);
    assert.equal(index.searchedGroups(), 2);
    assert.equal(index.scannedTokens(), 12);
    check();
    index.delete('k0');
    truth.delete('k0');
    check();
    // A merge taken before a group forms, completed after: the group's documents set since stay fresh, and exact.
    const input = index.mergeInput();
    set('k9', [3, 3, EOS]);
    set('k10', [4, 4, EOS]);
    set('k11', [5, 5, EOS]);
    index.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
    check();
    assert.equal(index.stats().documents, truth.size);
  });

  it("sorts fresh documents into a group holding their tokens once: sorting adds the group's suffix array and table, past 65,536 words too", () => {
    for (const first of [3, 70_000]) {
      const index = new TokenIndex(0);
      const ids = Int32Array.from({ length: 50 }, (_, i) => (i % 10 === 9 ? EOS : first + (i % 7)));
      index.set('a', ids);
      const before = index.stats().bytes;
      // The next document's `set` sorts this one.
      index.set('b', Int32Array.from([first, EOS]));
      assert.equal(index.searchedGroups(), 1);
      // Added: the group's suffix array (a position each: `<s>`, the ids, two separators) and one-document table
      // (8 + 1 bytes), its 32-bit stream's two separators beyond a's own `<s>` and ids (which it replaces), b's `<s>` and 2 ids.
      const positions = ids.length + 3;
      assert.equal(index.stats().bytes - before, 4 * positions + 4 * 2 + 8 + 1 + 4 * 3);
      const pattern = [first, first + 1];
      const expected = ids.reduce((count, id, i) => count + (id === first && ids[i + 1] === first + 1 ? 1 : 0), 0);
      assert.equal(index.count(pattern), expected);
      assert.deepEqual(Array.from(index.sentences('a') ?? []), Array.from(ids));
    }
  });

  it('never matches across documents: a context ending one document and starting the next occurs nowhere', () => {
    const index = new TokenIndex();
    index.set('a', Int32Array.from([3, 4, EOS]));
    index.set('b', Int32Array.from([5, 6, EOS]));
    index.merge();
    assert.equal(index.count([4, EOS, BOS, 5]), 0);
    assert.equal(index.count([EOS, 5]), 0);
    assert.equal(index.count([BOS, 5, 6]), 1);
    // `</s>` ends document a: nothing follows it there, so the longest match is the empty context.
    assert.equal(index.longestMatch([3, 4, EOS]).length, 0);
  });

  it('gathers a merge in slices as it does at once, a document changed between slices kept as its newer version', () => {
    const index = new TokenIndex();
    for (const key of ['a', 'b', 'c']) index.set(key, Int32Array.from([3, 4, EOS, 5, EOS]));
    const whole = index.mergeInput();
    const steps = index.mergeInputInSlices(5);
    let slices = 0;
    let step = steps.next();
    while (step.done !== true) {
      // Between slices: `a` is copied already, and changes.
      if (slices++ === 0) index.set('a', Int32Array.from([6, EOS]));
      step = steps.next();
    }
    assert.equal(slices, 3, 'one slice a document of 6 tokens');
    assert.deepEqual({ ...step.value, stream: Array.from(step.value.stream) }, { ...whole, stream: Array.from(whole.stream) });
    index.completeMerge(step.value, buildSuffixArray(step.value.stream, step.value.alphabet));
    assert.equal(index.count([3, 4]), 2);
    assert.deepEqual(index.occurrences([6], 10), { total: 1, occurrences: [{ key: 'a', offset: 0 }] });
  });

  it('keeps a document changed while a merge was being built as its newer version', () => {
    const index = new TokenIndex();
    index.set('a', Int32Array.from([3, 4, EOS]));
    const input = index.mergeInput();
    index.set('a', Int32Array.from([5, 6, EOS]));
    index.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
    assert.equal(index.count([3, 4]), 0);
    assert.deepEqual(index.occurrences([5, 6], 10), { total: 1, occurrences: [{ key: 'a', offset: 0 }] });
    assert.equal(index.stats().pendingTokens, 8);
  });

  it("gives back each document's sentences as set, fresh or merged, from a 16- or 32-bit stream, restored or not; a 32-bit base's are views of its stream", () => {
    const documents = new Map<string, Int32Array>([
      ['a.ts', Int32Array.from([3, 4, EOS, 3, 5, EOS])],
      ['b.ts', Int32Array.from([4, 3, 4, EOS])],
      ['c.ts', Int32Array.from([6, EOS])],
    ]);
    for (const shift of [0, 70_000]) {
      const shifted = (ids: Int32Array): Int32Array => ids.map((id) => (id === EOS ? EOS : id + shift));
      const index = new TokenIndex();
      const check = (what: string): void => {
        for (const [key, ids] of documents) assert.deepEqual(Array.from(index.sentences(key) ?? []), Array.from(shifted(ids)), `${what}: ${key}`);
        assert.equal(index.sentences('missing.ts'), undefined);
      };
      for (const [key, ids] of documents) index.set(key, shifted(ids));
      check('fresh');
      index.merge();
      check('merged');
      const stream = index.exportState().segments[0].stream;
      assert.equal(stream instanceof Int32Array, shift > 0);
      if (shift > 0) for (const key of documents.keys()) assert.equal(index.sentences(key)?.buffer, stream.buffer, `${key} is read off the stream, not copied`);
      // One fresh beside the base, and one retired from it.
      documents.set('b.ts', Int32Array.from([5, 5, EOS]));
      index.set('b.ts', shifted(documents.get('b.ts') as Int32Array));
      documents.delete('c.ts');
      index.delete('c.ts');
      check('changed since the merge');
      const state = index.exportState();
      const restored = TokenIndex.fromState({ ...state, segments: state.segments.map((segment) => ({ ...segment, stream: new Int32Array(segment.stream) })) }, 70_007);
      for (const [key, ids] of documents) assert.deepEqual(Array.from(restored.sentences(key) ?? []), Array.from(shifted(ids)), `restored: ${key}`);
      documents.set('b.ts', Int32Array.from([4, 3, 4, EOS]));
      documents.set('c.ts', Int32Array.from([6, EOS]));
    }
  });

  it('holds its stream in 16 bits while every id fits, and ids beyond in 32 bits, answering the same', () => {
    const documents: [string, number[]][] = [
      ['a.ts', [3, 4, EOS, 3, 5, EOS]],
      ['b.ts', [4, 3, 4, EOS, 3, 4, 6, EOS]],
    ];
    const wide = (id: number): number => (id === EOS ? EOS : id + 70_000);
    const narrowIndex = new TokenIndex();
    const wideIndex = new TokenIndex();
    for (const [key, ids] of documents) {
      narrowIndex.set(key, Int32Array.from(ids));
      wideIndex.set(key, Int32Array.from(ids, wide));
    }
    narrowIndex.merge();
    wideIndex.merge();
    const positions = narrowIndex.exportState().segments[0].stream.length;
    // Same documents, same suffix array: only the stream's width differs, 2 bytes a position.
    assert.equal(wideIndex.stats().bytes - narrowIndex.stats().bytes, 2 * positions);
    assert.ok(narrowIndex.exportState().segments[0].stream instanceof Uint16Array);
    const [wideSegment] = wideIndex.exportState().segments;
    const restoredWide = TokenIndex.fromState({ segments: [{ ...wideSegment, stream: new Int32Array(wideSegment.stream) }], fresh: [] }, 70_007);
    for (const context of [[3, 4], [EOS, 3], [4, EOS, 3, 4]]) {
      const narrowMatch = narrowIndex.longestMatch(context);
      for (const index of [wideIndex, restoredWide]) {
        const wideMatch = index.longestMatch(context.map(wide));
        assert.equal(wideMatch.length, narrowMatch.length);
        assert.deepEqual(Array.from(wideMatch.words), Array.from(narrowMatch.words, wide));
        assert.deepEqual(Array.from(wideMatch.counts), Array.from(narrowMatch.counts));
      }
    }
  });

  it('loads one base of more than its segment size (a snapshot before segments) split by key ranges, answering exactly, and goes on learning and merging', () => {
    const distinctDocuments = fc.uniqueArray(fc.tuple(keyArb, documentArb), { minLength: 1, maxLength: 4, selector: ([key]) => key });
    fc.assert(
      fc.property(distinctDocuments, fc.subarray(['a.ts', 'b.ts', 'c/d.md', 'e.txt']), fc.integer({ min: 1, max: 40 }), contextsArb, fc.array(operationArb, { maxLength: 6 }), (documents, deleted, segmentTokens, contexts, later) => {
        // One base, as format 6 saved it, some of its documents retired.
        const whole = new TokenIndex();
        const truth = new Map<string, Int32Array>();
        for (const [key, encoded] of documents) apply(whole, truth, { kind: 'set', key, encoded });
        whole.merge();
        for (const key of deleted) apply(whole, truth, { kind: 'delete', key });
        const state = whole.exportState();
        assert.equal(state.segments.length, 1);
        const index = TokenIndex.fromState(state, 7, segmentTokens);
        const pieces = index.exportState().segments;
        // Each piece at most the segment size in positions (`<s>`, ids, separators), or one document.
        for (const piece of pieces) assert.ok(piece.stream.length - 1 <= segmentTokens || piece.keys.length === 1);
        assert.deepEqual(pieces.flatMap((piece) => piece.keys), state.segments[0].keys);
        if (state.segments[0].stream.length - 1 > segmentTokens && state.segments[0].keys.length > 1) assert.ok(pieces.length > 1);
        checkAgainstBruteForce(index, truth, contexts);
        for (const operation of later) apply(index, truth, operation, segmentTokens);
        checkAgainstBruteForce(index, truth, contexts);
      }),
      { numRuns: 200 },
    );
  });

  it('merges in tiers within its segment size: the fresh documents, then the segments holding retired ones (the largest share first), then the smallest no larger than what it took', () => {
    // Documents of 4 tokens with `<s>`; segments of at most 40.
    const index = new TokenIndex(undefined, 40);
    const truth = new Map<string, Int32Array>();
    let next = 0;
    const add = (documents: number): void => {
      for (let i = 0; i < documents; i++, next++) apply(index, truth, { kind: 'set', key: `k${String(next).padStart(2, '0')}`, encoded: Int32Array.from([3 + (next % 4), 4 + (next % 3), EOS]) });
    };
    /** One merge; the tokens it took and the segments' live tokens after it (as `stats` counts them, oldest first). */
    const mergeOnce = (): { took: number; rebuilt: number } => {
      const input = index.mergeInput();
      index.completeMerge(input, buildSuffixArray(input.stream, input.alphabet));
      checkAgainstBruteForce(index, truth, [[3, 4], [4, EOS], [EOS, 5, 5], [BOS, 6]]);
      return { took: inputTokens(input), rebuilt: input.rebuilt.length };
    };
    const sizes = (): number[] => index.exportState().segments.map((segment) => segment.stream.length - segment.keys.length - 1);
    add(2);
    assert.deepEqual(mergeOnce(), { took: 8, rebuilt: 0 });
    add(2);
    // The segment of 8 is no larger than the 8 fresh tokens: merged with them.
    assert.deepEqual(mergeOnce(), { took: 16, rebuilt: 1 });
    add(1);
    assert.deepEqual(mergeOnce(), { took: 4, rebuilt: 0 });
    assert.deepEqual(sizes(), [16, 4]);
    add(1);
    assert.deepEqual(mergeOnce(), { took: 8, rebuilt: 1 });
    add(2);
    // 8 fresh, then the 8 (no larger), then the 16 (no larger than 16).
    assert.deepEqual(mergeOnce(), { took: 32, rebuilt: 2 });
    add(5);
    assert.deepEqual(mergeOnce(), { took: 20, rebuilt: 0 });
    assert.deepEqual(sizes(), [32, 20]);
    // An edit retires its document in the segment of 32: the next merge rebuilds that one with the fresh
    // document (4 + 28), not the smaller one beside it, which would not fit.
    apply(index, truth, { kind: 'set', key: 'k00', encoded: Int32Array.from([6, 6, EOS]) });
    assert.equal(index.stats().pendingTokens, 8);
    assert.deepEqual(mergeOnce(), { took: 32, rebuilt: 1 });
    assert.deepEqual(sizes(), [20, 32]);
    assert.equal(index.stats().pendingTokens, 0);
    // Ten fresh documents fill a segment: the segment holding a retired document waits for the next merge.
    apply(index, truth, { kind: 'delete', key: 'k12' });
    add(10);
    assert.deepEqual(mergeOnce(), { took: 40, rebuilt: 0 });
    assert.equal(index.stats().pendingTokens, 4);
    assert.deepEqual(mergeOnce(), { took: 16, rebuilt: 1 });
    assert.deepEqual(sizes(), [32, 40, 16]);
    assert.equal(index.stats().pendingTokens, 0);
    assert.equal(index.stats().segments, 3);
  });

  it('refuses forged parts (a snapshot signed anew would carry them) by its structure check', () => {
    const index = new TokenIndex();
    index.set('a.ts', Int32Array.from([3, 4, EOS, 3, 5, EOS]));
    index.set('b.ts', Int32Array.from([4, 3, 4, EOS]));
    index.merge();
    index.set('c.ts', Int32Array.from([6, EOS]));
    // Round trip of the parts the snapshot stores (test/unit/core/snapshot.test.ts: through the bytes).
    const restored = TokenIndex.fromState(index.exportState(), 7);
    assert.deepEqual(restored.stats(), index.stats());
    assert.throws(() => TokenIndex.fromState(index.exportState(), 6), /holds an id outside the vocabulary/);
    const state = index.exportState();
    const [segment] = state.segments;
    const forged = (changes: Partial<SegmentState>): TokenIndexState => ({ ...state, segments: [{ ...segment, ...changes }] });
    assert.throws(() => TokenIndex.fromState(forged({ suffixArray: new Int32Array(segment.suffixArray.length) }), 7), /suffix array is not a permutation/);
    assert.throws(() => TokenIndex.fromState(forged({ suffixArray: segment.suffixArray.slice().reverse() }), 7), /suffix array is not sorted/);
    assert.throws(() => TokenIndex.fromState(forged({ starts: segment.starts.subarray(1) }), 7), /document table sizes/);
    // A document live in two segments.
    assert.throws(() => TokenIndex.fromState({ ...state, segments: [segment, segment] }, 7), /document "a.ts" is stored twice/);
  });
});
