// The journal: one JSON line per run state change, appended and flushed to disk (datasync) before the action it
// records is acted upon. Appends made in the same turn of the event loop, and those that arrive while a flush is
// under way, share one flush (group commit), so hundreds of runs changing state at once cost a handful of syncs.
// Plain files only: it must work on the shared filesystems of login nodes, with this process as the only writer
// (the lock sees to that).
import { writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StateError } from '../errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private.js';
import type { JournalEntry } from './types.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** An open journal file, appended to by one process. */
export class Journal {
  readonly file: string;
  private handle: fs.FileHandle;
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** The first failed write: after it nothing more is written, since what reached the disk is no longer known. */
  private failure: StateError | undefined;
  private readonly broken = new AbortController();

  /** Aborted, with the StateError, when a write has failed: whoever acts on the journal must stop. */
  get failed(): AbortSignal {
    return this.broken.signal;
  }

  private constructor(file: string, handle: fs.FileHandle) {
    this.file = file;
    this.handle = handle;
  }

  /** Opens (creating it and its folder) the journal at `file` for appending. */
  static async open(file: string): Promise<Journal> {
    await makePrivateDir(path.dirname(file));
    return new Journal(file, await fs.open(file, 'a', PRIVATE_FILE_MODE));
  }

  /** Appends one entry; resolves once it is on disk. */
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    if (this.failure) return Promise.reject(this.failure);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      // Start the flush once this turn of the event loop is over, so that every append it makes (runs whose jobs
      // ended at the same moment) shares the one datasync.
      this.flushing ??= new Promise<void>((started) => setImmediate(started)).then(async () => this.flush());
    });
  }

  /** Replaces the journal by `entries` (compaction): written beside it, synced, renamed over it, folder synced. */
  async rewrite(entries: readonly JournalEntry[]): Promise<void> {
    await this.flushing;
    const temp = `${this.file}.tmp`;
    await fs.writeFile(temp, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { flush: true, mode: PRIVATE_FILE_MODE });
    await this.handle.close();
    await fs.rename(temp, this.file);
    const dir = await fs.open(path.dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.handle = await fs.open(this.file, 'a', PRIVATE_FILE_MODE);
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushing;
    this.closed = true;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const text = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        // The write only reaches the page cache: done in place, it saves a round trip through the thread pool.
        // The datasync, which waits for the disk, stays off the event loop.
        writeAll(this.handle.fd, Buffer.from(text));
        // Disk-full and quota errors may show only here on NFS: a failed sync fails every append it covers.
        await this.handle.datasync();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        this.failure ??= new StateError('ERR_JOURNAL_WRITE', `cannot write the journal ${this.file}: ${(error as Error).message}; stopped before acting on it. Free space and run the same command again`, { cause: error });
        this.broken.abort(this.failure);
        for (const waiter of [...waiters, ...this.waiters.splice(0)]) waiter.reject(this.failure);
        this.pending = [];
      }
    }
    this.flushing = undefined;
  }
}

/** Writes all of `buffer` at the file's end (opened for appending), however many writes it takes. */
function writeAll(fd: number, buffer: Buffer): void {
  for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}
