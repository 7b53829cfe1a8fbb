// What the engine is given to run an ensemble, and what it reports back.
import type { Ensemble, RunSpec } from '../config/types.js';
import type { ExecutorPool } from '../executors/pool.js';
import type { Logger } from '../log.js';
import type { RunStore } from '../state/store.js';
import type { RunRecord } from '../state/types.js';
import type { CancelRequests } from './cancel-requests.js';
import type { EnsembleMetrics } from '../state/metrics.js';
import type { JobChannels } from './channels.js';
import type { JobSlots } from './limits.js';
import type { BatchPlan } from './plan.js';
import type { RunMachine } from './run-machine.js';

/** How to run an ensemble: the command line's choices. */
export interface EngineOptions {
  /** Where jobs run: the command line's executor, and any a batch names. */
  readonly executors: ExecutorPool;
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
  /** Jobs per second submitted to a scheduler (`--submit-rate`); undefined: its default; 0: no limit. */
  readonly submitRate: number | undefined;
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
  /** Batches that did not run (an after_success batch whose batch failed, a condition that never held), with why. */
  readonly skippedBatches: ReadonlyArray<{ readonly batch: string; readonly reason: string }>;
  /** Why pre_process or post_process failed, if one did. */
  readonly processFailure: string | undefined;
  /** Stopped by Ctrl-C before the end. */
  readonly interrupted: boolean;
  /** Ensemble-level context for the summary. */
  readonly ensemble: Ensemble;
}

/** What starts the runs of every started batch (engine/dispatcher.ts), as the rest of the engine uses it. */
export interface Dispatcher {
  /** Binds it to the ensemble it runs. */
  bind(env: RunEnv): void;
  /** Runs `specs` of a batch's `cycle`; resolves with their records once every run started has ended. */
  run(plan: BatchPlan, specs: readonly RunSpec[], cycle: number): Promise<RunRecord[]>;
  /** Starts no more runs of batch `name`; those in progress finish. */
  stopBatch(name: string): void;
}

/** What every run of an ensemble shares while the orchestrator runs it. */
export interface RunEnv {
  readonly options: EngineOptions;
  readonly ensemble: Ensemble;
  readonly machine: RunMachine;
  /** Each executor with its monitor and submission pace. */
  readonly channels: JobChannels;
  readonly slots: JobSlots;
  /** Runs a `cancel` named while this process runs: they stop at their next step. */
  readonly cancels: CancelRequests;
  /** Runs whose pipeline is under way in this process: they record their own end. */
  readonly active: Set<string>;
  /** Starts the runs of every started batch within the batch and ensemble limits. */
  readonly dispatcher: Dispatcher;
  /** Each batch's metrics, kept from the journal. */
  readonly metrics: EnsembleMetrics;
  /** Batches a rule stopped or cancelled: no more runs start, and a repeating batch does not repeat. */
  readonly stopped: Set<string>;
}
