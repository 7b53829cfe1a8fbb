// The SLURM executor in the contract suite, on the real test cluster. Its scheduler commands go through PATH
// wrappers that log each call (test/helpers/slurm-path.ts), so the suite can count them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { clearJobFiles } from '../../src/executors/job-files.js';
import { SlurmExecutor } from '../../src/executors/slurm.js';
import { cancelJobs, skipWithoutSlurm } from '../helpers/slurm-cluster.js';
import { makeSlurmPath } from '../helpers/slurm-path.js';
import type { ExecutorFixture } from './fixture.js';

/** A job id far above any this test cluster hands out (and below SLURM's MaxJobId), so no job has it. */
const UNKNOWN_ID = '67000100';

export const slurmFixture: ExecutorFixture = {
  name: 'SLURM (the real cluster)',
  prepare: (context) => skipWithoutSlurm(context),
  async create({ shell, scratch, graceMs }) {
    const slurmPath = await makeSlurmPath(scratch);
    const executor = new SlurmExecutor({ shell, env: slurmPath.env, commandTimeoutMs: 30_000, ...(graceMs !== undefined ? { graceMs } : {}) });
    return { executor, commands: async () => (await slurmPath.calls()).map((call) => call.split(' ')[0] ?? '') };
  },
  header: '#SBATCH --time=5',
  capabilities: { remote: true, pushesStatus: false },
  // One squeue for all jobs; the exit-code files settle the ended ones, so neither sacct nor scontrol is asked.
  pollCommands: ['squeue'],
  outputOf: (id) => `slurm-${id}.out`,
  ends: {
    failed: (code, output) => ({ state: 'FAILED', exitCode: code, reason: `exit ${code} (${output})` }),
    cancelled: (output) => ({ state: 'CANCELLED', reason: `CANCELLED (${output})` }),
    // scancel from a shell is the same cancellation as the executor's own.
    killedOutside: (output) => ({ state: 'CANCELLED', reason: `CANCELLED (${output})` }),
  },
  async makeVanishedJob(job) {
    // The marker the wrapper writes (host, the batch shell's pid, the job id) for a job the controller forgot.
    const files = await clearJobFiles(job);
    await fs.writeFile(files.started, `${os.hostname()} 4242 ${UNKNOWN_ID}\n${job.tag}\n`);
    return UNKNOWN_ID;
  },
  killOutside(id) {
    execFileSync('scancel', [id], { stdio: 'ignore', timeout: 30_000 });
    return Promise.resolve();
  },
  cleanup(ids) {
    cancelJobs(ids);
    return Promise.resolve();
  },
  timing: { pollIntervalMs: 200, endMs: 30_000, testMs: 60_000 },
};
