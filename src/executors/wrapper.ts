// The generated script that runs a user's job file on SLURM and records its start and exit code in the run
// directory (executors/job-files.ts). sbatch reads `#SBATCH` directives only from the script it is given, so the
// wrapper carries the job file's directive block verbatim at its top; the exit-code file it writes settles a
// job's end with or without SLURM accounting.
import fs from 'node:fs/promises';
import path from 'node:path';
import { clearJobFiles, jobFiles, parseShebang, readJobFile, type AttemptFiles } from './job-files.js';
import type { JobSpec } from './types.js';

/** Quotes a word for bash: single quotes, with embedded single quotes spelt `'\''`. */
export function quoteShell(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
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
  /** The job's tag, written into its start marker. */
  readonly tag: string;
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
    `# model_ensemble: runs ${options.script} (attempt ${options.attempt}) and records its start and exit code.`,
    `printf '%s %s %s\\n%s\\n' "\${HOSTNAME:-}" "$$" "\${SLURM_JOB_ID:--}" ${quoteShell(options.tag.replace(/\n/g, ' '))} > ${quoteShell(files.started)}`,
    command,
    'rc=$?',
    // One builtin write (no mv process): a reader that finds the file empty treats it as not yet written.
    `printf '%s\\n' "$rc" > ${quoteShell(files.exitCode)}`,
    'exit "$rc"',
    '',
  ].join('\n');
}

/**
 * Writes the wrapper of `job` (the job file read from its run directory) and clears what an earlier job of the same
 * files left: a repeated batch reuses attempt numbers, and an old exit code would settle the new job, an old
 * marker name it.
 */
export async function writeJobWrapper(job: JobSpec, shell: string): Promise<AttemptFiles> {
  const scriptText = await readJobFile(job);
  const files = await clearJobFiles(job);
  await fs.writeFile(files.wrapper, buildJobWrapper({ ...job, scriptText, shell }), { mode: 0o755 });
  return files;
}
