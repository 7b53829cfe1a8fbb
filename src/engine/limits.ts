// The limits that keep the queue polite: at most `maxjobs` of a batch's jobs queued or running at once, and at
// most the ensemble's `maxjobs` of all batches together. The counts come from the tool's own record of its jobs, so
// waiting for a slot costs no scheduler call, and they are the counts the `jobs` task reads.
import { EventEmitter, once } from 'node:events';
import type { JobsView } from '../tasks/types.js';

/** Jobs in flight per batch, with a slot gate per batch and one for the ensemble. */
export class JobSlots implements JobsView {
  private readonly inFlight = new Map<string, number>();
  private readonly events = new EventEmitter();
  private total = 0;

  /** `ensembleMax`: most jobs of all batches together (the ensemble's maxjobs); default no bound. */
  constructor(private readonly ensembleMax = Number.POSITIVE_INFINITY) {
    this.events.setMaxListeners(0);
  }

  /** Jobs in flight for batches whose name starts with `match`. */
  count(match: string): number {
    let total = 0;
    for (const [batch, n] of this.inFlight) if (batch.startsWith(match)) total += n;
    return total;
  }

  /** Resolves at the next change of any count. */
  async changed(signal: AbortSignal): Promise<void> {
    await once(this.events, 'change', { signal });
  }

  /** Waits until `batch` has fewer than `max` jobs in flight and the ensemble fewer than its bound, then takes a slot. */
  async acquire(batch: string, max: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    while ((this.inFlight.get(batch) ?? 0) >= max || this.total >= this.ensembleMax) await this.changed(signal);
    this.take(batch);
  }

  /** Takes a slot without waiting (a job found in flight after a restart). */
  take(batch: string): void {
    this.inFlight.set(batch, (this.inFlight.get(batch) ?? 0) + 1);
    this.total++;
    this.events.emit('change');
  }

  /** Gives back a slot of `batch`. */
  release(batch: string): void {
    const held = this.inFlight.get(batch) ?? 0;
    if (held === 0) return;
    this.inFlight.set(batch, held - 1);
    this.total--;
    this.events.emit('change');
  }
}
