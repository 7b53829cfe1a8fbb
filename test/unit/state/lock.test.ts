import { expect } from 'chai';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isStale, Lock, LOCK_FILE, readLock, type LockHolder } from '../../../src/state/lock.js';
import { tempDirs } from '../../helpers/tmp.js';
import { withDeadline } from '../../helpers/wait.js';

describe('lock', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('refuses a second holder with a message naming the first one\'s host and pid', async () => {
    const dir = await tmp.make();
    const sleeper = spawn('sleep', ['30']);
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), pid: sleeper.pid, since: 'then' }));
    try {
      let error: Error | undefined;
      await Lock.acquire(dir).catch((e: Error) => (error = e));
      expect((error as { code?: string } | undefined)?.code).to.equal('ERR_LOCKED');
      expect(error?.message).to.contain(`process ${sleeper.pid} on ${os.hostname()}`);
    } finally {
      sleeper.kill();
    }
  });

  it('takes over at once a lock whose holder is dead on this host', async () => {
    const dir = await tmp.make();
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), pid: dead.pid, since: 'then' }));
    const lock = await Lock.acquire(dir);
    expect((await readLock(path.join(dir, LOCK_FILE)))?.pid).to.equal(process.pid);
    await lock.release();
    expect(await readLock(path.join(dir, LOCK_FILE))).to.equal(undefined);
  });

  it('takes over a lock unrefreshed for the stale time even if its pid now belongs to another process', async () => {
    const dir = await tmp.make();
    const file = path.join(dir, LOCK_FILE);
    await fs.writeFile(file, JSON.stringify({ host: os.hostname(), pid: 1, since: 'before the reboot' }));
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(file, old, old);
    const lock = await Lock.acquire(dir);
    expect((await readLock(file))?.pid).to.equal(process.pid);
    await lock.release();
  });

  it('lets exactly one of several processes take over the same stale lock', async () => {
    const dir = await tmp.make();
    // Each process says whether it got the lock, and the winner holds it until its stdin ends: a winner gone early
    // would leave a dead holder that a slower process could rightly take over.
    const script = `import('${path.resolve('src/state/lock.ts')}').then(({ Lock }) => Lock.acquire(process.argv[1]).then(() => { console.log('got'); process.stdin.resume().once('end', () => process.exit(0)); }, (e) => { console.log(e.code); process.exit(0); }))`;
    for (let round = 0; round < 3; round++) {
      await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ host: 'gone.example', pid: 1, since: 'long ago' }));
      const old = new Date(Date.now() - 120_000);
      await fs.utimes(path.join(dir, LOCK_FILE), old, old);
      const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', '-e', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] }));
      try {
        const outputs = await withDeadline(Promise.all(children.map(readFirstLine)), 15_000, 'every process to try the lock');
        expect(outputs.filter((o) => o === 'got'), outputs.join(',')).to.have.length(1);
        expect(outputs.filter((o) => o === 'ERR_LOCKED')).to.have.length(3);
      } finally {
        await Promise.all(children.map(endProcess));
      }
      await fs.rm(path.join(dir, LOCK_FILE), { force: true });
    }
  });

  it('judges a lock from another host by its age only', () => {
    const other = { host: 'login2.example', pid: 1, since: 'then' };
    expect(isStale(other, 59_000, 60_000)).to.equal(false);
    expect(isStale(other, 60_000, 60_000)).to.equal(true);
  });

  it('tells its holder when another process has taken the lock', async () => {
    const dir = await tmp.make();
    const lock = await Lock.acquire(dir, { refreshMs: 10 });
    const lost = new Promise<LockHolder | undefined>((resolve) => (lock.onLost = resolve));
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ host: 'elsewhere', pid: 5, since: 'now' }));
    expect((await withDeadline(lost, 5000, 'the holder to be told'))?.host).to.equal('elsewhere');
    await lock.release();
    expect((await readLock(path.join(dir, LOCK_FILE)))?.host).to.equal('elsewhere');
  });
});

/** A process trying the lock: its stdin and stdout are pipes. */
type Contender = ChildProcessByStdio<Writable, Readable, null>;

/** The first line a child process prints (all it printed, if it ends without a newline). */
function readFirstLine(child: Contender): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('close', () => resolve(out.trim()));
  });
}

/** Ends a child's stdin (a lock winner leaves then) and waits for it to exit. */
async function endProcess(child: Contender): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.stdin.end();
  await withDeadline(closed, 10_000, `process ${child.pid} to leave`).catch(() => child.kill('SIGKILL'));
}
