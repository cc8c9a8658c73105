// A small seedable pseudo-random generator: sfc32 (Chris Doty-Humphrey's "small fast counting"
// generator, 128 bits of state, passes PractRand) seeded through the cyrb128 string hash. Pure
// arithmetic on 32-bit integers, so it runs the same in Node and in the webview.

/** A seed: numbers and strings are hashed through their decimal text, so `42` and `"42"` draw alike. */
export type Seed = number | string;

/** Draws a uniform number in [0, 1) with 32 bits of resolution. */
export type UniformRandom = () => number;

const TWO_POW_32 = 4294967296;

/** Outputs discarded after seeding, so that similar seeds give unrelated first draws. */
const WARM_UP_DRAWS = 15;

/** cyrb128: a fast 128-bit non-cryptographic hash of a string, as four 32-bit words. */
export function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A generator whose draws depend only on `seed`: the same seed always repeats the same sequence. */
export function createRandom(seed: Seed): UniformRandom {
  let [a, b, c, d] = cyrb128(String(seed));
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < WARM_UP_DRAWS; i++) nextUint32();
  return () => nextUint32() / TWO_POW_32;
}

/** A fresh seed from the platform's cryptographic source (Web Crypto exists in Node ≥ 19 and browsers). */
export function randomSeed(): string {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  return `${words[0].toString(36)}${words[1].toString(36)}`;
}
