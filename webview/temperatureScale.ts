// The temperature slider's scale: quadratic, so the low temperatures where the distribution changes
// fastest get most of the track (T = 1 sits at 45% of it, T = 0.1 at 14%).

/** The slider's right end. The setting may go higher; the slider then rests at its end. */
export const SLIDER_MAX_TEMPERATURE = 5;
/** Integer slider positions 0…SLIDER_STEPS. */
export const SLIDER_STEPS = 400;

/** Three significant digits: enough for every slider position to stay distinct, short in settings.json. */
export function roundTemperature(temperature: number): number {
  return temperature === 0 ? 0 : Number(temperature.toPrecision(3));
}

export function temperatureAt(position: number): number {
  const fraction = Math.min(Math.max(position, 0), SLIDER_STEPS) / SLIDER_STEPS;
  return roundTemperature(SLIDER_MAX_TEMPERATURE * fraction * fraction);
}

/** The position closest to `temperature`, clamped to the track. */
export function positionOf(temperature: number): number {
  const fraction = Math.sqrt(Math.min(Math.max(temperature, 0), SLIDER_MAX_TEMPERATURE) / SLIDER_MAX_TEMPERATURE);
  return Math.round(fraction * SLIDER_STEPS);
}
