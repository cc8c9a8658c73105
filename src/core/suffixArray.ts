// Suffix array construction by induced sorting (SA-IS: Nong, Zhang & Chan, "Two Efficient Algorithms
// for Linear Time Suffix Array Construction", 2011): O(n) time over an integer alphabet, which is what
// token ids are. Sorting suffixes by comparison would cost O(n log n) comparisons of unbounded length
// (code repeats itself: duplicated files give suffixes sharing thousands of tokens).

/** `bucket[c]` = the start (or, with `ends`, the end) of character c's bucket in the suffix array. */
function fillBuckets(text: Int32Array, bucket: Int32Array, ends: boolean): void {
  bucket.fill(0);
  for (let i = 0; i < text.length; i++) bucket[text[i]]++;
  let sum = 0;
  for (let c = 0; c < bucket.length; c++) {
    sum += bucket[c];
    bucket[c] = ends ? sum : sum - bucket[c];
  }
}

/**
 * Suffix types, a bit per position (1: S-type, smaller than the suffix after it; 0: L-type): a byte
 * each was 60 MB at 60 M tokens, on top of the text and the array, in every merge of the index.
 */
function suffixTypes(text: Int32Array): Uint8Array {
  const n = text.length;
  const types = new Uint8Array((n + 7) >>> 3);
  types[(n - 1) >>> 3] |= 1 << ((n - 1) & 7);
  for (let i = n - 2, next = 1; i >= 0; i--) {
    const type = text[i] < text[i + 1] || (text[i] === text[i + 1] && next === 1) ? 1 : 0;
    types[i >>> 3] |= type << (i & 7);
    next = type;
  }
  return types;
}

/** Whether suffix i is S-type. */
function isS(types: Uint8Array, i: number): boolean {
  return ((types[i >>> 3] >>> (i & 7)) & 1) === 1;
}

/** Whether position i starts an LMS substring: S-type with an L-type on its left. */
function isLms(types: Uint8Array, i: number): boolean {
  return i > 0 && isS(types, i) && !isS(types, i - 1);
}

/** Sorts the L-type suffixes from the LMS ones placed, then the S-type ones from those. */
function induce(text: Int32Array, sa: Int32Array, types: Uint8Array, bucket: Int32Array): void {
  const n = text.length;
  fillBuckets(text, bucket, false);
  for (let i = 0; i < n; i++) {
    const j = sa[i] - 1;
    if (j >= 0 && !isS(types, j)) sa[bucket[text[j]]++] = j;
  }
  fillBuckets(text, bucket, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i] - 1;
    if (j >= 0 && isS(types, j)) sa[--bucket[text[j]]] = j;
  }
}

/**
 * SA-IS into `sa` (length n). `text[n − 1]` must be 0 and every other character in 1..alphabet−1:
 * the unique smallest sentinel the induction starts from. `bucket` is scratch, an entry per character
 * of the alphabet.
 */
function sais(text: Int32Array, sa: Int32Array, bucket: Int32Array): void {
  const n = text.length;
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  const types = suffixTypes(text);

  // Stage 1: sort the LMS substrings by one induction from their bucket ends.
  fillBuckets(text, bucket, true);
  sa.fill(-1);
  for (let i = 1; i < n; i++) if (isLms(types, i)) sa[--bucket[text[i]]] = i;
  induce(text, sa, types, bucket);

  let lmsCount = 0;
  for (let i = 0; i < n; i++) if (isLms(types, sa[i])) sa[lmsCount++] = sa[i];
  // Name the LMS substrings (equal substrings share a name), each at sa[lmsCount + position/2].
  sa.fill(-1, lmsCount, n);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < lmsCount; i++) {
    const position = sa[i];
    let differs = previous < 0;
    for (let d = 0; !differs; d++) {
      if (text[position + d] !== text[previous + d] || isS(types, position + d) !== isS(types, previous + d)) differs = true;
      else if (d > 0 && (isLms(types, position + d) || isLms(types, previous + d))) break;
    }
    if (differs) {
      names++;
      previous = position;
    }
    sa[lmsCount + (position >> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= lmsCount; i--) if (sa[i] >= 0) sa[j--] = sa[i];

  // Stage 2: sort the LMS suffixes: recursively when two LMS substrings share a name.
  const reduced = sa.subarray(n - lmsCount, n);
  const reducedSa = sa.subarray(0, lmsCount);
  // The recursion writes only its own array and reads only its text, the two ends of `sa`: its buckets
  // fit between them whenever there are few enough names (a workspace's are a third of the LMS
  // suffixes or fewer; an array of them was 80 MB at 60 M tokens).
  const between = n - 2 * lmsCount;
  if (names < lmsCount) sais(reduced, reducedSa, between >= names ? sa.subarray(lmsCount, lmsCount + names) : new Int32Array(names));
  else for (let i = 0; i < lmsCount; i++) reducedSa[reduced[i]] = i;

  // Stage 3: place the sorted LMS suffixes at their bucket ends and induce the rest.
  for (let i = 1, j = 0; i < n; i++) if (isLms(types, i)) reduced[j++] = i;
  for (let i = 0; i < lmsCount; i++) reducedSa[i] = reduced[reducedSa[i]];
  sa.fill(-1, lmsCount, n);
  fillBuckets(text, bucket, true);
  for (let i = lmsCount - 1; i >= 0; i--) {
    const j = sa[i];
    sa[i] = -1;
    sa[--bucket[text[j]]] = j;
  }
  induce(text, sa, types, bucket);
}

/**
 * The suffix array of `text` (values 0 ≤ v < alphabet, the last one 0, as the token index's stream
 * ends in its separator): the start positions of its suffixes in lexicographic order, a shorter suffix
 * before every suffix it is a prefix of. The induction needs a sentinel smaller than every other
 * character at the end: every character but the last is raised by one in place meanwhile, so the
 * final 0 is that sentinel (it already sorts first, as the shortest suffix), and the only memory taken
 * besides the result is a bit a character and the alphabet's buckets (a copy of a 60 M-token stream
 * was 240 MB more). `text` is as it was on return.
 */
export function buildSuffixArray(text: Int32Array, alphabet: number): Int32Array {
  const n = text.length;
  if (n === 0 || text[n - 1] !== 0) throw new RangeError('the text does not end in 0');
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (!(c >= 0 && c < alphabet)) throw new RangeError(`character ${c} at ${i} is outside the alphabet 0..${alphabet - 1}`);
  }
  const sa = new Int32Array(n);
  // A text shorter than its alphabet (a document sorted alone, over the whole vocabulary's ids) is
  // sorted over its own letters: SA-IS fills and walks a bucket per letter at every induction.
  if (alphabet > n) {
    const { letters, count } = relabelled(text);
    sais(letters, sa, new Int32Array(count));
    return sa;
  }
  for (let i = 0; i < n - 1; i++) text[i]++;
  try {
    sais(text, sa, new Int32Array(alphabet + 1));
  } finally {
    for (let i = 0; i < n - 1; i++) text[i]--;
  }
  return sa;
}

/**
 * `text` over the letters it uses, in their order, with the final 0 as the sentinel: the same suffix
 * array, over an alphabet of `count` letters.
 */
function relabelled(text: Int32Array): { letters: Int32Array; count: number } {
  const used = Int32Array.from(new Set(text.subarray(0, text.length - 1))).sort();
  const letterOf = new Map<number, number>();
  used.forEach((value, i) => letterOf.set(value, i + 1));
  const letters = new Int32Array(text.length);
  for (let i = 0; i < text.length - 1; i++) letters[i] = letterOf.get(text[i]) as number;
  return { letters, count: used.length + 1 };
}
