import { expect } from 'chai';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { buildJsonSchema, compileValidator, schemaFingerprint } from '../../../src/config/schema.js';
import { BUILT_FILES } from '../../../src/config/validate.js';
import { buildValidatorSource } from '../../../src/config/validator-build.js';
import { ROOT } from '../../helpers/cli.js';

const require = createRequire(import.meta.url);

/** What the messages read of an error (the schemas as plain JSON: the generated code holds copies). */
function essence(errors: readonly ErrorObject[] | null | undefined): unknown[] {
  return (errors ?? []).map((e) => ({ path: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, data: e.data, parent: JSON.parse(JSON.stringify(e.parentSchema ?? null)) as unknown }));
}

const SAMPLES: unknown[] = [
  {},
  { ensemble: { batches: [] } },
  { ensemble: { vars: 3, batches: [{ name: 'a/b', basedir: '', maxruns: 'ten', runs: [1, { x: 1 }], retry: { on: ['SOMETIMES'] } }] } },
  { ensemble: { batch_config: { name: 'x', templates: ['a.txt'] }, batches: [{ name: 'b', basedir: 'd', pre_run: [{ name: 'execute', args: { cmd: 3 } }, { nam: 'check' }] }] } },
  { ensemble: { pre_process: [{ name: 'move', args: {} }], batches: [{ name: 'b', basedir: 'd', templatedir: 't', maxruns: 1, maxjobs: 1, job_file: 'j', runs: [{}] }] } },
];

describe('the configuration validator generated as code', () => {
  it('finds the same errors, with the same values and schemas, as the validator compiled at run time', async () => {
    // Inside the package, where the generated code finds the Ajv runtime modules it requires.
    const dir = await fs.mkdtemp(path.join(ROOT, 'dist', '.validator-test-'));
    after(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'validator.cjs');
    await fs.writeFile(file, buildValidatorSource());
    const generated = require(file) as { validate: ValidateFunction; fingerprint: string };
    const { validate } = compileValidator();
    expect(generated.fingerprint).to.equal(schemaFingerprint());
    for (const sample of SAMPLES) {
      const a = validate(sample);
      const aErrors = essence(validate.errors);
      const b = generated.validate(sample);
      expect(b, JSON.stringify(sample)).to.equal(a);
      expect(essence(generated.validate.errors), JSON.stringify(sample)).to.deep.equal(aErrors);
    }
  });

  it('is written by the build beside validate.js, with the JSON Schema, both made from the schema as it is now', async () => {
    const built = require(path.join(ROOT, 'dist', 'config', BUILT_FILES.validator)) as { fingerprint: string };
    expect(built.fingerprint).to.equal(schemaFingerprint());
    const schema = JSON.parse(await fs.readFile(path.join(ROOT, 'dist', 'config', BUILT_FILES.schema), 'utf8')) as unknown;
    expect(schema).to.deep.equal(buildJsonSchema());
  });

  it('holds the code of the task lists once, so that loading it stays cheap', async () => {
    const size = (await fs.stat(path.join(ROOT, 'dist', 'config', BUILT_FILES.validator))).size;
    expect(size).to.be.below(400_000);
  });
});
