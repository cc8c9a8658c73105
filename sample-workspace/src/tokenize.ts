// Splits text into lines and lines into words. A line is a sentence; blank lines are skipped.

export const START = '<s>';
export const END = '</s>';

export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function splitWords(line: string): string[] {
  return line.split(/\s+/).filter((word) => word.length > 0);
}

export function sentences(text: string): string[][] {
  return splitLines(text).map((line) => [START, ...splitWords(line), END]);
}
