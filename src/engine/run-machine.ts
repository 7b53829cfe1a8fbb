// The legal moves of a run between states (DESIGN.md), in one table. Every move is journaled; an illegal one is a
// bug in the tool, so it throws.
import type { RunStore } from '../state/store.js';
import { crashPoint } from './crash.js';
import type { RunEntry, RunRecord, RunState } from '../state/types.js';

/** For each state, the states a run may move to from it. */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  pending: ['preparing', 'skipped', 'cancelled'],
  // A run cut off by Ctrl-C or a crash before submission goes back to pending and is prepared again.
  preparing: ['pre_run', 'failed', 'cancelled', 'pending'],
  // Without a job file there is nothing to submit and the run goes straight to post_run; -s skips the rest.
  pre_run: ['submitting', 'post_run', 'failed', 'skipped', 'cancelled', 'pending'],
  submitting: ['queued', 'failed', 'cancelled', 'pending'],
  // A short job may end between two polls: queued straight to post_run or failed.
  queued: ['running', 'post_run', 'failed', 'cancelled'],
  running: ['post_run', 'failed', 'cancelled'],
  post_run: ['succeeded', 'failed', 'cancelled', 'pending'],
  // Final states go back to pending only for another attempt, a rerun or the next cycle of a repeating batch.
  succeeded: ['pending'],
  failed: ['pending'],
  cancelled: ['pending'],
  skipped: ['pending'],
};

/** Whether a run may move from `from` to `to`. */
export function canTransition(from: RunState, to: RunState): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** Moves runs between states through the store (journal first), refusing illegal moves. */
export class RunMachine {
  /** Each run's last pending move: moves of one run are recorded one after another, in call order. */
  private readonly tails = new Map<string, Promise<RunRecord>>();

  constructor(private readonly store: RunStore) {}

  /** The run's record, if it has one. */
  get(id: string): RunRecord | undefined {
    return this.store.records.get(id);
  }

  /** Every run record, in the order the journal met them. */
  records(): IterableIterator<RunRecord> {
    return this.store.records.values();
  }

  /** Records `change` for run `change.run` after checking the move is legal. */
  move(change: Omit<RunEntry, 't' | 'attempt'> & { attempt?: number }): Promise<RunRecord> {
    const previous = this.tails.get(change.run);
    const next = previous ? previous.catch(() => undefined).then(() => this.apply(change)) : this.apply(change);
    this.tails.set(change.run, next);
    const forget = (): void => {
      if (this.tails.get(change.run) === next) this.tails.delete(change.run);
    };
    next.then(forget, forget);
    return next;
  }

  private async apply(change: Omit<RunEntry, 't' | 'attempt'> & { attempt?: number }): Promise<RunRecord> {
    const current = this.store.records.get(change.run);
    // A run cancelled twice (a request, then its own pipeline seeing it) is cancelled once.
    if (current?.state === 'cancelled' && change.state === 'cancelled') return current;
    // Progress within a task list (`done`) stays in the state it is in.
    const progress = change.done !== undefined && change.state === current?.state;
    if (current && !progress && !canTransition(current.state, change.state)) {
      throw new Error(`internal error: run ${change.run} cannot go from ${current.state} to ${change.state}`);
    }
    const record = await this.store.record({ ...change, attempt: change.attempt ?? current?.attempt ?? 1 });
    crashPoint(change.state, change.run);
    return record;
  }
}
