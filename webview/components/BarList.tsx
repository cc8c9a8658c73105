// Horizontal bars on an absolute 0…1 axis, so that a distribution concentrating on one word is seen
// as one bar growing to the full width.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export interface BarRow {
  readonly key: string;
  readonly label: ComponentChildren;
  /** 0…1 (clamped). */
  readonly value: number;
  readonly valueText: string;
  readonly detail?: ComponentChildren;
  /** A second value drawn as a thin marker, e.g. the probability before re-weighting. */
  readonly reference?: number;
  readonly highlighted?: boolean;
  /** Makes the row a button; its name is what it shows, `BarList`'s `activateHint` says what it does. */
  readonly onActivate?: () => void;
}

const percent = (value: number): string => `${(Math.min(Math.max(value, 0), 1) * 100).toFixed(2)}%`;

function RowContent({ row }: { readonly row: BarRow }) {
  return (
    <>
      <span class="bar-label">{row.label}</span>
      <span class="bar-track" aria-hidden="true">
        <span class="bar-fill" style={{ width: percent(row.value) }} />
        {row.reference !== undefined && <span class="bar-reference" style={{ left: percent(row.reference) }} />}
      </span>
      <span class="bar-value">{row.valueText}</span>
      {row.detail !== undefined && <span class="bar-detail">{row.detail}</span>}
    </>
  );
}

let lists = 0;

export interface BarListProps {
  readonly rows: readonly BarRow[];
  readonly label: string;
  /** What activating a row does (its description), e.g. "Inserts the word at the editor's cursor." */
  readonly activateHint?: string;
}

export function BarList({ rows, label, activateHint }: BarListProps) {
  // Rows keep their visible text as their accessible name (WCAG 2.5.3); the action is their description.
  const [hintId] = useState(() => `bar-hint-${++lists}`);
  const describedBy = activateHint === undefined ? undefined : hintId;
  return (
    <>
      {activateHint !== undefined && (
        <span class="visually-hidden" id={hintId}>
          {activateHint}
        </span>
      )}
      <ul class={rows.some((row) => row.detail !== undefined) ? 'bars with-detail' : 'bars'} aria-label={label}>
        {rows.map((row) => (
          <li key={row.key} class={row.highlighted ? 'highlighted' : undefined}>
            {row.onActivate ? (
              <button type="button" class="bar-row" onClick={row.onActivate} aria-describedby={describedBy}>
                <RowContent row={row} />
              </button>
            ) : (
              <div class="bar-row">
                <RowContent row={row} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
