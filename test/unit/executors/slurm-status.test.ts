import { expect } from 'chai';
import { buildEndStatus, buildLiveStatus, buildLostStatus } from '../../../src/executors/slurm-status.js';

describe('SLURM job statuses', () => {
  const output = 'slurm-12.out';

  it('reports a waiting job with SLURM\'s reason', () => {
    expect(buildLiveStatus({ id: '1', state: 'PENDING', reason: 'Priority', comment: 't' }, 'PENDING')).to.deep.equal({ state: 'PENDING', reason: 'Priority' });
    expect(buildLiveStatus({ id: '1', state: 'RUNNING', reason: 'None', comment: 't' }, 'RUNNING')).to.deep.equal({ state: 'RUNNING' });
    expect(buildLiveStatus({ id: '1', state: 'COMPLETING', reason: 'None', comment: 't' }, 'RUNNING')).to.deep.equal({ state: 'RUNNING', reason: 'COMPLETING' });
  });

  it('lets the exit-code file decide success, whatever SLURM called the end', () => {
    expect(buildEndStatus({ fileCode: 0, schedulerState: 'COMPLETED', output })).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(buildEndStatus({ fileCode: 0, output })).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(buildEndStatus({ fileCode: 3, schedulerState: 'FAILED', output })).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-12.out)' });
    expect(buildEndStatus({ fileCode: 3, output })).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-12.out)' });
  });

  it('keeps the name of a state in which SLURM ended the job, with no exit code when the wrapper was killed', () => {
    for (const state of ['TIMEOUT', 'CANCELLED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE'] as const) {
      expect(buildEndStatus({ schedulerState: state, exit: { code: 0, signal: 15 }, output })).to.deep.equal({ state, reason: `${state} (slurm-12.out)` });
    }
    expect(buildEndStatus({ fileCode: 0, schedulerState: 'OUT_OF_MEMORY', output })).to.deep.equal({ state: 'OUT_OF_MEMORY', exitCode: 0, reason: 'OUT_OF_MEMORY (slurm-12.out)' });
  });

  it('leaves out the exit code of a job SLURM stopped, which only a race between the wrapper and the signal wrote', () => {
    for (const state of ['CANCELLED', 'TIMEOUT', 'PREEMPTED', 'DEADLINE', 'NODE_FAIL'] as const) {
      for (const fileCode of [143, 0, 3]) {
        expect(buildEndStatus({ fileCode, schedulerState: state, output }), `${state} ${fileCode}`).to.deep.equal({ state, reason: `${state} (slurm-12.out)` });
      }
    }
    expect(buildEndStatus({ fileCode: 137, schedulerState: 'OUT_OF_MEMORY', output })).to.deep.equal({ state: 'OUT_OF_MEMORY', exitCode: 137, reason: 'OUT_OF_MEMORY (slurm-12.out)' });
  });

  it('takes the exit code from sacct or scontrol when the file is missing', () => {
    expect(buildEndStatus({ schedulerState: 'FAILED', exit: { code: 3, signal: 0 }, output })).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-12.out)' });
    expect(buildEndStatus({ schedulerState: 'COMPLETED', exit: { code: 0, signal: 0 }, output })).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(buildEndStatus({ schedulerState: 'COMPLETED', output })).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
  });

  it('reports a failure whose exit code nobody knows as FAILED without one', () => {
    expect(buildEndStatus({ schedulerState: 'FAILED', output })).to.deep.equal({ state: 'FAILED', reason: 'FAILED, exit code unknown (slurm-12.out)' });
    expect(buildEndStatus({ schedulerState: 'FAILED', exit: { code: 0, signal: 9 }, output })).to.deep.equal({
      state: 'FAILED',
      reason: 'FAILED, signal 9, exit code unknown (slurm-12.out)',
    });
  });

  it('says who was asked about a lost job and where its traces would be', () => {
    const status = buildLostStatus('12', ['squeue', 'sacct', 'scontrol'], '.model_ensemble/exit-1', output);
    expect(status.state).to.equal('LOST');
    expect(status.reason).to.equal(
      'job 12 is not known to squeue, sacct or scontrol, and left no exit-code file (.model_ensemble/exit-1); any output is in slurm-12.out',
    );
  });
});
