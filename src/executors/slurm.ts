// The SLURM executor. Each job is the user's job file run by a generated wrapper, submitted with sbatch and tagged
// with --comment so that an ambiguous sbatch failure or a crash never leads to a second job. All jobs in flight are
// followed with ONE squeue call per poll; a job that has ended is settled by the exit-code file its wrapper wrote,
// else by one bulk sacct call where accounting exists, else by one scontrol call; a job nobody knows is LOST.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutorError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import { describeCommandEnd, runSlurmCommand, type SlurmCommandResult } from './slurm-command.js';
import { settleEndedJobs, type EndedJob, type SettleContext } from './slurm-settle.js';
import { buildLiveStatus } from './slurm-status.js';
import { buildSbatchArgs, isPermanentSbatchFailure, parseJobId, parseSlurmState, parseSqueue, SQUEUE_FORMAT, type SqueueRow } from './slurm-text.js';
import { FINAL_JOB_STATES, type Executor, type JobId, type JobSpec, type JobStatus } from './types.js';
import { readStartMarker } from './job-files.js';
import { writeJobWrapper } from './wrapper.js';

export interface SlurmExecutorOptions {
  /** Where diagnostics go; default: nowhere. */
  readonly logger?: Logger;
  /** Milliseconds any one scheduler command may run before it is killed; default 60 000 (as Nextflow's). */
  readonly commandTimeoutMs?: number;
  /** How many times a failed sbatch is tried again, each time after looking for the job by its tag; default 3. */
  readonly submitRetries?: number;
  /** Milliseconds before the first retry of sbatch, doubled for each next one; default 2000. */
  readonly submitBackoffMs?: number;
  /** Upper bound of one backoff, in milliseconds; default 60 000. */
  readonly maxBackoffMs?: number;
  /** Interpreter for job files without a `#!` line; default /bin/bash. */
  readonly shell?: string;
  /**
   * Milliseconds after a job's submission (or adoption) during which a job no scheduler command knows and without
   * an exit-code file is PENDING, since the controller's record may lag; LOST after. Default 60 000.
   */
  readonly graceMs?: number;
  /** Environment added to every scheduler command (a site's SLURM_CONF; tests put fault injectors on PATH). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What the executor remembers of a job it follows. */
interface TrackedJob {
  readonly spec: JobSpec;
  /** `Date.now()` at submission or adoption: the start of the grace period. */
  readonly since: number;
  /** Set once the job has ended: it is never asked about again. */
  final?: JobStatus;
}

/** Runs jobs on a SLURM cluster. */
export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly capabilities = { remote: true, pushesStatus: false } as const;
  private readonly jobs = new Map<JobId, TrackedJob>();
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly shell: string;
  private readonly graceMs: number;
  private readonly env: Readonly<Record<string, string>>;
  /** Problems already logged at warn level: repeated ones go to debug, so a failing scheduler never floods the log. */
  private readonly warned = new Set<string>();
  private readonly settle: SettleContext;

  constructor(options: SlurmExecutorOptions = {}) {
    this.logger = options.logger ?? createSilentLogger();
    this.timeoutMs = options.commandTimeoutMs ?? 60_000;
    this.retries = options.submitRetries ?? 3;
    this.backoffMs = options.submitBackoffMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.shell = options.shell ?? '/bin/bash';
    this.graceMs = options.graceMs ?? 60_000;
    this.env = options.env ?? {};
    this.settle = {
      run: (file, args, signal) => this.run(file, args, signal),
      warn: (key, message) => this.warn(key, message),
      recover: (key) => this.recover(key),
      logger: this.logger,
      timeoutMs: this.timeoutMs,
      accounting: undefined,
      scontrolAsked: new Set(),
    };
  }

  async submit(job: JobSpec, signal?: AbortSignal): Promise<JobId> {
    signal?.throwIfAborted();
    const args = buildSbatchArgs({ tag: job.tag, wrapper: await this.writeWrapper(job) });
    for (let failures = 1; ; failures++) {
      const result = await this.run('sbatch', args, signal, { cwd: job.dir, env: job.env ?? {} });
      const id = result.ok ? parseJobId(result.stdout) : undefined;
      if (id !== undefined) {
        this.recover('sbatch');
        return this.track(id, job, 'submitted');
      }
      const permanent = !result.timedOut && result.exitCode !== 0 && isPermanentSbatchFailure(result.exitCode, result.output);
      const what = `sbatch for run ${job.runId} (attempt ${job.attempt}) ${result.ok ? 'printed no job id' : 'failed'}`;
      const message = this.warn('sbatch', `${what}: ${result.command} ${describeCommandEnd(result)}`);
      if (permanent) throw new ExecutorError('ERR_SLURM_SUBMIT_REJECTED', message);
      // A timed-out or failed sbatch may have reached the controller: look for the job before anything else.
      const found = await this.lookAfterFailure(job, failures, signal);
      if (found !== undefined) return this.track(found, job, 'found by its tag after sbatch failed');
      if (failures > this.retries) throw new ExecutorError('ERR_SLURM_SUBMIT_FAILED', message);
      this.logger.info(`run ${job.runId}: no job carries tag ${job.tag}; submitting again (try ${failures + 1} of ${this.retries + 1})`);
    }
  }

  /** Registers a job submitted by an earlier process; its grace period starts now. */
  adopt(id: JobId, job: JobSpec): void {
    if (!this.jobs.has(id)) this.jobs.set(id, { spec: job, since: Date.now() });
  }

  async poll(ids: readonly JobId[], signal?: AbortSignal): Promise<Map<JobId, JobStatus>> {
    signal?.throwIfAborted();
    const statuses = new Map<JobId, JobStatus>();
    const open = ids.filter((id) => {
      const final = this.jobs.get(id)?.final;
      if (final) statuses.set(id, final);
      return !final;
    });
    if (open.length === 0) return statuses;
    const queue = await this.readQueue(signal);
    const ended: EndedJob[] = [];
    for (const id of open) {
      const row = queue.get(id);
      const state = row === undefined ? undefined : parseSlurmState(row.state);
      const tracked = this.jobs.get(id);
      if (row !== undefined && state !== undefined && !FINAL_JOB_STATES.has(state)) {
        statuses.set(id, buildLiveStatus(row, state));
      } else if (row !== undefined && state === undefined) {
        this.warn(`state:${row.state}`, `squeue shows job ${id} in state ${row.state}, which is not in SLURM_STATES; waiting for its exit-code file`);
        ended.push({ id, job: tracked?.spec, unnamed: { state: 'RUNNING', reason: `SLURM state ${row.state}` }, withinGrace: false });
      } else {
        const withinGrace = row === undefined && tracked !== undefined && Date.now() - tracked.since < this.graceMs;
        ended.push({ id, job: tracked?.spec, schedulerState: state, withinGrace });
      }
    }
    for (const [id, status] of await settleEndedJobs(this.settle, ended, signal)) {
      statuses.set(id, status);
      const tracked = this.jobs.get(id);
      if (tracked && FINAL_JOB_STATES.has(status.state)) {
        tracked.final = status;
        this.logger.debug(`job ${id} ended: ${status.state}${status.reason ? ` (${status.reason})` : ''}`, { run: tracked.spec.runId, job: id });
      }
    }
    return statuses;
  }

  async cancel(ids: readonly JobId[], signal?: AbortSignal): Promise<void> {
    if (ids.length === 0) return;
    const result = await this.run('scancel', [...ids], signal);
    if (!result.ok) {
      const message = this.warn('scancel', `cancelling ${ids.length} job(s) failed: ${result.command} ${describeCommandEnd(result)}`);
      throw new ExecutorError('ERR_SLURM_CANCEL', message);
    }
    this.recover('scancel');
  }

  /** Finds this attempt's job by its `--comment` tag (one squeue call), else by the marker its wrapper wrote. */
  async find(job: JobSpec, signal?: AbortSignal): Promise<JobId | undefined> {
    const queue = await this.readQueue(signal);
    const tagged = [...queue.values()].filter((row) => row.comment === job.tag).map((row) => row.id);
    if (tagged.length > 1) this.warn(`tag:${job.tag}`, `several jobs carry tag ${job.tag} (${tagged.join(', ')}); following the newest`);
    const newest = tagged.sort((a, b) => Number(a) - Number(b)).pop();
    return newest ?? this.findByMarker(job, queue);
  }

  async close(): Promise<void> {
    // Nothing is held between calls: jobs in flight stay with the scheduler.
    return Promise.resolve();
  }

  /** Writes the attempt's wrapper script and clears files an earlier submission of this attempt number left. */
  private async writeWrapper(job: JobSpec): Promise<string> {
    return (await writeJobWrapper(job, this.shell)).wrapper;
  }

  /** After a failed sbatch, waits its backoff and looks for the job; throws when squeue cannot tell. */
  private async lookAfterFailure(job: JobSpec, failures: number, signal?: AbortSignal): Promise<JobId | undefined> {
    for (let look = 0; ; look++) {
      await sleep(Math.min(this.backoffMs * 2 ** (failures + look - 1), this.maxBackoffMs), undefined, { signal });
      try {
        return await this.find(job, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (look >= this.retries) {
          const what = `sbatch for run ${job.runId} failed and squeue cannot tell whether the job (comment ${job.tag}) exists`;
          throw new ExecutorError('ERR_SLURM_SUBMIT_UNKNOWN', `${what}: not submitting it again`, { cause: error });
        }
      }
    }
  }

  /**
   * A job whose wrapper started, after the controller forgot it: the start marker names its id. It counts only when
   * the wrapper carries this tag (not an earlier cycle's) and the marker is newer than the wrapper.
   */
  private async findByMarker(job: JobSpec, queue: ReadonlyMap<string, SqueueRow>): Promise<JobId | undefined> {
    const id = (await readStartMarker(job))?.schedulerId;
    if (id === undefined) return undefined;
    // A job squeue still knows under another tag is someone else's (a reused id).
    const row = queue.get(id);
    return row === undefined || row.comment === job.tag ? id : undefined;
  }

  /** Runs `squeue --me` once for all of this user's jobs, finished ones included. */
  private async readQueue(signal?: AbortSignal): Promise<Map<string, SqueueRow>> {
    const result = await this.run('squeue', ['--me', '-h', '-t', 'all', '-o', SQUEUE_FORMAT], signal);
    if (!result.ok) {
      const message = this.warn('squeue', `job status query failed: ${result.command} ${describeCommandEnd(result)}`);
      throw new ExecutorError('ERR_SLURM_QUERY', message);
    }
    this.recover('squeue');
    const { rows, bad } = parseSqueue(result.stdout);
    if (bad.length > 0) this.warn('squeue:parse', `squeue printed lines that cannot be read (ignored): ${result.command}, exit 0: ${bad.slice(0, 3).join(' | ')}`);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Starts following a job and returns its id. */
  private track(id: JobId, job: JobSpec, how: string): JobId {
    this.jobs.set(id, { spec: job, since: Date.now() });
    this.logger.debug(`run ${job.runId}: job ${id} ${how}`, { run: job.runId, attempt: job.attempt, job: id });
    return id;
  }

  /** Logs a problem at warn level the first time, at debug after; returns the message. */
  private warn(key: string, message: string): string {
    this.logger.log(this.warned.has(key) ? 'debug' : 'warn', message);
    this.warned.add(key);
    return message;
  }

  /** Notes that a command works again after a logged failure, so its next failure is logged at warn level. */
  private recover(key: string): void {
    if (this.warned.delete(key)) this.logger.info(`${key} works again`);
  }

  /** The one way the executor runs a scheduler command. */
  private async run(file: string, args: readonly string[], signal?: AbortSignal, extra: { cwd?: string; env?: Readonly<Record<string, string>> } = {}): Promise<SlurmCommandResult> {
    return runSlurmCommand(file, args, {
      timeoutMs: this.timeoutMs,
      ...(signal ? { signal } : {}),
      ...(extra.cwd ? { cwd: extra.cwd } : {}),
      env: { ...extra.env, ...this.env },
    });
  }
}
