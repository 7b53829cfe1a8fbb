// Renders a batch's templates as model-ensembler's Jinja2 renders them (`Template(text).render(run=run)`). Templates
// are read and compiled once per batch, before any run directory is made, so a syntax error stops the ensemble
// before anything is written; each run then only renders, which costs microseconds.
import fs from 'node:fs/promises';
import path from 'node:path';
import type nunjucks from 'nunjucks';
import { TemplateError, formatWhere, type Where } from '../errors.js';
import { createEnvironment } from './environment.js';
import { RenderFault } from './fault.js';
import { decodeSource } from './loader.js';
import { PyNamedTuple } from './python-types.js';
import { isPlainObject } from './python.js';

/** A batch's templates, compiled and ready to render for each run. */
export interface CompiledTemplates {
  /** Absolute path of the template directory. */
  readonly templatedir: string;
  /** Each template's file mode (permission bits), which its rendered file gets. */
  readonly modes: ReadonlyMap<string, number>;
  /** The compiled templates by name; internal to this module. */
  readonly templates: ReadonlyMap<string, nunjucks.Template>;
}

/** Turns a failure inside nunjucks into a TemplateError naming the template, line and what went wrong. */
function toTemplateError(error: unknown, template: string): TemplateError {
  if (error instanceof TemplateError) return error;
  let fault: unknown = error;
  while (fault !== undefined && !(fault instanceof RenderFault)) fault = (fault as { cause?: unknown }).cause;
  if (fault instanceof RenderFault) {
    const where: Where = { file: fault.template ?? template, line: fault.lineno };
    return new TemplateError(fault.code, `${formatWhere(where)}: ${fault.message}`, { where, cause: fault.cause ?? fault });
  }
  // nunjucks prefixes its messages with "(path) [Line n, Column m]"; ours says that in front instead.
  const { lineno, message } = error as { lineno?: number; message?: string };
  const text = String(message ?? error).replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '');
  const where: Where = { file: template, line: lineno };
  return new TemplateError('ERR_TEMPLATE_RENDER', `${formatWhere(where)}: ${text}`, { where, cause: error });
}

async function readTemplate(file: string, name: string): Promise<{ text: string; mode: number }> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new TemplateError('ERR_TEMPLATE_NOT_FOUND', `template ${name} is not a file: ${file}`);
    return { text: decodeSource(await fs.readFile(file), name), mode: stat.mode & 0o7777 };
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    if (error instanceof RenderFault) throw toTemplateError(error, name);
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TemplateError(
      missing ? 'ERR_TEMPLATE_NOT_FOUND' : 'ERR_TEMPLATE_READ',
      missing ? `template ${name} not found: ${file}` : `cannot read template ${name}: ${String(error)}`,
      { cause: error, where: { file: name } },
    );
  }
}

/**
 * Reads and compiles the listed templates (paths relative to `templatedir`, ending in `.j2`), and the templates
 * they include, import or extend by name. Throws TemplateError for a missing template or a syntax error.
 */
export async function compileTemplates(templatedir: string, templates: readonly string[]): Promise<CompiledTemplates> {
  const root = path.resolve(templatedir);
  for (const name of templates) {
    if (!name.endsWith('.j2')) {
      throw new TemplateError('ERR_TEMPLATE_NAME', `template ${name} does not end in .j2`, { where: { file: name } });
    }
    const file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep)) {
      throw new TemplateError('ERR_TEMPLATE_NAME', `template ${name} is outside ${root}`, { where: { file: name } });
    }
  }
  const sources = await Promise.all(templates.map((name) => readTemplate(path.resolve(root, name), name)));
  const { env, loader } = createEnvironment(root, new Map(templates.map((name, i) => [name, sources[i]!.text])));
  const compiled = new Map<string, nunjucks.Template>();
  for (const name of templates) {
    try {
      compiled.set(name, env.getTemplate(name, true));
    } catch (error) {
      throw toTemplateError(error, name);
    }
  }
  // Templates named literally by include/import/extends are compiled now too, so their syntax errors also stop
  // the ensemble early. One that does not exist is left to fail (or be ignored) when it is rendered.
  const queue = [...loader.dependencies.values()].flat();
  const seen = new Set(templates);
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    try {
      env.getTemplate(name, true);
    } catch (error) {
      const failure = toTemplateError(error, name);
      if (failure.code !== 'ERR_TEMPLATE_NOT_FOUND') throw failure;
    }
    queue.push(...(loader.dependencies.get(name) ?? []));
  }
  return {
    templatedir: root,
    modes: new Map(templates.map((name, i) => [name, sources[i]!.mode])),
    templates: compiled,
  };
}

// Lists and dicts are copied for each render, so a template calling `.append()` on a value from the configuration
// cannot change what the next run sees. Strings, numbers, PyFloat and PyDate are immutable and shared.
function copyContainers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyContainers);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = copyContainers(value[key]);
    return copy;
  }
  return value;
}

/** Renders one compiled template for one run; the context is what the template sees as `run`. */
export function renderTemplate(
  compiled: CompiledTemplates,
  template: string,
  context: Readonly<Record<string, unknown>>,
): string {
  const compiledTemplate = compiled.templates.get(template);
  if (!compiledTemplate) {
    throw new TemplateError('ERR_TEMPLATE_NAME', `template ${template} was not compiled for ${compiled.templatedir}`);
  }
  try {
    // model-ensembler renders with `run` a named tuple of the context (collections.namedtuple('Run', keys)): `run.x`
    // reads a value, while `for v in run` and `v in run` see the values.
    const keys = Object.keys(context);
    const run = PyNamedTuple.make('Run', keys, keys.map((key) => copyContainers(context[key])));
    return compiledTemplate.render({ run });
  } catch (error) {
    throw toTemplateError(error, template);
  }
}
