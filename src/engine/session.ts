// The engine's hold on one ensemble's state: the lock, the journal (replayed into the store) and the executor its
// jobs go to. Commands open a session, act, and close it; only a session's holder writes the journal. When another
// process holds the lock, `rerun` and `cancel` leave it a request instead (state/requests.ts).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Ensemble } from '../config/types.js';
import { LockError, UsageError } from '../errors.js';
import { readExecutorName, type ExecutorName } from '../executors/names.js';
import { ExecutorPool } from '../executors/pool.js';
import { createSilentLogger, type Logger } from '../log.js';
import { describeHolder, Lock, LOCK_FILE } from '../state/lock.js';
import { ensembleIdOf } from '../state/ensemble-id.js';
import { readJournal, replayEntries } from '../state/replay.js';
import { writeRequest, type Request } from '../state/requests.js';
import { assertOwner, ownerOf, type StateOwner } from '../state/owner.js';
import { describeUnsafeDir } from '../state/private.js';
import { JOURNAL_FILE, RunStore } from '../state/store.js';
import type { RunState } from '../state/types.js';
import { CancelRequests } from './cancel-requests.js';
import { cancelRuns, rerunRuns, type CancelOutcome } from './control.js';
import { RunMachine } from './run-machine.js';

export interface SessionOptions {
  readonly stateDir: string;
  /** Where jobs go; by default the executor of the journal's last start (what `cancel` must reach). */
  readonly executor?: ExecutorName;
  readonly logger?: Logger;
  /** The shell for job files without a `#!` line; default /bin/bash. */
  readonly shell?: string;
  /** Milliseconds a just-submitted job may stay unknown to the scheduler (`-st`). */
  readonly submitGraceMs?: number;
  /** Whose state this must be: a state directory another configuration or working directory uses is refused. */
  readonly owner?: StateOwner;
}

/** An ensemble's state, held: the lock taken, the journal replayed, the executor made. */
export class Session {
  /** Aborted when another process takes the lock away: the holder must stop. */
  readonly lost: AbortSignal;

  private constructor(
    readonly stateDir: string,
    readonly store: RunStore,
    /** The executors jobs go to: the command line's (or the journal's last start's) and any a batch names. */
    readonly executors: ExecutorPool,
    private readonly lock: Lock,
    lost: AbortController,
  ) {
    this.lost = lost.signal;
  }

  /**
   * Takes the lock of `stateDir` (LockError naming the holder if another process has it) and opens the journal;
   * ERR_STATE_UNUSABLE (exit 2) when the state directory cannot be used.
   */
  static async open(options: SessionOptions): Promise<Session> {
    const logger = options.logger ?? createSilentLogger();
    await assertStateLayout(options.stateDir);
    const lock = await usingState(options.stateDir, () => Lock.acquire(options.stateDir));
    try {
      const store = await usingState(options.stateDir, () => RunStore.open(options.stateDir, logger));
      if (options.owner) {
        try {
          assertOwner(options.stateDir, store.state, options.owner);
        } catch (error) {
          await store.close();
          throw error;
        }
      }
      const name = options.executor ?? readExecutorName(store.state.executor);
      const executors = new ExecutorPool(name, {
        shell: options.shell ?? '/bin/bash',
        logger,
        ...(options.submitGraceMs !== undefined ? { submitGraceMs: options.submitGraceMs } : {}),
      });
      const lost = new AbortController();
      lock.onLost = (holder) => {
        logger.error(`the lock of ${options.stateDir} was taken by ${holder ? `pid ${holder.pid} on ${holder.host}` : 'another process'}: stopping`);
        lost.abort(new DOMException('lock lost', 'AbortError'));
      };
      return new Session(options.stateDir, store, executors, lock, lost);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** A short id of this ensemble, part of every job's tag. */
  get ensembleId(): string {
    return ensembleIdOf(this.stateDir);
  }

  /** Journals the start of a run of the ensemble: which executor its jobs go to, and whose state this is. */
  async noteStart(executor: ExecutorName, owner: StateOwner): Promise<void> {
    await this.store.note({ kind: 'start', executor, config: owner.config, cwd: owner.cwd, host: os.hostname(), pid: process.pid });
  }

  /** Releases the executor, the journal and the lock, in that order. */
  async close(): Promise<void> {
    try {
      await this.executors.close();
      await this.store.close();
    } finally {
      await this.lock.release();
    }
  }
}

/**
 * Throws what opening a session on `stateDir` would throw, without taking the lock: a state directory that cannot
 * be used (ERR_STATE_UNUSABLE) or that another process holds (LockError). For saying so before anything is written.
 */
export async function assertStateFree(stateDir: string): Promise<void> {
  await assertStateLayout(stateDir);
  const held = await describeHolder(stateDir);
  if (held !== undefined) throw new LockError(held);
}

/** What the state directory's parts must be, where they exist: a folder, and in it a lock file and a journal file. */
async function assertStateLayout(stateDir: string): Promise<void> {
  const unsafe = await describeUnsafeDir(stateDir);
  if (unsafe !== undefined) throw new UsageError(unsafe, { code: 'ERR_STATE_UNSAFE' });
  const parts: Array<[string, 'folder' | 'file']> = [
    [stateDir, 'folder'],
    [path.join(stateDir, LOCK_FILE), 'file'],
    [path.join(stateDir, JOURNAL_FILE), 'file'],
  ];
  for (const [part, kind] of parts) {
    const stat = await fs.stat(part).catch(() => undefined);
    if (stat === undefined || (kind === 'folder' ? stat.isDirectory() : stat.isFile())) continue;
    const advice = part === stateDir ? 'give another with --state-dir' : 'if no model_ensemble runs this ensemble, remove it';
    throw new UsageError(`${part} is not a ${kind}, as model_ensemble's ${kind === 'folder' ? 'state directory' : path.basename(part)} must be; ${advice}`, { code: 'ERR_STATE_UNUSABLE' });
  }
}

/** Runs `work` on the state directory; a file-system refusal (not writable, read-only, full) is ERR_STATE_UNUSABLE. */
async function usingState<T>(stateDir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT too: a recursive mkdir on a read-only file system reports it.
    if (code === undefined || !['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ENOENT'].includes(code)) throw error;
    throw new UsageError(`cannot use the state directory ${stateDir}: ${(error as Error).message}; run from a folder you can write to, or give --state-dir`, { code: 'ERR_STATE_UNUSABLE', cause: error });
  }
}

/** How a control command was carried out: applied to the journal now, or left for the running orchestrator. */
export interface ControlResult extends CancelOutcome {
  readonly applied: 'now' | 'requested';
}

/** Applies `work` in a session of its own, or leaves `request` for the orchestrator that holds the lock. */
async function applyOrRequest(ensemble: Ensemble, stateDir: string, request: Request, work: (session: Session) => Promise<CancelOutcome>): Promise<ControlResult> {
  const owner = ownerOf(ensemble.file, ensemble.cwd);
  let session: Session;
  try {
    session = await Session.open({ stateDir, owner });
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    // The running orchestrator's journal says whose it is: a request goes only to this ensemble's.
    assertOwner(stateDir, replayEntries((await readJournal(path.join(stateDir, JOURNAL_FILE))).entries), owner);
    await writeRequest(stateDir, request);
    return { applied: 'requested', runs: [...request.runs], jobs: [] };
  }
  try {
    return { applied: 'now', ...(await work(session)) };
  } finally {
    await session.close();
  }
}

/** `rerun`: marks runs `ids`, and every run that ended in one of `states`, to run again on the next start. */
export async function rerunEnsemble(ensemble: Ensemble, stateDir: string, ids: readonly string[], states: ReadonlyArray<'failed' | 'cancelled'>): Promise<ControlResult> {
  return applyOrRequest(ensemble, stateDir, { action: 'rerun', runs: ids, states }, async (session) => ({
    runs: await rerunRuns(new RunMachine(session.store), ids, states as readonly RunState[]),
    jobs: [],
  }));
}

/** `cancel`: cancels runs `ids` of `ensemble` (every unfinished run when empty), their jobs included. */
export async function cancelEnsemble(stateDir: string, ensemble: Ensemble, ids: readonly string[]): Promise<ControlResult> {
  return applyOrRequest(ensemble, stateDir, { action: 'cancel', runs: ids }, async (session) =>
    cancelRuns(
      {
        machine: new RunMachine(session.store),
        executorOf: (record) => session.executors.get(record.executor),
        cancels: new CancelRequests(),
        active: new Set(),
        configured: ensemble.batches.flatMap((batch) => batch.runs),
      },
      ids,
    ),
  );
}
