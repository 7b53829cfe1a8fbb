import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isStale, Lock, LOCK_FILE, readLock } from '../../../src/state/lock.js';
import { tempDirs } from '../../helpers/tmp.js';

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

  it('judges a lock from another host by its age only', () => {
    const other = { host: 'login2.example', pid: 1, since: 'then' };
    expect(isStale(other, 59_000, 60_000)).to.equal(false);
    expect(isStale(other, 60_000, 60_000)).to.equal(true);
  });

  it('tells its holder when another process has taken the lock', async () => {
    const dir = await tmp.make();
    let lost = false;
    const lock = await Lock.acquire(dir, { refreshMs: 10 });
    lock.onLost = () => (lost = true);
    await fs.writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ host: 'elsewhere', pid: 5, since: 'now' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lost).to.equal(true);
    await lock.release();
    expect((await readLock(path.join(dir, LOCK_FILE)))?.host).to.equal('elsewhere');
  });
});
