import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildOutputName,
  buildSbatchArgs,
  isAccountingDisabled,
  isPermanentSbatchFailure,
  parseExitPair,
  parseJobId,
  parseSacct,
  parseScontrolJob,
  parseSlurmState,
  parseSqueue,
  SLURM_STATES,
} from '../../../src/executors/slurm-text.js';
import { FINAL_JOB_STATES } from '../../../src/executors/types.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm');
const fixture = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');

describe('SLURM scheduler text', () => {
  describe('SLURM_STATES', () => {
    it('names every job state of squeue and sacct', () => {
      const names = ['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED',
        'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'SPECIAL_EXIT', 'RESV_DEL_HOLD', 'REVOKED', 'COMPLETED', 'FAILED',
        'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'CANCELLED', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE'];
      expect(Object.keys(SLURM_STATES)).to.have.members(names);
    });

    it('maps every state that is not final to PENDING or RUNNING', () => {
      for (const [name, state] of Object.entries(SLURM_STATES)) {
        if (!FINAL_JOB_STATES.has(state)) expect(['PENDING', 'RUNNING'], name).to.include(state);
      }
      expect(SLURM_STATES.COMPLETING).to.equal('RUNNING');
      expect(SLURM_STATES.CONFIGURING).to.equal('PENDING');
    });

    it('keeps the names of the states in which SLURM ended a job', () => {
      for (const name of ['TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'CANCELLED', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']) {
        expect(SLURM_STATES[name]).to.equal(name);
      }
    });

    it('reads sacct\'s "CANCELLED by 0" and shortened names, and refuses names it does not know', () => {
      expect(parseSlurmState('CANCELLED by 0')).to.equal('CANCELLED');
      expect(parseSlurmState('CANCELLED by 1000')).to.equal('CANCELLED');
      expect(parseSlurmState('OUT_OF_ME+')).to.equal(undefined);
      expect(parseSlurmState('CANCELLED+')).to.equal('CANCELLED');
      expect(parseSlurmState('LAUNCHED_ON_MARS')).to.equal(undefined);
      expect(parseSlurmState('toString')).to.equal(undefined);
    });
  });

  describe('sbatch', () => {
    it('asks for a parsable id, no requeue, the tag as comment, and the wrapper last', () => {
      expect(buildSbatchArgs({ tag: 'model_ensemble:e:r-1:c0:a2', wrapper: '/runs/r-1/.model_ensemble/job-2.sh' })).to.deep.equal([
        '--parsable',
        '--no-requeue',
        '--comment=model_ensemble:e:r-1:c0:a2',
        '/runs/r-1/.model_ensemble/job-2.sh',
      ]);
    });

    it('never names the job, so the user\'s --job-name stays theirs', () => {
      const args = buildSbatchArgs({ tag: 't', wrapper: 'w' });
      expect(args.some((arg) => arg.startsWith('--job-name') || arg === '-J')).to.equal(false);
    });

    it('reads the job id sbatch --parsable printed on this cluster, with or without a cluster name', () => {
      expect(parseJobId(fixture('sbatch-parsable.txt'))).to.match(/^\d+$/);
      expect(parseJobId('123\n')).to.equal('123');
      expect(parseJobId('4567;cluster-a\n')).to.equal('4567');
      expect(parseJobId('')).to.equal(undefined);
      expect(parseJobId('Submitted batch job 12\n')).to.equal(undefined);
    });

    it('tells requests SLURM will never accept from failures worth another try', () => {
      expect(isPermanentSbatchFailure(1, 'sbatch: error: Batch job submission failed: Invalid partition name specified')).to.equal(true);
      expect(isPermanentSbatchFailure(255, "sbatch: unrecognized option '--bogus'")).to.equal(true);
      expect(isPermanentSbatchFailure(1, 'sbatch: error: Batch job submission failed: Requested node configuration is not available')).to.equal(true);
      expect(isPermanentSbatchFailure(1, 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation')).to.equal(false);
      expect(isPermanentSbatchFailure(1, 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)')).to.equal(false);
    });
  });

  describe('squeue', () => {
    const { rows, bad } = parseSqueue(fixture('squeue-all.txt'));
    const byComment = (comment: string) => rows.find((row) => row.comment === comment);

    it('reads every line this cluster printed, in every state it printed', () => {
      expect(bad).to.deep.equal([]);
      expect(rows.map((row) => row.state)).to.have.members(['CANCELLED', 'COMPLETED', 'FAILED', 'PENDING', 'RUNNING', 'TIMEOUT']);
      expect(byComment('capture:ok')?.state).to.equal('COMPLETED');
      expect(byComment('capture:fail')).to.include({ state: 'FAILED', reason: 'NonZeroExitCode' });
      expect(byComment('capture:timeout')).to.include({ state: 'TIMEOUT', reason: 'TimeLimit' });
      expect(byComment('capture:held')).to.include({ state: 'PENDING', reason: 'JobHeldUser' });
    });

    it('keeps a comment that holds spaces and the separator whole', () => {
      expect(byComment('capture:cancel with space|pipe')?.state).to.equal('CANCELLED');
    });

    it('reads a job without a comment as "(null)", which no tag equals', () => {
      expect(rows.find((row) => row.state === 'RUNNING')?.comment).to.equal('(null)');
    });

    it('sets aside lines it cannot read instead of guessing', () => {
      const parsed = parseSqueue('12|RUNNING|None|t\nslurm_load_jobs error: Socket timed out\n\n13_[1-4]|PENDING|Priority|t2\n');
      expect(parsed.rows.map((row) => row.id)).to.deep.equal(['12', '13_[1-4]']);
      expect(parsed.bad).to.deep.equal(['slurm_load_jobs error: Socket timed out']);
    });
  });

  describe('sacct', () => {
    it('takes the most recently submitted job when accounting holds an id twice, and reads each line once', () => {
      const { rows, bad } = parseSacct(fixture('sacct-handwritten.txt'));
      expect(bad).to.deep.equal([]);
      expect(rows.get('101')).to.deep.include({ state: 'COMPLETED', exit: { code: 0, signal: 0 } });
      expect(rows.get('102')).to.deep.include({ state: 'FAILED', exit: { code: 3, signal: 0 } });
      expect(parseSlurmState(rows.get('103')?.state ?? '')).to.equal('CANCELLED');
      expect(rows.get('104')?.state).to.equal('OUT_OF_MEMORY');
      expect(rows.get('106')?.state).to.equal('COMPLETED');
      expect([...rows.keys()]).to.have.members(['101', '102', '103', '104', '105', '106']);
    });

    it('lets the later line win when two lines of one id carry the same submit time', () => {
      const { rows } = parseSacct('7|FAILED|1:0|2026-01-01T00:00:00\n7|COMPLETED|0:0|2026-01-01T00:00:00\n');
      expect(rows.get('7')?.state).to.equal('COMPLETED');
    });

    it('sets aside step lines and errors', () => {
      const { rows, bad } = parseSacct('8.batch|COMPLETED|0:0|2026-01-01T00:00:00\n8|COMPLETED|0:0|2026-01-01T00:00:00\nsacct: error: x\n');
      expect([...rows.keys()]).to.deep.equal(['8']);
      expect(bad).to.have.length(2);
    });

    it('recognises the answer of a cluster without accounting, as this one gave it', () => {
      expect(isAccountingDisabled(fixture('sacct-disabled.txt'))).to.equal(true);
      expect(isAccountingDisabled('sacct: error: Problem talking to the database: Connection refused')).to.equal(false);
    });
  });

  describe('scontrol', () => {
    it('reads state, reason and exit code of jobs this cluster ran', () => {
      expect(parseScontrolJob(fixture('scontrol-completed.txt'))).to.deep.include({ state: 'COMPLETED', exit: { code: 0, signal: 0 } });
      expect(parseScontrolJob(fixture('scontrol-failed.txt'))).to.deep.include({ state: 'FAILED', reason: 'NonZeroExitCode', exit: { code: 3, signal: 0 } });
      expect(parseScontrolJob(fixture('scontrol-timeout.txt'))).to.deep.include({ state: 'TIMEOUT', reason: 'TimeLimit', exit: { code: 0, signal: 15 } });
      expect(parseScontrolJob(fixture('scontrol-cancelled.txt'))).to.deep.include({ state: 'CANCELLED', exit: { code: 0, signal: 15 } });
      expect(parseScontrolJob(fixture('scontrol-pending.txt'))).to.deep.include({ state: 'PENDING', reason: 'JobHeldUser' });
      expect(parseScontrolJob(fixture('scontrol-running.txt'))?.state).to.equal('RUNNING');
    });

    it('reads the job id of the record', () => {
      const text = fixture('scontrol-completed.txt');
      expect(parseScontrolJob(text)?.id).to.equal(/^JobId=(\d+)/.exec(text)?.[1]);
    });

    it('finds no record in the answer for a job the controller does not know', () => {
      expect(parseScontrolJob(fixture('scontrol-invalid.txt'))).to.equal(undefined);
    });

    it('reads exit pairs and refuses other text', () => {
      expect(parseExitPair('137:0')).to.deep.equal({ code: 137, signal: 0 });
      expect(parseExitPair('')).to.equal(undefined);
      expect(parseExitPair('3')).to.equal(undefined);
    });
  });

  describe('output file names', () => {
    it('names SLURM\'s default output file when the job file sets none', () => {
      expect(buildOutputName(['#SBATCH --time=1'], '42')).to.equal('slurm-42.out');
    });

    it('fills the job id into the job file\'s own --output or -o pattern, the last one winning', () => {
      expect(buildOutputName(['#SBATCH --output=logs/run.%j.log'], '42')).to.equal('logs/run.42.log');
      expect(buildOutputName(['#SBATCH -o out-%A.txt'], '42')).to.equal('out-42.txt');
      expect(buildOutputName(['#SBATCH --output run.log', '#SBATCH --output="x_%j_100%%.log"'], '7')).to.equal('x_7_100%.log');
      expect(buildOutputName(['# SBATCH --output=ignored.log'], '7')).to.equal('slurm-7.out');
    });
  });
});
