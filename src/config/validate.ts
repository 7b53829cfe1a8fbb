// Validation of a configuration against the schema, without loading the schema's definition: `npm run build`
// generates the validator as code (validator-build.ts) and the schema as JSON beside this module. Running from the
// sources (the tests), neither exists yet and both are made from schema.ts on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** The files `npm run build` writes beside this module. */
export const BUILT_FILES = { validator: 'config-validator.cjs', schema: 'config-schema.json' } as const;

/** The validator compiled from the sources, kept: compiling again would cost as much as the first time. */
let compiled: ValidateFunction | undefined;

/**
 * The validator: the one the build generated as code, else compiled now from schema.ts. Compiling at run time
 * costs every start about 170 ms and 27 MB of peak memory (most of the peak of a 10,000-run ensemble), and loading
 * the schema's definition about 200 modules.
 */
async function loadValidator(): Promise<ValidateFunction> {
  const require = createRequire(import.meta.url);
  try {
    const file = require.resolve(`./${BUILT_FILES.validator}`);
    const module = require(file) as { validate: ValidateFunction };
    // Not cached: a configuration is validated once, and its megabyte of code need not stay for the whole run.
    delete require.cache[file];
    return module.validate;
  } catch (error) {
    // Not built (the sources run as they are, as in the tests): compile.
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  }
  compiled ??= (await import('./schema.js')).compileValidator().validate;
  return compiled;
}

/** Validates plain data (no PyFloat/PyDate) against the schema; returns every error, each with its data. */
export async function validateConfig(data: unknown): Promise<ErrorObject[]> {
  const validate = await loadValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/** The schema as a draft-07 JSON Schema, for editors: the file the build wrote, else made from schema.ts. */
export async function readJsonSchema(): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(readFileSync(new URL(`./${BUILT_FILES.schema}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return (await import('./schema.js')).buildJsonSchema();
}
