// Validation of a configuration against the schema, without loading the schema's definition: `npm run build`
// generates the validator as code (validator-build.ts) and the schema as JSON, in dist/config/. Running from the
// sources (the tests), those are not used: both are made from schema.ts on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FROM_SOURCES, PACKAGE_ROOT } from '../package.js';

/** The files `npm run build` writes into dist/config/. */
export const BUILT_FILES = { validator: 'config-validator.cjs', schema: 'config-schema.json' } as const;

/** Where the build put a file of BUILT_FILES; undefined when running from the sources. */
function builtFile(name: string): string | undefined {
  return FROM_SOURCES ? undefined : path.join(PACKAGE_ROOT, 'dist', 'config', name);
}

/** The validator compiled from the sources, kept: compiling again would cost as much as the first time. */
let compiled: ValidateFunction | undefined;

/**
 * The validator: the one the build generated as code, else (from the sources) compiled now from schema.ts. Compiling at run time
 * costs every start about 170 ms and 27 MB of peak memory (most of the peak of a 10,000-run ensemble), and loading
 * the schema's definition about 200 modules.
 */
async function loadValidator(): Promise<ValidateFunction> {
  const file = builtFile(BUILT_FILES.validator);
  if (file !== undefined) {
    const require = createRequire(file);
    const module = require(file) as { validate: ValidateFunction };
    // Not cached: a configuration is validated once, and its code need not stay for the whole run.
    delete require.cache[file];
    return module.validate;
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
  const file = builtFile(BUILT_FILES.schema);
  if (file !== undefined) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return (await import('./schema.js')).buildJsonSchema();
}
