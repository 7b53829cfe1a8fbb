// The real test cluster, for integration tests: whether it is there, job files in fresh run directories, waiting
// for jobs with a deadline, and the scheduler's own word on which jobs exist (never the executor's).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Executor, JobId, JobSpec, JobStatus } from '../../src/executors/types.js';
import { isFinal } from '../../src/executors/types.js';
import { waitForValue } from './wait.js';

/** Why SLURM cannot be used here, or undefined when `sinfo` answers. */
export function findSlurmUnavailable(): string | undefined {
  try {
    execFileSync('sinfo', ['-h', '-o', '%P'], { stdio: 'pipe', timeout: 15_000 });
    return undefined;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    return `SLURM is not available (sinfo failed: ${detail}); bring the test cluster up with .ci/slurm-up`;
  }
}

/** Skips the calling suite, saying why on stderr, when there is no SLURM (CI fails on skips, so it must be seen). */
export function skipWithoutSlurm(context: Mocha.Context): void {
  const reason = findSlurmUnavailable();
  if (reason === undefined) return;
  console.error(`SKIPPED ${context.test?.parent?.title ?? 'SLURM tests'}: ${reason}`);
  context.skip();
}

/** Writes a job file into `dir` and returns the spec that submits it, tagged uniquely. */
export async function writeJob(dir: string, text: string, runId = 'run-0', attempt = 1): Promise<JobSpec> {
  await fs.writeFile(path.join(dir, 'job.sh'), text);
  const tag = `model_ensemble:test-${process.pid}-${path.basename(dir)}:${runId}:c0:a${attempt}`;
  return { runId, attempt, dir, script: 'job.sh', tag };
}

/** Polls `executor` every 250 ms until every job is final, or throws after `timeoutMs`. */
export async function waitForFinal(executor: Executor, ids: readonly JobId[], timeoutMs: number): Promise<Map<JobId, JobStatus>> {
  const allFinal = (statuses: Map<JobId, JobStatus>): boolean =>
    ids.every((id) => {
      const status = statuses.get(id);
      return status !== undefined && isFinal(status);
    });
  return waitForValue(() => executor.poll(ids), allFinal, { timeoutMs, intervalMs: SLURM_POLL_MS }, `jobs ${ids.join(', ')} to be final`);
}

/** Milliseconds between two looks at the scheduler while a test waits for it. */
export const SLURM_POLL_MS = 250;

/** The ids of the jobs the real squeue shows with comment `tag`. */
export function findJobsByTag(tag: string): string[] {
  const text = execFileSync('squeue', ['--me', '-h', '-t', 'all', '-o', '%i|%k'], { encoding: 'utf8', timeout: 30_000 });
  return text
    .split('\n')
    .map((line) => line.split('|'))
    .filter(([, ...comment]) => comment.join('|') === tag)
    .map(([id]) => id ?? '');
}

/** One `squeue -o` field of a job, as the real squeue prints it (`%j` for the name). */
export function readSqueueField(id: string, field: string): string {
  return execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', field], { encoding: 'utf8', timeout: 30_000 }).trim();
}

/** Cancels jobs left behind by a failed test, with the real scancel. */
export function cancelJobs(ids: readonly string[]): void {
  if (ids.length > 0) execFileSync('scancel', [...ids], { stdio: 'ignore', timeout: 30_000 });
}
