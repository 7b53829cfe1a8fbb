// Words for schemas and values in messages: "expected a positive integer, got "ten"". A schema may carry its own
// words (the `expected` annotation); the common shapes are described from the schema itself, so a new key needs none.
import { closest, distance } from 'fastest-levenshtein';
import { PyDate, PyFloat } from './values.js';

/** The part of a JSON Schema the descriptions read. */
export interface SchemaShape {
  readonly expected?: string;
  readonly type?: string;
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaShape[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly properties?: Readonly<Record<string, SchemaShape>>;
}

/** What a schema accepts, as words: "a positive integer", "a number or a string". */
export function describeSchema(schema: SchemaShape): string {
  if (schema.expected) return schema.expected;
  if (schema.anyOf) {
    const consts = schema.anyOf.filter((branch) => 'const' in branch).map((branch) => JSON.stringify(branch.const));
    if (consts.length === schema.anyOf.length) return `one of ${consts.join(', ')}`;
    // An empty value is always allowed where null is; saying so in every message would be noise.
    const words = schema.anyOf.filter((branch) => branch.type !== 'null').map(describeSchema);
    // "true or false, or a "run." reference" stays readable when a part has its own "or".
    return words.join(words.some((word) => word.includes(' or ')) ? ', or ' : ' or ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'integer':
      if (schema.minimum === 1) return 'a positive integer';
      return schema.minimum === undefined ? 'an integer' : `an integer ≥ ${schema.minimum}`;
    case 'number':
      if (schema.exclusiveMinimum !== undefined) return `a number > ${schema.exclusiveMinimum}`;
      return schema.minimum === undefined ? 'a number' : `a number ≥ ${schema.minimum}`;
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'an empty value';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'a different value';
  }
}

/** A value as messages show it: strings quoted, floats as Python prints them, collections by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value instanceof PyFloat || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof PyDate) return `a date (${value.toString()})`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  return 'a mapping';
}

/** ` (did you mean "maxruns"?)` when a known word is close to the one written, else nothing. */
export function suggest(word: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  // Case is compared too loosely to matter: `timeout` suggests `TIMEOUT`.
  const lower = word.toLowerCase();
  const bestLower = closest(lower, known.map((candidate) => candidate.toLowerCase()));
  const best = known.find((candidate) => candidate.toLowerCase() === bestLower) ?? bestLower;
  // About one typo per three letters: `maxrun` → `maxruns`, but `foo` suggests nothing.
  const limit = Math.max(1, Math.floor(word.length / 3));
  return distance(lower, bestLower) <= limit ? ` (did you mean "${best}"?)` : '';
}
