// The temperature slider's scale: a fixed list of stops, one per tick of the track, so every key press
// moves to a temperature worth trying (0.1 apart where the distribution changes fastest, coarser above
// 1) instead of one of hundreds of positions on a curve.

/** The slider's stops, in order; the track's right end is the last. The setting may go higher. */
export const TEMPERATURE_STOPS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5];
export const SLIDER_MAX_TEMPERATURE = TEMPERATURE_STOPS[TEMPERATURE_STOPS.length - 1];
/** The setting's default, marked on the track. */
export const DEFAULT_TEMPERATURE = 0.7;
/** Stops that carry a label under the track (few enough not to collide at 280 px). */
export const LABELLED_STOPS: readonly number[] = [0, 0.3, 0.7, 1, 2, 3, 5];
/** Page Up / Page Down move this many stops. */
export const PAGE_STOPS = 5;

/** The temperature at a slider position (an index into the stops, clamped to the track). */
export function temperatureAt(position: number): number {
  return TEMPERATURE_STOPS[Math.min(Math.max(Math.round(position), 0), TEMPERATURE_STOPS.length - 1)];
}

/** The stop closest to `temperature` (the track's end for anything beyond it). */
export function positionOf(temperature: number): number {
  let best = 0;
  for (let i = 1; i < TEMPERATURE_STOPS.length; i++) {
    if (Math.abs(TEMPERATURE_STOPS[i] - temperature) < Math.abs(TEMPERATURE_STOPS[best] - temperature)) best = i;
  }
  return best;
}
