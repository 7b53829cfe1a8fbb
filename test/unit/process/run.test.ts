import { expect } from 'chai';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeEnd, runCommand, runShell, succeeded } from '../../../src/process/run.js';
import { tempDirs } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

/** Whether a process exists (zombies included). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The files this process made for the output of commands that named none. */
async function ownFiles(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith(`model_ensemble-${process.pid}-`));
}

describe('running a command', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('returns what a command printed, and leaves no file of its own behind', async () => {
    const dir = await tmp.make();
    const result = await runShell('/bin/bash', 'echo out; echo err >&2; exit 3', { cwd: dir, timeoutMs: 10_000 });
    expect(result.exitCode).to.equal(3);
    expect(result.output).to.equal('out\nerr\n');
    expect(succeeded(result)).to.equal(false);
    expect(describeEnd(result)).to.equal('exit 3');
    expect(await ownFiles()).to.deep.equal([]);
  });

  it('appends to a given output file and returns only what this command appended, when it fails', async () => {
    const dir = await tmp.make();
    const log = path.join(dir, 'tasks.log');
    await fs.writeFile(log, 'earlier\n');
    const ok = await runShell('/bin/bash', 'echo fine', { cwd: dir, timeoutMs: 10_000, outputFile: log, appendOutput: true });
    expect(ok.output).to.equal('');
    const failed = await runShell('/bin/bash', 'echo broken; exit 1', { cwd: dir, timeoutMs: 10_000, outputFile: log, appendOutput: true });
    expect(failed.output).to.equal('broken\n');
    expect(await fs.readFile(log, 'utf8')).to.equal('earlier\nfine\nbroken\n');
  });

  it('stops a command and everything it started at its timeout', async () => {
    const dir = await tmp.make();
    const result = await runShell('/bin/bash', 'sleep 30 & echo $! > child; wait', { cwd: dir, timeoutMs: 300, killGraceMs: 200 });
    expect(result.timedOut).to.equal(true);
    expect(describeEnd(result, 300)).to.equal('timed out after 0.3 s');
    const child = Number(await fs.readFile(path.join(dir, 'child'), 'utf8'));
    await waitFor(() => !exists(child), 5000, 'the background child to be stopped');
  });

  it('stops a command when its signal is aborted, and says it was interrupted', async () => {
    const dir = await tmp.make();
    const controller = new AbortController();
    const running = runShell('/bin/bash', 'touch started; sleep 30', { cwd: dir, timeoutMs: 60_000, signal: controller.signal });
    await waitFor(() => existsSync(path.join(dir, 'started')), 5000, 'the command to start');
    controller.abort();
    const result = await running;
    expect(result.aborted).to.equal(true);
    expect(result.timedOut).to.equal(false);
    expect(describeEnd(result)).to.equal('interrupted');
  });

  it('does not wait for a background process that keeps its output open', async () => {
    const dir = await tmp.make();
    const started = Date.now();
    const result = await runShell('/bin/bash', 'sleep 5 & echo started', { cwd: dir, timeoutMs: 10_000 });
    expect(result.exitCode).to.equal(0);
    expect(Date.now() - started).to.be.below(3000);
  });

  it('returns stdout and stderr apart when capturing, and a program that cannot start as a result', async () => {
    const dir = await tmp.make();
    const result = await runCommand('/bin/bash', ['-c', 'echo data; echo warning >&2'], { cwd: dir, timeoutMs: 10_000, capture: true });
    expect([result.stdout, result.stderr, result.output]).to.deep.equal(['data', 'warning', 'warning']);
    const missing = await runCommand(path.join(dir, 'no-such-program'), [], { cwd: dir, timeoutMs: 10_000, capture: true });
    expect(missing.exitCode).to.equal(undefined);
    expect(missing.startError).to.contain('ENOENT');
    expect(describeEnd(missing)).to.match(/^could not start/);
    const nowhere = await runShell('/bin/bash', 'true', { cwd: path.join(dir, 'gone'), timeoutMs: 10_000 });
    expect(nowhere.startError).to.contain('ENOENT');
  });

  it('stops a captured command and its children at its timeout', async () => {
    const dir = await tmp.make();
    const result = await runCommand('/bin/bash', ['-c', 'sleep 30 & echo $! > child; wait'], { cwd: dir, timeoutMs: 300, killGraceMs: 200, capture: true });
    expect(result.timedOut).to.equal(true);
    const child = Number(await fs.readFile(path.join(dir, 'child'), 'utf8'));
    await waitFor(() => !exists(child), 5000, 'the background child to be stopped');
  });
});
