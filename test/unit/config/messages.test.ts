import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { loadEnsemble } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { tempDirs } from '../../helpers/tmp.js';
import { buildEnsembleYaml, raw } from '../../helpers/ensemble-yaml.js';
import { batch, lines, rejection, writeConfig } from './fixtures.js';

describe('config/messages', () => {
  const temp = tempDirs();
  let dir: string;
  beforeEach(async () => {
    dir = await temp.make('me-config-');
  });
  afterEach(() => temp.cleanup());

  /** Loads `text` as config.yaml and returns the problem lines. */
  async function problems(text: string): Promise<string[]> {
    const file = await writeConfig(dir, text);
    const error = await rejection(loadEnsemble(file, { cwd: dir }));
    expect(error.code).to.equal('ERR_CONFIG_INVALID');
    return lines(error);
  }

  describe('the three shapes of a message', () => {
    it('places a wrong value at the value: expected what, got what', async () => {
      // Lines: 1 ensemble, 2 batches, 3 name, ..., 9 maxjobs.
      expect(await problems(buildEnsembleYaml({ batches: [batch('a', { maxjobs: 'ten' })] }))).to.deep.equal(['config.yaml:9:16 batches[0].maxjobs: expected a positive integer, got "ten"']);
    });

    it('places an unknown key at the key, suggesting the key meant', async () => {
      expect(await problems(buildEnsembleYaml({ batches: [batch('a', { maxrun: '3' })] }))).to.deep.equal(['config.yaml:10:7 batches[0].maxrun: unknown key (did you mean "maxruns"?)']);
    });

    it('places a missing key at the mapping that lacks it', async () => {
      expect(await problems(buildEnsembleYaml({ batches: [batch('a', { basedir: undefined })] }))).to.deep.equal([
        'config.yaml:3:7 batches[0]: required key "basedir" is missing; every batch sets its own basedir',
      ]);
    });

    it('names batch_config when a key either place could give is missing', async () => {
      expect(await problems(buildEnsembleYaml({ batch_config: raw('{maxjobs: 2}'), batches: [batch('a', { maxruns: undefined, maxjobs: undefined })] }))).to.deep.equal([
        'config.yaml:4:7 batches[0]: required key "maxruns" is missing; set it in this batch or in batch_config',
      ]);
    });
  });

  it('reports every problem of the file at once, in the order of the file', async () => {
    const text = buildEnsembleYaml({ vars: raw('[1, 2]'), batch_config: raw('{maxjob: 2}'), batches: [batch('a', { maxruns: '0', nodes: 'true' }), batch('a', { repeat: 'maybe' })] });
    expect(await problems(text)).to.deep.equal([
      'config.yaml:2:9 vars: expected a mapping, got a list',
      'config.yaml:3:18 batch_config.maxjob: unknown key (did you mean "maxjobs"?)',
      'config.yaml:10:16 batches[0].maxruns: expected a positive integer, got 0',
      'config.yaml:12:14 batches[0].nodes: expected a number or a string, got true',
      'config.yaml:13:13 batches[1].name: batch name "a" is already used by batches[0]; batch names must be unique, as run ids and directories are named after them',
      'config.yaml:20:15 batches[1].repeat: expected true or false, got "maybe"',
    ]);
  });

  describe('tasks', () => {
    /** Problems of a batch whose pre_run holds `tasks` (one flow mapping a line, from line 11). */
    const taskProblems = (...tasks: string[]) => problems(buildEnsembleYaml({ batches: [batch('a', { pre_run: tasks })] }));

    it('names an unknown task and suggests the one meant', async () => {
      expect(await taskProblems('{name: chek, args: {cmd: x}}')).to.deep.equal([
        'config.yaml:11:16 batches[0].pre_run[0].name: unknown task "chek" (did you mean "check"?); the tasks are check, execute, quota, jobs, submit, move, remove',
      ]);
    });

    it('gives one message per mistake in a task, not one per kind of task', async () => {
      expect(await taskProblems('{name: check, args: {cmd: 1, timeut: 3, log: maybe}}')).to.deep.equal([
        'config.yaml:11:35 batches[0].pre_run[0].args.cmd: expected a string, got 1',
        'config.yaml:11:38 batches[0].pre_run[0].args.timeut: unknown argument (did you mean "timeout"?); the check task takes cmd, cwd, log, shell, timeout, fail',
        'config.yaml:11:54 batches[0].pre_run[0].args.log: expected true or false, or a "run." reference, got "maybe"',
      ]);
    });

    it('names a missing argument and a missing name', async () => {
      expect(await taskProblems('{name: move, args: {include: x}}', '{args: {cmd: x}}', '{name: execute}')).to.deep.equal([
        'config.yaml:11:28 batches[0].pre_run[0].args: required argument "dest" of the move task is missing',
        'config.yaml:12:9 batches[0].pre_run[1]: required key "name" is missing; name the task',
        'config.yaml:13:9 batches[0].pre_run[2]: required key "args" is missing; the execute task needs arguments',
      ]);
    });

    it('accepts a run reference for any argument and refuses a bad number', async () => {
      expect(await taskProblems('{name: quota, args: {atleast: run.kb}}', '{name: jobs, args: {limit: run.max}}', '{name: quota, args: {atleast: -5}}')).to.deep.equal([
        'config.yaml:13:39 batches[0].pre_run[2].args.atleast: expected a number ≥ 0 or a "run." reference, got -5',
      ]);
    });

    it('accepts model-ensembler\'s value key on a task and a remove task without arguments', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ post_process: raw('[{name: execute, args: {cmd: x}, value: 1}, {name: remove, args: }]'), batches: [batch('a')] }));
      expect((await loadEnsemble(file, { cwd: dir })).postProcess.map((task) => task.name)).to.deep.equal(['execute', 'remove']);
    });

    it('refuses a task list written as a mapping', async () => {
      expect(await problems(buildEnsembleYaml({ batches: [batch('a', { post_run: '{name: execute}' })] }))).to.deep.equal(['config.yaml:10:17 batches[0].post_run: expected a list of tasks, got a mapping']);
    });
  });

  describe('keys in the wrong place', () => {
    it('says a batch setting at the top of the ensemble belongs in batch_config or a batch', async () => {
      expect(await problems(buildEnsembleYaml({ templatedir: raw('t'), batches: [batch('a')] }))).to.deep.equal([
        'config.yaml:2:3 templatedir: unknown key here; "templatedir" is a batch setting: put it in batch_config (for every batch) or in each batch',
      ]);
    });

    it('suggests "ensemble" for a misspelt top-level key', async () => {
      expect(await problems('ensembel:\n  batches: []\n')).to.have.members([
        'config.yaml:1:1 ensembel: unknown top-level key (did you mean "ensemble"?); the file holds one key, "ensemble"',
        'config.yaml:1:1: required key "ensemble" is missing; a configuration file starts with "ensemble:"',
      ]);
    });

    it('refuses an ensemble that is not a mapping', async () => {
      expect(await problems('ensemble:\n')).to.deep.equal(['config.yaml:1:10 ensemble: expected a mapping of vars, pre_process, post_process, batch_config, batches, maxjobs, maxruns and rules, got an empty value']);
    });

    it('refuses a file that is not a mapping', async () => {
      expect(await problems('- ensemble\n')).to.deep.equal(['config.yaml:1:1: expected a mapping with the key "ensemble", got a list']);
    });

    it('refuses an empty batches list', async () => {
      expect(await problems('ensemble:\n  batches: []\n')).to.deep.equal(['config.yaml:2:12 batches: expected a list of at least one batch, got an empty list']);
    });

    it('refuses a batch name that cannot be a directory', async () => {
      expect(await problems(buildEnsembleYaml({ batches: [batch('..')] }))).to.deep.include(
        'config.yaml:3:13 batches[0].name: expected a name usable as a directory name (no "/", "\\", spaces or control characters, not "." or "..", at most 200 characters), got ".."',
      );
    });
  });

  describe('retry', () => {
    it('refuses an unknown state and suggests the one meant', async () => {
      const [line] = await problems(buildEnsembleYaml({ batches: [batch('a', { retry: '{max: 1, on: [TIMOUT]}' })] }));
      expect(line).to.match(/^config\.yaml:10:28 batches\[0\]\.retry\.on\[0\]: expected one of "TIMEOUT", .*, got "TIMOUT" \(did you mean "TIMEOUT"\?\)$/);
    });

    it('refuses a negative max and backoff', async () => {
      expect(await problems(buildEnsembleYaml({ batches: [batch('a', { retry: '{max: -1, backoff: -2}' })] }))).to.deep.equal([
        'config.yaml:10:20 batches[0].retry.max: expected an integer ≥ 0, got -1',
        'config.yaml:10:33 batches[0].retry.backoff: expected a number ≥ 0, got -2',
      ]);
    });
  });

  describe('properties', () => {
    const keys = ['maxruns', 'maxjobs', 'repeat', 'nodes', 'ntasks', 'templates', 'job_file', 'cluster', 'runs', 'pre_run', 'retry', 'bogus'];
    const values = ['ten', '-1', '0', '[]', '{}', '[1, 2]', 'yes', '1.5', '~', '"x y"', '{a: 1}', '[{name: nope}]'];

    it('places every problem inside the file, however a batch is broken', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...values)), { minLength: 1, maxLength: 4 }), async (pairs) => {
          const set = Object.fromEntries(pairs);
          const text = buildEnsembleYaml({ batches: [batch('a', set)] });
          const file = path.join(dir, 'config.yaml');
          await writeConfig(dir, text);
          const fileLines = (await fs.readFile(file, 'utf8')).split('\n');
          try {
            await loadEnsemble(file, { cwd: dir });
          } catch (error) {
            expect(error).to.be.instanceOf(ConfigError);
            for (const problem of (error as ConfigError).problems) {
              const { line, col } = problem.where;
              expect(line, problem.message).to.be.within(1, fileLines.length);
              expect(col, problem.message).to.be.within(1, (fileLines[(line ?? 1) - 1]?.length ?? 0) + 1);
            }
          }
        }),
        { numRuns: 40 },
      );
    });
  });
});
