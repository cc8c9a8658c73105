// A tiny command runner: learn a text, then print the next word candidates and a short continuation.

import { BigramCounter } from './counter';
import { draw, seededRandom } from './sampler';
import { END, START } from './tokenize';

export interface RunOptions {
  text: string;
  context: string;
  words: number;
  temperature: number;
  seed: number;
}

export function run(options: RunOptions): string[] {
  const counter = new BigramCounter();
  counter.addText(options.text);
  const random = seededRandom(options.seed);
  const output: string[] = [];
  let previous = options.context.length > 0 ? options.context : START;
  for (let i = 0; i < options.words; i++) {
    const candidates = counter.candidates(previous, 50);
    const next = draw(candidates, options.temperature, random);
    if (next === undefined || next.word === END) break;
    output.push(next.word);
    previous = next.word;
  }
  return output;
}

export function describe(counter: BigramCounter, context: string): string[] {
  const lines: string[] = [];
  for (const candidate of counter.candidates(context, 5)) {
    const percent = (candidate.probability * 100).toFixed(1);
    lines.push(`${candidate.word}  ${percent}%  (${candidate.count} of ${counter.contextCount(context)})`);
  }
  return lines;
}
