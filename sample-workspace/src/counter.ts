// Counts pairs of neighbouring words, so that the next word can be predicted from the previous one.

import { sentences } from './tokenize';

export interface Candidate {
  word: string;
  count: number;
  probability: number;
}

export class BigramCounter {
  private readonly pairs = new Map<string, Map<string, number>>();
  private readonly contexts = new Map<string, number>();

  addText(text: string): void {
    for (const sentence of sentences(text)) this.addSentence(sentence);
  }

  addSentence(words: readonly string[]): void {
    for (let i = 1; i < words.length; i++) this.change(words[i - 1], words[i], 1);
  }

  removeSentence(words: readonly string[]): void {
    for (let i = 1; i < words.length; i++) this.change(words[i - 1], words[i], -1);
  }

  count(context: string, word: string): number {
    return this.pairs.get(context)?.get(word) ?? 0;
  }

  contextCount(context: string): number {
    return this.contexts.get(context) ?? 0;
  }

  probability(context: string, word: string): number {
    const total = this.contextCount(context);
    if (total === 0) return 0;
    return this.count(context, word) / total;
  }

  candidates(context: string, limit: number): Candidate[] {
    const total = this.contextCount(context);
    const next = this.pairs.get(context);
    if (next === undefined || total === 0) return [];
    const result: Candidate[] = [];
    for (const [word, count] of next) {
      result.push({ word, count, probability: count / total });
    }
    result.sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
    return result.slice(0, limit);
  }

  private change(context: string, word: string, delta: number): void {
    let next = this.pairs.get(context);
    if (next === undefined) {
      next = new Map<string, number>();
      this.pairs.set(context, next);
    }
    const count = (next.get(word) ?? 0) + delta;
    if (count > 0) next.set(word, count);
    else next.delete(word);
    if (next.size === 0) this.pairs.delete(context);
    const total = (this.contexts.get(context) ?? 0) + delta;
    if (total > 0) this.contexts.set(context, total);
    else this.contexts.delete(context);
  }
}
