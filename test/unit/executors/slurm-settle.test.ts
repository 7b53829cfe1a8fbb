// The order of evidence the SLURM executor settles ended jobs by, driven through a fake `run` in its SettleContext:
// what each scheduler command answers is set by the test (captured text in test/fixtures/slurm/), so every decision
// is seen without a cluster. What the real commands print is tested on the real SLURM in test/integration.
import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobFiles } from '../../../src/executors/job-files.js';
import type { SlurmCommandResult } from '../../../src/executors/slurm-command.js';
import { settleEndedJobs, type EndedJob, type SettleContext } from '../../../src/executors/slurm-settle.js';
import type { JobSpec } from '../../../src/executors/types.js';
import { captureLogger, type LogLine } from '../../helpers/log.js';
import { tempDirs } from '../../helpers/tmp.js';

/** A captured scheduler answer from test/fixtures/slurm/. */
const captured = (name: string): Promise<string> => fs.readFile(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm', name), 'utf8');

/** How a fake command ends: its stdout, or a failure with its exit code and stderr. */
interface Answer {
  readonly stdout?: string;
  readonly exitCode?: number;
  readonly stderr?: string;
}

/** A settle context whose commands answer from `answers` (by program name), and what was asked and logged. */
function fakeContext(answers: Record<string, Answer>, accounting?: boolean): { ctx: SettleContext; calls: string[]; warnings: string[]; recovered: string[]; lines: LogLine[] } {
  const calls: string[] = [];
  const warnings: string[] = [];
  const recovered: string[] = [];
  const { logger, lines } = captureLogger();
  const run = (file: string, args: readonly string[]): Promise<SlurmCommandResult> => {
    const command = [file, ...args].join(' ');
    calls.push(command);
    const { stdout = '', exitCode = 0, stderr = '' } = answers[file] ?? { exitCode: 1, stderr: `${file}: not expected by this test` };
    const output = stderr.trim() || stdout.trim();
    return Promise.resolve({ command, exitCode, stdout, stderr, timedOut: false, ok: exitCode === 0, output, end: `exit ${exitCode}` });
  };
  const ctx: SettleContext = {
    run,
    warn: (key, message) => {
      warnings.push(`${key}: ${message}`);
      return message;
    },
    recover: (key) => recovered.push(key),
    logger,
    timeoutMs: 30_000,
    accounting,
    scontrolAsked: new Set(),
  };
  return { ctx, calls, warnings, recovered, lines };
}

describe('executors/slurm-settle', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  /** A job of a fresh run directory; `exit` is written to its exit-code file, `wrapper` to its wrapper script. */
  async function jobIn(files: { exit?: string; wrapper?: string } = {}): Promise<JobSpec> {
    const dir = await tmp.make('me-settle-');
    const job: JobSpec = { runId: 'r-0', attempt: 1, dir, script: 'job.sh', tag: 'ens:r-0:c1:a1' };
    await fs.mkdir(path.dirname(jobFiles(job).exitCode), { recursive: true });
    if (files.exit !== undefined) await fs.writeFile(jobFiles(job).exitCode, files.exit);
    if (files.wrapper !== undefined) await fs.writeFile(jobFiles(job).wrapper, files.wrapper);
    return job;
  }

  const ended = (id: string, job: JobSpec | undefined, more: Partial<EndedJob> = {}): EndedJob => ({ id, job, withinGrace: false, ...more });

  it('settles jobs by their exit-code files alone, asking the scheduler nothing', async () => {
    const { ctx, calls } = fakeContext({});
    const statuses = await settleEndedJobs(ctx, [ended('101', await jobIn({ exit: '0\n' })), ended('102', await jobIn({ exit: '3\n' }))]);
    expect([...statuses]).to.deep.equal([
      ['101', { state: 'COMPLETED', exitCode: 0 }],
      ['102', { state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-102.out)' }],
    ]);
    expect(calls).to.deep.equal([]);
  });

  it('keeps the state in which SLURM ended a job, and names the output its wrapper\'s #SBATCH lines give', async () => {
    const { ctx, calls } = fakeContext({});
    const job = await jobIn({ exit: '143\n', wrapper: '#!/bin/bash\n#SBATCH --time=1\n#SBATCH --output=logs/run-%j.txt\nexec job.sh\n' });
    const statuses = await settleEndedJobs(ctx, [ended('103', job, { schedulerState: 'TIMEOUT' })]);
    expect(statuses.get('103')).to.deep.equal({ state: 'TIMEOUT', reason: 'TIMEOUT (logs/run-103.txt)' });
    expect(calls).to.deep.equal([]);
  });

  it('reports a state squeue shows but cannot name until the exit-code file settles the job', async () => {
    const { ctx, calls } = fakeContext({});
    const unnamed = { state: 'RUNNING', reason: 'SLURM state LAUNCHED_ON_MARS' } as const;
    const job = await jobIn();
    expect((await settleEndedJobs(ctx, [ended('104', job, { unnamed })])).get('104')).to.deep.equal(unnamed);
    await fs.writeFile(jobFiles(job).exitCode, '0\n');
    expect((await settleEndedJobs(ctx, [ended('104', job, { unnamed })])).get('104')).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(calls).to.deep.equal([]);
  });

  it('asks sacct once for all the jobs the files did not settle, and settles them by its newest rows', async () => {
    const { ctx, calls, recovered } = fakeContext({ sacct: { stdout: await captured('sacct-handwritten.txt') } });
    const jobs = [ended('101', await jobIn()), ended('102', await jobIn()), ended('103', await jobIn()), ended('100', await jobIn({ exit: '0\n' }))];
    const statuses = await settleEndedJobs(ctx, jobs);
    expect(calls).to.deep.equal(['sacct -X -n -P -j 101,102,103 -o JobIDRaw,State,ExitCode,Submit']);
    expect(['101', '102', '103', '100'].map((id) => statuses.get(id))).to.deep.equal([
      { state: 'COMPLETED', exitCode: 0 },
      { state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-102.out)' },
      { state: 'CANCELLED', reason: 'CANCELLED (slurm-103.out)' },
      { state: 'COMPLETED', exitCode: 0 },
    ]);
    expect([ctx.accounting, recovered]).to.deep.equal([true, ['sacct']]);
  });

  it('stops asking sacct for good once accounting is disabled, and asks scontrol once per job, then calls it LOST', async () => {
    const { ctx, calls, lines, warnings } = fakeContext({
      sacct: { exitCode: 1, stderr: await captured('sacct-disabled.txt') },
      scontrol: { exitCode: 1, stderr: await captured('scontrol-invalid.txt') },
    });
    const job = await jobIn();
    const first = await settleEndedJobs(ctx, [ended('105', job), ended('106', undefined)]);
    expect(calls).to.deep.equal(['sacct -X -n -P -j 105,106 -o JobIDRaw,State,ExitCode,Submit', 'scontrol show job 105', 'scontrol show job 106']);
    expect(ctx.accounting).to.equal(false);
    expect(lines.map((l) => l.level)).to.deep.equal(['info']);
    expect(lines[0]?.message).to.match(/^SLURM accounting is not available \(sacct .*: Slurm accounting storage is disabled\)/);
    expect(first.get('105')).to.deep.equal({
      state: 'LOST',
      reason: `job 105 is not known to squeue or scontrol, and left no exit-code file (.model_ensemble/exit-1); any output is in slurm-105.out`,
    });
    expect(first.get('106')?.reason).to.contain('left no exit-code file (unknown: not submitted by this process)');
    // "Invalid job id" is the answer expected for a forgotten job: not a problem to warn about.
    expect(warnings).to.deep.equal([]);
    const again = await settleEndedJobs(ctx, [ended('105', job)]);
    expect(again.get('105')?.state).to.equal('LOST');
    expect(calls, 'nothing is asked again').to.have.length(3);
  });

  it('takes a sacct that cannot be started for disabled accounting', async () => {
    const { ctx } = fakeContext({ sacct: { exitCode: 127, stderr: 'could not start (ENOENT: spawn sacct ENOENT)' }, scontrol: { stdout: await captured('scontrol-completed.txt') } });
    expect((await settleEndedJobs(ctx, [ended('107', await jobIn())])).get('107')).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(ctx.accounting).to.equal(false);
  });

  it('warns when sacct fails otherwise, asks again next time, and settles by scontrol meanwhile', async () => {
    const { ctx, calls, warnings } = fakeContext({
      sacct: { exitCode: 1, stderr: 'sacct: error: Socket timed out on send/recv operation' },
      scontrol: { stdout: await captured('scontrol-failed.txt') },
    });
    const statuses = await settleEndedJobs(ctx, [ended('108', await jobIn())]);
    expect(statuses.get('108')).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-108.out)' });
    expect(warnings).to.deep.equal(['sacct: accounting query failed: sacct -X -n -P -j 108 -o JobIDRaw,State,ExitCode,Submit exit 1: sacct: error: Socket timed out on send/recv operation']);
    expect(ctx.accounting).to.equal(undefined);
    await settleEndedJobs(ctx, [ended('109', await jobIn())]);
    expect(calls.filter((call) => call.startsWith('sacct'))).to.have.length(2);
  });

  it('lets a job squeue no longer shows wait out its grace period as PENDING, asking scontrol nothing', async () => {
    const { ctx, calls } = fakeContext({}, false);
    const statuses = await settleEndedJobs(ctx, [ended('110', await jobIn(), { withinGrace: true })]);
    expect(statuses.get('110')).to.deep.equal({ state: 'PENDING', reason: 'submitted; not yet shown by squeue' });
    expect(calls).to.deep.equal([]);
  });

  it('keeps the final state squeue gave when neither sacct nor scontrol knows more', async () => {
    const { ctx, calls } = fakeContext({ sacct: { stdout: '' }, scontrol: { exitCode: 1, stderr: await captured('scontrol-invalid.txt') } }, true);
    const statuses = await settleEndedJobs(ctx, [ended('111', await jobIn(), { schedulerState: 'FAILED' }), ended('112', await jobIn(), { schedulerState: 'NODE_FAIL' })]);
    expect(statuses.get('111')).to.deep.equal({ state: 'FAILED', reason: 'FAILED, exit code unknown (slurm-111.out)' });
    expect(statuses.get('112')).to.deep.equal({ state: 'NODE_FAIL', reason: 'NODE_FAIL (slurm-112.out)' });
    expect(calls).to.deep.equal(['sacct -X -n -P -j 111,112 -o JobIDRaw,State,ExitCode,Submit', 'scontrol show job 111', 'scontrol show job 112']);
  });

  it('reports once a job scontrol knows but squeue --me does not show, and LOST after', async () => {
    const { ctx } = fakeContext({ scontrol: { stdout: await captured('scontrol-running.txt') } }, false);
    const job = await jobIn();
    expect((await settleEndedJobs(ctx, [ended('113', job)])).get('113')).to.deep.equal({ state: 'RUNNING', reason: 'RUNNING, shown by scontrol but not by squeue --me' });
    expect((await settleEndedJobs(ctx, [ended('113', job)])).get('113')?.state).to.equal('LOST');
  });

  it('warns about an exit-code file without an exit code, a failing scontrol and text it cannot read', async () => {
    const { ctx, warnings } = fakeContext({ sacct: { stdout: 'not|a row\n114|COMPLETED|0:0|2026-01-01T00:00:00\n' }, scontrol: { exitCode: 1, stderr: 'scontrol: error: Unable to contact slurm controller' } });
    const garbled = await jobIn({ exit: 'killed\n' });
    const statuses = await settleEndedJobs(ctx, [ended('114', garbled), ended('115', await jobIn())]);
    expect(statuses.get('114')).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(statuses.get('115')?.state).to.equal('LOST');
    expect(warnings).to.deep.equal([
      `exit:${jobFiles(garbled).exitCode}: exit-code file ${jobFiles(garbled).exitCode} holds no exit code: "killed\\n"`,
      'sacct:parse: sacct printed lines that cannot be read (ignored): sacct -X -n -P -j 114,115 -o JobIDRaw,State,ExitCode,Submit, exit 0: not|a row',
      'scontrol: job query failed: scontrol show job 115 exit 1: scontrol: error: Unable to contact slurm controller',
    ]);
    const { ctx: silent, warnings: parseWarnings } = fakeContext({ scontrol: { stdout: 'nothing useful\n' } }, false);
    await settleEndedJobs(silent, [ended('116', await jobIn())]);
    expect(parseWarnings).to.deep.equal(['scontrol:parse: scontrol printed no job record: scontrol show job 116, exit 0: nothing useful\n']);
  });
});
