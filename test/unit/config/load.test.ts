import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { loadEnsemble } from '../../../src/config/load.js';
import { PyFloat } from '../../../src/config/values.js';
import { tempDirs } from '../../helpers/tmp.js';
import { block, buildEnsembleYaml, raw } from '../../helpers/ensemble-yaml.js';
import { batch, copyExamples, lines, problemAt, rejection, writeConfig, yaml } from './fixtures.js';

describe('config/load', () => {
  const temp = tempDirs();
  let dir: string;
  beforeEach(async () => {
    dir = await temp.make('me-config-');
  });
  afterEach(() => temp.cleanup());

  describe('configurations in model-ensembler\'s format', () => {
    beforeEach(() => copyExamples(dir));

    it('loads two batches sharing batch_config, each batch\'s own value winning', async () => {
      const loaded = await loadEnsemble('multi-batch.yaml', { cwd: dir });
      expect(loaded.name).to.equal('multi-batch');
      expect(loaded.file).to.equal(path.join(dir, 'multi-batch.yaml'));
      expect(loaded.batches.map((b) => [b.name, b.maxruns, b.maxjobs])).to.deep.equal([
        ['alpha', 6, 3],
        ['beta', 6, 1],
      ]);
      const [alpha, beta] = loaded.batches;
      expect(alpha?.templates).to.deep.equal(['job.sh.j2', 'params.nml.j2', 'setup.sh.j2', 'check.sh.j2']);
      expect(alpha?.jobFile).to.equal('job.sh');
      expect(alpha?.preBatch.map((t) => t.name)).to.deep.equal(['check', 'execute']);
      expect(alpha?.runs.map((r) => [r.idx, r.values])).to.deep.equal([
        [0, { member: 1 }],
        [1, { member: 2 }],
        [2, { member: 3 }],
      ]);
      expect(beta?.preBatch).to.deep.equal([]);
      expect(beta?.settings.cluster).to.equal('short');
      expect(loaded.preProcess.map((t) => t.args)).to.deep.equal([{ cmd: 'touch started.flag' }]);
    });

    it('loads one batch whose templatedir comes from batch_config and whose cluster comes from vars', async () => {
      const loaded = await loadEnsemble('single-batch.yaml', { cwd: dir });
      const only = loaded.batches[0];
      expect(only?.templatedir).to.equal(path.join(dir, 'template_job'));
      expect(only?.settings).to.not.have.property('cluster');
      expect({ ...loaded.vars, ...only?.settings }.cluster).to.equal('compute');
      expect(only?.settings.length).to.equal('00:20:00');
    });

    it('loads a batch with every setting of its own and twelve runs', async () => {
      const loaded = await loadEnsemble('sequential.yaml', { cwd: dir });
      expect(loaded.batches[0]?.runs.map((r) => r.idx)).to.deep.equal([...Array(12).keys()]);
    });

    it('loads empty process task lists and a numeric job length', async () => {
      const loaded = await loadEnsemble('sanity.yml', { cwd: dir });
      expect(loaded.name).to.equal('sanity');
      expect(loaded.preProcess).to.deep.equal([]);
      expect(loaded.postProcess).to.deep.equal([]);
      expect(loaded.batches[0]?.settings.length).to.equal(14);
    });

    it('refuses a job_file written as a number, at its line', async () => {
      const error = await rejection(loadEnsemble('invalid/bad-type.yaml', { cwd: dir }));
      expect(error.code).to.equal('ERR_CONFIG_INVALID');
      expect(error.exit).to.equal('usage');
      expect(lines(error)).to.deep.equal(['invalid/bad-type.yaml:14:21 batches[0].job_file: expected a string, got 123']);
    });

    it('refuses name and basedir in batch_config, saying to move them into each batch', async () => {
      const error = await rejection(loadEnsemble('invalid/shared-name-basedir.yaml', { cwd: dir }));
      expect(problemAt(error, 'batch_config.name').where).to.deep.include({ line: 8, col: 5 });
      expect(problemAt(error, 'batch_config.name').message).to.match(/move it into each entry of batches/);
      expect(problemAt(error, 'batch_config.basedir').where).to.deep.include({ line: 9, col: 5 });
      expect(problemAt(error, 'batches').message).to.equal('expected a list of at least one batch, got a mapping');
    });

    it('refuses a file cut short after a batch\'s name, naming each missing key at the batch', async () => {
      const error = await rejection(loadEnsemble('invalid/truncated.yaml', { cwd: dir }));
      expect(lines(error)).to.deep.equal([
        'invalid/truncated.yaml:8:7 batches[0]: required key "basedir" is missing; every batch sets its own basedir',
        'invalid/truncated.yaml:8:7 batches[0]: required key "templatedir" is missing; set it in this batch or in batch_config',
        'invalid/truncated.yaml:8:7 batches[0]: required key "maxruns" is missing; set it in this batch or in batch_config',
        'invalid/truncated.yaml:8:7 batches[0]: required key "maxjobs" is missing; set it in this batch or in batch_config',
        'invalid/truncated.yaml:8:12 batches[0].name: expected a name usable as a directory name (no "/", "\\", spaces or control characters, not "." or "..", at most 200 characters), got an empty value',
      ]);
    });
  });

  describe('optional sections', () => {
    it('loads a file with no vars, pre_process or post_process (model-ensembler failed on these)', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a')] }));
      const loaded = await loadEnsemble(file, { cwd: dir });
      expect(loaded.vars).to.deep.equal({});
      expect(loaded.preProcess).to.deep.equal([]);
      expect(loaded.postProcess).to.deep.equal([]);
    });

    it('reads empty vars, process and batch task lists as none', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ vars: raw(''), pre_process: raw(''), post_process: raw(''), batch_config: raw(''), batches: [batch('a', { pre_batch: '', pre_run: '', post_run: '', post_batch: '' })] }));
      const loaded = await loadEnsemble(file, { cwd: dir });
      const [a] = loaded.batches;
      expect(loaded.vars).to.deep.equal({});
      expect([loaded.preProcess, loaded.postProcess, a?.preBatch, a?.preRun, a?.postRun, a?.postBatch]).to.deep.equal([[], [], [], [], [], []]);
    });

    it('gives a batch without runs, templates, repeat or retry their defaults', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('bare', { basedir: '.', templatedir: 'template_job', templates: undefined, job_file: undefined })] }));
      const [bare] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(bare).to.deep.include({ templates: [], jobFile: undefined, runs: [], repeat: false });
      expect(bare?.retry).to.deep.equal({ max: 0, on: ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'LOST'], backoff: 0 });
    });
  });

  describe('paths', () => {
    it('resolves basedir against the working directory and templatedir against basedir', async () => {
      await fs.mkdir(path.join(dir, 'models', 'template_job'), { recursive: true });
      await fs.writeFile(path.join(dir, 'models', 'template_job', 'job.sh.j2'), '');
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { basedir: 'models/runs' })] }), []);
      const [a] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(a?.basedir).to.equal(path.join(dir, 'models', 'runs'));
      expect(a?.templatedir).to.equal(path.join(dir, 'models', 'template_job'));
      expect(a?.settings).to.deep.include({ basedir: 'models/runs', templatedir: '../template_job' });
    });

    it('keeps an absolute templatedir as written', async () => {
      const templates = path.join(dir, 'elsewhere');
      await fs.mkdir(templates);
      await fs.writeFile(path.join(templates, 'job.sh.j2'), '');
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { templatedir: templates })] }), []);
      expect((await loadEnsemble(file, { cwd: dir })).batches[0]?.templatedir).to.equal(templates);
    });

    it('resolves the file name itself against the working directory', async () => {
      await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a')] }));
      const loaded = await loadEnsemble('config.yaml', { cwd: dir });
      expect(loaded).to.deep.include({ file: path.join(dir, 'config.yaml'), name: 'config', cwd: dir });
    });

    it('accepts nested templates and a job file rendered from one of them', async () => {
      const set = { templates: '[inputs/params.txt.j2, jobs/run.sh.j2]', job_file: 'jobs/run.sh' };
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', set)] }), ['inputs/params.txt.j2', 'jobs/run.sh.j2']);
      const [a] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(a?.templates).to.deep.equal(['inputs/params.txt.j2', 'jobs/run.sh.j2']);
      expect(a?.jobFile).to.equal('jobs/run.sh');
    });

    it('accepts a job file that is a plain file of templatedir', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { templates: '[]' })] }), []);
      await fs.mkdir(path.join(dir, 'template_job'));
      await fs.writeFile(path.join(dir, 'template_job', 'job.sh'), '#!/bin/sh\n');
      expect((await loadEnsemble(file, { cwd: dir })).batches[0]?.jobFile).to.equal('job.sh');
    });

    it('reports a missing templatedir at its key, saying what it is relative to', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { templatedir: '../nowhere' })] }), []);
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(lines(error)).to.deep.equal(['config.yaml:5:20 batches[0].templatedir: template directory nowhere does not exist; templatedir is relative to basedir (a)']);
    });

    it('reports each missing template and an unproduced job file at their keys', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { job_file: 'run.sh', templates: '[job.sh.j2, gone.j2]' })] }));
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(problemAt(error, 'batches[0].templates[1]').message).to.equal('template "gone.j2" is not a file in template_job');
      expect(problemAt(error, 'batches[0].job_file').message).to.equal('job file "run.sh" is neither rendered from a listed template (run.sh.j2) nor a file in template_job');
    });

    it('refuses a template outside templatedir', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { templates: '[../escape.j2]', job_file: undefined })] }));
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(problemAt(error, 'batches[0].templates[0]').message).to.equal('template "../escape.j2" must be a path inside templatedir');
    });

    it('says which batch a shared templatedir failed for', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batch_config: block({ templatedir: raw('../template_job') }), batches: [batch('a', { templatedir: undefined }), batch('deep', { basedir: './x/y', templatedir: undefined })] }));
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(lines(error)).to.deep.equal([
        'config.yaml:3:18 batch_config.templatedir: template directory x/template_job does not exist (for batches[1]); templatedir is relative to basedir (x/y)',
      ]);
    });
  });

  describe('settings and values', () => {
    it('puts only the batch keys that are set into settings, with name and directories as written', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ vars: raw('{email: vars@example.org, nodes: 9}'), batch_config: raw('{cluster: short, repeat: true}'), batches: [batch('a', { nodes: '2.0' })] }));
      const [a] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(Object.keys(a?.settings ?? {})).to.deep.equal(['name', 'templatedir', 'basedir', 'templates', 'job_file', 'maxruns', 'maxjobs', 'repeat', 'cluster', 'nodes']);
      expect(a?.settings).to.deep.include({ name: 'a', templatedir: '../template_job', basedir: './a', repeat: true, cluster: 'short' });
      expect(String(a?.settings.nodes)).to.equal('2.0');
      expect(a?.repeat).to.equal(true);
    });

    it('leaves repeat out of settings when no one sets it', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a')] }));
      expect((await loadEnsemble(file, { cwd: dir })).batches[0]?.settings).to.not.have.property('repeat');
    });

    it('keeps floats and dates in vars and runs as PyYAML reads them', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ vars: raw('{start: 2020-01-01, dt: 1.0, hhmm: 14:00, y: y}'), batches: [batch('a', { runs: '[{scale: 2.50, on: yes}]' })] }));
      const loaded = await loadEnsemble(file, { cwd: dir });
      expect(String(loaded.vars.start)).to.equal('2020-01-01');
      expect(loaded.vars.dt).to.be.instanceOf(PyFloat);
      expect(String(loaded.vars.dt)).to.equal('1.0');
      expect(loaded.vars).to.deep.include({ hhmm: 840, y: 'y' });
      const run = loaded.batches[0]?.runs[0];
      expect(String(run?.values.scale)).to.equal('2.5');
      expect(run?.values.on).to.equal(true);
    });

    it('keeps task arguments as written, run references included, and drops a task\'s value', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batches: [batch('a', { post_run: ['{name: move, args: {dest: run.archive, include: ["*.nc"]}, value: 3}', '{name: quota, args: {atleast: run.kb}}', '{name: remove}'] })] }));
      const [a] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(a?.postRun.map(({ name, args }) => ({ name, args }))).to.deep.equal([
        { name: 'move', args: { dest: 'run.archive', include: ['*.nc'] } },
        { name: 'quota', args: { atleast: 'run.kb' } },
        { name: 'remove', args: {} },
      ]);
      expect(a?.postRun[1]?.where).to.deep.include({ line: 12, col: 9, key: 'batches[0].post_run[1]' });
    });

    it('reads a retry policy, defaulting the states when only max is given', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batch_config: raw('{retry: {max: 2, on: [FAILED], backoff: 1.5}}'), batches: [batch('a'), batch('b', { retry: '{max: 3}' })] }));
      const [a, b] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(a?.retry).to.deep.equal({ max: 2, on: ['FAILED'], backoff: 1.5 });
      expect(b?.retry).to.deep.equal({ max: 3, on: ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'LOST'], backoff: 0 });
    });

    it('lets a batch\'s own task list replace batch_config\'s, even when empty', async () => {
      const file = await writeConfig(dir, buildEnsembleYaml({ batch_config: block({ pre_run: raw('[{name: execute, args: {cmd: "true"}}]') }), batches: [batch('a'), batch('b', { pre_run: '[]' }), batch('c', { pre_run: '' })] }));
      const [a, b, c] = (await loadEnsemble(file, { cwd: dir })).batches;
      expect(a?.preRun.map((t) => t.args)).to.deep.equal([{ cmd: 'true' }]);
      expect(a?.preRun[0]?.where.key).to.equal('batch_config.pre_run[0]');
      expect(b?.preRun).to.deep.equal([]);
      expect(c?.preRun).to.deep.equal([]);
    });
  });

  describe('files that cannot be read', () => {
    it('reports a missing file as ERR_CONFIG_NOT_FOUND', async () => {
      const error = await rejection(loadEnsemble('absent.yaml', { cwd: dir }));
      expect(error.code).to.equal('ERR_CONFIG_NOT_FOUND');
      expect(error.message).to.equal('absent.yaml: configuration file not found; check the path (it is relative to the working directory)');
    });

    it('reports a directory given as the file as ERR_CONFIG_NOT_FOUND', async () => {
      expect((await rejection(loadEnsemble('.', { cwd: dir }))).code).to.equal('ERR_CONFIG_NOT_FOUND');
    });

    it('reports YAML syntax errors as ERR_CONFIG_YAML with line and column', async () => {
      const file = await writeConfig(dir, yaml`
        ensemble:
          batches:
            - name: a
             basedir: b
      `);
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(error.code).to.equal('ERR_CONFIG_YAML');
      expect(error.problems[0]?.where).to.deep.include({ file: 'config.yaml', line: 4 });
      expect(error.problems[0]?.where.col).to.be.a('number');
    });

    it('reports duplicate keys as ERR_CONFIG_YAML', async () => {
      // Text as written: an object cannot hold a key twice.
      const file = await writeConfig(dir, yaml`
        ensemble:
          batches:
            - name: a
              basedir: ./a
              templatedir: ../template_job
              templates: [job.sh.j2]
              job_file: job.sh
              maxruns: 2
              maxjobs: 1
              maxruns: 3
      `);
      const error = await rejection(loadEnsemble(file, { cwd: dir }));
      expect(error.code).to.equal('ERR_CONFIG_YAML');
      expect(lines(error)).to.deep.equal(['config.yaml:10:7 batches[0].maxruns: duplicate key "maxruns" (first at line 8); remove one of them']);
    });

    it('reports an empty file', async () => {
      const file = await writeConfig(dir, '# to do\n');
      expect(lines(await rejection(loadEnsemble(file, { cwd: dir })))).to.deep.equal([
        'config.yaml:1:1: the file is empty; a configuration starts with "ensemble:" and lists its batches',
      ]);
    });
  });
});
