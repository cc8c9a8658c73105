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
 * text (possible with the whitespace tokenizer) is dropped rather than read as a sentence boundary.
 */
export function isReservedToken(token: string): boolean {
  return token === UNK_TOKEN || token === BOS_TOKEN || token === EOS_TOKEN;
}

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];

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

  /** The id of `word`, adding it if it is new. */
  intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    return id;
  }

  /** The id of `word`, or UNK when it was never interned. */
  idOf(word: string): number {
    return this.ids.get(word) ?? UNK;
  }

  has(word: string): boolean {
    return this.ids.has(word);
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

  clone(): Vocabulary {
    return Vocabulary.fromWords(this.words);
  }
}
