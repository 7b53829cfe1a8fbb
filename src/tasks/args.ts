// Task arguments as the configuration gives them: a string `run.<key>` takes that key's value from the run context
// (`dest: run.archive`), as model-ensembler users write it.
import { TaskError } from '../errors.js';

/** Looks up `key` (dotted for nested values) in `values`; undefined when absent. */
function lookup(values: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(values, key)) return values[key];
  let current: unknown = values;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Replaces every `run.<key>` string argument by its value; an absent key is a TaskError naming it. */
export function resolveRunArgs(
  task: string,
  args: Readonly<Record<string, unknown>>,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === 'string' && value.startsWith('run.')) {
      const found = lookup(values, value.slice(4));
      if (found === undefined) {
        throw new TaskError('ERR_TASK_ARG_UNDEFINED', `${task}: argument ${name} is ${value}, which is not defined`);
      }
      resolved[name] = found;
    } else {
      resolved[name] = value;
    }
  }
  return resolved;
}

/** An argument as a string (numbers and PyFloats print as Python would); undefined stays undefined. */
export function stringArg(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value);
}

/** An argument as a list of strings: a single string is a list of one. */
export function stringListArg(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map((v) => String(v)) : [String(value)];
}

/** An argument as a number (PyFloat and numeric strings included); undefined when absent or not a number. */
export function numberArg(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value instanceof Number ? value.valueOf() : value);
  return Number.isFinite(n) ? n : undefined;
}

/** An argument as a boolean, reading YAML booleans and the strings true/false. */
export function boolArg(value: unknown): boolean {
  if (typeof value === 'string') return /^(true|yes|on|1)$/i.test(value);
  return Boolean(value);
}
