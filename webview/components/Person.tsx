// A person drawn in two halves, so "likes both" shows both colours and "likes neither" neither.
import type { Preference } from '../../src/core/population';

const LEFT_HALF = 'M12 2.5A4.5 4.5 0 0 0 12 11.5ZM3 22C3 15 7 12.5 12 12.5L12 22Z';
const RIGHT_HALF = 'M12 2.5A4.5 4.5 0 0 1 12 11.5ZM12 12.5C17 12.5 21 15 21 22L12 22Z';

const HALVES: Record<Preference, readonly [string, string]> = {
  tennis: ['fill-a', 'fill-a'],
  football: ['fill-b', 'fill-b'],
  both: ['fill-a', 'fill-b'],
  neither: ['fill-none', 'fill-none'],
};

export function PersonIcon({ preference }: { readonly preference: Preference }) {
  const [left, right] = HALVES[preference];
  return (
    <svg class="person-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path class={left} d={LEFT_HALF} />
      <path class={right} d={RIGHT_HALF} />
    </svg>
  );
}
