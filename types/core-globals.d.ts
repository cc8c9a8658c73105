// The few web-platform globals the engine uses, which Node (≥ 19) and every browser provide alike.
// Only src/core/tsconfig.json reads this file: the engine is checked against the language plus these,
// never the DOM's or Node's typings (the other targets get the real declarations from those).

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { readonly fatal?: boolean; readonly ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

declare const crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };
