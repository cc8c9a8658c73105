import * as assert from 'node:assert/strict';
import { ESTIMATOR_NAMES, type EstimatorOptions } from '../../../src/core/types';
import { trained } from './helpers';

const LINES = ['people like tennis', 'people like football', 'some people like tennis', 'people like neither', 'a few people like tennis and football', 'they like football'];
const CONTEXT = ['<s>', 'people', 'like'];

describe('NgramModel.explain: the arithmetic behind a probability', () => {
  const model = trained(LINES, 3);
  const words = ['tennis', 'football', 'neither', 'and', 'few', 'unseen-word'];

  for (const name of ESTIMATOR_NAMES) {
    const estimator: EstimatorOptions = name === 'add-k' ? { name, addK: 0.5 } : { name };
    it(`${name}: each level's value follows from its terms, and the last is the model's probability`, () => {
      model.setEstimator(estimator);
      const explanation = model.explain(CONTEXT, words);
      assert.equal(explanation.matchedContextLength, 2);
      for (const { word, probability, levels } of explanation.words) {
        assert.equal(probability, model.score(CONTEXT, word).probability, word);
        for (const level of levels) {
          const expected =
            level.usedCount > 0
              ? (level.usedCount - level.discount) / level.denominator + level.lowerWeight * level.lower
              : level.lowerWeight * level.lower;
          if (word !== 'unseen-word') assert.ok(Math.abs(level.value - expected) <= 1e-12 * Math.max(1, expected), `${word} level ${level.order}`);
        }
      }
      // The whole column adds up to 1, except stupid backoff's scores.
      const distribution = model.distribution(CONTEXT).probabilities.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(explanation.total - distribution) < 1e-9);
      if (name !== 'stupid-backoff') assert.ok(Math.abs(explanation.total - 1) < 1e-9, `${explanation.total}`);
    });
  }

  it('maximum likelihood is c(context, w) / c(context) with nothing below it', () => {
    model.setEstimator({ name: 'kneser-ney' });
    const [tennis] = model.explain(CONTEXT, ['tennis'], { name: 'mle' }).words;
    assert.equal(tennis.levels.length, 1);
    const [level] = tennis.levels;
    // A trigram model reads the last two tokens: "people like" is followed by tennis 3 times, football and neither once.
    assert.deepEqual([level.order, level.count, level.usedCount, level.denominator, level.discount, level.lowerWeight], [3, 3, 3, 5, 0, 0]);
    // The engine multiplies by 1/c(context): equal to 3/5 up to one rounding.
    assert.ok(Math.abs(tennis.probability - 3 / 5) < 1e-15);
  });

  it('Kneser-Ney below the top order uses continuation counts, discounted, and a back-off weight', () => {
    const explanation = model.explain(CONTEXT, ['tennis'], { name: 'kneser-ney' });
    const unigram = explanation.words[0].levels[0];
    assert.equal(unigram.order, 1);
    // "tennis" occurs 3 times, always after "like": its continuation count is 1.
    assert.equal(unigram.count, 3);
    assert.equal(unigram.usedCount, 1);
    assert.ok(unigram.discount > 0 && unigram.lowerWeight > 0);
  });

  it('an estimator other than the model’s own answers on the same counts, as if switched to', () => {
    model.setEstimator({ name: 'kneser-ney' });
    const other = model.explain(CONTEXT, ['tennis', 'and'], { name: 'add-k', addK: 2 });
    model.setEstimator({ name: 'add-k', addK: 2 });
    assert.deepEqual(other.words.map((w) => w.probability), ['tennis', 'and'].map((w) => model.score(CONTEXT, w).probability));
    model.setEstimator({ name: 'kneser-ney' });
  });
});
