import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { REQUESTS_DIR } from '../../src/state/requests.js';
import { FAST_TIMEOUTS, runCli, startCli, stopClis } from '../helpers/cli.js';
import { holdingEnsemble, writeFiles } from '../helpers/ensemble.js';
import { readRunEntries, readState } from '../helpers/journal.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

async function lines(file: string): Promise<string[]> {
  return (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
}

describe('resume after the orchestrator dies (local executor, CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  // A test that fails while its orchestrator runs leaves it to the next: stop it first.
  afterEach(() => stopClis());
  after(() => tmp.cleanup());

  for (const point of ['preparing:alpha-0', 'pre_run:alpha-1', 'submitting:alpha-1', 'submitted:alpha-1', 'queued:alpha-2', 'post_run:alpha-0']) {
    it(`a kill -9 right after ${point}, then the same command: every run succeeds and every job ran once`, async () => {
      const dir = await tmp.make();
      await writeFiles(dir, holdingEnsemble());
      const crashed = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS], { env: { MODEL_ENSEMBLE_CRASH_AFTER: point } });
      expect(crashed.code, crashed.stderr).to.not.equal(0);
      const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.equal('alpha: 3 succeeded\n');
      for (const idx of [0, 1, 2]) {
        expect(await lines(path.join(dir, `runs/alpha-${idx}/starts.txt`)), `alpha-${idx}`).to.deep.equal(['attempt 1']);
      }
      const state = await readState(dir);
      expect([...state.runs.values()].map((r) => r.state)).to.deep.equal(['succeeded', 'succeeded', 'succeeded']);
    });
  }

  it('re-attaches to local jobs that outlived a kill -9 instead of starting them again', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true }, { value: 1, hold: true }]));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-1/starts.txt'))).length === 1, 20_000, 'both jobs to start');
    first.child.kill('SIGKILL');
    await first.done;
    const second = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await fs.readFile(path.join(dir, 'logs/c.yaml.log'), 'utf8')).includes('model_ensemble: c.yaml'), 20_000);
    await fs.writeFile(path.join(dir, 'go'), '');
    const result = await second.done;
    expect(result.code, result.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1']);
    expect(await lines(path.join(dir, 'runs/alpha-1/starts.txt'))).to.deep.equal(['attempt 1']);
  });

  it('settles a local job that ended while no orchestrator ran from the exit code written for it', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true, code: 3 }]));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).length === 1, 20_000, 'the job to start');
    first.child.kill('SIGKILL');
    await first.done;
    await fs.writeFile(path.join(dir, 'go'), '');
    await waitFor(async () => (await fs.readFile(path.join(dir, 'runs/alpha-0/.model_ensemble/exit-1'), 'utf8').catch(() => '')) === '3\n', 20_000, 'the exit code');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code).to.equal(1);
    expect(again.stdout).to.contain('alpha-0 failed: exit 3');
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1']);
  });

  it('on Ctrl-C exits 130 leaving jobs running; the next start follows them to their end', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true }]));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).length === 1, 20_000, 'the job to start');
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).to.equal(130);
    expect(stopped.stdout).to.contain('interrupted: run the same command again to carry on');
    expect((await readState(dir)).runs.get('alpha-0')?.state).to.be.oneOf(['queued', 'running']);
    await fs.writeFile(path.join(dir, 'go'), '');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1']);
  });

  it('on Ctrl-C stops a check that is waiting, submits nothing more, and the next start carries on', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0 }], { pre_run: [{ name: 'check', args: { cmd: 'test -f ../../go' } }] }));
    // 30 s between two tries of the check: Ctrl-C must not wait for the next one.
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS, '-ct', '30']);
    await waitFor(async () => (await fs.readFile(path.join(dir, 'logs/c.yaml.log'), 'utf8').catch(() => '')).includes('not yet true'), 20_000, 'the check to wait');
    const sent = Date.now();
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).to.equal(130);
    expect(Date.now() - sent).to.be.below(10_000);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal([]);
    await fs.writeFile(path.join(dir, 'go'), '');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1']);
  });

  it('calls a job LOST when it died with the machine (no exit code), and the retry policy redoes it', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true }], { retry: { max: 1, on: ['LOST'] } }));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).length === 1, 20_000, 'the job to start');
    const started = await fs.readFile(path.join(dir, 'runs/alpha-0/.model_ensemble/started-1'), 'utf8');
    // As a crash of the machine would: the orchestrator, the process helper (the job's parent) and the job all die.
    const job = Number(started.split(' ')[1]);
    const helper = Number(readFileSync(`/proc/${job}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    first.child.kill('SIGKILL');
    process.kill(helper, 'SIGKILL');
    process.kill(-job, 'SIGKILL');
    await first.done;
    await fs.writeFile(path.join(dir, 'go'), '');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.contain('LOST is retried (attempt 2 of 2)');
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1', 'attempt 2']);
  });

  it('retries a failed job by its policy, keeping the directory, and status shows both attempts', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, code: 3 }, { value: 1 }], { retry: { max: 2, on: ['FAILED'], backoff: 0 } }));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1', 'attempt 2']);
    const status = await runCli(dir, ['status', 'c.yaml', '--json']);
    const run = (JSON.parse(status.stdout) as { batches: Array<{ runs: Array<{ id: string; history: Array<{ state: string; reason?: string }> }> }> }).batches[0]?.runs[0];
    expect(run?.history.map((a) => [a.state, a.reason])).to.deep.equal([
      ['failed', 'exit 3 (output in .model_ensemble/job-1.out)'],
      ['succeeded', undefined],
    ]);
    const table = await runCli(dir, ['status', 'c.yaml']);
    expect(table.stdout).to.match(/alpha-0\s+succeeded\s+2/);
  });

  it('rerun --failed makes the next start run the failed runs again as a new attempt', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, code: 4 }, { value: 1 }]));
    expect((await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS])).code).to.equal(1);
    const marked = await runCli(dir, ['rerun', 'c.yaml', '--failed']);
    expect(marked.code, marked.stderr).to.equal(0);
    expect(marked.stdout).to.contain('1 run(s) will run again on the next start: alpha-0');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1', 'attempt 2']);
    expect(await lines(path.join(dir, 'runs/alpha-1/starts.txt'))).to.deep.equal(['attempt 1']);
  });

  it('a kill -9 while preparing a picked-up directory (-p) keeps the files that were there', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { ...holdingEnsemble([{ value: 0 }]), 'runs/alpha-0/restart.nc': 'precious' });
    const crashed = await runCli(dir, ['-p', 'c.yaml', 'dummy', ...FAST_TIMEOUTS], { env: { MODEL_ENSEMBLE_CRASH_AFTER: 'preparing:alpha-0' } });
    expect(crashed.code).to.not.equal(0);
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/restart.nc'), 'utf8')).to.equal('precious');
  });

  it('a retry waiting out its backoff survives Ctrl-C and a rerun request: the next attempt still runs', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, code: 3 }], { retry: { max: 2, on: ['FAILED'], backoff: 30 } }));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await readState(dir)).runs.get('alpha-0')?.attempt === 2, 20_000, 'the retry to be journaled');
    const rerun = await runCli(dir, ['rerun', 'c.yaml', '--failed']);
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(rerun.stdout).to.contain('an orchestrator is running this ensemble');
    // The running orchestrator takes the request (removing its file); a request it has taken is applied before it stops.
    const requests = path.join(dir, '.model_ensemble/c', REQUESTS_DIR);
    await waitFor(async () => (await fs.readdir(requests)).filter((name) => name.endsWith('.json')).length === 0, 20_000, 'the request to be taken');
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).to.equal(130);
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1', 'attempt 2']);
  });

  it('cancel names runs not started yet: they never start, and rerun --cancelled brings them back', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0 }, { value: 1 }]));
    const cancel = await runCli(dir, ['cancel', 'c.yaml', '--runs', 'alpha-1']);
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(cancel.stdout).to.equal('cancelled 1 run(s), 0 job(s) in the scheduler\n');
    const run = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(run.stdout).to.equal('alpha: 1 succeeded, 1 cancelled\n');
    expect(run.code).to.equal(1);
    expect((await runCli(dir, ['rerun', 'c.yaml', '--cancelled'])).stdout).to.contain('alpha-1');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-1/starts.txt'))).to.deep.equal(['attempt 2']);
  });

  it('refuses a second orchestrator on the same ensemble, naming the first one\'s pid', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true }]));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).length === 1, 20_000);
    const second = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(second.code).to.equal(2);
    expect(second.stderr).to.contain(`this ensemble is being run by process ${String(first.child.pid)}`);
    const status = await runCli(dir, ['status', 'c.yaml']);
    expect(status.stdout).to.contain(`running now: pid ${String(first.child.pid)}`);
    const daemon = await runCli(dir, ['-d', 'c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(daemon.code).to.equal(2);
    expect(daemon.stderr).to.contain('this ensemble is being run by process');
    await fs.writeFile(path.join(dir, 'go'), '');
    expect((await first.done).code).to.equal(0);
  });

  it('cancel while an orchestrator runs: it cancels the jobs, records the runs cancelled and exits 1', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0, hold: true }, { value: 1 }]));
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    await waitFor(async () => (await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).length === 1, 20_000);
    const cancel = await runCli(dir, ['cancel', 'c.yaml', '--runs', 'alpha-0']);
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(cancel.stdout).to.contain('an orchestrator is running this ensemble');
    const result = await first.done;
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain('alpha: 1 succeeded, 1 cancelled');
    expect((await readState(dir)).runs.get('alpha-0')?.state).to.equal('cancelled');
  });

  it('picks up runs added to the configuration and reports removed and changed ones', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0 }, { value: 1 }, { value: 2 }]));
    expect((await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS])).code).to.equal(0);
    await writeFiles(dir, holdingEnsemble([{ value: 0 }, { value: 1 }]));
    const shrunk = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(shrunk.stderr).to.contain('1 run(s) in the journal are no longer in the configuration and are left alone: alpha-2');
    await writeFiles(dir, { ...holdingEnsemble([{ value: 0 }, { value: 1 }, { value: 2 }, { value: 3 }]), 'tpl/job.sh.j2': '#!/bin/bash\necho "attempt {{ run.attempt }} v2" >> starts.txt\n' });
    const grown = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(grown.code, grown.stderr).to.equal(0);
    expect(await lines(path.join(dir, 'runs/alpha-3/starts.txt'))).to.deep.equal(['attempt 1 v2']);
    expect(await lines(path.join(dir, 'runs/alpha-0/starts.txt'))).to.deep.equal(['attempt 1']);
    expect(grown.stderr).to.match(/batch alpha: 3 run\(s\) were prepared from inputs that differ from what the configuration renders now .*: alpha-0, alpha-1, alpha-2;/);
  });

  it('ignores a torn last journal line with a warning and carries on', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0 }]));
    expect((await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS])).code).to.equal(0);
    await fs.appendFile(path.join(dir, '.model_ensemble/c/journal.jsonl'), '{"t":"2026-01-01","run":"alpha-0","sta');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.contain('ignoring a last line cut off by a crash');
    expect((await readRunEntries(dir)).every((e) => typeof e.state === 'string')).to.equal(true);
  });

  it('with -d returns at once and runs the ensemble in the background', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, holdingEnsemble([{ value: 0 }]));
    const result = await runCli(dir, ['-d', 'c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/running in the background as pid \d+; log: logs\/c\.yaml\.log/);
    await waitFor(async () => (await readState(dir)).processes.has('post_process'), 20_000, 'the background run to end');
    expect((await readState(dir)).runs.get('alpha-0')?.state).to.equal('succeeded');
  });
});
