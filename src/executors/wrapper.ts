// The generated script that runs a user's job file and records its exit code in the run directory. sbatch reads
// `#SBATCH` directives only from the script it is given, so the wrapper carries the job file's directive block
// verbatim at its top; the exit-code file it writes settles a job's end with or without SLURM accounting.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExecutorError } from '../errors.js';
import { RUN_META_DIR, type JobSpec } from './types.js';

/** The paths of one attempt's own files inside a run directory. */
export interface AttemptFiles {
  /** The generated wrapper script. */
  readonly wrapper: string;
  /** Written by the wrapper when the job file ends: its exit code and a newline. */
  readonly exitCode: string;
  /** Written by the wrapper when the job starts: host, pid and scheduler job id. */
  readonly started: string;
  /** The job's combined output, for executors that do not keep it themselves (local). */
  readonly output: string;
}

/** The files of one job in a run directory, named by `key` (the attempt, or `<attempt>.x<n>` for extra jobs). */
export function attemptFiles(dir: string, key: number | string): AttemptFiles {
  const meta = path.join(dir, RUN_META_DIR);
  return {
    wrapper: path.join(meta, `job-${key}.sh`),
    exitCode: path.join(meta, `exit-${key}`),
    started: path.join(meta, `started-${key}`),
    output: path.join(meta, `job-${key}.out`),
  };
}

/** The files of a job. */
export function jobFiles(job: Pick<JobSpec, 'dir' | 'attempt' | 'fileKey'>): AttemptFiles {
  return attemptFiles(job.dir, job.fileKey ?? job.attempt);
}

/** Quotes a word for bash: single quotes, with embedded single quotes spelt `'\''`. */
export function quoteShell(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
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

/**
 * The comment block that sbatch reads directives from: the lines after the `#!` line up to the first line that
 * is neither blank nor a comment. Copied verbatim so every `#SBATCH` line keeps its meaning.
 */
export function extractDirectiveBlock(text: string): string[] {
  const lines = text.split('\n');
  const block: string[] = [];
  for (let i = text.startsWith('#!') ? 1 : 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) break;
    block.push(line);
  }
  while (block.length > 0 && (block[block.length - 1] ?? '').trim() === '') block.pop();
  return block;
}

export interface WrapperOptions {
  /** Absolute path of the run directory. */
  readonly dir: string;
  /** The job file relative to `dir`. */
  readonly script: string;
  /** The job file's text, for its `#!` line and directives. */
  readonly scriptText: string;
  readonly attempt: number;
  /** Names the job's files when several jobs share a run directory and attempt (extra jobs of the `submit` task). */
  readonly fileKey?: string;
  /** Interpreter for a job file without a `#!` line. */
  readonly shell: string;
}

/** Builds the wrapper script text for one attempt of a job. */
export function buildJobWrapper(options: WrapperOptions): string {
  const files = jobFiles(options);
  const interpreter = parseShebang(options.scriptText) ?? [options.shell];
  const command = [...interpreter, path.join(options.dir, options.script)].map(quoteShell).join(' ');
  return [
    '#!/bin/bash',
    ...extractDirectiveBlock(options.scriptText),
    `# model_ensemble: runs ${options.script} (attempt ${options.attempt}) and records its exit code.`,
    `printf '%s %s %s\\n' "\${HOSTNAME:-}" "$$" "\${SLURM_JOB_ID:-}" > ${quoteShell(files.started)}`,
    command,
    'rc=$?',
    // One builtin write (no mv process): a reader that finds the file empty treats it as not yet written.
    `printf '%s\\n' "$rc" > ${quoteShell(files.exitCode)}`,
    'exit "$rc"',
    '',
  ].join('\n');
}

/** The comment line that records an attempt's tag at the end of its wrapper. */
export function tagLine(tag: string): string {
  return `# model_ensemble tag: ${tag.replace(/\n/g, ' ')}\n`;
}

/**
 * Writes the wrapper of `job` (the job file read from its run directory) and clears what an earlier job of the same
 * files left: a repeated batch reuses attempt numbers, and an old exit code would settle the new job, an old
 * marker name it. The tag ends the wrapper, so a start marker can be told to be this attempt's (`readStartMarker`).
 */
export async function writeJobWrapper(job: JobSpec, shell: string): Promise<AttemptFiles> {
  const files = jobFiles(job);
  let scriptText: string;
  try {
    scriptText = await fs.readFile(path.join(job.dir, job.script), 'utf8');
  } catch (error) {
    throw new ExecutorError('ERR_JOB_FILE', `job file ${job.script} cannot be read in ${job.dir}: ${(error as Error).message}`, { cause: error });
  }
  await fs.mkdir(path.dirname(files.wrapper), { recursive: true });
  await Promise.all([fs.rm(files.exitCode, { force: true }), fs.rm(files.started, { force: true })]);
  await fs.writeFile(files.wrapper, `${buildJobWrapper({ ...job, scriptText, shell })}${tagLine(job.tag)}`, { mode: 0o755 });
  return files;
}

/** What the wrapper wrote when the job started: host, pid and scheduler job id. */
export interface StartMarker {
  readonly host: string;
  readonly pid: number;
  readonly schedulerId: string | undefined;
}

/**
 * The start marker of this attempt's job, or undefined when there is none, or it is not this attempt's: it counts
 * only when the wrapper carries this job's tag (not an earlier cycle's) and the marker is newer than the wrapper.
 */
export async function readStartMarker(job: JobSpec): Promise<StartMarker | undefined> {
  const files = jobFiles(job);
  try {
    const [text, marker, wrapperText, wrapper] = await Promise.all([
      fs.readFile(files.started, 'utf8'),
      fs.stat(files.started),
      fs.readFile(files.wrapper, 'utf8'),
      fs.stat(files.wrapper),
    ]);
    if (marker.mtimeMs < wrapper.mtimeMs || !wrapperText.endsWith(tagLine(job.tag))) return undefined;
    const [host = '', pid = '', schedulerId] = text.trim().split(/\s+/);
    if (!/^\d+$/.test(pid)) return undefined;
    return { host, pid: Number(pid), schedulerId: schedulerId !== undefined && /^\d+$/.test(schedulerId) ? schedulerId : undefined };
  } catch {
    return undefined;
  }
}

/** Reads an exit-code file's text: the code, or undefined when the text is not one. */
export function parseExitCode(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : undefined;
}
