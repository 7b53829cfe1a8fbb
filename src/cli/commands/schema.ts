// `model_ensemble schema`: the configuration's JSON Schema, for editors (`# yaml-language-server: $schema=...`).
import { readJsonSchema } from '../../config/validate.js';
import { EXIT } from '../exit.js';

/** Prints the schema; returns the exit code. */
export async function schemaCommand(out: (text: string) => void): Promise<number> {
  out(`${JSON.stringify(await readJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
