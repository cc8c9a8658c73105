// Word ⇄ integer id. Ids are dense, start at 0 and never change or get reused: documents, snapshots
// and the count tables all refer to words by id, so a word stays interned even after every
// occurrence of it has been removed (the model then treats it as unseen).

export const UNK = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK_TOKEN = '<unk>';
export const BOS_TOKEN = '<s>';
export const EOS_TOKEN = '</s>';
/** Ids below this are the reserved markers above; real words start here. */
export const FIRST_WORD_ID = 3;

/**
 * Whether `token` spells one of the reserved markers. Text never produces them: a literal `<s>` in
 * text (possible with the whitespace tokenizer) is the word `\<s>` (tokenizer.ts).
 */
export function isReservedToken(token: string): boolean {
  return token === UNK_TOKEN || token === BOS_TOKEN || token === EOS_TOKEN;
}

/** FNV-1a over the UTF-16 units of text[start, end). */
function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // As an int32, the way the hashes array stores it (the offset basis alone is above 2^31).
  return h | 0;
}

/**
 * text[start, end) as a string of its own. V8 keeps a substring of 13 or more characters as a slice
 * of the string it was cut from, so a new word kept as `text.slice` held its file's whole text for as
 * long as the vocabulary lived: every file that brought in a long new identifier (a quarter of the
 * large bench's workspace kept 5,309 of its 6,135 files' texts, 57.5 MB). Joined to a character and
 * cut again, the word is copied into a flat string of its own (V8 flattens before cutting).
 */
function ownString(text: string, start: number, end: number): string {
  return ` ${text.slice(start, end)}`.slice(1);
}

const MIN_SLOTS = 64;

/**
 * An open-addressing table of the words (slots hold id + 1), so a token can be looked up straight
 * from its range in the text: no substring is made for a word already known, which is most tokens.
 */
export class Vocabulary {
  private readonly words: string[] = [];
  private hashes = new Int32Array(MIN_SLOTS / 2);
  private slots = new Int32Array(MIN_SLOTS);
  /** The words' string bytes, kept as words are added so the size is known at once (a memory budget asks often). */
  private wordBytes = 0;

  constructor() {
    for (const token of [UNK_TOKEN, BOS_TOKEN, EOS_TOKEN]) this.intern(token);
  }

  /** Rebuilds a vocabulary from `words` in id order (the first three must be the reserved markers). */
  static fromWords(words: readonly string[]): Vocabulary {
    if (words[UNK] !== UNK_TOKEN || words[BOS] !== BOS_TOKEN || words[EOS] !== EOS_TOKEN) {
      throw new Error(`vocabulary must start with ${UNK_TOKEN}, ${BOS_TOKEN}, ${EOS_TOKEN}`);
    }
    const vocabulary = new Vocabulary();
    for (let id = FIRST_WORD_ID; id < words.length; id++) {
      if (vocabulary.intern(words[id]) !== id) throw new Error(`vocabulary word ${JSON.stringify(words[id])} appears twice`);
    }
    return vocabulary;
  }

  /** Number of ids handed out, the reserved markers included. */
  get size(): number {
    return this.words.length;
  }

  /** The id of text[start, end), or UNK when it was never interned. */
  idOfRange(text: string, start: number, end: number): number {
    return this.find(text, start, end, hashRange(text, start, end));
  }

  /** The id of text[start, end), adding the word if it is new. */
  internRange(text: string, start: number, end: number): number {
    const hash = hashRange(text, start, end);
    const id = this.find(text, start, end, hash);
    if (id !== UNK || this.matches(UNK, text, start, end)) return id;
    return this.add(ownString(text, start, end), hash);
  }

  /** The id of `word`, adding it if it is new. */
  intern(word: string): number {
    return this.internRange(word, 0, word.length);
  }

  /** The id of `word`, or UNK when it was never interned. */
  idOf(word: string): number {
    return this.idOfRange(word, 0, word.length);
  }

  has(word: string): boolean {
    return this.idOf(word) !== UNK || word === UNK_TOKEN;
  }

  private matches(id: number, text: string, start: number, end: number): boolean {
    const word = this.words[id];
    if (word === undefined || word.length !== end - start) return false;
    for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
    return true;
  }

  private find(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash & mask; slots[i] !== 0; i = (i + 1) & mask) {
      const id = slots[i] - 1;
      if (this.hashes[id] === hash && this.matches(id, text, start, end)) return id;
    }
    return UNK;
  }

  private add(word: string, hash: number): number {
    const id = this.words.length;
    this.words.push(word);
    this.wordBytes += 2 * word.length + STRING_HEADER_BYTES;
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    if (2 * this.words.length > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let other = 0; other < this.words.length; other++) this.place(other);
    } else {
      this.place(id);
    }
    return id;
  }

  private place(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.hashes[id] & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  /** The word of `id`; throws on an id that was never handed out. */
  word(id: number): string {
    const word = this.words[id];
    if (word === undefined) throw new RangeError(`no word with id ${id}`);
    return word;
  }

  /** All words in id order (index = id). */
  allWords(): readonly string[] {
    return this.words;
  }

  /** Bytes held: the strings (2 per UTF-16 unit plus a header each, on V8) and the hash table. */
  byteLength(): number {
    return this.slots.byteLength + this.hashes.byteLength + 8 * this.words.length + this.wordBytes;
  }

  clone(): Vocabulary {
    return Vocabulary.fromWords(this.words);
  }
}

/** A V8 string's header on 64-bit builds (map, hash, length), rounded to its allocation. */
const STRING_HEADER_BYTES = 24;
