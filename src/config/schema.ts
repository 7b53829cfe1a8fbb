// The configuration's schema, written once: the same TypeBox object is the Ajv validator (generated as code at build
// time, validator-build.ts), the TypeScript type of a validated file, and the JSON Schema editors read
// (`# yaml-language-server: $schema=...`). It accepts
// model-ensembler's format unchanged (model_ensembler/model-ensemble.json) and checks more: positive limits, task
// arguments, template names. Keys that `batch_config` may supply are optional here; defaults.ts checks them per batch.
import { Type } from '@sinclair/typebox';
import type { Static, TOptional, TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { EXECUTOR_NAMES } from '../executors/names.js';
import { DEFAULT_RETRY_ON, RETRY_STATES } from './keys.js';
import { SWEEP_BATCH_KEYS } from './sweep-schema.js';
import { TASK_LIST } from './task-schema.js';

/**
 * Where each task list points: the list is defined once, under `definitions`, so the validator generated from the
 * schema holds its code once (seven copies made a 1 MB module that cost every start 60 ms to load).
 */
const TASKS = Type.Unsafe<unknown[] | null>({ $ref: '#/definitions/task_list' });

// A run directory is `<basedir>/<name>-<idx>`, and the name tags jobs: no path separators, no blanks, not `.`/`..`.
// At most 200 characters: with `-<index>` (or a label) the run directory's name must stay within a file system's 255.
const NAME = Type.String({
  pattern: '^(?!\\.\\.?$)[^/\\\\\\s\\x00-\\x1f]+$',
  maxLength: 200,
  expected: 'a name usable as a directory name (no "/", "\\", spaces or control characters, not "." or "..", at most 200 characters)',
  description: 'The batch name: prefix of its run ids and run directories. Unique in the file.',
});

const RETRY = Type.Object(
  {
    max: Type.Optional(Type.Integer({ minimum: 0, description: 'Further attempts after the first (default 0).' })),
    on: Type.Optional(
      Type.Array(Type.Union(RETRY_STATES.map((state) => Type.Literal(state))), {
        expected: `a list of job end states (${RETRY_STATES.join(', ')})`,
        description: `Job end states that are retried (default ${DEFAULT_RETRY_ON.join(', ')}).`,
      }),
    ),
    backoff: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds to wait before the next attempt (default 0).' })),
  },
  { additionalProperties: false, description: 'Send a run whose job ended badly back for another attempt.' },
);

/** Every key a batch may set, and what `batch_config` may set for all batches (all but name and basedir). */
const SHARED_BATCH_KEYS = {
  templatedir: Type.String({ minLength: 1, description: 'The directory copied into each run directory; relative to basedir.' }),
  templates: Type.Array(Type.String({ pattern: '\\.j2$', expected: 'a template file name ending in ".j2"' }), {
    expected: 'a list of template file names',
    description: 'Files of templatedir rendered for each run (the ".j2" is dropped from the result).',
  }),
  job_file: Type.String({ minLength: 1, description: 'The job script submitted for each run, relative to the run directory.' }),
  runs: Type.Array(Type.Record(Type.String(), Type.Unknown(), { expected: 'a mapping of run values' }), {
    expected: 'a list of runs (mappings)',
    description: 'One entry per run; its keys are available to templates as run.<key>. A sweep\'s runs follow these.',
  }),
  maxruns: Type.Integer({ minimum: 1, description: 'Most runs of the batch in progress at once.' }),
  maxjobs: Type.Integer({ minimum: 1, description: 'Most jobs of the batch queued or running at once.' }),
  repeat: Type.Boolean({ description: 'Run the batch again and again until its pre_batch tasks fail.' }),
  cluster: Type.String({ description: 'Scheduler partition, for the job template.' }),
  email: Type.String({ description: 'Mail address, for the job template.' }),
  nodes: Type.Union([Type.Number(), Type.String()], { description: 'Nodes per job, for the job template.' }),
  ntasks: Type.Number({ description: 'Tasks per job, for the job template.' }),
  length: Type.Union([Type.Number(), Type.String()], { description: 'Job time limit, for the job template.' }),
  pre_batch: TASKS,
  pre_run: TASKS,
  post_run: TASKS,
  post_batch: TASKS,
  retry: RETRY,
  executor: Type.Union(EXECUTOR_NAMES.map((name) => Type.Literal(name)), {
    expected: `one of ${EXECUTOR_NAMES.join(', ')}`,
    description: 'Where this batch\'s jobs run (default: the executor given on the command line), e.g. local for analysis on the login node beside slurm simulations.',
  }),
  result_file: Type.String({ minLength: 1, description: 'The file a run leaves its results in, read after its job (default result.json); a JSON mapping of at most 1 MB.' }),
  ...SWEEP_BATCH_KEYS,
};

/** A list of batch names, with what it means. */
const batchNames = (description: string) => Type.Array(Type.String({ minLength: 1 }), { expected: 'a list of batch names', description });

/** What starts a batch: its own keys, never shared through batch_config. */
const START_KEYS = {
  after: Type.Optional(batchNames('Start when these batches have finished (all their runs ended and their post_batch ran); [] starts at once. Without after, after_success or when, a batch follows the one above it.')),
  after_success: Type.Optional(batchNames('Start when these batches have finished with every run succeeded; otherwise this batch is skipped.')),
  when: Type.Optional(Type.String({ minLength: 1, description: 'Start as soon as this condition over metrics holds, e.g. "sim.succeeded >= 3" (combines with after).' })),
};

/** One rule: a condition over metrics and what to do once it holds. */
const RULE = Type.Object(
  {
    when: Type.String({ minLength: 1, description: 'The condition, e.g. "sim.failed > 10 or sim.queue_wait.p90 > 3600".' }),
    start: Type.Optional(Type.String({ minLength: 1, description: 'Start this batch now, whatever its own conditions.' })),
    stop: Type.Optional(Type.String({ minLength: 1, description: 'Start no more runs of this batch; running ones finish.' })),
    cancel: Type.Optional(Type.String({ minLength: 1, description: 'Cancel this batch: its runs not yet started and its jobs in flight.' })),
    execute: Type.Optional(Type.String({ minLength: 1, description: 'Run this command (in the working directory), e.g. a notification.' })),
    repeat: Type.Optional(Type.Boolean({ description: 'Fire again each time the condition becomes true again (default: once).' })),
    every: Type.Optional(Type.Integer({ minimum: 1, description: 'With repeat: fire at most once per this many more finished runs (of the batches the condition names).' })),
  },
  { additionalProperties: false, expected: 'a rule (when, and one of start, stop, cancel, execute)', description: 'A rule: when its condition holds, start, stop or cancel a batch, or run a command.' },
);

const optional = <T extends Record<string, TSchema>>(keys: T) =>
  Object.fromEntries(Object.entries(keys).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };

/** One entry of `batches`. name and basedir are its own; the other keys may come from batch_config. */
const BATCH = Type.Object(
  {
    name: NAME,
    basedir: Type.String({ minLength: 1, description: 'Where run directories are made; relative to the working directory.' }),
    ...START_KEYS,
    ...optional(SHARED_BATCH_KEYS),
  },
  { additionalProperties: false, expected: 'a batch (a mapping of batch settings)' },
);

/** `batch_config`: defaults for every batch; a batch's own value wins. */
const BATCH_CONFIG = Type.Object(optional(SHARED_BATCH_KEYS), {
  additionalProperties: false,
  description: 'Defaults for every batch; a batch\'s own value wins.',
});

/** A whole configuration file. */
export const CONFIG_SCHEMA = Type.Object(
  {
    ensemble: Type.Object(
      {
        vars: Type.Optional(
          Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'Values every template sees as run.<key>.' }),
        ),
        pre_process: Type.Optional(TASKS),
        post_process: Type.Optional(TASKS),
        batch_config: Type.Optional(Type.Union([BATCH_CONFIG, Type.Null()])),
        batches: Type.Array(BATCH, { minItems: 1, expected: 'a list of at least one batch' }),
        maxjobs: Type.Optional(Type.Integer({ minimum: 1, description: 'Most jobs of all batches together queued or running at once (on top of each batch\'s maxjobs).' })),
        maxruns: Type.Optional(Type.Integer({ minimum: 1, description: 'Most runs of all batches together in progress at once (on top of each batch\'s maxruns).' })),
        rules: Type.Optional(Type.Array(RULE, { expected: 'a list of rules', description: 'Rules over metrics: start, stop or cancel a batch, or run a command, when a condition holds.' })),
      },
      { additionalProperties: false, expected: 'a mapping of vars, pre_process, post_process, batch_config, batches, maxjobs, maxruns and rules' },
    ),
  },
  { additionalProperties: false, title: 'model_ensemble configuration', expected: 'a mapping with the key "ensemble"', definitions: { task_list: TASK_LIST } },
);

/** A configuration file as written, once it has passed the schema. */
export type RawConfig = Static<typeof CONFIG_SCHEMA>;
/** One entry of `batches` as written. */
export type RawBatch = Static<typeof BATCH>;
/** The keys a batch may take from batch_config, as the schema has them (keys.ts lists them for readers). */
export const SCHEMA_SHARED_KEYS: readonly string[] = Object.keys(SHARED_BATCH_KEYS);
/** Every key a batch may have, as the schema has them. */
export const SCHEMA_BATCH_KEYS: readonly string[] = Object.keys(BATCH.properties);

/** A fingerprint of the schema: a precompiled validator made from another schema is not used. */
export function schemaFingerprint(): string {
  return createHash('sha256').update(JSON.stringify(CONFIG_SCHEMA)).digest('hex').slice(0, 16);
}

/**
 * Compiles the validator. verbose: each error carries the failing value and schema, which the messages describe.
 * `source`: keep the generated code, for writing it out as a module (validator-build.ts).
 */
export function compileValidator(options: { source?: boolean } = {}): { ajv: Ajv; validate: ValidateFunction } {
  // The schema inlines the task union ten times (about 1 MB of generated code): skipping Ajv's optimisation passes
  // halves a compile made at run time. The build's compile keeps them (the code it writes is smaller).
  // inlineRefs: false keeps a referenced definition one function, called from each place, not a copy in each.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, inlineRefs: false, code: { optimize: options.source === true, source: options.source === true } });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  return { ajv, validate: ajv.compile(CONFIG_SCHEMA) };
}

/** Copies a schema as plain JSON, without the annotations only our messages read. */
function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'expected')
      .map(([key, inner]) => [key, stripAnnotations(inner)]),
  );
}

/** The schema as a draft-07 JSON Schema, for editors; `model_ensemble schema` prints it. */
export function buildJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(stripAnnotations(CONFIG_SCHEMA) as Record<string, unknown>),
  };
}
