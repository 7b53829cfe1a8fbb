// What a unit test of the run pipeline needs: a real configuration loaded from a fresh folder (its template directory
// and run directories real too), an in-memory store, and an executor whose jobs end as the test says. The executor is
// a fake only to drive the engine's logic: how real executors behave is tested in test/unit/executors and on SLURM.
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadEnsemble } from '../../../../src/config/load.js';
import type { Ensemble } from '../../../../src/config/types.js';
import { CancelRequests } from '../../../../src/engine/cancel-requests.js';
import { JobChannels } from '../../../../src/engine/channels.js';
import { RunDispatcher } from '../../../../src/engine/dispatcher.js';
import { JobSlots } from '../../../../src/engine/limits.js';
import { planEnsemble, type BatchPlan } from '../../../../src/engine/plan.js';
import { RunMachine } from '../../../../src/engine/run-machine.js';
import type { EngineOptions, RunEnv } from '../../../../src/engine/types.js';
import { ExecutorPool } from '../../../../src/executors/pool.js';
import type { Executor, JobId, JobSpec, JobStatus } from '../../../../src/executors/types.js';
import { EnsembleMetrics } from '../../../../src/state/metrics.js';
import { RunStore } from '../../../../src/state/store.js';
import type { RunEntry } from '../../../../src/state/types.js';
import { buildEnsembleYaml, type BatchYaml } from '../../../helpers/ensemble-yaml.js';
import { writeFiles } from '../../../helpers/ensemble.js';
import { captureLogger, type LogLine } from '../../../helpers/log.js';
import { waitFor } from '../../../helpers/wait.js';

/** How a fake job ends: a final status at once, or undefined to run until the test ends it. */
export type JobEnd = (job: JobSpec) => JobStatus | undefined;

/** An executor whose jobs run until `end` says; it reports RUNNING once before any end it gives at once. */
export class FakeExecutor implements Executor {
  readonly name = 'fake';
  readonly capabilities = { remote: true, pushesStatus: false };
  /** Every job submitted, in order. */
  readonly submitted: JobSpec[] = [];
  /** Jobs adopted from an earlier process, by id. */
  readonly adopted = new Map<JobId, JobSpec>();
  readonly cancelled: JobId[] = [];
  /** Jobs `find` knows by tag, as a scheduler would after a crash. */
  readonly known = new Map<string, JobId>();
  /** Thrown by the next submission, when set. */
  failSubmit: Error | undefined;
  private readonly states = new Map<JobId, JobStatus[]>();

  constructor(private readonly ends: JobEnd = () => ({ state: 'COMPLETED', exitCode: 0 })) {}

  submit(job: JobSpec): Promise<JobId> {
    if (this.failSubmit) return Promise.reject(this.failSubmit);
    this.submitted.push(job);
    const id = `j${this.submitted.length}`;
    const end = this.ends(job);
    this.states.set(id, end ? [{ state: 'RUNNING' }, end] : [{ state: 'RUNNING' }]);
    return Promise.resolve(id);
  }

  /** Ends job `id` with `status` at the next poll. */
  end(id: JobId, status: JobStatus): void {
    this.states.set(id, [status]);
  }

  poll(ids: readonly JobId[]): Promise<Map<JobId, JobStatus>> {
    const statuses = new Map<JobId, JobStatus>();
    for (const id of ids) {
      const queue = this.states.get(id);
      if (!queue) continue;
      statuses.set(id, queue.length > 1 ? (queue.shift() as JobStatus) : (queue[0] as JobStatus));
    }
    return Promise.resolve(statuses);
  }

  cancel(ids: readonly JobId[]): Promise<void> {
    this.cancelled.push(...ids);
    for (const id of ids) this.end(id, { state: 'CANCELLED', reason: 'cancelled' });
    return Promise.resolve();
  }

  find(job: JobSpec): Promise<JobId | undefined> {
    return Promise.resolve(this.known.get(job.tag));
  }

  adopt(id: JobId, job: JobSpec): void {
    this.adopted.set(id, job);
    if (!this.states.has(id)) {
      const end = this.ends(job);
      this.states.set(id, end ? [end] : [{ state: 'RUNNING' }]);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A run environment and what the test looks at. */
export interface RunHarness {
  readonly env: RunEnv;
  readonly plan: BatchPlan;
  readonly ensemble: Ensemble;
  readonly executor: FakeExecutor;
  readonly store: RunStore;
  /** Every run entry recorded, in order. */
  readonly entries: RunEntry[];
  readonly lines: LogLine[];
  /** The folder holding the configuration, the templates and `runs/`. */
  readonly dir: string;
  /** Stops starting work (the first Ctrl-C). */
  readonly stop: AbortController;
  /** The states run `id` went through. */
  states(id?: string): string[];
  /** Waits until run `id` reaches `state`. */
  reach(state: string, id?: string): Promise<void>;
  /** Stops the job monitor (it polls for as long as it follows a job). */
  close(): Promise<void>;
}

/** The batch `alpha` of the harness: a job file rendered from `value`, one run; `batch` adds or replaces keys. */
export function alphaBatch(batch: Partial<BatchYaml> = {}): BatchYaml {
  return { name: 'alpha', templatedir: '../tpl', templates: ['job.sh.j2'], job_file: 'job.sh', basedir: './runs', maxruns: 2, maxjobs: 2, runs: [{ value: 1 }], ...batch };
}

/** Writes an ensemble of `batch` into `dir`, loads and plans it, and builds the environment its runs need. */
export async function buildRunHarness(dir: string, batch: BatchYaml, options: Partial<EngineOptions> = {}, executor = new FakeExecutor()): Promise<RunHarness> {
  await writeFiles(dir, { 'c.yaml': buildEnsembleYaml({ batches: [batch] }), 'tpl/job.sh.j2': '#!/bin/bash\necho {{ run.value }}\n' });
  const ensemble = await loadEnsemble('c.yaml', { cwd: dir });
  const [plan] = await planEnsemble(ensemble);
  const store = RunStore.inMemory();
  const entries: RunEntry[] = [];
  store.on('run:state', (_record, entry) => entries.push(entry));
  const { logger, lines } = captureLogger();
  const stop = new AbortController();
  const engine: EngineOptions = {
    executors: ExecutorPool.of(executor),
    store,
    logger,
    shell: '/bin/bash',
    noChecks: false,
    noSubmission: false,
    pickup: false,
    skips: 0,
    indexes: undefined,
    extraVars: {},
    checkIntervalMs: 10,
    pollIntervalMs: 2,
    errorIntervalMs: 2,
    maxStaggerMs: 0,
    submitRate: undefined,
    ensembleId: 'e1',
    stop: stop.signal,
    abort: new AbortController().signal,
    ...options,
  };
  const channels = new JobChannels({ executors: engine.executors, logger, pollIntervalMs: 2, errorIntervalMs: 2, submitRate: undefined });
  const env: RunEnv = {
    options: engine,
    ensemble,
    machine: new RunMachine(store),
    channels,
    slots: new JobSlots(),
    cancels: new CancelRequests(),
    active: new Set(),
    dispatcher: new RunDispatcher(Number.POSITIVE_INFINITY),
    metrics: new EnsembleMetrics(new Map([[ensemble.batches[0]?.name ?? 'alpha', ensemble.batches[0]?.runs.length ?? 0]]), []),
    stopped: new Set(),
  };
  env.dispatcher.bind(env);
  const states = (id = 'alpha-0'): string[] => entries.filter((e) => e.run === id).map((e) => e.state);
  return {
    env,
    plan: plan as BatchPlan,
    ensemble,
    executor,
    store,
    entries,
    lines,
    dir,
    stop,
    states,
    reach: (state, id = 'alpha-0') => waitFor(() => states(id).includes(state), 5000, `run ${id} to be ${state}`),
    close: () => env.channels.close(),
  };
}

/** Whether `file` exists under the harness folder. */
export async function exists(harness: RunHarness, file: string): Promise<boolean> {
  return fs.access(path.join(harness.dir, file)).then(
    () => true,
    () => false,
  );
}
