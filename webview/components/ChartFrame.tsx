// Every chart has a table view: one toggle per chart, remembered in the panel state.
import type { ComponentChildren } from 'preact';

export interface ChartFrameProps {
  readonly id: string;
  readonly title: string;
  readonly asTable: boolean;
  readonly onToggleTable: (id: string) => void;
  readonly chart: ComponentChildren;
  readonly table: ComponentChildren;
  readonly caption?: ComponentChildren;
}

export function ChartFrame(props: ChartFrameProps) {
  const headingId = `${props.id}-heading`;
  return (
    <figure class="chart" aria-labelledby={headingId} data-chart={props.id}>
      <div class="chart-header">
        <h3 id={headingId}>{props.title}</h3>
        <button
          type="button"
          class="link-button"
          aria-pressed={props.asTable}
          onClick={() => props.onToggleTable(props.id)}
        >
          Table view
        </button>
      </div>
      {props.asTable ? props.table : props.chart}
      {props.caption && <figcaption>{props.caption}</figcaption>}
    </figure>
  );
}
