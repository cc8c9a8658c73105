// `tokenize`: text as the editor reads it, for KenLM. A team's base model is estimated by `lmplz` on
// pre-tokenized text (tokens separated by single spaces, one sentence a line); the extension then reads
// the editor's text with its own tokenizer, so the corpus must be split the same way, under the same
// file and secret rules, or the base model's words would never meet the editor's (docs/team-models.md).

import { tokenizeLine } from '../../core/tokenizer';
import type { Command } from '../command';
import { LEARNING_OPTIONS, TRAIN_OPTION, trainFrom, trainingOptions } from '../load';
import { flag, requiredString } from '../options';

export const tokenizeCommand: Command = {
  name: 'tokenize',
  synopsis: 'tokenize --train PATH [--tokenizer NAME] [--max-file-kb KB]',
  summary: 'print text as the editor tokenizes it, a line per sentence, for KenLM’s lmplz',
  description: [
    'Reads a text file, a folder (walked as `train` walks one: the extension’s file rules, secrets left out) or standard input, and prints every non-blank line as its tokens separated by single spaces: the input `lmplz` expects for a base model that `nextWordLab.baseModel` then mixes with the workspace model. Under the whitespace tokenizer a literal <s>, </s> or <unk> in the text is printed as \\<s>, \\</s>, \\<unk>, the word the model reads (the words tokenizer splits them at their brackets).',
  ],
  options: { ...TRAIN_OPTION, tokenizer: LEARNING_OPTIONS.tokenizer, 'max-file-kb': LEARNING_OPTIONS['max-file-kb'] },
  examples: ['tokenize --train ~/src/our-repositories | lmplz -o 5 --prune 0 0 1 1 1 > team.arpa', 'tokenize --train notes.md --tokenizer whitespace'],
  async run({ values }, io) {
    const source = requiredString(values, 'train', 'the text file or folder to tokenize');
    const { tokenizer } = trainingOptions(values);
    const print = (_fsPath: string, text: string): void => {
      const lines: string[] = [];
      for (const line of text.split(/\r\n|\r|\n/)) {
        const tokens = tokenizeLine(tokenizer, line);
        if (tokens.length > 0) lines.push(tokens.join(' '));
      }
      if (lines.length > 0) io.print(lines.join('\n'));
    };
    // A unigram count is the cheapest model `trainFrom` keeps while it walks the files.
    await trainFrom(source, { ...trainingOptions(values), order: 1, estimator: { name: 'mle' } }, io.progress(values), print, flag(values, 'trust-file'), false);
  },
};
