// What changed in the configuration since a batch's runs were prepared: runs whose rendered inputs would differ now
// (vars, -x or templates changed) and runs that live elsewhere than the configuration now puts them (basedir
// changed). Finished runs are never redone for it, and runs in flight go on as they are; the user is told once per
// batch, with the runs named, rather than finding a bare "already done".
import path from 'node:path';
import type { RunSpec } from '../config/types.js';
import { FINAL_RUN_STATES, type RunRecord } from '../state/types.js';
import { buildRunContext } from './context.js';
import type { BatchPlan } from './plan.js';
import { renderInputs } from './prepare.js';
import type { RunEnv } from './types.js';

/** Run states past preparation: the run's inputs and directory are fixed. */
const PREPARED = new Set(['submitting', 'queued', 'running', 'post_run', ...FINAL_RUN_STATES]);

/** A few ids and a count, for a message: `a-0, a-1, a-2 and 7 more`. */
function listIds(ids: readonly string[]): string {
  return ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` and ${ids.length - 10} more` : '');
}

/** Warns once about the runs of `specs` (in `cycle`) prepared from inputs or in a directory the configuration no longer gives. */
export function reportDrift(env: RunEnv, plan: BatchPlan, specs: readonly RunSpec[], cycle: number): void {
  const changed: string[] = [];
  const moved: RunRecord[] = [];
  for (const spec of specs) {
    const record = env.machine.get(spec.id);
    if (!record || record.cycle !== cycle || !PREPARED.has(record.state) || record.state === 'skipped') continue;
    if (record.dir !== spec.dir) moved.push(record);
    if (record.inputs === undefined) continue;
    const values = buildRunContext(env.ensemble, plan.batch, spec, env.options.extraVars, cycle, record.attempt);
    try {
      if (renderInputs(plan, values).digest !== record.inputs) changed.push(spec.id);
    } catch {
      // A template that no longer renders for this run is its next attempt's failure to report.
    }
  }
  const { logger } = env.options;
  const name = plan.batch.name;
  if (changed.length > 0) {
    logger.warn(
      `batch ${name}: ${changed.length} run(s) were prepared from inputs that differ from what the configuration renders now (vars, -x or templates changed): ${listIds(changed)}; they are left as they are (\`model_ensemble rerun --runs ${changed.join(',')}\` runs them again)`,
    );
  }
  if (moved.length > 0) {
    const from = [...new Set(moved.map((r) => path.dirname(r.dir)))].join(', ');
    logger.warn(
      `batch ${name}: ${moved.length} run(s) live in ${from}, where the journal made them, not in ${plan.batch.basedir}, where the configuration now puts them (basedir changed): ${listIds(moved.map((r) => r.id))}; they stay there (a new --state-dir starts the ensemble afresh)`,
    );
  }
}
