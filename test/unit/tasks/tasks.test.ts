import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { JobSlots } from '../../../src/engine/limits.js';
import { resolveRunArgs } from '../../../src/tasks/args.js';
import { buildRsyncArgs } from '../../../src/tasks/move.js';
import { TASKS } from '../../../src/tasks/registry.js';
import { runTasks } from '../../../src/tasks/runner.js';
import type { TaskSpec } from '../../../src/config/types.js';
import { captureLogger } from '../../helpers/log.js';
import { taskContext } from '../../helpers/task-context.js';
import { tempDirs } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const spec = (name: string, args: Record<string, unknown>): TaskSpec => ({ name, args, where: { file: 'c.yaml', line: 1 } });
const never = new AbortController().signal;

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('tasks', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('takes a run. argument from the run context, nested keys included, and names one that is missing', () => {
    const values = { archive: '/data/a', model: { steps: 10 } };
    expect(resolveRunArgs('move', { dest: 'run.archive', n: 'run.model.steps', keep: 'x' }, values)).to.deep.equal({ dest: '/data/a', n: 10, keep: 'x' });
    expect(() => resolveRunArgs('move', { dest: 'run.nothere' }, values)).to.throw(/argument dest is run\.nothere, which is not defined/);
  });

  it('execute runs in the working directory with the chosen shell and fails on a non-zero exit with its output', async () => {
    const dir = await tmp.make();
    await runTasks([spec('execute', { cmd: 'echo $0 > shell.txt; pwd >> shell.txt' })], taskContext(dir), { noChecks: false, signal: never });
    expect(await fs.readFile(path.join(dir, 'shell.txt'), 'utf8')).to.equal(`/bin/bash\n${dir}\n`);
    const error = await failureOf(runTasks([spec('execute', { cmd: 'echo nope >&2; exit 3' })], taskContext(dir), { noChecks: false, signal: never }));
    expect(error.code).to.equal('ERR_TASK_FAILED');
    expect(error.message).to.equal('execute `echo nope >&2; exit 3` exit 3: nope');
  });

  it('execute with log: true writes the output to execute_command.HHMMSS.ffffff.log in the working directory', async () => {
    const dir = await tmp.make();
    await runTasks([spec('execute', { cmd: 'echo logged', log: true }), spec('execute', { cmd: 'true', log: true })], taskContext(dir), { noChecks: false, signal: never });
    const logs = (await fs.readdir(dir)).filter((f) => /^execute_command\.\d{6}\.\d{6}\.log$/.test(f));
    expect(logs).to.have.length(1);
    expect(await fs.readFile(path.join(dir, logs[0] ?? ''), 'utf8')).to.equal('logged\n');
  });

  it('execute stops a command at its timeout', async () => {
    const dir = await tmp.make();
    const error = await failureOf(runTasks([spec('execute', { cmd: 'sleep 10', timeout: 0.2 })], taskContext(dir), { noChecks: false, signal: never }));
    expect(error.message).to.contain('timed out after 0.2 s');
  });

  it('check tries again until its command succeeds', async () => {
    const dir = await tmp.make();
    const { logger, lines } = captureLogger();
    await runTasks([spec('check', { cmd: 'n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; [ $n -ge 3 ]' })], taskContext(dir, { id: 'b-3' }, { logger }), { noChecks: false, signal: never });
    expect(await fs.readFile(path.join(dir, 'n'), 'utf8')).to.equal('4\n');
    // Said once when it starts waiting, with the run it holds up, and once when it is true.
    const said = lines.filter((line) => line.level === 'info').map((line) => line.message);
    expect(said).to.have.length(2);
    expect(said[0]).to.equal('run b-3: check `n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; [ $n -ge 3 ]` not yet true; trying again every 10 ms');
    expect(said[1]).to.match(/^run b-3: check `.*` true after \d+ ms$/);
  });

  it('check with fail: true fails at the first non-zero exit', async () => {
    const dir = await tmp.make();
    const error = await failureOf(runTasks([spec('check', { cmd: 'false', fail: true })], taskContext(dir), { noChecks: false, signal: never }));
    expect(error.code).to.equal('ERR_CHECK_FAILED');
  });

  it('-c skips check, quota and jobs tasks but still runs execute', async () => {
    const dir = await tmp.make();
    const specs = [spec('check', { cmd: 'false', fail: true }), spec('quota', { atleast: 1e15 }), spec('jobs', { limit: 1 }), spec('execute', { cmd: 'touch ran' })];
    const jobs = new JobSlots();
    jobs.take('b');
    await runTasks(specs, taskContext(dir, {}, { jobs, batchName: 'b' }), { noChecks: true, signal: never });
    expect(await fs.stat(path.join(dir, 'ran'))).to.be.an('object');
  });

  it('quota passes when enough space is free and waits while it is not', async () => {
    const dir = await tmp.make();
    await runTasks([spec('quota', { atleast: 1 })], taskContext(dir), { noChecks: false, signal: never });
    const stop = new AbortController();
    const { logger, lines } = captureLogger();
    const waiting = runTasks([spec('quota', { atleast: 1e15 })], taskContext(dir, {}, { logger }), { noChecks: false, signal: stop.signal });
    await waitFor(() => lines.some((line) => line.message.includes('waiting for 1000000000000000 kB')), 10_000, 'quota to wait');
    stop.abort();
    expect((await failureOf(waiting)).name).to.equal('AbortError');
  });

  it('quota refuses a mnt that does not exist instead of measuring the folder above it', async () => {
    const dir = await tmp.make();
    const error = await failureOf(runTasks([spec('quota', { atleast: 1, mnt: 'no/such/mount' })], taskContext(dir), { noChecks: false, signal: never }));
    expect(error.code).to.equal('ERR_TASK_ARGS');
    expect(error.message).to.equal(`quota: mnt ${path.join(dir, 'no/such/mount')} does not exist`);
  });

  it('jobs waits while the batch has limit or more jobs in flight and goes on when one ends', async () => {
    const dir = await tmp.make();
    const jobs = new JobSlots();
    jobs.take('alpha');
    jobs.take('alpha');
    let done = false;
    const waiting = runTasks([spec('jobs', { limit: 2 })], taskContext(dir, {}, { jobs, batchName: 'alpha' }), { noChecks: false, signal: never }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).to.equal(false);
    jobs.release('alpha');
    await waiting;
    expect(done).to.equal(true);
  });

  it('move copies the run directory into dest/<run id>/ with rsync, honouring include and exclude', async () => {
    const dir = await tmp.make();
    const run = path.join(dir, 'b-0');
    await fs.mkdir(run);
    await fs.writeFile(path.join(run, 'keep.nc'), 'x');
    await fs.writeFile(path.join(run, 'drop.log'), 'x');
    await runTasks([spec('move', { dest: 'run.archive', include: ['*.nc'] })], taskContext(run, { id: 'b-0', archive: path.join(dir, 'archive/deep') }), {
      noChecks: false,
      signal: never,
    });
    expect(await fs.readdir(path.join(dir, 'archive/deep/b-0'))).to.deep.equal(['keep.nc']);
    expect(buildRsyncArgs([], ['*.log'], '/t')).to.deep.equal(['-a', '--exclude=*.log', './', '/t/']);
  });

  it('remove deletes the run directory, or the directory it is given', async () => {
    const dir = await tmp.make();
    const run = path.join(dir, 'b-0');
    await fs.mkdir(path.join(run, 'sub'), { recursive: true });
    await runTasks([spec('remove', {})], taskContext(run, { dir: run }, { pathBase: dir }), { noChecks: false, signal: never });
    await fs.mkdir(path.join(dir, 'other'));
    await runTasks([spec('remove', { directory: 'other' })], taskContext(dir, {}, { level: 'batch' }), { noChecks: false, signal: never });
    expect(await fs.readdir(dir)).to.deep.equal([]);
  });

  it('remove stays inside the basedir and never takes another run\'s directory, unless outside: true', async () => {
    const base = path.join(await tmp.make(), 'base');
    const [own, other] = [path.join(base, 'b-0'), path.join(base, 'b-1')];
    await fs.mkdir(own, { recursive: true });
    await fs.mkdir(other);
    const ctx = taskContext(own, { dir: own }, { pathBase: base, runDirs: new Set([own, other]) });
    for (const [directory, why] of [['..', 'is not inside the batch\'s basedir'], ['.', 'is not inside the batch\'s basedir'], ['b-1', 'holds the directory of another run']]) {
      const error = await failureOf(runTasks([spec('remove', { directory })], ctx, { noChecks: false, signal: never }));
      expect(error.message, directory).to.contain(why);
      expect(error.message).to.contain('outside: true');
    }
    expect(await fs.readdir(base)).to.have.members(['b-0', 'b-1']);
    await runTasks([spec('remove', { directory: 'b-1', outside: true })], ctx, { noChecks: false, signal: never });
    expect(await fs.readdir(base)).to.deep.equal(['b-0']);
  });

  it('remove takes a relative directory of a run task relative to the basedir, as model-ensembler does', async () => {
    const base = await tmp.make();
    const run = path.join(base, 'b-0');
    await fs.mkdir(path.join(run, 'scratch'), { recursive: true });
    await fs.mkdir(path.join(base, 'scratch'));
    await runTasks([spec('remove', { directory: 'scratch' })], taskContext(run, { dir: run }, { pathBase: base, runDirs: new Set([run]) }), { noChecks: false, signal: never });
    expect(await fs.readdir(base)).to.deep.equal(['b-0']);
    expect(await fs.readdir(run)).to.deep.equal(['scratch']);
  });

  it('remove without a directory in a batch or process task is refused, and deletes nothing', async () => {
    const dir = await tmp.make();
    await fs.mkdir(path.join(dir, 'precious'));
    for (const level of ['batch', 'process'] as const) {
      const error = await failureOf(runTasks([spec('remove', {})], taskContext(dir, { dir: path.join(dir, 'precious') }, { level }), { noChecks: false, signal: never }));
      expect(error.code).to.equal('ERR_TASK_ARGS');
      expect(error.message).to.contain('name the directory');
    }
    expect(await fs.readdir(dir)).to.deep.equal(['precious']);
  });

  it('move takes dest relative to the run directory, and cwd only as what to copy', async () => {
    const dir = await tmp.make();
    const run = path.join(dir, 'b-0');
    await fs.mkdir(path.join(run, 'out'), { recursive: true });
    await fs.writeFile(path.join(run, 'out', 'result.nc'), 'x');
    await runTasks([spec('move', { dest: '../archive', cwd: 'out' })], taskContext(run, { id: 'b-0' }), { noChecks: false, signal: never });
    expect(await fs.readdir(path.join(dir, 'archive', 'b-0'))).to.deep.equal(['result.nc']);
  });

  it('registers every task model-ensembler configurations name', () => {
    expect([...TASKS.keys()].sort()).to.deep.equal(['check', 'execute', 'jobs', 'move', 'quota', 'remove', 'submit']);
  });
});

describe('task output', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('appends every command\'s output to the run\'s task log and quotes only the failing command\'s in the message', async () => {
    const dir = await tmp.make();
    const outputFile = path.join(dir, 'tasks.log');
    const ctx = taskContext(dir, {}, { outputFile });
    await runTasks([spec('execute', { cmd: 'echo first; echo err >&2' })], ctx, { noChecks: false, signal: never });
    const error = await failureOf(runTasks([spec('execute', { cmd: 'echo second; exit 4' })], ctx, { noChecks: false, signal: never }));
    expect(error.message).to.equal('execute `echo second; exit 4` exit 4: second (output in tasks.log)');
    expect(await fs.readFile(outputFile, 'utf8')).to.equal('first\nerr\nsecond\n');
  });
});
