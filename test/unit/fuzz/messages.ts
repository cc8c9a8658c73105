// The panel's messages, both ways, restated from their documented shapes (src/protocol/webview.ts's
// types and limits) as a small schema. From it come well-formed messages, which the validators must
// accept, and messages with exactly one thing wrong, which they must refuse: "accepts exactly the
// well-formed messages", tested from both sides instead of trusting the guards to describe themselves.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ESTIMATOR_NAMES, TOKENIZER_NAMES } from '../../../src/core/types';
import { MAX_DRAWS } from '../../../src/protocol/limits';
import {
  MAX_GENERATE_LENGTH,
  MAX_TEXT_LENGTH,
  isFromWebview,
  isPanelBootstrap,
  isToWebview,
} from '../../../src/protocol/webview';
import { ACCEPTED, fuzzTarget, type FuzzTarget, type Outcome } from './fuzzing';

type Field =
  | { readonly kind: 'count'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'rank' }
  | { readonly kind: 'nonNegative' }
  /** A uniform draw: a number in [0, 1). */
  | { readonly kind: 'unit' }
  | { readonly kind: 'string'; readonly maxLength?: number; readonly nonEmpty?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'oneOf'; readonly values: readonly string[] }
  | { readonly kind: 'nullable'; readonly of: Field }
  | { readonly kind: 'optional'; readonly of: Field }
  | { readonly kind: 'array'; readonly of: Field }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Field>> };

const count = (min?: number, max?: number): Field => ({ kind: 'count', min, max });
const nonNegative: Field = { kind: 'nonNegative' };
const text: Field = { kind: 'string' };
const shortText: Field = { kind: 'string', maxLength: MAX_TEXT_LENGTH };
const flag: Field = { kind: 'boolean' };
const oneOf = (...values: string[]): Field => ({ kind: 'oneOf', values });
const nullable = (of: Field): Field => ({ kind: 'nullable', of });
const arrayOf = (of: Field): Field => ({ kind: 'array', of });
const object = (fields: Record<string, Field>): Field => ({ kind: 'object', fields });

const samplingSettings = object({ temperature: nonNegative, topK: count(), topP: nonNegative, seed: text });
const modelStatus = object({
  state: oneOf('starting', 'learning', 'ready', 'empty'),
  filesLearned: count(),
  filesTotal: count(),
  filesSkipped: count(),
  tokens: count(),
  sentences: count(),
  vocabularySize: count(),
  ngrams: arrayOf(count()),
  order: count(),
  estimator: oneOf(...ESTIMATOR_NAMES),
  tokenizer: oneOf(...TOKENIZER_NAMES),
  modelBytes: count(),
  progress: { kind: 'optional', of: object({ done: count(), total: count() }) },
  restoredFromSnapshot: flag,
});
const candidate = object({
  word: text,
  probability: nonNegative,
  weight: nonNegative,
  count: count(),
  contextCount: count(),
  order: count(),
  insertText: text,
});
const prediction = object({
  text,
  context: arrayOf(text),
  matchedContextLength: count(),
  isProbability: flag,
  candidates: arrayOf(candidate),
  others: object({ words: count(), probability: nonNegative, weight: nonNegative }),
  sampling: object({ temperature: nonNegative, topK: count(), topP: nonNegative }),
  chosen: nullable(object({ word: text, rank: { kind: 'rank' }, weight: nonNegative, insertText: text, draw: nullable({ kind: 'unit' }) })),
  histogram: nullable(object({ counts: arrayOf(count()), others: count(), draws: count() })),
});

/** Each message type and its fields (besides `type`). */
type Messages = Readonly<Record<string, Readonly<Record<string, Field>>>>;

const TO_WEBVIEW: Messages = {
  settings: { settings: samplingSettings },
  status: { status: nullable(modelStatus) },
  editorContext: { context: nullable(object({ fileName: text, line: count(), textBeforeCursor: text })) },
  prediction: { requestId: count(), prediction },
  generation: { requestId: count(), tokens: arrayOf(text), loop: nullable(object({ start: count(), length: count() })) },
  requestFailed: { requestId: count(), message: text },
};

const FROM_WEBVIEW: Messages = {
  ready: {},
  predict: {
    requestId: count(),
    text: shortText,
    sampling: nullable(object({ temperature: nonNegative, topK: count(), topP: nonNegative, seed: shortText, draws: count(0, MAX_DRAWS) })),
  },
  generate: {
    requestId: count(),
    text: shortText,
    length: count(1, MAX_GENERATE_LENGTH),
    mode: oneOf('greedy', 'sample'),
    temperature: nonNegative,
    seed: shortText,
  },
  insert: { word: { kind: 'string', maxLength: MAX_TEXT_LENGTH, nonEmpty: true }, context: { kind: 'string', maxLength: MAX_TEXT_LENGTH } },
  setTemperature: { temperature: nonNegative },
};

const BOOTSTRAP = object({ settings: samplingSettings, status: nullable(modelStatus) });

const SMALL = { maxLength: 4 };

function valid(field: Field): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'count': {
      const min = field.min ?? 0;
      const max = field.max ?? Number.MAX_SAFE_INTEGER;
      return fc.oneof(fc.integer({ min, max: Math.min(max, min + 1_000) }), fc.constantFrom(min, max));
    }
    case 'rank':
      return fc.integer({ min: -1, max: 1_000 });
    case 'nonNegative':
      return fc.oneof(fc.double({ min: 0, max: 1e300, noNaN: true }), fc.constantFrom(0, Number.MIN_VALUE, Number.MAX_VALUE));
    case 'unit':
      return fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 1 - Number.EPSILON / 2));
    case 'string': {
      const minLength = field.nonEmpty ? 1 : 0;
      const longest = field.maxLength === undefined ? fc.constant('x'.repeat(MAX_TEXT_LENGTH * 2)) : fc.constant('x'.repeat(field.maxLength));
      return fc.oneof({ weight: 9, arbitrary: fc.string({ minLength, maxLength: 12 }) }, { weight: 1, arbitrary: longest });
    }
    case 'boolean':
      return fc.boolean();
    case 'oneOf':
      return fc.constantFrom(...field.values);
    case 'nullable':
      return fc.oneof(fc.constant(null), valid(field.of));
    case 'optional':
      return fc.oneof(fc.constant(undefined), valid(field.of));
    case 'array':
      return fc.array(valid(field.of), SMALL);
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(field.fields).map(([key, of]) => [key, valid(of)])));
  }
}

/** A broken value and where it is broken (the path, for the tally). */
interface Broken {
  readonly value: unknown;
  readonly where: string;
}

const notAString = fc.constantFrom<unknown>(5, null, true, {}, [], ['x']);
const notANumber = fc.constantFrom<unknown>('3', null, true, {}, [], NaN, Infinity, -Infinity);

/** Values `field` must refuse (never `undefined` for a required field: a missing key is its own case). */
function invalid(field: Field, where: string): fc.Arbitrary<Broken> {
  const at = (values: fc.Arbitrary<unknown>): fc.Arbitrary<Broken> => values.map((value) => ({ value, where }));
  switch (field.kind) {
    case 'count': {
      const outOfRange: unknown[] = [(field.min ?? 0) - 1, 0.5, 2 ** 53];
      if (field.max !== undefined && field.max < Number.MAX_SAFE_INTEGER) outOfRange.push(field.max + 1);
      return at(fc.oneof(notANumber, fc.constantFrom(...outOfRange), fc.double({ max: -Number.MIN_VALUE, noNaN: true })));
    }
    case 'rank':
      return at(fc.oneof(notANumber, fc.constantFrom(-2, 0.5, 2 ** 53)));
    case 'nonNegative':
      return at(fc.oneof(notANumber, fc.double({ max: -Number.MIN_VALUE, noNaN: true })));
    case 'unit':
      return at(fc.oneof(notANumber, fc.constantFrom(1, 1.5), fc.double({ max: -Number.MIN_VALUE, noNaN: true })));
    case 'string': {
      const tooLong = field.maxLength === undefined ? [] : ['x'.repeat(field.maxLength + 1)];
      const empty = field.nonEmpty ? [''] : [];
      const wrong = [...tooLong, ...empty];
      return at(wrong.length === 0 ? notAString : fc.oneof(notAString, fc.constantFrom(...wrong)));
    }
    case 'boolean':
      return at(fc.constantFrom<unknown>(0, 1, 'true', null, {}));
    case 'oneOf':
      return at(fc.oneof(notAString, fc.constantFrom(`${field.values[0]}x`, field.values[0].toUpperCase() + '!', '', 'toString', '__proto__')));
    case 'nullable':
      return invalid(field.of, where).filter((broken) => broken.value !== null);
    case 'optional':
      return invalid(field.of, where).filter((broken) => broken.value !== undefined);
    case 'array':
      return fc.oneof(
        at(fc.constantFrom<unknown>(null, {}, 'x', 5, { length: 1, 0: 'x' })),
        fc
          .tuple(fc.array(valid(field.of), SMALL), invalid(field.of, `${where}[]`), fc.array(valid(field.of), SMALL))
          .map(([before, broken, after]) => ({ value: [...before, broken.value, ...after], where: broken.where })),
      );
    case 'object':
      return fc.oneof(at(fc.constantFrom<unknown>(null, [], 'x', 5)), brokenRecord(field.fields, where));
  }
}

/** A record of `fields` with one field broken or a required one missing. */
function brokenRecord(fields: Readonly<Record<string, Field>>, where: string): fc.Arbitrary<Broken> {
  const keys = Object.keys(fields);
  if (keys.length === 0) throw new Error(`${where} has no field to break`);
  const required = keys.filter((key) => fields[key].kind !== 'optional');
  const wrongValue = fc.constantFrom(...keys).chain((key) =>
    fc.tuple(valid(object(fields)), invalid(fields[key], `${where}.${key}`)).map(([record, broken]) => ({
      value: { ...(record as object), [key]: broken.value },
      where: broken.where,
    })),
  );
  if (required.length === 0) return wrongValue;
  const missing = fc.constantFrom(...required).chain((key) =>
    valid(object(fields)).map((record) => {
      const copy: Record<string, unknown> = { ...(record as object) };
      delete copy[key];
      return { value: copy, where: `${where}.${key} missing` };
    }),
  );
  return fc.oneof(wrongValue, missing);
}

interface Case {
  readonly message: unknown;
  /** `either` for arbitrary values: the guard may accept one only if it has one of the receiver's types. */
  readonly expected: boolean | 'either';
  readonly label: string;
}

/** Unknown fields a sender may add: the guards ignore them. */
const extraFields = fc.dictionary(fc.constantFrom('extra', 'id', 'constructor', 'then'), fc.jsonValue(), { maxKeys: 4 });

function cases(messages: Messages): fc.Arbitrary<Case> {
  const types = Object.keys(messages);
  const wellFormed = fc
    .constantFrom(...types)
    .chain((type) => fc.tuple(fc.constant(type), valid(object(messages[type])), extraFields))
    .map(([type, fields, extra]): Case => ({ message: { ...extra, ...(fields as object), type }, expected: true, label: ACCEPTED }));
  const brokenField = fc
    .constantFrom(...types.filter((type) => Object.keys(messages[type]).length > 0))
    .chain((type) => brokenRecord(messages[type], type).map((broken) => ({ type, broken })))
    .map(({ type, broken }): Case => ({ message: { ...(broken.value as object), type }, expected: false, label: `rejected: ${broken.where}` }));
  const badType = fc
    .tuple(valid(object(messages[types[0]])), fc.oneof(fc.constantFrom<unknown>(undefined, null, 0, 'Ready', 'toString', '__proto__', ''), fc.string()))
    .filter(([, type]) => typeof type !== 'string' || !types.includes(type))
    .map(([fields, type]): Case => ({ message: { ...(fields as object), type }, expected: false, label: 'rejected: unknown type' }));
  const notAnObject = fc
    .constantFrom<unknown>(null, undefined, 'ready', 0, [], [{ type: 'ready' }], true)
    .map((message): Case => ({ message, expected: false, label: 'rejected: not an object' }));
  return fc.oneof({ weight: 6, arbitrary: wellFormed }, { weight: 6, arbitrary: brokenField }, { weight: 1, arbitrary: badType }, { weight: 1, arbitrary: notAnObject });
}

/** Any value at all. */
const anything: fc.Arbitrary<Case> = fc
  .anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true, withMap: true, withSet: true })
  .map((message) => ({ message, expected: 'either', label: 'arbitrary value' }));

function messageTarget(name: string, guard: (value: unknown) => boolean, messages: Messages, others: Messages): FuzzTarget {
  const types = Object.keys(messages);
  // The other direction's well-formed messages are not this receiver's.
  const otherDirection = cases(others)
    .filter((found) => found.expected === true)
    .map((found): Case => ({ ...found, expected: false, label: 'rejected: other direction' }));
  const inputs = fc.oneof({ weight: 10, arbitrary: cases(messages) }, { weight: 1, arbitrary: otherDirection }, { weight: 2, arbitrary: anything });
  return fuzzTarget(name, [ACCEPTED, 'rejected: '], inputs, ({ message, expected, label }): Outcome => {
    const accepted = guard(message);
    const shown = `${label}: ${JSON.stringify(message)?.slice(0, 300)}`;
    if (expected !== 'either') {
      assert.equal(accepted, expected, shown);
      return label;
    }
    if (accepted) assert.ok(types.includes((message as { type: string }).type), shown);
    return accepted ? `${label} accepted` : `rejected: ${label}`;
  });
}

export const messageTargets: readonly FuzzTarget[] = [
  messageTarget('webview → host messages (isFromWebview)', isFromWebview, FROM_WEBVIEW, TO_WEBVIEW),
  messageTarget('host → webview messages (isToWebview)', isToWebview, TO_WEBVIEW, FROM_WEBVIEW),
  fuzzTarget(
    'panel bootstrap data (isPanelBootstrap)',
    [ACCEPTED, 'rejected: '],
    fc.oneof(
      valid(BOOTSTRAP).map((value) => ({ value, expected: true, label: ACCEPTED })),
      invalid(BOOTSTRAP, 'bootstrap').map(({ value, where }) => ({ value, expected: false, label: `rejected: ${where}` })),
    ),
    ({ value, expected, label }) => {
      assert.equal(isPanelBootstrap(value), expected, `${label}: ${JSON.stringify(value)?.slice(0, 300)}`);
      return label;
    },
  ),
];
