// Keyword arguments as compiled templates pass them: nunjucks appends one object marked `__keywords` to the
// positional arguments (`f(a, b=1)` calls `f(a, {b: 1, __keywords: true})`).

/** Splits nunjucks' trailing keyword-argument object (`f(a, b=1)`) from the positional arguments. */
export function splitKeywords(args: readonly unknown[]): { args: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (typeof last === 'object' && last !== null && last['__keywords'] === true) {
    const { __keywords: _, ...kwargs } = last;
    return { args: args.slice(0, -1), kwargs };
  }
  return { args: [...args], kwargs: {} };
}

/** Binds keyword arguments to positional parameters by name, as Python does: `split(maxsplit=1)`. */
export function bindKeywords(raw: readonly unknown[], names: readonly string[]): unknown[] {
  const { args, kwargs } = splitKeywords(raw);
  names.forEach((name, i) => {
    if (i >= args.length && Object.hasOwn(kwargs, name)) args[i] = kwargs[name];
  });
  return args;
}
