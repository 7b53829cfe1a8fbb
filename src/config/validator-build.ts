// Run by `npm run build` after tsc: writes the configuration validator as code, and the schema as JSON for editors
// and `model_ensemble schema`, beside validate.js, so that no start pays for the schema's definition or for
// compiling it. The validator carries the fingerprint of the schema it was made from, which a test checks.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { buildJsonSchema, compileValidator, schemaFingerprint } from './schema.js';
import { BUILT_FILES } from './validate.js';

// A CommonJS module whose function is its `default`, as TypeScript sees it from an ES module.
const standaloneCode = (standaloneModule as unknown as { default: (ajv: unknown, validate: unknown) => string }).default;

/** The validator as the source of a CommonJS module exporting `validate` and `fingerprint`. */
export function buildValidatorSource(): string {
  const { ajv, validate } = compileValidator({ source: true });
  const code = standaloneCode(ajv, validate);
  return `${code}\nmodule.exports.validate = module.exports;\nmodule.exports.fingerprint = ${JSON.stringify(schemaFingerprint())};\n`;
}

/** Writes the validator module and the JSON Schema into `dir` (default: beside this file). */
export function writeBuiltFiles(dir = path.dirname(fileURLToPath(import.meta.url))): void {
  writeFileSync(path.join(dir, BUILT_FILES.validator), buildValidatorSource());
  writeFileSync(path.join(dir, BUILT_FILES.schema), `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeBuiltFiles();
