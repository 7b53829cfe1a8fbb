// The files one job keeps about itself in its run directory's `.model_ensemble/`: a start marker written before
// the job's program runs, and an exit-code file written when it ends. They settle a job's end with or without SLURM
// accounting, and let a later process find and follow a job an earlier one started (`find`, `adopt`).
//
// The start marker is two lines: `<host> <pid> <SLURM job id or -> [<start time in clock ticks>]`, then the job's
// tag. The tag says whose it is (the attempt, cycle and ensemble), so a marker an earlier cycle left never counts;
// the start time tells the job's process from a later one that got the same pid.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExecutorError } from '../errors.js';
import { RUN_META_DIR, type JobSpec } from './types.js';

/** The paths of one attempt's own files inside a run directory. */
export interface AttemptFiles {
  /** The generated wrapper script (SLURM). */
  readonly wrapper: string;
  /** Written when the job file ends: its exit code and a newline. */
  readonly exitCode: string;
  /** Written when the job starts: host, pid, scheduler job id, start time; then the tag. */
  readonly started: string;
  /** The job's combined output, for executors that do not keep it themselves (local). */
  readonly output: string;
  /**
   * Written before an executor that keeps no record of its own (local) signals a job it cancels, so a later
   * process reads the job's end as cancelled too, not as a death by the signal.
   */
  readonly cancelled: string;
}

/** The files of one job in a run directory, named by `key` (the attempt, or `<attempt>.x<n>` for extra jobs). */
export function attemptFiles(dir: string, key: number | string): AttemptFiles {
  const meta = path.join(dir, RUN_META_DIR);
  return {
    wrapper: path.join(meta, `job-${key}.sh`),
    exitCode: path.join(meta, `exit-${key}`),
    started: path.join(meta, `started-${key}`),
    output: path.join(meta, `job-${key}.out`),
    cancelled: path.join(meta, `cancelled-${key}`),
  };
}

/** The files of a job. */
export function jobFiles(job: Pick<JobSpec, 'dir' | 'attempt' | 'fileKey'>): AttemptFiles {
  return attemptFiles(job.dir, job.fileKey ?? job.attempt);
}

/**
 * Makes the job's folder and clears what an earlier job of the same files left (a repeated batch reuses them). The
 * start marker and exit-code file are made empty (an empty one is not yet written) with mode 0644, so that the job,
 * which writes them under the user's umask, never leaves them writable by others.
 */
export async function clearJobFiles(job: JobSpec): Promise<AttemptFiles> {
  const files = jobFiles(job);
  await fs.mkdir(path.dirname(files.started), { recursive: true, mode: 0o755 });
  await Promise.all([files.exitCode, files.started, files.cancelled].map((file) => fs.rm(file, { force: true })));
  await Promise.all([files.exitCode, files.started].map((file) => fs.writeFile(file, '', { mode: 0o644 })));
  return files;
}

/** The job file's text, read from its run directory; ERR_JOB_FILE when it cannot be read. */
export async function readJobFile(job: JobSpec): Promise<string> {
  try {
    return await fs.readFile(path.join(job.dir, job.script), 'utf8');
  } catch (error) {
    throw new ExecutorError('ERR_JOB_FILE', `job file ${job.script} cannot be read in ${job.dir}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The interpreter of a script as Linux runs it: the words after `#!` (the kernel passes everything after the
 * interpreter as one argument). Undefined when the script has no `#!` line.
 */
export function parseShebang(text: string): string[] | undefined {
  if (!text.startsWith('#!')) return undefined;
  const end = text.indexOf('\n');
  const line = text.slice(2, end === -1 ? undefined : end).trim();
  if (line === '') return undefined;
  const space = line.search(/[ \t]/);
  if (space === -1) return [line];
  const rest = line.slice(space).trim();
  return rest === '' ? [line.slice(0, space)] : [line.slice(0, space), rest];
}

/** What a job wrote when it started. */
export interface StartMarker {
  readonly host: string;
  readonly pid: number;
  readonly schedulerId: string | undefined;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), where the marker has it. */
  readonly startTicks: string | undefined;
}

/** Reads a start marker's text; undefined when it is not whole or not `tag`'s. */
export function parseStartMarker(text: string, tag: string): StartMarker | undefined {
  const [fields = '', owner] = text.split('\n');
  if (owner !== tag) return undefined;
  const [host = '', pid = '', schedulerId, startTicks] = fields.trim().split(/\s+/);
  if (!/^\d+$/.test(pid)) return undefined;
  return {
    host,
    pid: Number(pid),
    schedulerId: schedulerId !== undefined && /^\d+$/.test(schedulerId) ? schedulerId : undefined,
    startTicks: startTicks !== undefined && /^\d+$/.test(startTicks) ? startTicks : undefined,
  };
}

/** The start marker of this attempt's job, or undefined when there is none, or it is not this attempt's. */
export async function readStartMarker(job: JobSpec): Promise<StartMarker | undefined> {
  const text = await fs.readFile(jobFiles(job).started, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseStartMarker(text, job.tag);
}

/** Reads an exit-code file's text: the code, or undefined when the text is not one. */
export function parseExitCode(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** When a job started and ended, from its own files: the start marker's and the exit-code file's times (ISO). */
export async function readJobTimes(job: JobSpec): Promise<{ start?: string; end?: string }> {
  const files = jobFiles(job);
  // A file made empty before submission and never written says nothing.
  const written = async (file: string): Promise<string | undefined> => {
    const stat = await fs.stat(file).catch(() => undefined);
    return stat !== undefined && stat.size > 0 ? stat.mtime.toISOString() : undefined;
  };
  const [start, end] = await Promise.all([written(files.started), written(files.exitCode)]);
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}
