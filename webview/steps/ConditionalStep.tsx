// Lesson step 1: P(A|B) on a population the user can edit.
import { useRef, useState } from 'preact/hooks';
import { ChartFrame } from '../components/ChartFrame';
import { Term } from '../components/Term';
import { PersonIcon } from '../components/Person';
import { Venn } from '../components/Venn';
import { formatProbability } from '../format';
import {
  DEFAULT_POPULATION,
  conditionalProbabilities,
  conditioningEffect,
  countPopulation,
  likesFootball,
  nextPreference,
} from '../../src/core/population';
import type { ConditionalProbabilities, Preference, Ratio } from '../../src/core/population';

export interface ConditionalStepProps {
  readonly people: readonly Preference[];
  readonly givenB: boolean;
  readonly tables: readonly string[];
  readonly onPeopleChange: (people: readonly Preference[]) => void;
  readonly onGivenBChange: (givenB: boolean) => void;
  readonly onToggleTable: (id: string) => void;
}

const PREFERENCE_LABEL: Record<Preference, string> = {
  tennis: 'likes tennis',
  football: 'likes football',
  both: 'likes both',
  neither: 'likes neither',
};

function Fraction({ ratio }: { readonly ratio: Ratio }) {
  return (
    <span class="fraction">
      <span class="numerator">{ratio.numerator}</span>
      <span class="denominator">{ratio.denominator}</span>
    </span>
  );
}

interface ProbabilityRow {
  readonly id: string;
  readonly symbol: string;
  readonly words: string;
  readonly ratio: Ratio;
  readonly undefinedBecause: string;
}

/** n/d as the lesson writes a ratio inline. */
const inline = (ratio: Ratio): string => `${ratio.numerator}/${ratio.denominator}`;
const valueText = (ratio: Ratio): string => (ratio.value === null ? 'undefined' : formatProbability(ratio.value));

const EFFECT_WORDS = {
  higher: 'higher than P(A): knowing B made A likelier',
  lower: 'lower than P(A): knowing B made A less likely',
  same: 'equal to P(A): knowing B told us nothing about A (A and B are independent here)',
} as const;

/** The definition filled in with the live counts, what conditioning changed, and why P(A|B) ≠ P(B|A). */
function WorkedFormula({ p, total, football }: { readonly p: ConditionalProbabilities; readonly total: number; readonly football: number }) {
  if (p.aGivenB.value === null) {
    return (
      <p class="note worked-formula">
        With nobody in B there is nothing to condition on: P(A|B) = P(A and B) / P(B) divides by P(B) = 0/{total}, so
        P(A|B) does not exist, which is different from 0.
      </p>
    );
  }
  const effect = conditioningEffect(p);
  return (
    <div class="note worked-formula" aria-label="The formula with the live numbers">
      <p class="formula-line" id="worked-a-given-b">
        P(A|B) = P(A and B) / P(B) = {inline(p.aAndB)} ÷ {inline(p.b)} = {inline(p.aGivenB)} = {valueText(p.aGivenB)}
      </p>
      <p>
        Given B, the population shrinks from {total} to {football}; {p.aGivenB.numerator} of those {football} also like
        tennis.
        {effect !== null && (
          <>
            {' '}
            P(A|B) = {valueText(p.aGivenB)} is <strong class="effect">{EFFECT_WORDS[effect]}</strong> (P(A) ={' '}
            {inline(p.a)} = {valueText(p.a)}).
          </>
        )}
      </p>
      <p id="worked-b-given-a">
        The other way round is a different question: P(B|A) = P(A and B) / P(A) = {inline(p.aAndB)} ÷ {inline(p.a)} ={' '}
        {inline(p.bGivenA)} = {valueText(p.bGivenA)}, the share of <em>tennis</em> fans who like football.{' '}
        {p.bGivenA.value === null
          ? 'With nobody in A it is undefined.'
          : p.bGivenA.value === p.aGivenB.value
            ? 'Here it happens to equal P(A|B), because A and B are the same size; in general P(A|B) ≠ P(B|A).'
            : `So P(A|B) ≠ P(B|A): the same ${p.aAndB.numerator} people in both, divided by different populations.`}
      </p>
    </div>
  );
}

export function ConditionalStep(props: ConditionalStepProps) {
  const counts = countPopulation(props.people);
  const p = conditionalProbabilities(counts);
  const rows: readonly ProbabilityRow[] = [
    { id: 'p-a', symbol: 'P(A)', words: 'likes tennis', ratio: p.a, undefinedBecause: 'there is nobody in the population' },
    { id: 'p-b', symbol: 'P(B)', words: 'likes football', ratio: p.b, undefinedBecause: 'there is nobody in the population' },
    { id: 'p-a-and-b', symbol: 'P(A and B)', words: 'likes both', ratio: p.aAndB, undefinedBecause: 'there is nobody in the population' },
    {
      id: 'p-a-given-b',
      symbol: 'P(A|B)',
      words: 'among football fans, the share who also like tennis',
      ratio: p.aGivenB,
      undefinedBecause: 'nobody likes football, so there is no one to take a share of: P(B) = 0 and P(A and B) / P(B) divides by zero',
    },
    {
      id: 'p-b-given-a',
      symbol: 'P(B|A)',
      words: 'among tennis fans, the share who also like football',
      ratio: p.bGivenA,
      undefinedBecause: 'nobody likes tennis, so there is no one to take a share of: P(A) = 0 and P(A and B) / P(A) divides by zero',
    },
  ];

  const cycle = (index: number): void =>
    props.onPeopleChange(props.people.map((person, i) => (i === index ? nextPreference(person) : person)));

  // The person who holds the grid's one tab stop.
  const [focused, setFocused] = useState(0);
  const current = Math.min(focused, props.people.length - 1);
  const people = useRef<(HTMLButtonElement | null)[]>([]);
  const moveFocus = (event: KeyboardEvent): void => {
    // The grid reflows with the panel's width: a row is however many people sit at the first one's height.
    const tops = people.current.map((element) => element?.offsetTop ?? 0);
    const columns = Math.max(1, tops.filter((top) => top === tops[0]).length);
    const last = props.people.length - 1;
    const moves: Record<string, number> = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      ArrowDown: current + columns,
      ArrowUp: current - columns,
      Home: event.ctrlKey ? 0 : current - (current % columns),
      End: event.ctrlKey ? last : Math.min(last, current - (current % columns) + columns - 1),
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = Math.min(Math.max(moves[event.key], 0), last);
    setFocused(next);
    people.current[next]?.focus();
  };

  return (
    <div class="step-body">
      <p class="lead">
        <Term term="conditional probability">P(A|B)</Term> is the probability of A <em>given</em> that B happened:
        P(A|B) = P(A and B) / P(B). Knowing B shrinks the population to the people in B, and we ask what share of{' '}
        <em>them</em> is also in A. Rain is likelier given clouds than on an average day.
      </p>
      <div class="two-columns">
        <section class="panel-box" aria-labelledby="people-heading">
          <h3 id="people-heading">
            {counts.total} people · A = likes tennis · B = likes football
          </h3>
          <p class="hint" id="people-hint">Click a person (or use the arrow keys and Enter) to change what they like.</p>
          {/* One grid widget, one tab stop: the arrow keys move between people (roving tabindex). */}
          <div role="grid" aria-label="The population" aria-describedby="people-hint">
            <div role="row" class="people" onKeyDown={moveFocus}>
              {props.people.map((preference, i) => {
                const outside = props.givenB && !likesFootball(preference);
                return (
                  <div role="gridcell" key={i}>
                    <button
                      type="button"
                      ref={(element) => {
                        people.current[i] = element;
                      }}
                      tabIndex={i === current ? 0 : -1}
                      class={outside ? 'person outside' : 'person'}
                      data-preference={preference}
                      aria-label={`Person ${i + 1}: ${PREFERENCE_LABEL[preference]}${outside ? ', outside B' : ''}. Change.`}
                      onFocus={() => setFocused(i)}
                      onClick={() => cycle(i)}
                    >
                      <PersonIcon preference={preference} />
                      <span class="person-label">{preference}</span>
                    </button>
                  </div>
                );
              })}
            </div>
          </div>
          <div class="toolbar">
            <label class="switch">
              <input
                type="checkbox"
                checked={props.givenB}
                onChange={(event) => props.onGivenBChange(event.currentTarget.checked)}
              />
              Given B: keep only football fans
            </label>
            <button type="button" class="secondary" onClick={() => props.onPeopleChange(DEFAULT_POPULATION)}>
              Reset to the example
            </button>
          </div>
        </section>
        <ChartFrame
          id="venn"
          title="Venn diagram"
          asTable={props.tables.includes('venn')}
          onToggleTable={props.onToggleTable}
          chart={<Venn counts={counts} givenB={props.givenB} />}
          table={
            <table class="data">
              <caption>People by what they like</caption>
              <thead>
                <tr><th scope="col" />
                  <th scope="col">B: football</th>
                  <th scope="col">not B</th>
                  <th scope="col">total</th>
                </tr>
              </thead>
              <tbody>
                <tr><th scope="row">A: tennis</th><td>{counts.both}</td><td>{counts.tennis - counts.both}</td><td>{counts.tennis}</td></tr>
                <tr><th scope="row">not A</th><td>{counts.football - counts.both}</td><td>{counts.neither}</td><td>{counts.total - counts.tennis}</td></tr>
                <tr><th scope="row">total</th><td>{counts.football}</td><td>{counts.total - counts.football}</td><td>{counts.total}</td></tr>
              </tbody>
            </table>
          }
        />
      </div>
      <table class="data probabilities" aria-label="The five probabilities">
        <thead>
          <tr>
            <th scope="col">probability</th>
            <th scope="col">meaning</th>
            <th scope="col">counts</th>
            <th scope="col">value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} id={row.id} class={props.givenB && row.id === 'p-a-given-b' ? 'highlighted' : undefined}>
              <th scope="row">{row.symbol}</th>
              <td class="text">{row.words}</td>
              <td>
                <Fraction ratio={row.ratio} />
              </td>
              <td class="value">
                {row.ratio.value === null ? (
                  <span class="undefined-value">undefined: {row.undefinedBecause}</span>
                ) : (
                  formatProbability(row.ratio.value)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <WorkedFormula p={p} total={counts.total} football={counts.football} />
    </div>
  );
}
