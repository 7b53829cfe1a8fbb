// The local executor in the contract suite: jobs are processes on this machine, their ends pushed as events.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalExecutor } from '../../src/executors/local.js';
import { clearJobFiles } from '../../src/executors/job-files.js';
import type { ExecutorFixture } from './fixture.js';

/** A pid no process can have: one above the largest the kernel hands out. */
async function findImpossiblePid(): Promise<number> {
  return Number((await fs.readFile('/proc/sys/kernel/pid_max', 'utf8')).trim()) + 1;
}

export const localFixture: ExecutorFixture = {
  name: 'local',
  prepare: () => undefined,
  async create({ shell }) {
    // Children are gone after SIGTERM; the SIGKILL that follows must not outlive the suite by much.
    return { executor: new LocalExecutor({ shell, killGraceMs: 1000 }), commands: () => Promise.resolve([]) };
  },
  header: '',
  capabilities: { remote: false, pushesStatus: true },
  pollCommands: [],
  outputOf: (_id, job) => path.join('.model_ensemble', `job-${job.attempt}.out`),
  ends: {
    failed: (code, output) => ({ state: 'FAILED', exitCode: code, reason: `exit ${code} (output in ${output})` }),
    cancelled: () => ({ state: 'CANCELLED', reason: 'cancelled' }),
    // A death by signal n reads as exit 128 + n, as a shell reports it.
    killedOutside: (output) => ({ state: 'FAILED', exitCode: 143, reason: `killed by SIGTERM, exit 143 (output in ${output})` }),
  },
  async makeVanishedJob(job) {
    // The marker the process helper writes (host, pid, no scheduler id, start time), for a process long gone.
    const pid = await findImpossiblePid();
    const files = await clearJobFiles(job);
    await fs.writeFile(files.started, `${os.hostname()} ${pid} - 12345\n${job.tag}\n`);
    return String(pid);
  },
  killOutside(id) {
    // Every local job leads a process group of its own.
    process.kill(-Number(id), 'SIGTERM');
    return Promise.resolve();
  },
  // Every job of the suite ends by itself within seconds.
  cleanup: () => Promise.resolve(),
  timing: { pollIntervalMs: 200, endMs: 10_000, testMs: 20_000 },
};
