// Ajv's errors as messages a user can act on: what failed, where (file:line:col and key path) and what to do.
// Ajv explains a failed union (`anyOf`) branch by branch, a dozen errors for one mistyped task name; here each
// union becomes one message, or the errors of the one branch the value was clearly meant for.
import type { ErrorObject } from 'ajv';
import type { Problem } from '../errors.js';
import { describeSchema, describeValue, suggest } from './describe.js';
import type { SchemaShape } from './describe.js';
import { isMapping, valueAt } from './plain.js';
import { fromPointer } from './positions.js';
import type { PositionMap } from './positions.js';
import { BATCH_KEYS, TASK_NAMES } from './keys.js';

/** What the messages need besides the errors: where values are, and the values as read (floats print as written). */
export interface MessageContext {
  readonly positions: PositionMap;
  /** The document as read, with PyFloat and PyDate values. */
  readonly document: unknown;
}

type AjvError = ErrorObject<string, Record<string, unknown>, unknown>;

const schemaOf = (error: AjvError): SchemaShape => (error.parentSchema ?? {}) as SchemaShape;
const isBatch = (path: readonly string[]): boolean => path.length === 3 && path[0] === 'ensemble' && path[1] === 'batches';
const isTaskArgs = (path: readonly string[]): boolean => path.at(-1) === 'args';

/** One problem per place for every schema error. */
export function explainSchemaErrors(errors: readonly AjvError[], context: MessageContext): Problem[] {
  const seen = new Set<string>();
  return explain(errors, context).filter((problem) => {
    const id = `${problem.where.key ?? ''}\0${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function explain(errors: readonly AjvError[], context: MessageContext): Problem[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf');
  // An error belongs to a union when it is about the same value (or one inside it) and under the union's schema:
  // the items of a task list share one schema path, so the data path tells them apart.
  const inside = (union: AjvError, error: AjvError): boolean =>
    error.schemaPath.startsWith(`${union.schemaPath}/`) &&
    (error.instancePath === union.instancePath || error.instancePath.startsWith(`${union.instancePath}/`));
  // Only the outermost unions here; a union inside a chosen branch is explained when that branch is.
  const outer = unions.filter((union) => !unions.some((other) => other !== union && inside(other, union)));
  const problems: Problem[] = [];
  for (const union of outer) {
    problems.push(...explainUnion(union, errors.filter((error) => inside(union, error)), context));
  }
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && !outer.some((union) => inside(union, error))) problems.push(...explainOne(error, context));
  }
  return problems;
}

/** A failed union: the errors of the branch meant (by task name, or the only branch of the value's kind), else one message. */
function explainUnion(union: AjvError, errors: readonly AjvError[], context: MessageContext): Problem[] {
  const branches = schemaOf(union).anyOf ?? [];
  const path = fromPointer(union.instancePath);
  const data = union.data;
  const branchErrors = (index: number): AjvError[] => errors.filter((error) => error.schemaPath.startsWith(`${union.schemaPath}/${index}/`));
  const tagged = branches.length > 0 && branches.every((branch) => branch.properties?.name && 'const' in branch.properties.name);
  if (tagged && isMapping(data)) {
    const name = data.name;
    const index = branches.findIndex((branch) => branch.properties?.name?.const === name);
    if (index >= 0) return orMismatch(explain(branchErrors(index), context), union, path, context);
    const where = context.positions.where([...path, 'name']);
    if (name === undefined) return [{ where: context.positions.where(path), message: 'required key "name" is missing; name the task' }];
    const known = `the tasks are ${TASK_NAMES.join(', ')}`;
    if (typeof name !== 'string') return [{ where, message: `expected a task name, got ${describeValue(valueAt(context.document, [...path, 'name']))}; ${known}` }];
    return [{ where, message: `unknown task "${name}"${suggest(name, TASK_NAMES)}; ${known}` }];
  }
  const kind = Array.isArray(data) ? 'array' : isMapping(data) ? 'object' : undefined;
  const meant = kind === undefined ? [] : branches.flatMap((branch, index) => (branch.type === kind ? [index] : []));
  if (meant.length === 1 && meant[0] !== undefined) return orMismatch(explain(branchErrors(meant[0]), context), union, path, context);
  return [mismatch(union, path, context)];
}

/** The branch's own problems; should it have none, the union's failure must still be reported. */
function orMismatch(problems: Problem[], union: AjvError, path: readonly string[], context: MessageContext): Problem[] {
  return problems.length > 0 ? problems : [mismatch(union, path, context)];
}

/** `expected <what the schema takes>, got <value>`, with a suggestion when a listed word was misspelt. */
function mismatch(error: AjvError, path: readonly string[], context: MessageContext): Problem {
  const schema = schemaOf(error);
  const value = valueAt(context.document, path);
  const words = (schema.anyOf ?? [schema]).flatMap((branch) => (typeof branch.const === 'string' ? [branch.const] : []));
  const hint = typeof value === 'string' && words.length > 0 ? suggest(value, words) : '';
  return { where: context.positions.where(path), message: `expected ${describeSchema(schema)}, got ${describeValue(value)}${hint}` };
}

/** Any error outside a union. */
function explainOne(error: AjvError, context: MessageContext): Problem[] {
  const path = fromPointer(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const allowed = Object.keys(schemaOf(error).properties ?? {});
    return [{ where: context.positions.where([...path, key], 'key'), message: unknownKey(key, path, allowed, context) }];
  }
  if (error.keyword === 'required') {
    const key = String(error.params.missingProperty);
    return [{ where: context.positions.where(path), message: missingKey(key, path, context) }];
  }
  return [mismatch(error, path, context)];
}

function unknownKey(key: string, path: readonly string[], allowed: readonly string[], context: MessageContext): string {
  const place = path.join('/');
  if (place === 'ensemble/batch_config' && (key === 'name' || key === 'basedir')) {
    return `"${key}" cannot be shared through batch_config: move it into each entry of batches, since every batch needs its own`;
  }
  if (place === 'ensemble' && BATCH_KEYS.includes(key)) {
    return `unknown key here; "${key}" is a batch setting: put it in batch_config (for every batch) or in each batch`;
  }
  if (path.length === 0) return `unknown top-level key${suggest(key, allowed)}; the file holds one key, "ensemble"`;
  if (isTaskArgs(path)) {
    const task = String(valueAt(context.document, [...path.slice(0, -1), 'name']));
    return `unknown argument${suggest(key, allowed)}; the ${task} task takes ${allowed.join(', ')}`;
  }
  return `unknown key${suggest(key, allowed)}`;
}

function missingKey(key: string, path: readonly string[], context: MessageContext): string {
  if (isBatch(path)) return `required key "${key}" is missing; every batch sets its own ${key}`;
  if (key === 'args') return `required key "args" is missing; the ${String(valueAt(context.document, [...path, 'name']))} task needs arguments`;
  if (isTaskArgs(path)) {
    const task = String(valueAt(context.document, [...path.slice(0, -1), 'name']));
    return `required argument "${key}" of the ${task} task is missing`;
  }
  if (path.length === 0) return `required key "${key}" is missing; a configuration file starts with "ensemble:"`;
  if (path.join('/') === 'ensemble' && key === 'batches') return 'required key "batches" is missing; list at least one batch';
  return `required key "${key}" is missing`;
}
