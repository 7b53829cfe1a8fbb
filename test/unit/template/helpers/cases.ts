// The template corpus for the tests: cases read as PyYAML reads them, and each rendered in a fresh directory.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileTemplates, renderTemplate } from '../../../../src/template/render.js';
import { readPythonYaml } from './yaml-context.js';

/** Where the corpus lives. */
export const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/template');

/** One template case: the template, other files of its directory, the run context. */
export interface TemplateCase {
  readonly name: string;
  readonly template: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly context?: Readonly<Record<string, unknown>>;
  /** differences.yaml only: what we render, or the error code we raise, and the note for DIFFERENCES.md. */
  readonly ours?: string;
  readonly ours_error?: string;
  readonly note?: string;
}

/** Jinja2's result for a case, as make-expected.py recorded it. */
export type Expected = { readonly output: string } | { readonly error: string };

/** The recorded Jinja2 results, by `<file stem>/<case name>`. */
export function readExpected(): Readonly<Record<string, Expected>> {
  return (JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as { cases: Record<string, Expected> })
    .cases;
}

/** The cases of one corpus file (relative to the fixtures folder). */
export function readCases(file: string): TemplateCase[] {
  return readPythonYaml(path.join(FIXTURES, file)) as TemplateCase[];
}

/** Our result for a case: the rendered text, or the error (with its code) that rendering raised. */
export async function renderCase(
  testCase: TemplateCase,
): Promise<{ output: string; error?: undefined } | { output?: undefined; error: Error & { code?: string } }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'template-case-'));
  try {
    for (const [name, text] of Object.entries({ ...testCase.files, 'template.j2': testCase.template })) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), text);
    }
    try {
      const compiled = await compileTemplates(dir, ['template.j2']);
      return { output: renderTemplate(compiled, 'template.j2', testCase.context ?? {}) };
    } catch (error) {
      return { error: error as Error & { code?: string } };
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
