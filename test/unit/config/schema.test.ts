import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { toPlain } from '../../../src/config/plain.js';
import { BATCH_KEYS, SHARED_KEYS, TASK_NAMES } from '../../../src/config/keys.js';
import { buildJsonSchema, SCHEMA_BATCH_KEYS, SCHEMA_SHARED_KEYS } from '../../../src/config/schema.js';
import { SCHEMA_TASK_NAMES } from '../../../src/config/task-schema.js';
import { validateConfig } from '../../../src/config/validate.js';
import { parseYaml11 } from '../../../src/config/yaml11.js';
import { FIXTURES } from './fixtures.js';

/** A committed example configuration, read as plain data. */
function example(name: string): unknown {
  const file = path.join(FIXTURES, 'ensembles', name);
  return toPlain(parseYaml11(fs.readFileSync(file, 'utf8'), name).value);
}

describe('config/schema', () => {
  it('prints a draft-07 JSON Schema without the annotations only our messages use', () => {
    const schema = buildJsonSchema();
    expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
    expect(JSON.stringify(schema)).to.not.include('"expected"');
  });

  it('gives editors a schema that accepts and refuses what the loader does', async () => {
    // A plain draft-07 validator, as an editor would use, without our keyword.
    const editor = new Ajv({ allErrors: true, strict: false }).compile(buildJsonSchema());
    for (const name of ['multi-batch.yaml', 'single-batch.yaml', 'sequential.yaml', 'sanity.yml']) {
      expect(editor(example(name)), name).to.equal(true);
      expect(await validateConfig(example(name)), name).to.deep.equal([]);
    }
    for (const name of ['invalid/bad-type.yaml', 'invalid/shared-name-basedir.yaml', 'invalid/truncated.yaml']) {
      expect(editor(example(name)), name).to.equal(false);
    }
  });

  it('accepts every task with its arguments, and model-ensembler\'s value key', async () => {
    const tasks = [
      { name: 'check', args: { cmd: 'test -f x', cwd: '.', log: true, fail: false, shell: '/bin/sh', timeout: 5 } },
      { name: 'execute', args: { cmd: 'true', log: 'run.log' }, value: 1 },
      { name: 'quota', args: { atleast: 1000, mnt: '/home' } },
      { name: 'jobs', args: { limit: 3, match: 'alpha' } },
      { name: 'submit', args: { script: 'extra.sh' } },
      { name: 'move', args: { dest: '/archive', include: '*.nc', exclude: ['*.tmp'], cwd: 'out' } },
      { name: 'remove', args: { directory: 'scratch' } },
      { name: 'remove' },
    ];
    const config = { ensemble: { pre_process: tasks, batches: [{ name: 'a', basedir: '.' }] } };
    expect(await validateConfig(config)).to.deep.equal([]);
  });

  it('requires a name and a basedir in every batch, which batch_config cannot give', async () => {
    const errors = await validateConfig({ ensemble: { batch_config: { maxruns: 1 }, batches: [{}] } });
    expect(errors.map((e) => e.params.missingProperty).sort()).to.deep.equal(['basedir', 'name']);
  });

  it('names in keys.ts the batch keys, shared keys and task names the schema has', () => {
    expect(BATCH_KEYS).to.deep.equal(SCHEMA_BATCH_KEYS);
    expect(SHARED_KEYS).to.deep.equal(SCHEMA_SHARED_KEYS);
    expect(TASK_NAMES).to.deep.equal(SCHEMA_TASK_NAMES);
  });

  it('describes every key of sweep, label and max_runs for editors, down to the ranges and the sample', () => {
    const schema = buildJsonSchema() as { properties: { ensemble: { properties: { batches: { items: { properties: Record<string, unknown> } } } } } };
    const batchKeys = schema.properties.ensemble.properties.batches.items.properties;
    const undescribed: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, { description?: string }> }).properties ?? {};
      for (const [key, value] of Object.entries(properties)) if (!value.description) undescribed.push(`${where}.${key}`);
      for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
    };
    for (const key of ['sweep', 'label', 'max_runs']) {
      expect((batchKeys[key] as { description?: string }).description, key).to.be.a('string');
      walk(batchKeys[key], key);
    }
    expect(undescribed).to.deep.equal([]);
  });

  it('gives editors a schema that accepts every sweep generator, label and max_runs', () => {
    const editor = new Ajv({ allErrors: true, strict: false }).compile(buildJsonSchema());
    const sweep = {
      matrix: { a: [1, 2], b: { start: 0, stop: 1, step: 0.25 }, c: { linspace: [0, 1, 5] } },
      zip: [{ seed: [1, 2], tag: ['x', 'y'] }],
      csv: 'params.csv',
      yaml: 'params.yaml',
      sample: { method: 'sobol', n: 8, seed: 7, space: { x: [-1, 1] } },
    };
    const config = { ensemble: { batch_config: { label: 'a{{ a }}' }, batches: [{ name: 'a', basedir: '.', sweep, max_runs: 200000 }] } };
    expect(editor(config), JSON.stringify(editor.errors)).to.equal(true);
    expect(editor({ ensemble: { batches: [{ name: 'a', basedir: '.', sweep: { matirx: {} } }] } })).to.equal(false);
  });
});
