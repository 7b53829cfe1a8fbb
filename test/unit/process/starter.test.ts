import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessStarter } from '../../../src/process/starter.js';
import { StartError, type StartedProcess } from '../../../src/process/types.js';
import { rejectionOf } from '../../helpers/rejection.js';
import { tempDirs } from '../../helpers/tmp.js';
import { waitFor, withDeadline } from '../../helpers/wait.js';

/** Whether a process is still alive (a zombie waiting for its parent to reap it is not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

for (const method of ['helper', 'fork'] as const) {
  describe(`starting processes (${method})`, () => {
    const tmp = tempDirs();
    after(() => tmp.cleanup());
    const starter = new ProcessStarter(method === 'helper' ? 'perl' : undefined);
    const bash = (dir: string, script: string, more: { append?: boolean; env?: Record<string, string>; out?: string } = {}): Promise<StartedProcess> =>
      starter.start('/bin/bash', ['-c', script], { cwd: dir, outputFile: path.join(dir, more.out ?? 'out.txt'), append: more.append ?? false, env: more.env });

    it(`starts through the ${method}`, async () => {
      const dir = await tmp.make();
      await (await bash(dir, 'true')).exited;
      expect(starter.method).to.equal(method);
    });

    it('runs in its folder with the extra variables, output and errors in the file, stdin empty', async () => {
      const dir = await tmp.make();
      const child = await bash(dir, 'pwd; echo "$EXTRA_ONE $HOME"; echo oops >&2; cat; echo end', { env: { EXTRA_ONE: 'x y' } });
      expect(await child.exited).to.deep.equal({ code: 0, signal: null });
      expect(await fs.readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal(`${dir}\nx y ${process.env.HOME ?? ''}\noops\nend\n`);
    });

    it('truncates the output file, or appends to it', async () => {
      const dir = await tmp.make();
      await fs.writeFile(path.join(dir, 'out.txt'), 'old old old\n');
      await (await bash(dir, 'echo new')).exited;
      expect(await fs.readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal('new\n');
      await (await bash(dir, 'echo more', { append: true })).exited;
      expect(await fs.readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal('new\nmore\n');
    });

    it('puts the process in a session of its own, led by its pid', async () => {
      const dir = await tmp.make();
      const child = await bash(dir, 'read -r -a f < /proc/$$/stat; echo "${f[5]} $$"');
      await child.exited;
      expect(await fs.readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal(`${child.pid} ${child.pid}\n`);
    });

    it('reports exit codes and signals', async () => {
      const dir = await tmp.make();
      expect(await (await bash(dir, 'exit 7')).exited).to.deep.equal({ code: 7, signal: null });
      expect(await (await bash(dir, 'kill -TERM $$')).exited).to.deep.equal({ code: null, signal: 'SIGTERM' });
      const sleeper = await bash(dir, 'sleep 30');
      process.kill(-sleeper.pid, 'SIGKILL');
      expect(await sleeper.exited).to.deep.equal({ code: null, signal: 'SIGKILL' });
    });

    it('fails to start a missing program, or in a missing folder, with the errno code', async () => {
      const dir = await tmp.make();
      const failure = (promise: Promise<unknown>): Promise<StartError> => rejectionOf(promise, StartError, 'a failure to start');
      const missing = await failure(starter.start(path.join(dir, 'no-such-program'), [], { cwd: dir, outputFile: path.join(dir, 'o'), append: false }));
      expect(missing.code).to.equal('ENOENT');
      const nowhere = await failure(starter.start('/bin/true', [], { cwd: path.join(dir, 'gone'), outputFile: path.join(dir, 'o'), append: false }));
      expect(nowhere.code).to.equal('ENOENT');
      // Still usable afterwards.
      expect(await (await bash(dir, 'exit 3')).exited).to.deep.equal({ code: 3, signal: null });
    });

    it('keeps 300 processes started at once apart', async () => {
      const dir = await tmp.make();
      const children = await Promise.all(Array.from({ length: 300 }, (_, i) => bash(dir, `echo ${i}; exit ${i % 250}`, { out: `o${i}` })));
      const ends = await Promise.all(children.map((c) => c.exited));
      expect(ends.map((e) => e.code)).to.deep.equal(Array.from({ length: 300 }, (_, i) => i % 250));
      const texts = await Promise.all(children.map((_, i) => fs.readFile(path.join(dir, `o${i}`), 'utf8')));
      expect(texts).to.deep.equal(Array.from({ length: 300 }, (_, i) => `${i}\n`));
    });

    it('writes a job\'s start marker before its program runs, and its exit code when it ends', async () => {
      const dir = await tmp.make();
      const job = { marker: path.join(dir, 'started'), exitCode: path.join(dir, 'exit'), tag: 'ens:r-0:c1:a1' };
      const child = await starter.start('/bin/bash', ['-c', 'cat started > seen; exit 5'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false, job });
      await child.exited;
      const marker = await fs.readFile(job.marker, 'utf8');
      expect(await fs.readFile(path.join(dir, 'seen'), 'utf8'), 'the marker is there when the job starts').to.equal(marker);
      const [fields, tag] = marker.split('\n');
      const [host, pid, scheduler, ticks] = (fields ?? '').split(' ');
      expect([host, pid, scheduler, tag]).to.deep.equal([os.hostname(), String(child.pid), '-', 'ens:r-0:c1:a1']);
      expect(ticks).to.match(/^\d+$/);
      expect(await fs.readFile(job.exitCode, 'utf8')).to.equal('5\n');
    });

  });
}

describe('the process helper', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  /**
   * Runs `script` as an orchestrator of its own, which prints its helper's pid and its process's pid, and kills it
   * with -9 once it has; returns the two pids. The orchestrator is killed however this ends: it would run forever.
   */
  async function startOrchestrator(script: string): Promise<[number, number]> {
    const orchestrator = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => orchestrator.once('exit', resolve));
    try {
      const line = await withDeadline(
        new Promise<string>((resolve) => orchestrator.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
        15_000,
        'the orchestrator to start its process',
      );
      return line.trim().split(' ').map(Number) as [number, number];
    } finally {
      orchestrator.kill('SIGKILL');
      await exited;
    }
  }

  it('writes the exit code of a job killed by a signal as a shell reports it', async () => {
    const dir = await tmp.make();
    const job = { marker: path.join(dir, 'started'), exitCode: path.join(dir, 'exit'), tag: 't' };
    const child = await new ProcessStarter('perl').start('/bin/bash', ['-c', 'sleep 30'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false, job });
    process.kill(-child.pid, 'SIGKILL');
    await child.exited.catch(() => undefined);
    await waitFor(async () => (await fs.readFile(job.exitCode, 'utf8').catch(() => '')) === '137\n', 5000, 'the exit code');
  });

  it('gives up a helper that starts but never answers, within its time, and forks instead, saying so', async () => {
    const dir = await tmp.make();
    const silent = path.join(dir, 'silent-perl');
    await fs.writeFile(silent, '#!/bin/bash\nexec sleep 60\n', { mode: 0o755 });
    const starter = new ProcessStarter(silent, 300);
    const told: string[] = [];
    starter.onFallback = (why) => told.push(why);
    const started = Date.now();
    const child = await starter.start('/bin/bash', ['-c', 'echo forked'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false });
    expect(await child.exited).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - started).to.be.below(3000);
    expect(starter.method).to.equal('fork');
    expect(told).to.deep.equal([`the process helper (${silent}) did not answer within 0.3 s; processes are forked instead`]);
  });

  it('falls back to forking when perl cannot be run', async () => {
    const dir = await tmp.make();
    const starter = new ProcessStarter(path.join(dir, 'no-perl-here'));
    const child = await starter.start('/bin/bash', ['-c', 'echo forked'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false });
    expect(await child.exited).to.deep.equal({ code: 0, signal: null });
    expect(starter.method).to.equal('fork');
    expect(await fs.readFile(path.join(dir, 'out'), 'utf8')).to.equal('forked\n');
  });

  it('reports the processes of a helper that died as lost, and starts a new helper', async () => {
    const dir = await tmp.make();
    const starter = new ProcessStarter('perl');
    const sleeper = await starter.start('/bin/bash', ['-c', 'sleep 30'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false });
    const first = starter.helperPid;
    expect(first).to.be.a('number');
    process.kill(first as number, 'SIGKILL');
    const lost = await sleeper.exited.then(
      () => undefined,
      (error: StartError) => error.code,
    );
    expect(lost).to.equal('ELOST');
    // The process itself runs on: only its end is unknown.
    expect(alive(sleeper.pid)).to.equal(true);
    process.kill(-sleeper.pid, 'SIGKILL');
    const next = await starter.start('/bin/bash', ['-c', 'exit 4'], { cwd: dir, outputFile: path.join(dir, 'out'), append: false });
    expect(await next.exited).to.deep.equal({ code: 4, signal: null });
    expect(starter.helperPid).to.not.equal(first);
    expect(starter.method).to.equal('helper');
  });

  it('stays after the orchestrator goes until its jobs have ended, writing their exit codes', async () => {
    const dir = await tmp.make();
    const job = { marker: path.join(dir, 'started'), exitCode: path.join(dir, 'exit'), tag: 't' };
    const script = `
      import { ProcessStarter } from ${JSON.stringify(path.resolve('src/process/starter.ts'))};
      const starter = new ProcessStarter('perl');
      const child = await starter.start('/bin/bash', ['-c', 'for i in $(seq 500); do [ -f go ] && break; sleep 0.02; done; exit 3'], { cwd: ${JSON.stringify(dir)}, outputFile: ${JSON.stringify(path.join(dir, 'out'))}, append: false, job: ${JSON.stringify(job)} });
      console.log(starter.helperPid, child.pid);
      setInterval(() => undefined, 1000);
    `;
    const [helper] = await startOrchestrator(script);
    expect(alive(helper), 'the helper waits for its job').to.equal(true);
    await fs.writeFile(path.join(dir, 'go'), '');
    await waitFor(async () => (await fs.readFile(job.exitCode, 'utf8').catch(() => '')) === '3\n', 5000, 'the exit code');
    await waitFor(() => !alive(helper), 5000, 'the helper to leave');
  });

  it('leaves when the orchestrator goes, and its processes run on', async () => {
    const dir = await tmp.make();
    // An orchestrator of its own, killed with -9 while its process sleeps.
    const script = `
      import { ProcessStarter } from ${JSON.stringify(path.resolve('src/process/starter.ts'))};
      const starter = new ProcessStarter('perl');
      const child = await starter.start('/bin/bash', ['-c', 'sleep 1; echo done'], { cwd: ${JSON.stringify(dir)}, outputFile: ${JSON.stringify(path.join(dir, 'out'))}, append: false });
      console.log(starter.helperPid, child.pid);
      setInterval(() => undefined, 1000);
    `;
    const [helper, child] = await startOrchestrator(script);
    await waitFor(() => !alive(helper), 5000, 'the helper to leave');
    await waitFor(async () => (await fs.readFile(path.join(dir, 'out'), 'utf8').catch(() => '')) === 'done\n', 5000, 'the process to finish');
    expect(alive(child)).to.equal(false);
  });
});
