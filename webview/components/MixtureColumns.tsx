// The team's base model and the workspace model side by side: for each candidate, each model's own
// probability and the mixture λ·P_base + (1 − λ)·P_workspace the prediction used, with every column's
// total. Shown when the server answered with a mixture (`PredictionView.mixture`).

import type { PredictionView } from '../../src/protocol/webview';
import { displayToken, formatCount, formatProbability } from '../format';

/** λ as the setting holds it, without the float noise of 1 − λ. */
function formatWeight(weight: number): string {
  return String(Math.round(weight * 1e6) / 1e6);
}

/** Which model answered, in one sentence. */
export function mixtureSentence(mixture: NonNullable<PredictionView['mixture']>): string {
  const { weight, source } = mixture;
  if (weight === 1) return `Answered by the team base model ${source} alone (λ = 1).`;
  if (weight === 0) return `Answered by the workspace model alone (the team base model ${source} has weight λ = 0).`;
  return `Answered by the mixture of the team base model ${source} and the workspace model: P = ${formatWeight(weight)} · P_base + ${formatWeight(1 - weight)} · P_workspace.`;
}

export function MixtureColumns({ prediction }: { readonly prediction: PredictionView }) {
  const { mixture } = prediction;
  if (mixture === undefined) return null;
  const rows = prediction.candidates.filter((candidate) => candidate.parts !== undefined);
  const total = (part: 'base' | 'workspace') => rows.reduce((sum, row) => sum + (row.parts?.[part] ?? 0), mixture.others[part]);
  const mixtureTotal = rows.reduce((sum, row) => sum + row.probability, prediction.others.probability);
  return (
    <section class="mixture-columns" aria-label="The team base model and the workspace model side by side">
      <p class="lead mixture-answer">{mixtureSentence(mixture)}</p>
      <p class="note">
        A word one model never saw gets 0 from it; each model’s own {displayToken('<unk>')} share stays on{' '}
        {displayToken('<unk>')}, so every column adds up to 1 (the base model’s up to the rounding of its file’s digits).
      </p>
      <table class="data mixture-table">
        <thead>
          <tr>
            <th scope="col">word</th>
            <th scope="col">team base P_base</th>
            <th scope="col">workspace P_workspace</th>
            <th scope="col">mixture P</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <th scope="row">{displayToken(row.word)}</th>
              <td>{formatProbability(row.parts?.base ?? 0)}</td>
              <td>{formatProbability(row.parts?.workspace ?? 0)}</td>
              <td>{formatProbability(row.probability)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">all other words ({formatCount(prediction.others.words)})</th>
            <td>{formatProbability(mixture.others.base)}</td>
            <td>{formatProbability(mixture.others.workspace)}</td>
            <td>{formatProbability(prediction.others.probability)}</td>
          </tr>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">total</th>
            <td>{formatProbability(total('base'))}</td>
            <td>{formatProbability(total('workspace'))}</td>
            <td>{formatProbability(mixtureTotal)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
