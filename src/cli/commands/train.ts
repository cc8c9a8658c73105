// `train`: learn text into a model and save it as a snapshot the other commands load with --model.

import { writeSnapshot } from '../../core/snapshot';
import { OUTPUT_OPTIONS, type Command } from '../command';
import { LEARNING_OPTIONS, STANDARD_STREAM, TRAIN_OPTION, refuseOverwritingInput, writeOutput, trainFrom, trainingOptions, type LoadedModel } from '../load';
import { flag, requiredString } from '../options';
import { bytes, integer, table } from '../render';

/** "order 3 kneser-ney, words tokenizer, 12 files": what a loaded model is, in one line. */
export function describeModel(loaded: LoadedModel): string {
  if (loaded.kind === 'arpa') {
    return `ARPA back-off model of order ${loaded.model.order}, ${loaded.model.ngramCounts.map(integer).join(' / ')} n-grams, ${loaded.model.tokenizer} tokenizer`;
  }
  const { model } = loaded;
  const files = loaded.files > 1 ? `, ${integer(loaded.files)} files` : '';
  return `order ${model.order} ${model.estimator.name}, ${model.tokenizer} tokenizer${files}`;
}

function plural(count: number, noun: string): string {
  return `${integer(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function withheldLines(loaded: LoadedModel & { kind: 'ngram' }): number {
  return loaded.withheld.reduce((sum, file) => sum + file.lines, 0);
}

export const trainCommand: Command = {
  name: 'train',
  synopsis: 'train --train PATH --out FILE [--order N] [--smoothing NAME] [--tokenizer NAME] [options]',
  summary: 'learn a text file or a folder and save the model (a snapshot) for --model',
  description: [
    'A folder is walked as the extension walks a workspace: text files by extension (source code, Markdown, plain text …), skipping node_modules, build output, .gitignore’d paths, secrets, binary and minified files and files over --max-file-kb. A single file is learned whatever its extension. Each line is a sentence. The snapshot keeps the counts, so --smoothing can still be changed when it is loaded.',
  ],
  options: {
    ...TRAIN_OPTION,
    ...LEARNING_OPTIONS,
    out: { type: 'string', short: 'o', value: 'FILE', help: 'where to write the snapshot (- for standard output; the report then goes to stderr)' },
    ...OUTPUT_OPTIONS,
  },
  examples: ['train --train sample-workspace --out sample.nwl', 'cat *.txt | next-word-lab train --train - --out - > notes.nwl', 'train --train corpus.txt --tokenizer whitespace --order 5 --out corpus.nwl --json'],
  async run({ values }, stdio) {
    const source = requiredString(values, 'train', 'the text file or folder to learn');
    const out = requiredString(values, 'out', 'the snapshot file to write');
    const io = out === STANDARD_STREAM ? stdio.resultsOnStderr() : stdio;
    await refuseOverwritingInput(out, [source]);
    const loaded = await trainFrom(source, trainingOptions(values), io.progress(values), undefined, flag(values, 'trust-file'), false);
    const snapshot = writeSnapshot(loaded.model);
    await writeOutput(out, snapshot);
    const stats = loaded.model.stats();
    if (values.json) {
      io.json({ ...stats, files: loaded.files, skipped: loaded.skipped.length, withheldLines: withheldLines(loaded), trainSeconds: loaded.seconds, out, snapshotBytes: snapshot.length });
      return;
    }
    io.print(
      table(
        [
          ['learned', describeModel(loaded)],
          ['text', `${integer(stats.sentences)} lines, ${integer(stats.tokens)} tokens, ${integer(stats.vocabularySize)} distinct words`],
          ['n-grams', stats.ngrams.map((count, i) => `${integer(count)} ${i + 1}-grams`).join(', ')],
          ['skipped', loaded.skipped.length === 0 ? 'nothing' : `${integer(loaded.skipped.length)} files or folders`],
          ...(loaded.withheld.length === 0
            ? []
            : [['withheld', `${plural(withheldLines(loaded), 'line')} holding secrets, in ${plural(loaded.withheld.length, 'file')}`]]),
          ['time', `${loaded.seconds.toFixed(2)} s`],
          ['saved', `${out === STANDARD_STREAM ? 'standard output' : out} (${bytes(snapshot.length)})`],
        ],
        ['l', 'l'],
      ),
    );
  },
};
