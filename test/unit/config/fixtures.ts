// Shared set-up for the config tests: configuration text written into a fresh folder beside a template directory,
// and the ConfigError a load is expected to throw.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConfigError } from '../../../src/errors.js';
import type { Problem } from '../../../src/errors.js';
import { buildEnsembleYaml, fromLines, raw, type BatchYaml } from '../../helpers/ensemble-yaml.js';
import { rejectionOf } from '../../helpers/rejection.js';

/** test/fixtures/config, where the committed fixtures live. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');

/** Removes the indentation common to all lines and the first empty line, so configurations can be written inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n').replace(/\s*$/, '\n');
}

/** Writes `text` as `config.yaml` in `dir`, beside a `template_job` folder holding `templates`; returns the file. */
export async function writeConfig(dir: string, text: string, templates: readonly string[] = ['job.sh.j2']): Promise<string> {
  for (const template of templates) {
    const file = path.join(dir, 'template_job', template);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `# ${template}\n`);
  }
  const file = path.join(dir, 'config.yaml');
  await fs.writeFile(file, text);
  return file;
}

/** Copies the committed example ensembles (and their template directory) into `dir`. */
export async function copyExamples(dir: string): Promise<void> {
  await fs.cp(path.join(FIXTURES, 'ensembles'), dir, { recursive: true });
}

/** Awaits a load that must fail; returns its ConfigError. */
export function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  return rejectionOf(promise, ConfigError, 'the configuration to be refused');
}

/** A problem as one line, `file:line:col key: message`, as users read it. */
export function lines(error: ConfigError): string[] {
  return error.message.split('\n');
}

/** The problem whose key path is `key`; fails the test if there is none. */
export function problemAt(error: ConfigError, key: string): Problem {
  const found = error.problems.find((problem) => problem.where.key === key);
  if (!found) expect.fail(`no problem at ${key}; problems:\n${error.message}`);
  return found;
}

/**
 * A minimal valid batch for buildEnsembleYaml, its keys one a line in the order name, basedir, templatedir, templates,
 * job_file, maxruns, maxjobs (items at column 5, keys at column 7). The values of `set` are YAML text as written: they
 * replace defaults in place, undefined leaves a key out, new keys follow, and a list of texts is written one item a
 * line at its key's column. `extra` keys follow, written as YAML lines (`sweep:`, `  matrix: {a: [1]}`; fromLines).
 */
export function batch(name: string, set: Readonly<Record<string, string | readonly string[] | undefined>> = {}, ...extra: string[]): BatchYaml {
  const keys: Record<string, string | readonly string[] | undefined> = { basedir: `./${name}`, templatedir: '../template_job', templates: '[job.sh.j2]', job_file: 'job.sh', maxruns: '2', maxjobs: '1', ...set };
  const written = Object.entries(keys).map(([key, value]) => [key, value === undefined ? undefined : typeof value === 'string' ? raw(value) : value.map(raw)]);
  return Object.fromEntries([['name', raw(name)], ...written, ...Object.entries(fromLines(...extra))]) as BatchYaml;
}

/** A whole configuration: `head` keys under `ensemble:` written as YAML lines (fromLines), then the batches. */
export function ensemble(head: readonly string[], ...batches: BatchYaml[]): string {
  return buildEnsembleYaml({ ...fromLines(...head), batches });
}
