// Generators of hostile input shared by several targets: text with every kind of character a file can
// hold, and damaged copies of valid binary files (truncated, bit-flipped, overwritten, with or without
// a checksum forged to match, so the structural checks behind the checksum are exercised too).

import fc from 'fast-check';
import { crc32 } from '../../../src/core/snapshot';

/** Characters that trip tokenizers: every kind of space and line end, surrogates alone and paired, marks, NUL. */
const AWKWARD_CHARACTERS = [
  ' ', '\t', '\v', '\f', '\n', '\r', '\r\n', '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u3000', '\ufeff', '\u200b',
  'a', 'Z', '0', '9', '_', 'é', 'e\u0301', '\u0301', 'ß', 'ǅ', '中', '١', '😀', '\ud83d', '\ude00', '\udbff\udfff',
  '+', '=', '€', '"', '\\', '.', '<s>', '</s>', '<unk>', '\u0000', '\u007f', '\ufffd',
];

/** One UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Text of any characters: whole code points, raw UTF-16 units, awkward characters, and rarely a long repetition. */
export function hostileText(maxLength = 200): fc.Arbitrary<string> {
  const short = fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: codeUnit, maxLength }),
    fc.array(fc.constantFrom(...AWKWARD_CHARACTERS), { maxLength }).map((parts) => parts.join('')),
  );
  return fc.oneof(
    { weight: 20, arbitrary: short },
    { weight: 1, arbitrary: fc.tuple(short, fc.integer({ min: 2, max: 2_000 })).map(([text, times]) => text.repeat(times)) },
  );
}

/** Values that break parsers of numbers and fields. */
export const HOSTILE_FIELDS = [
  '', ' ', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '-Infinity', '1e400', '-1e400', '0', '-0', '+1', '0x10', '1_000', '-99', '99',
  '4294967296', '99999999999', '1e21', '-1', '1.5', '.', '-', 'e', '<s>', '</s>', '<unk>', '\\data\\', '\\end\\', '\\1-grams:',
  '\\2-grams:', 'ngram', '=', '\u0000', '\ufeff',
];

export const hostileField: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_FIELDS),
  fc.string({ maxLength: 8 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** One change to a byte array; offsets are taken modulo its length. */
type ByteEdit =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'word'; readonly at: number; readonly value: number }
  | { readonly kind: 'append'; readonly bytes: Uint8Array };

/** u32 values that make lengths, counts and offsets absurd. */
const HOSTILE_WORDS = [0, 1, 2, 3, 0x7f, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

// In-place edits are weighted up: a changed length is caught by the header, the rest only deeper in.
const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('word' as const),
      at: fc.nat(),
      value: fc.oneof(fc.constantFrom(...HOSTILE_WORDS), fc.nat({ max: 0xffffffff })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
);

function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  if (bytes.length === 0) return edit.kind === 'append' ? edit.bytes.slice() : bytes;
  switch (edit.kind) {
    case 'truncate':
      return bytes.slice(0, edit.at % bytes.length);
    case 'flip': {
      const copy = bytes.slice();
      copy[edit.at % copy.length] ^= 1 << edit.bit;
      return copy;
    }
    case 'word': {
      // Aligned, as every field of both binary formats is.
      if (bytes.length < 4) return bytes;
      const copy = bytes.slice();
      const at = (edit.at % Math.floor(copy.length / 4)) * 4;
      new DataView(copy.buffer).setUint32(at, edit.value, true);
      return copy;
    }
    case 'append': {
      const copy = new Uint8Array(bytes.length + edit.bytes.length);
      copy.set(bytes);
      copy.set(edit.bytes, bytes.length);
      return copy;
    }
  }
}

/** Where both formats keep the CRC-32 of everything after their 16-byte header. */
const HEADER_BYTES = 16;
const CHECKSUM_OFFSET = 12;

/** The checksum recomputed over the (damaged) body, as a forger or a bug that wrote it would. */
function resign(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_BYTES) return bytes;
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(CHECKSUM_OFFSET, crc32(copy.subarray(HEADER_BYTES)), true);
  return copy;
}

export interface DamagedBytes {
  readonly bytes: Uint8Array;
  /** False only for a valid file passed through untouched. */
  readonly damaged: boolean;
}

/**
 * Damaged copies of `valid` files (1–4 edits, the checksum forged to match three times in four),
 * the files untouched, and random bytes with and without the right magic.
 */
export function damagedFiles(valid: readonly Uint8Array[], magic: string): fc.Arbitrary<DamagedBytes> {
  const magicBytes = new TextEncoder().encode(magic);
  const edited = fc
    .tuple(fc.constantFrom(...valid), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), fc.nat({ max: 3 }))
    .map(([file, edits, resignDie]) => {
      const damaged = edits.reduce(applyByteEdit, file);
      return { bytes: resignDie === 0 ? damaged : resign(damaged), damaged: true };
    });
  const random = fc.oneof(
    fc.uint8Array({ maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }).map((tail) => resign(Uint8Array.from([...magicBytes, ...tail]))),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...valid).map((bytes) => ({ bytes, damaged: false })) },
    { weight: 12, arbitrary: edited },
    { weight: 3, arbitrary: random.map((bytes) => ({ bytes, damaged: true })) },
  );
}
