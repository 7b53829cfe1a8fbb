// The pace of submissions to a scheduler (`--submit-rate`): at most `perSecond` jobs per second on average, in bursts
// of at most `burst`. maxjobs bounds how many jobs sit in the queue; this bounds how fast they arrive, so that an
// ensemble of short jobs never drives a shared controller with a storm of sbatch calls. A token bucket: a run waiting
// for its turn holds no scheduler resource, and turns are given in the order they were asked for.
import { setTimeout as sleep } from 'node:timers/promises';

/** Jobs per second submitted to SLURM when `--submit-rate` is not given. */
export const DEFAULT_SUBMIT_RATE = 10;

/** Seconds' worth of submissions a quiet bucket lets through at once. */
export const BURST_SECONDS = 5;

export interface SubmitRateOptions {
  /** Most submissions at once after a quiet spell; default `perSecond × BURST_SECONDS` (at least 1). */
  readonly burst?: number;
  /** The clock, in milliseconds; default `performance.now`. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds, or rejects when `signal` is aborted; default `timers/promises` setTimeout. */
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Gives out submission turns at a steady pace. */
export class SubmitRate {
  readonly perSecond: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The last turn asked for: each waits for the one before, so turns come in order. */
  private tail: Promise<void> = Promise.resolve();

  constructor(perSecond: number, options: SubmitRateOptions = {}) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`a submission rate is a number of jobs per second greater than 0, got ${perSecond}`);
    this.perSecond = perSecond;
    this.burst = options.burst ?? Math.max(1, Math.floor(perSecond * BURST_SECONDS));
    this.now = options.now ?? (() => performance.now());
    this.wait = options.wait ?? (async (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}));
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Resolves when this submission may go; rejects with the signal's reason, taking no turn, when it is aborted. */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const turn = this.tail.then(async () => this.next(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async next(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.wait(((1 - this.tokens) / this.perSecond) * 1000, signal);
      this.refill();
    }
    this.tokens = Math.max(0, this.tokens - 1);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/**
 * The pace for an ensemble: `perSecond` as given (0: no limit), else DEFAULT_SUBMIT_RATE for a scheduler and no limit
 * for local processes, which ask nothing of a shared controller.
 */
export function createSubmitRate(perSecond: number | undefined, remote: boolean): SubmitRate | undefined {
  const rate = perSecond ?? (remote ? DEFAULT_SUBMIT_RATE : 0);
  return rate > 0 ? new SubmitRate(rate) : undefined;
}
