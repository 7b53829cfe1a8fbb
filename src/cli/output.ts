// What the run command prints on stdout when it ends: per batch, the runs by state, then each failure with why.
import path from 'node:path';
import type { EnsembleOutcome } from '../engine/types.js';
import type { RunRecord, RunState } from '../state/types.js';

const ORDER: readonly RunState[] = ['succeeded', 'failed', 'skipped', 'cancelled', 'queued', 'running', 'submitting', 'post_run', 'pre_run', 'preparing', 'pending'];

/** Counts runs by state, in pipeline order: `3 succeeded, 1 failed`. */
export function countByState(runs: readonly RunRecord[]): string {
  const counts = new Map<RunState, number>();
  for (const run of runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  return ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s === 'queued' || s === 'running' ? `${s} (left in the queue)` : s}`)
    .join(', ');
}

/** The end-of-run summary. */
export function formatSummary(outcome: EnsembleOutcome, cwd: string): string {
  const lines: string[] = [];
  for (const batch of outcome.ensemble.batches) {
    const runs = outcome.runs.filter((r) => r.batch === batch.name);
    const failure = outcome.failedBatches.find((f) => f.batch === batch.name);
    const skipped = outcome.skippedBatches.find((f) => f.batch === batch.name);
    const counts = runs.length > 0 ? countByState(runs) : skipped ? 'skipped' : 'no runs';
    const why = failure?.reason ?? skipped?.reason;
    lines.push(`${batch.name}: ${counts}${why !== undefined ? ` — ${why}` : ''}`);
    for (const run of runs.filter((r) => r.state === 'failed')) {
      lines.push(`  ${run.id} failed: ${run.reason ?? 'unknown reason'} (${path.relative(cwd, run.dir) || '.'})`);
    }
  }
  if (outcome.processFailure) lines.push(outcome.processFailure);
  if (outcome.interrupted) lines.push('interrupted: run the same command again to carry on');
  return `${lines.join('\n')}\n`;
}
