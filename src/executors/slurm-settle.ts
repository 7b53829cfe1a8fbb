// Settling SLURM jobs that squeue shows as ended, or no longer shows, in a fixed order of evidence: the exit-code
// file the wrapper wrote (works with or without accounting), then ONE bulk sacct call for all the rest where
// accounting exists, then `scontrol show job` once per job for the rare one with neither. Every step is bounded:
// no command is repeated for a job, so a scheduler that answers nothing useful ends in LOST, never in a loop.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { describeCommandEnd, type SlurmCommandResult } from './slurm-command.js';
import { buildEndStatus, buildLostStatus } from './slurm-status.js';
import { buildOutputName, isAccountingDisabled, parseSacct, parseScontrolJob, parseSlurmState, SACCT_FIELDS, type SacctRow, type ScontrolJob } from './slurm-text.js';
import { FINAL_JOB_STATES, type JobId, type JobSpec, type JobState, type JobStatus } from './types.js';
import { jobFiles, parseExitCode } from './job-files.js';
import { extractDirectiveBlock } from './wrapper.js';

/** What the executor lends the settling steps. */
export interface SettleContext {
  /** Runs one scheduler command (the executor's single door, with its timeout). */
  readonly run: (file: string, args: readonly string[], signal?: AbortSignal) => Promise<SlurmCommandResult>;
  /** Logs a problem once at warn level (later repeats at debug) and returns the message. */
  readonly warn: (key: string, message: string) => string;
  /** Notes that what `key` named works again, so its next failure is logged at warn level again. */
  readonly recover: (key: string) => void;
  readonly logger: Logger;
  /** Milliseconds a command may take, for messages. */
  readonly timeoutMs: number;
  /** Whether sacct works here: undefined until it has answered once; false for good once accounting is disabled. */
  accounting: boolean | undefined;
  /** Jobs `scontrol show job` was asked about: never asked twice. */
  readonly scontrolAsked: Set<JobId>;
}

/** A job squeue shows in a final or unnamed state, or no longer shows. */
export interface EndedJob {
  readonly id: JobId;
  /** The job as this process submitted or adopted it (its run directory holds the exit-code file). */
  readonly job: JobSpec | undefined;
  /** squeue's final state; undefined when squeue no longer shows the job. */
  readonly schedulerState?: JobState | undefined;
  /** For a state squeue shows but the table does not name: what to report until the exit-code file settles it. */
  readonly unnamed?: JobStatus;
  /** No longer shown by squeue, but submitted so recently that the scheduler's record may lag. */
  readonly withinGrace: boolean;
}

/** The status of each ended job, by the first evidence that settles it. */
export async function settleEndedJobs(ctx: SettleContext, ended: readonly EndedJob[], signal?: AbortSignal): Promise<Map<JobId, JobStatus>> {
  const statuses = new Map<JobId, JobStatus>();
  const open: { job: EndedJob; output: string }[] = [];
  for (const job of ended) {
    const output = await readOutputName(job);
    const fileCode = await readExitCode(ctx, job);
    if (fileCode !== undefined) statuses.set(job.id, buildEndStatus({ fileCode, schedulerState: job.schedulerState, output }));
    else if (job.unnamed) statuses.set(job.id, job.unnamed);
    else open.push({ job, output });
  }
  if (open.length === 0) return statuses;

  const accounted = await readAccounting(ctx, open.map(({ job }) => job.id), signal);
  for (const { job, output } of open) {
    const row = accounted.get(job.id);
    const state = row === undefined ? undefined : parseSlurmState(row.state);
    if (row !== undefined && state !== undefined && FINAL_JOB_STATES.has(state)) {
      statuses.set(job.id, buildEndStatus({ schedulerState: state, ...(row.exit ? { exit: row.exit } : {}), output }));
      continue;
    }
    if (job.schedulerState === undefined && job.withinGrace) {
      statuses.set(job.id, { state: 'PENDING', reason: 'submitted; not yet shown by squeue' });
      continue;
    }
    statuses.set(job.id, await settleWithScontrol(ctx, job, output, signal));
  }
  return statuses;
}

/** The last step: one `scontrol show job` for a job that neither its exit-code file nor sacct settled. */
async function settleWithScontrol(ctx: SettleContext, job: EndedJob, output: string, signal?: AbortSignal): Promise<JobStatus> {
  const record = ctx.scontrolAsked.has(job.id) ? undefined : await showJob(ctx, job.id, signal);
  ctx.scontrolAsked.add(job.id);
  const state = record === undefined ? undefined : parseSlurmState(record.state);
  const exit = record?.exit ? { exit: record.exit } : {};
  if (state !== undefined && FINAL_JOB_STATES.has(state)) return buildEndStatus({ schedulerState: state, ...exit, output });
  // squeue said it ended: its state stands, even without an exit code.
  if (job.schedulerState !== undefined) return buildEndStatus({ schedulerState: job.schedulerState, output });
  // Known to scontrol but not to `squeue --me` (another user's job?): reported once; the next poll calls it LOST.
  if (state !== undefined && record !== undefined) return { state, reason: `${record.state}, shown by scontrol but not by squeue --me` };
  const asked = ['squeue', ...(ctx.accounting ? ['sacct'] : []), 'scontrol'];
  const exitFile = job.job ? path.relative(job.job.dir, jobFiles(job.job).exitCode) : 'unknown: not submitted by this process';
  return buildLostStatus(job.id, asked, exitFile, output);
}

/** One bulk sacct call for all the given jobs, unless this cluster keeps no accounting. */
async function readAccounting(ctx: SettleContext, ids: readonly JobId[], signal?: AbortSignal): Promise<Map<string, SacctRow>> {
  if (ctx.accounting === false || ids.length === 0) return new Map();
  const result = await ctx.run('sacct', ['-X', '-n', '-P', '-j', ids.join(','), '-o', SACCT_FIELDS], signal);
  if (!result.ok) {
    // A cluster without slurmdbd may not even install sacct: either way it can never help.
    if (isAccountingDisabled(result.output) || /ENOENT/.test(result.output)) {
      ctx.accounting = false;
      ctx.logger.info(`SLURM accounting is not available (${result.command}: ${result.output.trim()}); ended jobs are settled by their exit-code files and scontrol`);
    } else {
      ctx.warn('sacct', `accounting query failed: ${result.command} ${describeCommandEnd(result)}`);
    }
    return new Map();
  }
  ctx.accounting = true;
  ctx.recover('sacct');
  const { rows, bad } = parseSacct(result.stdout);
  if (bad.length > 0) ctx.warn('sacct:parse', `sacct printed lines that cannot be read (ignored): ${result.command}, exit 0: ${bad.slice(0, 3).join(' | ')}`);
  return rows;
}

/** `scontrol show job ID`, or undefined when the controller no longer knows the job or cannot be asked. */
async function showJob(ctx: SettleContext, id: JobId, signal?: AbortSignal): Promise<ScontrolJob | undefined> {
  const result = await ctx.run('scontrol', ['show', 'job', id], signal);
  if (!result.ok) {
    // "Invalid job id specified" is the expected answer for a job the controller has forgotten.
    if (!/invalid job id/i.test(result.output)) ctx.warn('scontrol', `job query failed: ${result.command} ${describeCommandEnd(result)}`);
    return undefined;
  }
  ctx.recover('scontrol');
  const record = parseScontrolJob(result.stdout);
  if (record === undefined) ctx.warn('scontrol:parse', `scontrol printed no job record: ${result.command}, exit 0: ${result.stdout.slice(0, 500)}`);
  return record;
}

/** The job file's exit code from the attempt's exit-code file, when the wrapper wrote one. */
async function readExitCode(ctx: SettleContext, ended: EndedJob): Promise<number | undefined> {
  if (ended.job === undefined) return undefined;
  const file = jobFiles(ended.job).exitCode;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') ctx.warn(`exit:${file}`, `cannot read exit-code file ${file}: ${(error as Error).message}`);
    return undefined;
  }
  const code = parseExitCode(text);
  // Empty: made before submission and not written yet (the job did not end by itself).
  if (code === undefined && text.trim() !== '') ctx.warn(`exit:${file}`, `exit-code file ${file} holds no exit code: ${JSON.stringify(text.slice(0, 100))}`);
  return code;
}

/** Where SLURM wrote the job's output, from the `#SBATCH` lines its wrapper carries. */
async function readOutputName(ended: EndedJob): Promise<string> {
  if (ended.job === undefined) return buildOutputName([], ended.id);
  const wrapper = await fs.readFile(jobFiles(ended.job).wrapper, 'utf8').catch(() => '');
  return buildOutputName(extractDirectiveBlock(wrapper), ended.id);
}
