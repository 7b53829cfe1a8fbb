// Loads templates from one template directory for nunjucks, compiled by our compile step and bound to our runtime.
// Sources are read as Jinja2 reads them: Python's text mode turns `\r\n` and `\r` into `\n`, and Jinja2 drops one
// trailing newline (keep_trailing_newline=False). Each template is read and compiled once; nunjucks caches the
// result, so includes cost no file read after the first render.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RenderFault } from './fault.js';
import { RUNTIME_PARAMETER, compileSource, type KnownNames } from './compiler.js';
import { runtimeFor } from './runtime.js';

type RenderFunction = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: unknown) => void;

/** What nunjucks expects from a synchronous loader's getSource: precompiled code in our case. */
interface LoaderSource {
  readonly src: { readonly type: 'code'; readonly obj: Record<string, RenderFunction> };
  readonly path: string;
  readonly noCache: false;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Template text as Jinja2 sees it: newlines normalised, one trailing newline dropped. */
export function normalizeSource(text: string): string {
  const unified = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  return unified.endsWith('\n') ? unified.slice(0, -1) : unified;
}

/** Decodes template bytes as UTF-8, failing on invalid bytes as Python's text mode does. */
export function decodeSource(bytes: Uint8Array, name: string): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new RenderFault('ERR_TEMPLATE_READ', `template "${name}" is not valid UTF-8`, { cause: error });
  }
}

/** A nunjucks loader for one template directory. */
export class TemplateLoader {
  /** nunjucks keeps its compiled Template objects here, by name. */
  cache: Record<string, unknown> = {};
  /** Templates each loaded template names literally in include/import/extends, relative names resolved. */
  readonly dependencies = new Map<string, readonly string[]>();
  /** The filters and tests of the environment, set once it is made, so unknown names fail at compile time. */
  knownNames: KnownNames | undefined;
  private readonly root: string;
  private readonly preloaded: ReadonlyMap<string, string>;

  constructor(root: string, preloaded: ReadonlyMap<string, string>) {
    this.root = path.resolve(root);
    this.preloaded = preloaded;
  }

  /** Whether nunjucks should resolve a name against the including template (`./part.j2`). */
  isRelative(name: string): boolean {
    return name.startsWith('./') || name.startsWith('../');
  }

  /** Resolves a relative name against the including template's name. */
  resolve(parent: string, name: string): string {
    return path.posix.normalize(path.posix.join(path.posix.dirname(parent), name));
  }

  /** Reads and compiles one template; null when there is no such file (nunjucks then reports it, or ignores it). */
  getSource(name: string): LoaderSource | null {
    const file = path.resolve(this.root, name);
    if (!file.startsWith(this.root + path.sep)) {
      throw new RenderFault('ERR_TEMPLATE_NAME', `template "${name}" is outside the template directory`);
    }
    const text = this.preloaded.get(name) ?? this.read(file, name);
    if (text === undefined) return null;
    const source = normalizeSource(text);
    let compiled;
    try {
      compiled = compileSource(source, name, this.knownNames);
    } catch (error) {
      const { lineno, message } = error as { lineno?: number; message?: string };
      // nunjucks gives no line for an unexpected end of the template: that is its last line.
      const line = lineno ?? source.split('\n').length;
      throw new RenderFault('ERR_TEMPLATE_SYNTAX', String(message ?? error), { cause: error, lineno: line, template: name });
    }
    this.dependencies.set(name, compiled.dependencies.map((dep) => (this.isRelative(dep) ? this.resolve(name, dep) : dep)));
    // The code defines `root` and one function per block, each of which takes our runtime from this parameter.
    const props = new Function(RUNTIME_PARAMETER, compiled.code)(runtimeFor(name)) as Record<string, RenderFunction>;
    return { src: { type: 'code', obj: props }, path: name, noCache: false };
  }

  private read(file: string, name: string): string | undefined {
    try {
      return decodeSource(readFileSync(file), name);
    } catch (error) {
      if (error instanceof RenderFault) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RenderFault('ERR_TEMPLATE_READ', `cannot read template "${name}": ${String(error)}`, { cause: error });
    }
  }
}
