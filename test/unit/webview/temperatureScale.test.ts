import assert from 'node:assert/strict';
import {
  DEFAULT_TEMPERATURE,
  LABELLED_STOPS,
  SLIDER_MAX_TEMPERATURE,
  TEMPERATURE_STOPS,
  positionOf,
  temperatureAt,
} from '../../../webview/temperatureScale';

describe('temperature slider scale', () => {
  it('runs from 0 to 5 in increasing stops, one per position', () => {
    assert.equal(temperatureAt(0), 0);
    assert.equal(temperatureAt(TEMPERATURE_STOPS.length - 1), SLIDER_MAX_TEMPERATURE);
    assert.equal(SLIDER_MAX_TEMPERATURE, 5);
    for (let i = 1; i < TEMPERATURE_STOPS.length; i++) assert.ok(TEMPERATURE_STOPS[i] > TEMPERATURE_STOPS[i - 1], `at ${i}`);
  });

  it('steps 0.1 at a time up to 1, where the distribution changes fastest', () => {
    assert.deepEqual(TEMPERATURE_STOPS.slice(0, positionOf(1) + 1), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('round-trips every stop, and has the default and every labelled value among its stops', () => {
    for (let position = 0; position < TEMPERATURE_STOPS.length; position++) assert.equal(positionOf(temperatureAt(position)), position);
    for (const value of [DEFAULT_TEMPERATURE, ...LABELLED_STOPS]) assert.equal(temperatureAt(positionOf(value)), value);
  });

  it('puts other values at the nearest stop, and clamps to the track', () => {
    assert.equal(temperatureAt(positionOf(0.66)), 0.7);
    assert.equal(positionOf(42), TEMPERATURE_STOPS.length - 1);
    assert.equal(positionOf(-1), 0);
    assert.equal(temperatureAt(99), 5);
  });
});
