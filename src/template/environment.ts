// The nunjucks environment for one template directory, set up to render as model-ensembler's Jinja2 does: no HTML
// escaping (nunjucks escapes by default, Jinja2's default Template does not), our loader (compile step, runtime,
// Jinja2's newline handling), and Jinja2's filters, tests and globals where nunjucks' differ.
import nunjucks from 'nunjucks';
import { RenderFault } from './fault.js';
import { PYTHON_FILTERS } from './filters.js';
import { TemplateLoader } from './loader.js';
import { typeFault } from './fault.js';
import { lipsum } from './lipsum.js';
import { splitKeywords } from './python-keywords.js';
import { PyRange } from './python-types.js';
import { isPlainObject } from './python.js';
import { PyCycler, makeJoiner, makeNamespace } from './runtime-objects.js';
import { PYTHON_TESTS } from './predicates.js';

/** An environment and the loader behind it (which knows each template's dependencies). */
export interface TemplateEnvironment {
  readonly env: nunjucks.Environment;
  readonly loader: TemplateLoader;
}

// Jinja2's globals that nunjucks lacks or defines differently.
const GLOBALS: Record<string, unknown> = {
  dict: (...raw: unknown[]) => {
    const { args, kwargs } = splitKeywords(raw);
    return { ...(isPlainObject(args[0]) ? args[0] : {}), ...kwargs };
  },
  range: (...args: unknown[]) => {
    const [start, stop, step] = args.length <= 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
    if (![start, stop, step].every(Number.isInteger)) throw typeFault('range() arguments must be integers');
    if (step === 0) throw typeFault('range() arg 3 must not be zero');
    return PyRange.make(start, stop, step);
  },
  cycler: (...items: unknown[]) => new PyCycler(items),
  joiner: makeJoiner,
  namespace: makeNamespace,
  lipsum,
};

type GetTemplate = (...args: unknown[]) => unknown;
const baseGetTemplate = nunjucks.Environment.prototype.getTemplate as GetTemplate;

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && !(error instanceof RenderFault) && error.message.startsWith('template not found');

/**
 * nunjucks reports an include that is not there through a callback, past the compiled code's line tracking.
 * Thrown instead, the failure passes through our runtime's handleError, which gives it the include's line.
 */
class PyEnvironment extends nunjucks.Environment {
  private readonly root: string;

  constructor(root: string, loader: TemplateLoader, options: nunjucks.ConfigureOptions) {
    super(loader as unknown as nunjucks.ILoader, options);
    this.root = root;
  }

  override getTemplate(...args: unknown[]): never {
    const notFound = () => new RenderFault('ERR_TEMPLATE_NOT_FOUND', `template "${String(args[0])}" not found in ${this.root}`);
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, template: unknown) => {
        if (isNotFound(error)) throw notFound();
        (callback as (e: unknown, t: unknown) => void)(error, template);
      };
    }
    try {
      return baseGetTemplate.apply(this, args) as never;
    } catch (error) {
      throw isNotFound(error) ? notFound() : error;
    }
  }
}

/** Creates the environment for templates under `root`; `preloaded` holds sources already read, by name. */
export function createEnvironment(root: string, preloaded: ReadonlyMap<string, string>): TemplateEnvironment {
  const loader = new TemplateLoader(root, preloaded);
  // throwOnUndefined stays off: it also throws on null, which must print None; our runtime checks undefined itself.
  // dev keeps nunjucks from replacing our errors with plain ones on their way out (lib._prettifyError).
  const env = new PyEnvironment(root, loader, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: false,
    lstripBlocks: false,
    dev: true,
  });
  for (const [name, filter] of Object.entries(PYTHON_FILTERS)) env.addFilter(name, filter);
  env.addFilter('d', PYTHON_FILTERS['default']!);
  env.addFilter('count', PYTHON_FILTERS['length']!);
  const withTests = env as unknown as { addTest(name: string, test: unknown): void };
  for (const [name, test] of Object.entries(PYTHON_TESTS)) withTests.addTest(name, test);
  for (const [name, value] of Object.entries(GLOBALS)) env.addGlobal(name, value);
  const registered = env as unknown as { filters: object; tests: object };
  loader.knownNames = { filters: new Set(Object.keys(registered.filters)), tests: new Set(Object.keys(registered.tests)) };
  return { env, loader };
}
