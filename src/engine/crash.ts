// Fault injection for durability tests: with MODEL_ENSEMBLE_CRASH_AFTER=<point>:<run id> the process kills itself
// with SIGKILL right after that point of that run (a state it journaled, or `submitted`: the scheduler accepted
// the job, the journal does not know yet). Nothing else reads it; without it this costs one comparison.
const CRASH_AFTER = process.env.MODEL_ENSEMBLE_CRASH_AFTER;

/** Dies here, as a power cut would, when the tests asked for it. */
export function crashPoint(point: string, runId: string): void {
  if (CRASH_AFTER !== undefined && CRASH_AFTER === `${point}:${runId}`) process.kill(process.pid, 'SIGKILL');
}
