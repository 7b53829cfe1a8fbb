// One template given as text rather than as a file (a batch's `label`), compiled once with the same environment as
// template files, so it renders exactly as they do (`0.1`, `1.0`, `True`), and rendered once per run. A text made
// only of words and `{{ name }}` or `{{ run.name }}` also renders without nunjucks, printing each value as the
// renderer does (pyStr): a label for each of 100,000 runs costs milliseconds rather than a second.
import type nunjucks from 'nunjucks';
import { TemplateError, formatWhere } from '../errors.js';
import { createEnvironment } from './environment.js';
import { RenderFault } from './fault.js';
import { normalizeSource } from './loader.js';
import { lookupAttributeOnly } from './python-methods.js';
import { pyStr } from './python.js';

/** A name a simple text prints: `{{ name }}`, or `{{ run.name }}` (an attribute of the context). */
interface NamePart {
  readonly name: string;
  readonly attribute: boolean;
}

/** A template string, compiled and ready to render. */
export interface CompiledString {
  /** The name its errors give (`label`). */
  readonly name: string;
  /** The compiled template; internal to this module. */
  readonly template: nunjucks.Template;
  /** For a simple text, its words and names in order; internal to this module. */
  readonly parts: readonly (string | NamePart)[] | undefined;
}

const SIMPLE_NAME = /\{\{\s*(run\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
// Names the renderer may resolve otherwise than as the context's key: Python's constants.
const CONSTANT_NAMES = new Set(['True', 'False', 'None', 'true', 'false', 'none', 'run']);

/** The words and names of a text made only of them, or undefined for any other text. */
function splitSimple(text: string): (string | NamePart)[] | undefined {
  const parts: (string | NamePart)[] = [];
  let last = 0;
  for (const match of text.matchAll(SIMPLE_NAME)) {
    parts.push(text.slice(last, match.index), { name: match[2]!, attribute: match[1] !== undefined });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  const words = parts.filter((part): part is string => typeof part === 'string');
  return words.some((word) => /[{}\r\n]/.test(word)) ? undefined : parts.filter((part) => part !== '');
}

/** A failure inside nunjucks as a TemplateError naming the template string and what went wrong. */
function toStringError(error: unknown, name: string, code: 'ERR_TEMPLATE_SYNTAX' | 'ERR_TEMPLATE_RENDER'): TemplateError {
  if (error instanceof TemplateError) return error;
  let fault: unknown = error;
  while (fault !== undefined && !(fault instanceof RenderFault)) fault = (fault as { cause?: unknown }).cause;
  const where = { file: name };
  if (fault instanceof RenderFault) return new TemplateError(fault.code, `${formatWhere(where)}: ${fault.message}`, { where, cause: fault.cause ?? fault });
  const text = String((error as { message?: string }).message ?? error).replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '');
  return new TemplateError(code, `${formatWhere(where)}: ${text}`, { where, cause: error });
}

/** Compiles `text` as a template named `name`; throws TemplateError (ERR_TEMPLATE_SYNTAX) for a syntax error. */
export function compileString(text: string, name: string): CompiledString {
  // No folder: a template string includes nothing, and an include finds nothing.
  const { env } = createEnvironment('/nonexistent-template-folder', new Map([[name, text]]));
  try {
    return { name, template: env.getTemplate(name, true), parts: splitSimple(normalizeSource(text)) };
  } catch (error) {
    throw toStringError(error, name, 'ERR_TEMPLATE_SYNTAX');
  }
}

/** A simple text rendered directly, or undefined when a name is one the renderer must resolve itself. */
function renderSimple(parts: readonly (string | NamePart)[], layers: readonly Readonly<Record<string, unknown>>[]): string | undefined {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    // A missing name fails (or is a global), a dict method answers `run.items`: both are the renderer's to say.
    let layer: Readonly<Record<string, unknown>> | undefined;
    for (let i = layers.length - 1; i >= 0 && layer === undefined; i--) if (Object.hasOwn(layers[i]!, part.name)) layer = layers[i];
    if (layer === undefined || CONSTANT_NAMES.has(part.name)) return undefined;
    if (part.attribute && lookupAttributeOnly(layer, part.name) !== undefined) return undefined;
    out += pyStr(layer[part.name]);
  }
  return out;
}

/**
 * Renders a compiled string with the context `layers` make (later ones win, as `{...a, ...b}`) as `run` (as a
 * template file sees it, as a dict), and each key also by its own name, so a label reads `{{ alpha }}` or
 * `{{ run.alpha }}`. Throws TemplateError (an undefined variable).
 */
export function renderString(compiled: CompiledString, ...layers: Readonly<Record<string, unknown>>[]): string {
  const simple = compiled.parts && renderSimple(compiled.parts, layers);
  if (simple !== undefined) return simple;
  const context: Record<string, unknown> = Object.assign({}, ...layers);
  try {
    return compiled.template.render({ ...context, run: context });
  } catch (error) {
    throw toStringError(error, compiled.name, 'ERR_TEMPLATE_RENDER');
  }
}
