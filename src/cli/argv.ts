// Command-line words as model-ensembler users type them, made fit for commander: its two-letter short flags
// (`-ct 5`) become long ones (commander would read `-ct` as `-c -t`), `-x name=value ...` words are taken out
// (they may stand before or after the positionals), and a first positional that names a sub-command is found.
import { RUN_CONTEXT_KEYS } from '../engine/context.js';
import { UsageError } from '../errors.js';

/** model-ensembler's two-letter flags and their long forms. */
export const TWO_LETTER_FLAGS: Readonly<Record<string, string>> = {
  '-ct': '--check-timeout',
  '-st': '--submit-timeout',
  '-rt': '--running-timeout',
  '-et': '--error-timeout',
  '-ms': '--max-stagger',
};

/** Options that take a value, so the word after them is not a positional. */
const OPTIONS_WITH_VALUE = new Set([
  '-l',
  '--shell',
  '-k',
  '--skips',
  '-i',
  '--indexes',
  '--check-timeout',
  '--submit-timeout',
  '--running-timeout',
  '--error-timeout',
  '--max-stagger',
  '--state-dir',
  '--submit-rate',
  '--runs',
  '--dir',
]);

/** What preprocessing found. */
export interface PreparedArgs {
  /** The words for commander. */
  readonly words: string[];
  /** `-x` pairs in order (a later pair wins). */
  readonly extraVars: Record<string, string>;
  /** The sub-command named by the first positional, if it is one of `subcommands`. */
  readonly subcommand: string | undefined;
}

/** Parses one `-x` word: `name=value` with a non-empty name and value, as model-ensembler requires. */
export function parseExtraVar(word: string): [string, string] {
  const match = /^([^=]+)=(.+)$/s.exec(word);
  if (!match?.[1] || match[2] === undefined) {
    throw new UsageError(`-x/--extra-vars: "${word}" is not name=value`);
  }
  if (RUN_CONTEXT_KEYS.includes(match[1])) {
    throw new UsageError(`-x/--extra-vars: ${match[1]} is set by model_ensemble for each run (${RUN_CONTEXT_KEYS.join(', ')}) and cannot be given`);
  }
  return [match[1], match[2]];
}

/** Rewrites two-letter flags, takes out `-x` pairs and finds a sub-command among `subcommands`. */
export function prepareArgs(argv: readonly string[], subcommands: readonly string[]): PreparedArgs {
  const words: string[] = [];
  const extraVars: Record<string, string> = {};
  let subcommand: string | undefined;
  let sawPositional = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    let word = argv[i] ?? '';
    if (onlyPositionals) {
      words.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      words.push(word);
      continue;
    }
    const [flag = word, inline] = word.startsWith('-') && word.includes('=') ? splitOnce(word) : [word, undefined];
    const long = TWO_LETTER_FLAGS[flag];
    if (long) word = inline === undefined ? long : `${long}=${inline}`;
    if (flag === '-x' || flag === '--extra-vars') {
      const pairs = inline === undefined ? [] : [inline];
      while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('-') && (argv[i + 1] ?? '').includes('=')) {
        pairs.push(argv[++i] ?? '');
      }
      for (const pair of pairs) {
        const [name, value] = parseExtraVar(pair);
        extraVars[name] = value;
      }
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      words.push(word);
      if (OPTIONS_WITH_VALUE.has(word) && i + 1 < argv.length) words.push(argv[++i] ?? '');
      continue;
    }
    if (!sawPositional && subcommands.includes(word)) {
      subcommand = word;
      sawPositional = true;
      continue;
    }
    sawPositional = true;
    words.push(word);
  }
  return { words, extraVars, subcommand };
}

function splitOnce(word: string): [string, string] {
  const at = word.indexOf('=');
  return [word.slice(0, at), word.slice(at + 1)];
}
