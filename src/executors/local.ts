// The local executor (alias `dummy`): each job is a process on this machine, running the job file with its
// interpreter in the run directory. A job's end is an event (the child's exit), reported at once. Jobs run in
// their own session with their output in a file and write their start marker and exit-code file themselves (the
// process helper sees to it, and outlives a dead orchestrator until its jobs end), so they outlive the orchestrator
// (Ctrl-C, kill -9) and a later process re-attaches to them through those files (`adopt`, `find`).
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExecutorError } from '../errors.js';
import type { Logger } from '../log.js';
import { killGroup } from '../process/kill.js';
import { startProcess } from '../process/starter.js';
import { StartError, type StartedProcess } from '../process/types.js';
import { clearJobFiles, jobFiles, parseExitCode, parseShebang, readJobFile, readStartMarker } from './job-files.js';
import { isFinal, type Executor, type JobId, type JobSpec, type JobStatus } from './types.js';

export interface LocalExecutorOptions {
  /** Interpreter for job files without a `#!` line; default /bin/bash. */
  readonly shell?: string;
  /** Milliseconds between SIGTERM and SIGKILL when cancelling; default 5000. */
  readonly killGraceMs?: number;
  readonly logger?: Logger;
}

interface LocalJob {
  readonly spec: JobSpec;
  readonly pid: number;
  /** The process's start time in clock ticks, from its marker: tells it from a later process with its pid. */
  startTicks: string | undefined;
  status: JobStatus;
  cancelled: boolean;
  /** Started by this process (its exit is an event), rather than adopted after a restart or lost from sight. */
  child: boolean;
}

type Listener = (id: JobId, status: JobStatus) => void;

/** Reads a file's text, or undefined when it does not exist. */
async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined when it is gone. */
export function readStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** How a job this executor cancelled ends, in this process or a later one. */
const CANCELLED: JobStatus = { state: 'CANCELLED', reason: 'cancelled' };

/** Signal names by number: 15 → SIGTERM. */
const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, n]) => [n, name]));

/**
 * The status a finished job's exit code means. A death by signal n is code 128 + n, as a shell reports it and as
 * the process helper writes it down, so the process that started the job and a later one that reads its exit-code
 * file report one end alike.
 */
function statusFromExit(code: number, spec: JobSpec): JobStatus {
  if (code === 0) return { state: 'COMPLETED', exitCode: 0 };
  const output = path.relative(spec.dir, jobFiles(spec).output);
  const signal = code > 128 ? SIGNAL_NAMES.get(code - 128) : undefined;
  const how = signal === undefined ? `exit ${code}` : `killed by ${signal}, exit ${code}`;
  return { state: 'FAILED', exitCode: code, reason: `${how} (output in ${output})` };
}

/** A process's end as its exit code: 128 + the signal's number when a signal ended it. */
function toExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]);
}

/** Runs jobs as local processes. */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly capabilities = { remote: false, pushesStatus: true } as const;
  private readonly jobs = new Map<JobId, LocalJob>();
  private readonly listeners = new Set<Listener>();
  private readonly shell: string;
  private readonly killGraceMs: number;

  constructor(options: LocalExecutorOptions = {}) {
    this.shell = options.shell ?? '/bin/bash';
    this.killGraceMs = options.killGraceMs ?? 5000;
  }

  async submit(job: JobSpec, signal?: AbortSignal): Promise<JobId> {
    signal?.throwIfAborted();
    const interpreter = parseShebang(await readJobFile(job)) ?? [this.shell];
    const files = await clearJobFiles(job);
    let started: StartedProcess;
    try {
      started = await startProcess(interpreter[0] as string, [...interpreter.slice(1), path.join(job.dir, job.script)], {
        cwd: job.dir,
        env: job.env,
        outputFile: files.output,
        append: false,
        job: { marker: files.started, exitCode: files.exitCode, tag: job.tag },
      });
    } catch (error) {
      // EAGAIN or EMFILE on a busy node, a missing interpreter.
      if (!(error instanceof StartError)) throw error;
      throw new ExecutorError('ERR_SUBMIT_FAILED', `cannot start a process for ${job.runId}: ${error.message}`, { cause: error });
    }
    const id = String(started.pid);
    const record: LocalJob = { spec: job, pid: started.pid, startTicks: undefined, status: { state: 'RUNNING' }, cancelled: false, child: true };
    this.jobs.set(id, record);
    started.exited.then(
      ({ code, signal }) => {
        if (record.cancelled) this.settle(id, CANCELLED);
        else this.settle(id, statusFromExit(toExitCode(code, signal), job));
      },
      // Its end can no longer be heard: follow it as an adopted job, through its files and /proc.
      () => {
        record.child = false;
      },
    );
    return id;
  }

  /** Registers a job started by an earlier process, so `poll` can follow it. */
  adopt(id: JobId, job: JobSpec): void {
    if (this.jobs.has(id)) return;
    this.jobs.set(id, { spec: job, pid: Number(id), startTicks: undefined, status: { state: 'RUNNING' }, cancelled: false, child: false });
  }

  async poll(ids: readonly JobId[], signal?: AbortSignal): Promise<Map<JobId, JobStatus>> {
    signal?.throwIfAborted();
    const result = new Map<JobId, JobStatus>();
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job) continue;
      if (!job.child && job.status.state === 'RUNNING') await this.refreshAdopted(id, job);
      result.set(id, job.status);
    }
    return result;
  }

  async cancel(ids: readonly JobId[], signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    for (const id of ids) {
      const job = this.jobs.get(id);
      // A job that has ended, or a job of an earlier process whose pid is no longer that job's process, is left
      // alone: its pid may be another process's by now.
      if (!job || isFinal(job.status) || (!job.child && !(await this.isRunning(job)))) continue;
      const pid = job.pid;
      job.cancelled = true;
      // The mark comes before the signal, so no end of the job can be read without it. Without the mark (a full
      // disk) a later process reads a death by SIGTERM: the job must be stopped all the same.
      await fs.writeFile(jobFiles(job.spec).cancelled, `${job.spec.tag}\n`, { mode: 0o644 }).catch(() => undefined);
      killGroup(pid, 'SIGTERM');
      setTimeout(() => killGroup(pid, 'SIGKILL'), this.killGraceMs).unref();
      if (!job.child) this.settle(id, CANCELLED);
    }
  }

  /** Finds an attempt started before a crash from the marker it wrote (this attempt's, by its tag). */
  async find(job: JobSpec, signal?: AbortSignal): Promise<JobId | undefined> {
    signal?.throwIfAborted();
    const marker = await readStartMarker(job);
    return marker === undefined ? undefined : String(marker.pid);
  }

  onStatus(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }

  /** Whether an adopted job's process still runs: its pid is alive and started when its marker says. */
  private async isRunning(job: LocalJob): Promise<boolean> {
    job.startTicks ??= (await readStartMarker(job.spec))?.startTicks;
    const ticks = readStartTicks(job.pid);
    return ticks !== undefined && ticks === job.startTicks;
  }

  /** Settles an adopted job from its exit-code file, or from its process having gone; cancelled if it was. */
  private async refreshAdopted(id: JobId, job: LocalJob): Promise<void> {
    const files = jobFiles(job.spec);
    let code = parseExitCode((await readIfExists(files.exitCode)) ?? '');
    if (code === undefined && (await this.isRunning(job))) return;
    // Gone without an exit code: killed with the machine or by hand. Read the file once more in case the job
    // ended between the two looks.
    code ??= parseExitCode((await readIfExists(files.exitCode)) ?? '');
    if ((await readIfExists(files.cancelled)) !== undefined) return this.settle(id, CANCELLED);
    this.settle(id, code !== undefined ? statusFromExit(code, job.spec) : { state: 'LOST', reason: 'process gone without an exit code' });
  }

  private settle(id: JobId, status: JobStatus): void {
    const job = this.jobs.get(id);
    if (!job) return;
    job.status = status;
    for (const listener of this.listeners) listener(id, status);
  }
}
