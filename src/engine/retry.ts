// The retry policy: which job ends send a run back for another attempt (a batch's `retry: {max, on, backoff}`).
import type { RetryPolicy } from '../config/types.js';

/** Whether to try again after attempt `attempt` ended with `jobState` (undefined: a task or submission failed). */
export function retryDecision(policy: RetryPolicy, attempt: number, jobState: string | undefined): { retry: boolean } {
  if (jobState === undefined || attempt > policy.max) return { retry: false };
  return { retry: policy.on.includes(jobState) };
}
