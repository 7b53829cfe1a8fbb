// One orchestrator per ensemble: a lock file in the state directory, created exclusively, naming its holder's host
// and pid. A lock whose holder is dead on this host is taken over at once; a lock from another host is judged by
// age, since that host's pids cannot be checked: its holder refreshes it, so one unrefreshed for `staleMs` is
// stale (FACTS.md: ≥ 60 s, for login nodes with skewed clocks). Plain files only, for shared filesystems.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LockError } from '../errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private.js';

/** The lock's file name inside the state directory. */
export const LOCK_FILE = 'lock';

/** Who holds a lock. */
export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  /** When the holder took the lock (ISO time). */
  readonly since: string;
}

export interface LockOptions {
  /** A lock from another host unrefreshed this long (ms) is stale; default 60 000. */
  readonly staleMs?: number;
  /** How often the holder refreshes the lock (ms); default 10 000. */
  readonly refreshMs?: number;
}

/** Whether process `pid` exists on this host. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the holder of the lock at `file`; undefined when absent or unreadable. */
export async function readLock(file: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await fs.readFile(file, 'utf8')) as LockHolder;
    return typeof holder.host === 'string' && typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock with this holder and age may be taken over: its holder is dead on this host, or it has not been
 * refreshed for `staleMs` (a holder on another host, or a pid on this host reused after a reboot).
 */
export function isStale(holder: LockHolder | undefined, ageMs: number, staleMs: number, host = os.hostname()): boolean {
  if (ageMs >= staleMs) return true;
  return holder !== undefined && holder.host === host && (!isAlive(holder.pid) || holder.pid === process.pid);
}

/**
 * Who holds the lock of `stateDir`, judged as taking it would judge: undefined when it is free (no lock, or a stale
 * one: its holder is dead on this host, or it was not refreshed for `staleMs`); `null` when a live lock cannot be read.
 */
export async function readLiveHolder(stateDir: string, staleMs = 60_000): Promise<LockHolder | null | undefined> {
  const file = path.join(stateDir, LOCK_FILE);
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return undefined;
  const holder = await readLock(file);
  if (isStale(holder, Date.now() - stat.mtimeMs, staleMs)) return undefined;
  return holder ?? null;
}

/** Why a lock is held, as a message; undefined when `stateDir` is free (no lock, or a stale one). */
export async function describeHolder(stateDir: string, staleMs = 60_000): Promise<string | undefined> {
  const holder = await readLiveHolder(stateDir, staleMs);
  if (holder === undefined) return undefined;
  const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process';
  return `this ensemble is being run by ${who}; state in ${stateDir}. Wait for it, or stop it first.`;
}

/**
 * Runs `work` holding the takeover guard (a file made with O_EXCL beside the lock), so two processes judging the
 * same lock stale never both remove it. A guard older than `staleMs` was left by a dead process and is removed.
 */
async function withTakeoverGuard(file: string, staleMs: number, work: () => Promise<void>): Promise<boolean> {
  const guard = `${file}.takeover`;
  try {
    await fs.writeFile(guard, String(process.pid), { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const stat = await fs.stat(guard).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs >= staleMs) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    await work();
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}

/** A held lock. */
export class Lock {
  private timer: NodeJS.Timeout | undefined;
  /** Called if the lock is found taken by another process while held (the holder should stop). */
  onLost: ((holder: LockHolder | undefined) => void) | undefined;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {}

  /** Takes the lock of `stateDir` (creating the folder), or throws LockError naming the holder. */
  static async acquire(stateDir: string, options: LockOptions = {}): Promise<Lock> {
    const file = path.join(stateDir, LOCK_FILE);
    const staleMs = options.staleMs ?? 60_000;
    const me: LockHolder = { host: os.hostname(), pid: process.pid, since: new Date().toISOString() };
    await makePrivateDir(stateDir);
    for (let tries = 0; tries < 20; tries++) {
      try {
        await fs.writeFile(file, JSON.stringify(me), { flag: 'wx', flush: true, mode: PRIVATE_FILE_MODE });
        const lock = new Lock(file, me);
        lock.startRefresh(options.refreshMs ?? 10_000);
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = await describeHolder(stateDir, staleMs);
      if (held !== undefined) throw new LockError(held);
      // Stale: remove it under the guard, judging it once more there (another process may just have taken over).
      const done = await withTakeoverGuard(file, staleMs, async () => {
        if ((await describeHolder(stateDir, staleMs)) === undefined) await fs.rm(file, { force: true });
      });
      if (!done) await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
    throw new LockError(`cannot take the lock ${file}: it keeps changing hands`);
  }

  /** Gives the lock back (only if it is still ours). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const holder = await readLock(this.file);
    if (holder?.pid === this.holder.pid && holder.host === this.holder.host) await fs.rm(this.file, { force: true });
  }

  private startRefresh(everyMs: number): void {
    this.timer = setInterval(() => {
      void this.refresh();
    }, everyMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    const holder = await readLock(this.file);
    // Only a lock read whole and naming someone else is lost; a failed read (NFS hiccup) is tried again next time.
    if (holder !== undefined && (holder.pid !== this.holder.pid || holder.host !== this.holder.host)) {
      if (this.timer) clearInterval(this.timer);
      this.onLost?.(holder);
      return;
    }
    const now = new Date();
    await fs.utimes(this.file, now, now).catch(() => undefined);
  }
}
