// Run by `npm run build` after tsc: writes the configuration validator as code beside schema.js
// (config-validator.cjs), so that no start pays for compiling the schema. The module carries the fingerprint of the
// schema it was made from; schema.ts uses it only while that still matches.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { compileValidator, PRECOMPILED_VALIDATOR, schemaFingerprint } from './schema.js';

// A CommonJS module whose function is its `default`, as TypeScript sees it from an ES module.
const standaloneCode = (standaloneModule as unknown as { default: (ajv: unknown, validate: unknown) => string }).default;

/** The validator as the source of a CommonJS module exporting `validate` and `fingerprint`. */
export function buildValidatorSource(): string {
  const { ajv, validate } = compileValidator({ source: true });
  const code = standaloneCode(ajv, validate);
  return `${code}\nmodule.exports.validate = module.exports;\nmodule.exports.fingerprint = ${JSON.stringify(schemaFingerprint())};\n`;
}

/** Writes the module into `dir` (default: beside this file). */
export function writeValidator(dir = path.dirname(fileURLToPath(import.meta.url))): string {
  const file = path.join(dir, PRECOMPILED_VALIDATOR);
  writeFileSync(file, buildValidatorSource());
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeValidator();
