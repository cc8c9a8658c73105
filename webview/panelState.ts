// What the panel remembers across hiding and window reloads (VS Code's getState/setState).
import { arrayOf, isBoolean, isCount, isString, object, oneOf } from '../src/protocol/webview';
import { DEFAULT_POPULATION, PREFERENCE_CYCLE } from '../src/core/population';
import type { Preference } from '../src/core/population';

export const STEPS = ['conditional', 'next-word', 'model', 'greedy', 'sampling', 'temperature'] as const;
export type StepId = (typeof STEPS)[number];

export type ContextSource = 'editor' | 'typed';

export interface PanelState {
  readonly step: StepId;
  readonly people: readonly Preference[];
  readonly givenB: boolean;
  readonly contextSource: ContextSource;
  readonly typedContext: string;
  readonly seed: string;
  readonly greedyLength: number;
  /** Step 5 draws at the temperature setting (with top-k, top-p) instead of the model as learned (T = 1). */
  readonly samplingAtSetting: boolean;
  /** Charts currently shown as tables. */
  readonly tables: readonly string[];
}

export const DEFAULT_PANEL_STATE: PanelState = {
  step: 'conditional',
  people: DEFAULT_POPULATION,
  givenB: false,
  contextSource: 'editor',
  typedContext: '',
  seed: '',
  greedyLength: 30,
  samplingAtSetting: false,
  tables: [],
};

const isPanelState = object<PanelState>({
  step: oneOf(STEPS),
  people: arrayOf(oneOf(PREFERENCE_CYCLE)),
  givenB: isBoolean,
  contextSource: oneOf<ContextSource>(['editor', 'typed']),
  typedContext: isString,
  seed: isString,
  greedyLength: isCount,
  samplingAtSetting: isBoolean,
  tables: arrayOf(isString),
});

/**
 * The saved state, or the defaults for a new panel (seeded with the `nextWordLab.seed` setting). A
 * state saved by an older or damaged page is replaced rather than trusted.
 */
export function restorePanelState(saved: unknown, seedSetting: string): PanelState {
  return isPanelState(saved) ? saved : { ...DEFAULT_PANEL_STATE, seed: seedSetting };
}
