// The error raised inside a render. It travels through nunjucks' compiled code and its error plumbing: the compiled
// catch hands it to our runtime's handleError, which records the line and the template whose code was running, and
// nunjucks calls `Update(path)` on it in each template it leaves (innermost first), which fills the template in for
// failures that bypass that catch. render.ts turns it into a TemplateError at the boundary.
import type { CodeOf } from '../errors.js';

/** A failure inside a template render; `code` is the TemplateError code it becomes. */
export class RenderFault extends Error {
  readonly code: CodeOf<'TemplateError'>;
  /** 1-based line in `template`, once known. */
  lineno: number | undefined;
  colno: number | undefined;
  /** The template (relative to the template directory) where the failure arose, once known. */
  template: string | undefined;

  constructor(code: CodeOf<'TemplateError'>, message: string, options: { cause?: unknown; lineno?: number; template?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RenderFault';
    this.code = code;
    this.lineno = options.lineno;
    this.template = options.template;
  }

  /** Called by nunjucks with the path of each template the error passes through; the first one is kept. */
  Update(path: string | undefined): this {
    this.template ??= path;
    return this;
  }
}

/** The fault for an undefined value used where a value is needed. */
export function undefinedFault(what: string): RenderFault {
  return new RenderFault('ERR_TEMPLATE_UNDEFINED', what);
}

/** The fault for an operation Python would reject with a TypeError or ValueError. */
export function typeFault(message: string): RenderFault {
  return new RenderFault('ERR_TEMPLATE_RENDER', message);
}
