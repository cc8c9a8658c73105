// `npm run soak`: the fuzz targets of npm test (test/unit/fuzz/targets.ts, the same properties) run
// for many more cases each, with the cases per target, the outcomes seen (rejection reasons with their
// numbers and quoted text blanked) and the slowest case. Exits 1 on the first property that fails,
// after printing fast-check's report (seed, path and shrunk counterexample to replay it).
//   npm run soak                     100,000 cases per target
//   npm run soak -- 20000            another count
//   npm run soak -- 100000 snapshot  only the targets whose name contains "snapshot"
import { performance } from 'node:perf_hooks';
import { targets } from '../test/unit/fuzz/targets';

const DEFAULT_CASES = 100_000;
/** Outcomes listed per target; the rest are summed on one line. */
const SHOWN_OUTCOMES = 12;

const [casesArgument, filter = ''] = process.argv.slice(2);
const cases = casesArgument === undefined ? DEFAULT_CASES : Number(casesArgument);
if (!Number.isSafeInteger(cases) || cases < 1) {
  console.error(`soak: the case count must be a positive integer, got ${JSON.stringify(casesArgument)}`);
  process.exit(2);
}
const selected = targets.filter((target) => target.name.toLowerCase().includes(filter.toLowerCase()));
if (selected.length === 0) {
  console.error(`soak: no target matches ${JSON.stringify(filter)}; targets: ${targets.map((target) => target.name).join('; ')}`);
  process.exit(2);
}

const number = (value: number): string => value.toLocaleString('en-US');
/** Runs the selected targets in turn; stops at the first that fails. */
async function main(): Promise<void> {
  const started = performance.now();
  const totals: string[] = [];
  let failed = false;

  for (const target of selected) {
    const targetStarted = performance.now();
    console.log(`\n${target.name}`);
    try {
      const tally = await target.run(cases);
      const seconds = (performance.now() - targetStarted) / 1000;
      console.log(`  ${number(tally.cases)} cases in ${seconds.toFixed(1)} s, slowest case ${tally.slowestMs.toFixed(1)} ms`);
      const outcomes = [...tally.outcomes].sort(([, a], [, b]) => b - a);
      for (const [outcome, count] of outcomes.slice(0, SHOWN_OUTCOMES)) console.log(`  ${number(count).padStart(9)}  ${outcome}`);
      const rest = outcomes.slice(SHOWN_OUTCOMES);
      if (rest.length > 0) {
        console.log(`  ${number(rest.reduce((sum, [, count]) => sum + count, 0)).padStart(9)}  … ${rest.length} other outcomes`);
      }
      totals.push(`${number(tally.cases).padStart(9)}  ${target.name}`);
    } catch (error) {
      failed = true;
      // fast-check's report names the seed and the shrunk input; the assertion that failed is its cause.
      const cause = error instanceof Error && error.cause instanceof Error ? `\nCaused by: ${error.cause.message}` : '';
      console.log(`  FAILED\n${error instanceof Error ? error.message : String(error)}${cause}`);
      break;
    }
  }

  console.log(`\n${failed ? 'soak FAILED' : 'soak passed'} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const line of totals) console.log(line);
  process.exit(failed ? 1 : 0);
}

void main();
