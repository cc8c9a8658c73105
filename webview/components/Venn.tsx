// Two overlapping sets inside the population; "given B" greys out the shapes outside B (not their labels).
import type { PopulationCounts } from '../../src/core/population';

const A_CENTER = 125;
const B_CENTER = 205;
const CENTER_Y = 112;
const RADIUS = 72;

export function Venn({ counts, givenB }: { readonly counts: PopulationCounts; readonly givenB: boolean }) {
  const onlyA = counts.tennis - counts.both;
  const onlyB = counts.football - counts.both;
  return (
    <svg class={givenB ? 'venn given-b' : 'venn'} viewBox="0 0 330 220" role="img" aria-labelledby="venn-title">
      <title id="venn-title">
        {`Venn diagram: ${onlyA} like only tennis, ${counts.both} like both, ${onlyB} like only football, ${counts.neither} like neither` +
          (givenB ? '; everyone outside B (football) is greyed out.' : '.')}
      </title>
      <defs>
        <mask id="outside-b">
          <rect x="0" y="0" width="330" height="220" fill="white" />
          <circle cx={B_CENTER} cy={CENTER_Y} r={RADIUS} fill="black" />
        </mask>
      </defs>
      <rect class="venn-universe" x="4" y="4" width="322" height="212" rx="6" />
      <circle class="venn-set fill-a" cx={A_CENTER} cy={CENTER_Y} r={RADIUS} />
      <circle class="venn-set fill-b" cx={B_CENTER} cy={CENTER_Y} r={RADIUS} />
      {/* The shade covers the shapes only: the labels above it stay readable given B. */}
      {givenB && <rect class="venn-shade" x="4" y="4" width="322" height="212" rx="6" mask="url(#outside-b)" />}
      <text class="venn-caption" x="14" y="206">{`All ${counts.total} people`}</text>
      <text class="venn-set-label" x={A_CENTER - 45} y={CENTER_Y - RADIUS - 8}>{`A: tennis (${counts.tennis})`}</text>
      <text class="venn-set-label" x={B_CENTER + 45} y={CENTER_Y - RADIUS - 8}>{`B: football (${counts.football})`}</text>
      <text class="venn-count" x={A_CENTER - 35} y={CENTER_Y + 8}>{onlyA}</text>
      <text class="venn-count venn-both" x={(A_CENTER + B_CENTER) / 2} y={CENTER_Y + 8}>{counts.both}</text>
      <text class="venn-count" x={B_CENTER + 35} y={CENTER_Y + 8}>{onlyB}</text>
      <text class="venn-region-label" x={(A_CENTER + B_CENTER) / 2} y={CENTER_Y + 28}>A and B</text>
      <text class="venn-neither" x="316" y="206" text-anchor="end">{`neither: ${counts.neither}`}</text>
    </svg>
  );
}
