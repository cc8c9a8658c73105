// `export-arpa` and `import-arpa`: the model in the standard back-off format KenLM and SRILM read,
// and any ARPA file (theirs or ours) queried as a model.

import { arpaRefusal, writeArpa } from '../../core/arpa';
import { OUTPUT_OPTIONS, SAMPLING_OPTIONS, type Command } from '../command';
import { CliError, UsageError } from '../errors';
import { MODEL_OPTIONS, STANDARD_STREAM, writeOutput, loadModel, openArpa, readInput, refuseOverwritingInput } from '../load';
import { stringOption, requiredString } from '../options';
import { bytes, integer, table } from '../render';
import { describeModel } from './train';
import { evaluate, printEvaluation } from './evaluate';
import { predict, printPrediction, contextTokens, TOP_OPTION, topOption } from './predict';

export const exportArpaCommand: Command = {
  name: 'export-arpa',
  synopsis: 'export-arpa (--train PATH | --model FILE) [--out FILE] [options]',
  summary: 'write the model as an ARPA file (KenLM, SRILM and most n-gram tools read it)',
  description: [
    'Every n-gram with a non-zero count is listed with log10 P(word | context) as the model computes it (for Kneser-Ney, the interpolated probability) and, below the top order, the back-off weight log10 γ(context), so that a reader following the back-off rule gets the model’s probability for every word after every context. Kneser-Ney and MLE have this form; stupid-backoff (scores, not probabilities) and add-k above order 1 do not and are refused. Without --out the file goes to stdout.',
  ],
  options: {
    ...MODEL_OPTIONS,
    out: { type: 'string', short: 'o', value: 'FILE', help: 'where to write the ARPA file (default, or -: standard output)' },
    quiet: OUTPUT_OPTIONS.quiet,
  },
  examples: ['export-arpa --train corpus.txt --tokenizer whitespace --order 3 --out corpus.arpa', 'export-arpa --model sample.nwl | head -20'],
  async run({ values }, io) {
    const progress = io.progress(values);
    const out = stringOption(values, 'out');
    if (out !== undefined) await refuseOverwritingInput(out, [stringOption(values, 'train'), stringOption(values, 'model')]);
    const loaded = await loadModel(values, progress, false);
    if (loaded.kind === 'arpa') throw new UsageError(`${loaded.source} is already an ARPA model`);
    const refusal = arpaRefusal(loaded.model);
    if (refusal !== undefined) throw new CliError(`cannot export: ${refusal}`);
    // An NgramModel named longest-match is its Kneser-Ney part; the index's contexts have no ARPA form.
    if (loaded.model.estimator.name === 'longest-match' && values.quiet !== true) io.note('longest-match reads contexts of any length from the text itself, which no ARPA file holds: writing its Kneser-Ney part');
    progress.update(() => 'writing the ARPA file…');
    const arpa = writeArpa(loaded.model);
    progress.done();
    if (out === undefined || out === STANDARD_STREAM) {
      io.stdout.write(arpa);
      return;
    }
    await writeOutput(out, arpa);
    if (values.quiet !== true) io.note(`wrote ${out} (${bytes(arpa.length)}): ${loaded.model.stats().ngrams.map(integer).join(' / ')} n-grams plus <unk>`);
  },
};

export const importArpaCommand: Command = {
  name: 'import-arpa',
  synopsis: 'import-arpa --arpa FILE [--out FILE] [--context TEXT [--top K]] [--test FILE] [options]',
  summary: 'read an ARPA file (KenLM, SRILM or export-arpa) and query it: candidates, perplexity',
  description: [
    'The file is checked as KenLM checks it (header counts, sections, \\end\\); a problem is reported with its line number. Without a query the command prints what the file holds. --out saves the model in a binary form that --model loads without parsing text. --context lists the likeliest next words as predict does (an ARPA file has no counts, so only probabilities and the answering order are shown); --test scores a file as eval does, reproducing KenLM’s query numbers. Any command also takes an ARPA file as --model.',
  ],
  options: {
    arpa: { type: 'string', value: 'FILE', help: 'the ARPA file to read' },
    out: { type: 'string', short: 'o', value: 'FILE', help: 'save the imported model (binary) for --model (- for standard output; the report then goes to stderr)' },
    tokenizer: { type: 'string', value: 'NAME', help: 'how --context and --test text is split (default whitespace)' },
    context: { type: 'string', short: 'c', value: 'TEXT', help: 'list the likeliest next words after TEXT (a line start)' },
    ...TOP_OPTION,
    test: { type: 'string', value: 'FILE', help: 'score this text (- for standard input): perplexity with and without unknown words' },
    temperature: SAMPLING_OPTIONS.temperature,
    ...OUTPUT_OPTIONS,
  },
  examples: [
    'import-arpa --arpa kenlm.arpa --test test.txt --json',
    'import-arpa --arpa corpus.arpa --context "the model" --top 5',
    'import-arpa --arpa kenlm.arpa --out kenlm.nwla && next-word-lab predict --model kenlm.nwla --context "import {"',
  ],
  async run({ values }, stdio) {
    const file = requiredString(values, 'arpa', 'the ARPA file to read');
    const out = stringOption(values, 'out');
    const io = out === STANDARD_STREAM ? stdio.resultsOnStderr() : stdio;
    const top = topOption(values);
    if (out !== undefined) await refuseOverwritingInput(out, [file, stringOption(values, 'test')]);
    const started = performance.now();
    const loaded = openArpa(file, await readInput(file), values, started);
    const { model } = loaded;
    let savedBytes: number | undefined;
    if (out !== undefined) {
      const bytes = model.toBytes();
      await writeOutput(out, bytes);
      savedBytes = bytes.length;
    }
    const prediction = values.context !== undefined ? predict(model, contextTokens(model, values), top, values) : undefined;
    const evaluation = typeof values.test === 'string' ? await evaluate(loaded, values.test) : undefined;
    const summary = {
      order: model.order,
      ngrams: model.ngramCounts,
      vocabularySize: model.vocabulary.size,
      modelBytes: model.byteLength(),
      loadSeconds: loaded.seconds,
      ...(out !== undefined ? { out, savedBytes } : {}),
    };
    if (values.json) {
      io.json({ ...summary, ...(prediction ? { prediction } : {}), ...(evaluation ? { evaluation } : {}) });
      return;
    }
    io.print(
      table(
        [
          ['file', file],
          ['model', describeModel(loaded)],
          ['vocabulary', `${integer(model.vocabulary.size)} words (with <s>, </s>, <unk>)`],
          ['memory', bytes(summary.modelBytes)],
          ['read in', `${loaded.seconds.toFixed(2)} s`],
          ...(out !== undefined ? [['saved', `${out} (${bytes(savedBytes ?? 0)})`]] : []),
        ],
        ['l', 'l'],
      ),
    );
    if (prediction) {
      io.print();
      printPrediction(io, prediction, values);
    }
    if (evaluation) {
      io.print();
      printEvaluation(io, evaluation, loaded, values);
    }
  },
};
