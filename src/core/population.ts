// Lesson step 1 (the panel and the command line's demo): a small population, two events and the five
// probabilities built from their counts.
// A = "likes tennis", B = "likes football".

export type Preference = 'tennis' | 'football' | 'both' | 'neither';

/** Clicking a person walks them through the preferences in this order. */
export const PREFERENCE_CYCLE: readonly Preference[] = ['tennis', 'football', 'both', 'neither'];

/** The lesson's example: 14 people, 7 like tennis, 8 like football, 3 of them like both, 2 like neither. */
export const DEFAULT_POPULATION: readonly Preference[] = [
  ...Array<Preference>(4).fill('tennis'),
  ...Array<Preference>(3).fill('both'),
  ...Array<Preference>(5).fill('football'),
  ...Array<Preference>(2).fill('neither'),
];

export const likesTennis = (p: Preference): boolean => p === 'tennis' || p === 'both';
export const likesFootball = (p: Preference): boolean => p === 'football' || p === 'both';

export function nextPreference(p: Preference): Preference {
  return PREFERENCE_CYCLE[(PREFERENCE_CYCLE.indexOf(p) + 1) % PREFERENCE_CYCLE.length];
}

/** A probability as the lesson writes it: a count over a count. `value` is null when the denominator is 0. */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
  readonly value: number | null;
}

function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

export interface PopulationCounts {
  readonly total: number;
  readonly tennis: number;
  readonly football: number;
  readonly both: number;
  readonly neither: number;
}

export function countPopulation(people: readonly Preference[]): PopulationCounts {
  return {
    total: people.length,
    tennis: people.filter(likesTennis).length,
    football: people.filter(likesFootball).length,
    both: people.filter((p) => p === 'both').length,
    neither: people.filter((p) => p === 'neither').length,
  };
}

export interface ConditionalProbabilities {
  readonly a: Ratio;
  readonly b: Ratio;
  readonly aAndB: Ratio;
  /** P(A|B) = P(A and B) / P(B) = c(A and B) / c(B): undefined when nobody is in B. */
  readonly aGivenB: Ratio;
  readonly bGivenA: Ratio;
}

export function conditionalProbabilities(counts: PopulationCounts): ConditionalProbabilities {
  return {
    a: ratio(counts.tennis, counts.total),
    b: ratio(counts.football, counts.total),
    aAndB: ratio(counts.both, counts.total),
    aGivenB: ratio(counts.both, counts.football),
    bGivenA: ratio(counts.both, counts.tennis),
  };
}

export type ConditioningEffect = 'higher' | 'lower' | 'same';

/**
 * Whether knowing B made A likelier: P(A|B) against P(A), compared exactly on the counts
 * (c(A and B) · total against c(A) · c(B)). Null when either is undefined.
 */
export function conditioningEffect(p: ConditionalProbabilities): ConditioningEffect | null {
  if (p.aGivenB.value === null || p.a.value === null) return null;
  const given = p.aGivenB.numerator * p.a.denominator;
  const prior = p.a.numerator * p.aGivenB.denominator;
  return given > prior ? 'higher' : given < prior ? 'lower' : 'same';
}
