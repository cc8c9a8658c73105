// Horizontal bars on an absolute 0…1 axis, so that a distribution concentrating on one word is seen
// as one bar growing to the full width.
import type { ComponentChildren } from 'preact';

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
  /** Makes the row a button. */
  readonly onActivate?: () => void;
  readonly activateLabel?: string;
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

export function BarList({ rows, label }: { readonly rows: readonly BarRow[]; readonly label: string }) {
  return (
    <ul class={rows.some((row) => row.detail !== undefined) ? 'bars with-detail' : 'bars'} aria-label={label}>
      {rows.map((row) => (
        <li key={row.key} class={row.highlighted ? 'highlighted' : undefined}>
          {row.onActivate ? (
            <button type="button" class="bar-row" onClick={row.onActivate} aria-label={row.activateLabel}>
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
  );
}
