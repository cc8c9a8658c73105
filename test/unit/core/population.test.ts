import * as assert from 'node:assert/strict';
import {
  DEFAULT_POPULATION,
  PREFERENCE_CYCLE,
  conditionalProbabilities,
  conditioningEffect,
  countPopulation,
  nextPreference,
} from '../../../src/core/population';
import type { Preference } from '../../../src/core/population';

const people = (tennis: number, football: number, both: number, neither: number): Preference[] => [
  ...Array<Preference>(tennis).fill('tennis'),
  ...Array<Preference>(football).fill('football'),
  ...Array<Preference>(both).fill('both'),
  ...Array<Preference>(neither).fill('neither'),
];

describe('population maths (lesson step 1)', () => {
  it('counts the lesson example: 14 people, 7 tennis, 8 football, 3 both, 2 neither', () => {
    assert.deepEqual(countPopulation(DEFAULT_POPULATION), { total: 14, tennis: 7, football: 8, both: 3, neither: 2 });
  });

  it('gives all five probabilities as counts over counts', () => {
    const p = conditionalProbabilities(countPopulation(people(2, 3, 1, 4)));
    // 10 people; A = tennis or both = 3, B = football or both = 4, both = 1.
    assert.deepEqual([p.a.numerator, p.a.denominator, p.a.value], [3, 10, 0.3]);
    assert.deepEqual([p.b.numerator, p.b.denominator, p.b.value], [4, 10, 0.4]);
    assert.deepEqual([p.aAndB.numerator, p.aAndB.denominator, p.aAndB.value], [1, 10, 0.1]);
    assert.deepEqual([p.aGivenB.numerator, p.aGivenB.denominator, p.aGivenB.value], [1, 4, 0.25]);
    assert.deepEqual([p.bGivenA.numerator, p.bGivenA.denominator], [1, 3]);
    assert.ok(Math.abs(p.bGivenA.value! - 1 / 3) < 1e-12);
  });

  it('satisfies P(A|B) = P(A and B) / P(B) whenever P(B) > 0', () => {
    for (let both = 0; both <= 3; both++) {
      for (let football = 0; football <= 3; football++) {
        if (both + football === 0) continue;
        const p = conditionalProbabilities(countPopulation(people(2, football, both, 1)));
        assert.ok(Math.abs(p.aGivenB.value! - p.aAndB.value! / p.b.value!) < 1e-12);
        assert.ok(Math.abs(p.bGivenA.value! - p.aAndB.value! / p.a.value!) < 1e-12);
      }
    }
  });

  it('leaves P(A|B) undefined (null, not 0) when nobody is in B', () => {
    const p = conditionalProbabilities(countPopulation(people(5, 0, 0, 9)));
    assert.equal(p.b.value, 0);
    assert.equal(p.aGivenB.value, null);
    assert.equal(p.aGivenB.denominator, 0);
    // P(B|A) is still defined: nobody who likes tennis likes football.
    assert.equal(p.bGivenA.value, 0);
  });

  it('leaves P(B|A) undefined when nobody is in A', () => {
    const p = conditionalProbabilities(countPopulation(people(0, 4, 0, 1)));
    assert.equal(p.bGivenA.value, null);
    assert.equal(p.aGivenB.value, 0);
  });

  it('cycles a person through every preference and back', () => {
    let preference: Preference = 'tennis';
    const seen: Preference[] = [];
    for (let i = 0; i < PREFERENCE_CYCLE.length; i++) {
      seen.push(preference);
      preference = nextPreference(preference);
    }
    assert.equal(preference, 'tennis');
    assert.deepEqual([...seen].sort(), ['both', 'football', 'neither', 'tennis']);
  });
});

describe('conditioningEffect', () => {
  it('says whether knowing B raised or lowered the chance of A, exactly on the counts', () => {
    // The lesson's example: P(A|B) = 3/8 < P(A) = 7/14.
    assert.equal(conditioningEffect(conditionalProbabilities(countPopulation(DEFAULT_POPULATION))), 'lower');
    // 1 tennis only, 1 football only, 3 both: P(A|B) = 3/4 < P(A) = 4/5.
    assert.equal(conditioningEffect(conditionalProbabilities(countPopulation(people(1, 1, 3, 0)))), 'lower');
    // 0 tennis-only, 2 football-only, 2 both, 4 neither: P(A|B) = 2/4 > P(A) = 2/8.
    assert.equal(conditioningEffect(conditionalProbabilities(countPopulation(people(0, 2, 2, 4)))), 'higher');
    // Independent: P(A|B) = 1/2 = P(A) = 2/4.
    assert.equal(conditioningEffect(conditionalProbabilities(countPopulation(people(1, 1, 1, 1)))), 'same');
    // Nobody in B: undefined.
    assert.equal(conditioningEffect(conditionalProbabilities(countPopulation(people(3, 0, 0, 1)))), null);
  });
});
