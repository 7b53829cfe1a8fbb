// `model_ensemble rerun` and `model_ensemble cancel`: applied to the journal at once when no orchestrator runs the
// ensemble, otherwise left as a request that the running one applies within a second.
import path from 'node:path';
import { loadEnsemble } from '../../config/load.js';
import { runDirectory, runId } from '../../engine/context.js';
import { applyCancel, applyRerun, cancelTargets, rerunTargets, type UnstartedRun } from '../../engine/control.js';
import { UsageError, LockError } from '../../errors.js';
import { createExecutor, readExecutorName } from '../../executors/registry.js';
import { createSilentLogger } from '../../log.js';
import { Lock } from '../../state/lock.js';
import { resolveStateDir } from '../../state/paths.js';
import { writeRequest, type Request } from '../../state/requests.js';
import { RunStore } from '../../state/store.js';
import { EXIT } from '../exit.js';

export interface ControlRequest {
  readonly config: string;
  readonly stateDir: string | undefined;
  /** Run ids given with --runs. */
  readonly runs: readonly string[];
  /** rerun --failed and --cancelled: the end states whose runs to rerun. */
  readonly states: ReadonlyArray<'failed' | 'cancelled'>;
  readonly cwd: string;
  readonly out: (text: string) => void;
}

/** The state directory, and the runs of the configuration (to check --runs against). */
async function locate(request: ControlRequest): Promise<{ stateDir: string; known: Map<string, UnstartedRun> }> {
  const file = path.resolve(request.cwd, request.config);
  const ensemble = await loadEnsemble(file, { cwd: request.cwd });
  const known = new Map(
    ensemble.batches.flatMap((batch) =>
      batch.runs.map((run) => [runId(batch, run.idx), { id: runId(batch, run.idx), batch: batch.name, idx: run.idx, dir: runDirectory(batch, run.idx) }] as const),
    ),
  );
  const unknown = request.runs.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`--runs: no run ${unknown.join(', ')} in ${request.config}`);
  return { stateDir: resolveStateDir(request.cwd, file, request.stateDir), known };
}

/** Applies `work` under the lock, or leaves `asRequest` for the orchestrator holding it. */
async function applyOrRequest(stateDir: string, asRequest: Request, work: (store: RunStore) => Promise<string>, out: (t: string) => void): Promise<number> {
  let lock: Lock;
  try {
    lock = await Lock.acquire(stateDir);
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    await writeRequest(stateDir, asRequest);
    out(`an orchestrator is running this ensemble; it will ${asRequest.action} ${asRequest.runs.length > 0 ? asRequest.runs.join(', ') : 'its runs'} within a second (see status)\n`);
    return EXIT.ok;
  }
  try {
    const store = await RunStore.open(stateDir, createSilentLogger());
    try {
      out(await work(store));
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
  return EXIT.ok;
}

/** `rerun`: marks runs to run again on the next start. */
export async function rerunCommand(request: ControlRequest): Promise<number> {
  if (request.states.length === 0 && request.runs.length === 0) throw new UsageError('rerun: say which runs: --failed, --cancelled, or --runs a-1,b-0');
  const { stateDir } = await locate(request);
  return applyOrRequest(
    stateDir,
    { action: 'rerun', runs: request.runs, states: request.states },
    async (store) => {
      const marked = await applyRerun(store, rerunTargets(store, request.runs, request.states));
      return marked.length > 0 ? `${marked.length} run(s) will run again on the next start: ${marked.join(', ')}\n` : 'no finished run to rerun\n';
    },
    request.out,
  );
}

/** `cancel`: cancels the ensemble's jobs in the scheduler (all, or --runs) and records the runs cancelled. */
export async function cancelCommand(request: ControlRequest): Promise<number> {
  const { stateDir, known } = await locate(request);
  return applyOrRequest(
    stateDir,
    { action: 'cancel', runs: request.runs },
    async (store) => {
      const executor = createExecutor(readExecutorName(store.state.executor), { shell: '/bin/bash', logger: createSilentLogger() });
      const named = request.runs.length > 0 ? request.runs : [...known.keys()];
      const unstarted = named.filter((id) => !store.records.has(id)).map((id) => known.get(id) as UnstartedRun);
      try {
        const done = await applyCancel(store, executor, cancelTargets(store, request.runs), unstarted);
        return done.runs.length > 0 ? `cancelled ${done.runs.length} run(s), ${done.jobs.length} job(s) in the scheduler\n` : 'nothing to cancel\n';
      } finally {
        await executor.close();
      }
    },
    request.out,
  );
}
