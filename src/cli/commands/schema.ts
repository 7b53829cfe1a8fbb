// `model_ensemble schema`: the configuration's JSON Schema, for editors (`# yaml-language-server: $schema=...`).
import { buildJsonSchema } from '../../config/schema.js';
import { EXIT } from '../exit.js';

/** Prints the schema; returns the exit code. */
export function schemaCommand(out: (text: string) => void): number {
  out(`${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
