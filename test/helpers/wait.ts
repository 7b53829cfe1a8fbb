// Waiting in tests without fixed sleeps: poll a condition until it holds, or await a promise, each with a deadline
// that fails the test with what it was waiting for.
import { setTimeout as sleep } from 'node:timers/promises';

/** How long to wait and how often to look. */
export interface WaitOptions {
  /** Milliseconds before giving up; default 5000. */
  readonly timeoutMs?: number;
  /** Milliseconds between two looks; default 10 (SLURM tests look less often, to spare the controller). */
  readonly intervalMs?: number;
}

/** Polls `condition` until it holds; throws after `timeoutMs` (default 5000), naming `what`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 10,
): Promise<void> {
  await waitForValue(condition, (held) => held, { timeoutMs, intervalMs }, what);
}

/**
 * Reads `read` until `done` accepts its value, and returns that value; throws after the deadline with `what` and
 * the last value read.
 */
export async function waitForValue<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions = {},
  what = 'condition',
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const last = typeof value === 'boolean' ? '' : `; last seen: ${describe(value)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    }
    await sleep(options.intervalMs ?? 10);
  }
}

/** Resolves as `promise` does, or rejects after `timeoutMs` naming `what`; the timer never outlives the wait. */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(value: unknown): string {
  if (value instanceof Map) return JSON.stringify([...value]);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
