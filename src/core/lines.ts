// A text's lines as an editor and the tokenizer see them, and what an edit changed among them: shared
// by the model's update of an open document and the secret rules' look at the same edit.

/** Lines as an editor and the tokenizer see them: `\r\n`, `\r` and `\n` all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** How many lines at the start (`head`) and at the end (`tail`, not overlapping it) `before` and `after` share. */
export function unchangedEnds(before: readonly string[], after: readonly string[]): { readonly head: number; readonly tail: number } {
  const shorter = Math.min(before.length, after.length);
  let head = 0;
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shorter - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { head, tail };
}
