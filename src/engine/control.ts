// Rerun and cancel, one way each, whoever asks: the commands (applied to the journal at once when no orchestrator
// runs) and the running orchestrator (applying the requests those commands leave). Every change goes through the
// run state machine's checked moves.
import type { RunSpec } from '../config/types.js';
import type { Executor } from '../executors/types.js';
import { FINAL_RUN_STATES, type RunRecord, type RunState } from '../state/types.js';
import type { CancelRequests } from './cancel-requests.js';
import type { RunMachine } from './run-machine.js';

/** States whose run has a job that may be in the scheduler. */
const JOB_STATES: ReadonlySet<RunState> = new Set<RunState>(['submitting', 'queued', 'running']);

/** What a cancel reaches. */
export interface CancelScope {
  readonly machine: RunMachine;
  /** The executor a run's job went to. */
  readonly executorOf: (record: RunRecord) => Executor;
  /** This process's cancel requests: a run whose pipeline is under way stops at its next step. */
  readonly cancels: CancelRequests;
  /** Runs whose pipeline is under way in this process: they record their own end. */
  readonly active: ReadonlySet<string>;
  /** The configuration's runs: those the journal does not know yet are recorded cancelled, so they never start. */
  readonly configured: readonly RunSpec[];
}

/** What a cancel did: the runs it cancelled (or will, as their pipelines see it) and the jobs it signalled. */
export interface CancelOutcome {
  readonly runs: string[];
  readonly jobs: string[];
}

/**
 * Cancels runs `ids` (every unfinished run when empty): their jobs in the scheduler with one call, the runs in the
 * journal. A finished run is left as it is; `rerun --cancelled` brings a cancelled one back.
 */
export async function cancelRuns(scope: CancelScope, ids: readonly string[]): Promise<CancelOutcome> {
  const { machine } = scope;
  // Before anything waits: a run that starts from now on sees the request.
  scope.cancels.add(ids);
  const named = new Set(ids);
  const wanted = (id: string): boolean => named.size === 0 || named.has(id);
  const known = [...machine.records()].filter((r) => wanted(r.id) && !FINAL_RUN_STATES.has(r.state));
  const unstarted = scope.configured.filter((run) => wanted(run.id) && machine.get(run.id) === undefined);

  const withJobs = known.filter((r) => JOB_STATES.has(r.state) && r.job !== undefined);
  // One cancel call per executor; jobs an earlier process submitted are made known to their executor first, which
  // checks they are still ours.
  const byExecutor = new Map<Executor, string[]>();
  for (const r of withJobs) {
    const executor = scope.executorOf(r);
    executor.adopt(r.job as string, { runId: r.id, attempt: r.attempt, dir: r.dir, script: '', tag: r.tag ?? '' });
    byExecutor.set(executor, [...(byExecutor.get(executor) ?? []), r.job as string]);
  }
  for (const [executor, ids] of byExecutor) await executor.cancel(ids, AbortSignal.timeout(120_000));
  const jobs = withJobs.map((r) => r.job as string);

  for (const record of known) {
    if (scope.active.has(record.id)) continue;
    await machine.move({ run: record.id, state: 'cancelled', reason: 'cancelled by request', ...(record.job ? { jobState: 'CANCELLED' } : {}) });
  }
  for (const run of unstarted) {
    if (scope.active.has(run.id)) continue;
    await machine.move({ run: run.id, state: 'cancelled', batch: run.batch, idx: run.idx, dir: run.dir, reason: 'cancelled before it started' });
  }
  return { runs: [...known.map((r) => r.id), ...unstarted.map((r) => r.id)], jobs };
}

/**
 * Marks runs to run again (a new attempt) on the next start: the given ids and every run that ended in one of
 * `states`, if they are finished. Returns the ids marked.
 */
export async function rerunRuns(machine: RunMachine, ids: readonly string[], states: readonly RunState[]): Promise<string[]> {
  const ended = [...machine.records()].filter((r) => states.includes(r.state)).map((r) => r.id);
  const marked: string[] = [];
  for (const id of new Set([...ids, ...ended])) {
    const record = machine.get(id);
    if (!record || !FINAL_RUN_STATES.has(record.state)) continue;
    await machine.move({ run: id, state: 'pending', attempt: record.attempt + 1, reason: 'rerun requested' });
    marked.push(id);
  }
  return marked;
}
