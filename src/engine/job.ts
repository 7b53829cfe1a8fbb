// The job of one attempt: submitted within the batch's maxjobs and followed to its end. A run the journal shows
// as submitting is first looked for in the scheduler by its tag, and a queued or running one is watched again:
// no attempt is ever submitted twice.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch } from '../config/types.js';
import { isAbortError } from '../errors.js';
import { readJobTimes } from '../executors/job-files.js';
import type { JobSpec, JobStatus } from '../executors/types.js';
import type { RunRecord } from '../state/types.js';
import { crashPoint } from './crash.js';
import { buildTag } from './tag.js';
import type { RunEnv } from './types.js';

/** When a job ran, from its own markers (ISO times); the end is when it was seen to end if it wrote none. */
export interface JobTimes {
  readonly jobStart?: string;
  readonly jobEnd: string;
}

/** How waiting for a job ended: its final status and times, or the ensemble was stopped meanwhile. */
export type JobWait = { readonly stopped: false; readonly status: JobStatus; readonly times: JobTimes } | { readonly stopped: true };

/** The job spec of one attempt. */
function buildJobSpec(env: RunEnv, batch: Batch, record: RunRecord, script: string, tag: string): JobSpec {
  return {
    runId: record.id,
    attempt: record.attempt,
    dir: record.dir,
    script,
    tag,
    env: {
      MODEL_ENSEMBLE_RUN_ID: record.id,
      MODEL_ENSEMBLE_RUN_DIR: record.dir,
      MODEL_ENSEMBLE_ATTEMPT: String(record.attempt),
      MODEL_ENSEMBLE_BATCH: batch.name,
      MODEL_ENSEMBLE_ID: env.options.ensembleId,
    },
  };
}

/** Submits (or finds again) the attempt's job and waits for its end. */
export async function submitAndWait(env: RunEnv, batch: Batch, record: RunRecord, script: string, cycle: number): Promise<JobWait> {
  const { options, machine, slots } = env;
  const id = record.id;
  const tag = record.tag ?? buildTag(options.ensembleId, { name: id, cycle, attempt: record.attempt });
  const spec = buildJobSpec(env, batch, record, script, tag);
  let job = record.state === 'queued' || record.state === 'running' ? record.job : undefined;
  // A job an earlier process submitted is followed where it went; a new one goes where the batch says.
  const channel = record.state === 'submitting' || job !== undefined ? env.channels.of(record.executor ?? batch.executor) : env.channels.ofBatch(batch);
  const { executor, monitor } = channel;

  if (job === undefined && record.state === 'submitting') {
    job = await executor.find(spec, options.abort);
    if (job !== undefined) {
      options.logger.info(`run ${id}: found job ${job}, submitted before the last stop`);
      await machine.move({ run: id, state: 'queued', job });
    }
  }
  if (job !== undefined) {
    executor.adopt(job, spec);
    slots.take(batch.name);
  } else {
    try {
      await slots.acquire(batch.name, batch.maxjobs, options.stop);
      if (options.maxStaggerMs > 0) await sleep(Math.random() * options.maxStaggerMs, undefined, { signal: options.stop });
      await channel.rate?.take(options.stop);
    } catch (error) {
      if (!isAbortError(error)) throw error;
      if (machine.get(id)?.state !== 'submitting') await machine.move({ run: id, state: 'pending', reason: 'stopped before submission' });
      return { stopped: true };
    }
  }

  try {
    if (job === undefined && env.cancels.has(id)) return { stopped: false, status: { state: 'CANCELLED', reason: 'cancelled by request' }, times: { jobEnd: new Date().toISOString() } };
    if (job === undefined) {
      if (machine.get(id)?.state !== 'submitting') await machine.move({ run: id, state: 'submitting', tag, executor: channel.name });
      job = await executor.submit(spec, options.abort);
      crashPoint('submitted', id);
      await machine.move({ run: id, state: 'queued', job });
      // A cancel that came while sbatch was busy could not reach this job yet.
      if (env.cancels.has(id)) await executor.cancel([job], options.abort);
    }
    const status = await monitor.watch(
      job,
      (change) => {
        if (change.state === 'RUNNING' && machine.get(id)?.state === 'queued') {
          void machine.move({ run: id, state: 'running' }).catch((error: unknown) => {
            options.logger.warn(`run ${id}: cannot record running: ${(error as Error).message}`);
          });
        }
      },
      options.stop,
    );
    const seen = new Date().toISOString();
    const { start, end } = await readJobTimes(spec);
    return { stopped: false, status, times: { ...(start !== undefined ? { jobStart: start } : {}), jobEnd: end ?? seen } };
  } catch (error) {
    if (isAbortError(error) && options.stop.aborted) return { stopped: true };
    throw error;
  } finally {
    slots.release(batch.name);
  }
}
