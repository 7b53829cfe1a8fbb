// Job files and waits for the executor contract suite: short jobs in fresh run directories, tagged the way the
// engine tags them, and polls with a deadline (never a fixed sleep).
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinal, type Executor, type JobId, type JobSpec, type JobStatus } from '../../src/executors/types.js';

/** The interpreter the suite configures for job files without a `#!` line: not the executors' default (bash). */
export const CONFIGURED_SHELL = '/bin/sh';

/** A body line that waits (at most 20 s) until the file `go` appears in the run directory. */
export const WAIT_FOR_GO = 'i=0; while [ ! -f go ] && [ "$i" -lt 200 ]; do sleep 0.1; i=$((i + 1)); done';

/** A body line that starts a child process, writes its pid to `child.pid` and waits for it (at most 30 s). */
export const START_CHILD = 'sleep 30 & echo $! > child.pid; wait';

export interface JobFileOptions {
  /** The job file's `#!` line; '' for none. Default `#!/bin/bash`. */
  readonly shebang?: string;
  readonly runId?: string;
  /** The cycle of a repeated batch the tag names; default 1. */
  readonly cycle?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** Writes `job.sh` into `dir` (its `#!` line, the executor's header, `body`) and returns the spec that submits it. */
export async function writeJobFile(dir: string, header: string, body: string, options: JobFileOptions = {}): Promise<JobSpec> {
  const shebang = options.shebang ?? '#!/bin/bash';
  const lines = [shebang, header, body].filter((line) => line !== '');
  await fs.writeFile(path.join(dir, 'job.sh'), `${lines.join('\n')}\n`);
  const runId = options.runId ?? 'run-0';
  return {
    runId,
    attempt: 1,
    dir,
    script: 'job.sh',
    tag: buildTag(dir, runId, options.cycle ?? 1),
    ...(options.env ? { env: options.env } : {}),
  };
}

/** A tag shaped like the engine's (`<ensemble>:<run>:c<cycle>:a<attempt>`), unique to this process and folder. */
export function buildTag(dir: string, runId: string, cycle: number): string {
  return `model_ensemble:contract-${process.pid}-${path.basename(dir)}:${runId}:c${cycle}:a1`;
}

/** How the suite paces its polls. */
export interface Pace {
  readonly pollIntervalMs: number;
  readonly endMs: number;
}

/**
 * Polls `executor` every `pace.pollIntervalMs` until every job is final; throws after `pace.endMs`. `check` sees
 * each poll's answer (to assert on every poll, not only the last). Resolves with the last answer and the number of
 * polls made.
 */
export async function pollUntilFinal(
  executor: Executor,
  ids: readonly JobId[],
  pace: Pace,
  check: (statuses: Map<JobId, JobStatus>) => void | Promise<void> = () => undefined,
): Promise<{ statuses: Map<JobId, JobStatus>; polls: number }> {
  const deadline = Date.now() + pace.endMs;
  for (let polls = 1; ; polls++) {
    const statuses = await executor.poll(ids);
    await check(statuses);
    if (ids.every((id) => statuses.has(id) && isFinal(statuses.get(id) as JobStatus))) return { statuses, polls };
    if (Date.now() > deadline) throw new Error(`jobs ${ids.join(', ')} not final after ${pace.endMs} ms: ${JSON.stringify([...statuses])}`);
    await sleep(pace.pollIntervalMs);
  }
}

/** Whether process `pid` has gone: it no longer exists, or it is a zombie nobody has reaped yet. */
export function isProcessGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Reads a file's text, or undefined while it does not exist (or is still empty). */
export async function readWritten(file: string): Promise<string | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text === '' ? undefined : text;
}
