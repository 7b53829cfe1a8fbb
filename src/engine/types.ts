// What the engine is given to run an ensemble, and what it reports back.
import type { Ensemble } from '../config/types.js';
import type { Executor } from '../executors/types.js';
import type { Logger } from '../log.js';
import type { RunStore } from '../state/store.js';
import type { RunRecord } from '../state/types.js';
import type { CancelRequests } from './cancel-requests.js';
import type { JobSlots } from './limits.js';
import type { JobMonitor } from './monitor.js';
import type { SubmitRate } from './rate.js';
import type { RunMachine } from './run-machine.js';

/** How to run an ensemble: the command line's choices. */
export interface EngineOptions {
  readonly executor: Executor;
  readonly store: RunStore;
  readonly logger: Logger;
  /** The shell for user commands (`-l/--shell`). */
  readonly shell: string;
  /** Skip check, quota and jobs tasks (`-c`). */
  readonly noChecks: boolean;
  /** Render and run pre-tasks, submit nothing (`-s`). */
  readonly noSubmission: boolean;
  /** Render into existing run directories (`-p`). */
  readonly pickup: boolean;
  /** Skip the first N runs of each batch (`-k`). */
  readonly skips: number;
  /** Run only these indexes of each batch (`-i`); all when undefined. */
  readonly indexes: readonly number[] | undefined;
  /** `-x name=value` pairs, laid over every run's context. */
  readonly extraVars: Readonly<Record<string, string>>;
  /** Milliseconds between two tries of a waiting check (`-ct`). */
  readonly checkIntervalMs: number;
  /** Milliseconds between two job status queries (`-rt`). */
  readonly pollIntervalMs: number;
  /** Milliseconds to wait after a failed status query (`-et`). */
  readonly errorIntervalMs: number;
  /** Upper bound of a random wait before each submission, in milliseconds (`-ms`). */
  readonly maxStaggerMs: number;
  /** Paces submissions (`--submit-rate`); none: no limit. */
  readonly submitRate?: SubmitRate;
  /** The state directory, where `rerun` and `cancel` leave requests for the running orchestrator. */
  readonly stateDir?: string;
  /** A short id of this ensemble, part of every job's tag. */
  readonly ensembleId: string;
  /** Aborted on the first Ctrl-C: start nothing new, let running steps finish. */
  readonly stop: AbortSignal;
  /** Aborted on the second Ctrl-C: stop running steps too. */
  readonly abort: AbortSignal;
}

/** How an ensemble ended. */
export interface EnsembleOutcome {
  /** The runs this invocation dealt with, in order. */
  readonly runs: readonly RunRecord[];
  /** Batches stopped by a failure of pre_batch (non-repeating) or post_batch, with why. */
  readonly failedBatches: ReadonlyArray<{ readonly batch: string; readonly reason: string }>;
  /** Why pre_process or post_process failed, if one did. */
  readonly processFailure: string | undefined;
  /** Stopped by Ctrl-C before the end. */
  readonly interrupted: boolean;
  /** Ensemble-level context for the summary. */
  readonly ensemble: Ensemble;
}

/** What every run of an ensemble shares while the orchestrator runs it. */
export interface RunEnv {
  readonly options: EngineOptions;
  readonly ensemble: Ensemble;
  readonly machine: RunMachine;
  readonly monitor: JobMonitor;
  readonly slots: JobSlots;
  /** Runs a `cancel` named while this process runs: they stop at their next step. */
  readonly cancels: CancelRequests;
  /** Runs whose pipeline is under way in this process: they record their own end. */
  readonly active: Set<string>;
}
