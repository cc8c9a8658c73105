import * as assert from 'node:assert/strict';
import {
  SLIDER_MAX_TEMPERATURE,
  SLIDER_STEPS,
  positionOf,
  roundTemperature,
  temperatureAt,
} from '../../../webview/temperatureScale';

describe('webview temperature slider scale', () => {
  it('spans 0 to at least 5', () => {
    assert.equal(temperatureAt(0), 0);
    assert.ok(temperatureAt(SLIDER_STEPS) >= 5);
    assert.equal(temperatureAt(SLIDER_STEPS), SLIDER_MAX_TEMPERATURE);
  });

  it('is finer near 0 than near the top', () => {
    const lowStep = temperatureAt(1) - temperatureAt(0);
    const highStep = temperatureAt(SLIDER_STEPS) - temperatureAt(SLIDER_STEPS - 1);
    assert.ok(lowStep < 0.001, `first step ${lowStep}`);
    assert.ok(highStep > 100 * lowStep);
    // T = 1 lies well before the middle of the track.
    assert.ok(positionOf(1) < SLIDER_STEPS / 2);
  });

  it('is strictly increasing, so every arrow-key step changes the temperature', () => {
    for (let position = 1; position <= SLIDER_STEPS; position++) {
      assert.ok(temperatureAt(position) > temperatureAt(position - 1), `at ${position}`);
    }
  });

  it('maps every position back to itself', () => {
    for (let position = 0; position <= SLIDER_STEPS; position++) {
      assert.equal(positionOf(temperatureAt(position)), position);
    }
  });

  it('puts a typed setting on the nearest position, and values beyond the track at its ends', () => {
    const position = positionOf(0.7);
    assert.ok(Math.abs(temperatureAt(position) - 0.7) < 0.01);
    assert.equal(positionOf(42), SLIDER_STEPS);
    assert.equal(positionOf(-1), 0);
  });

  it('rounds to three significant digits', () => {
    assert.equal(roundTemperature(0.123456), 0.123);
    assert.equal(roundTemperature(4.98765), 4.99);
    assert.equal(roundTemperature(0), 0);
  });
});
