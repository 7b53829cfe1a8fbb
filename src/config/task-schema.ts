// The schema of a task entry (`{name, args}`) for each task model-ensembler users can name. Arguments are checked here,
// once, when the file is read: an unknown argument or a missing `cmd` stops the ensemble before anything runs, rather
// than failing the first run hours later. The names and arguments are model-ensembler's (model_ensembler/tasks/).
import { KindGuard, Type } from '@sinclair/typebox';
import type { TObject, TProperties, TSchema } from '@sinclair/typebox';

/** Any argument may name a value of the run instead (`dest: run.archive`), resolved when the task runs. */
const RUN_REFERENCE = Type.String({ pattern: '^run\\.', expected: 'a "run." reference' });

/** A value of the given schema, or a `run.` reference. */
const orRun = (schema: TSchema): TSchema => Type.Union([schema, RUN_REFERENCE]);

const command = {
  cmd: Type.String({ description: 'The command, run by the shell in the run (or working) directory.' }),
  cwd: Type.Optional(Type.String({ description: 'Directory to run the command in.' })),
  log: Type.Optional(orRun(Type.Boolean({ description: 'Write the command output to a log file.' }))),
  shell: Type.Optional(Type.String({ description: 'The shell that runs the command (default: the -sh option, bash).' })),
  timeout: Type.Optional(orRun(Type.Number({ exclusiveMinimum: 0, description: 'Seconds before the command is stopped.' }))),
};

const stringOrList = Type.Union([Type.String(), Type.Array(Type.String(), { expected: 'a list of strings' })]);

/** Each task's arguments, by task name; `required` tasks must be given `args`. */
const TASK_ARGS: Readonly<Record<string, { args: TProperties; description: string }>> = {
  check: {
    description: 'Waits until the command succeeds (or fails the run at once with fail: true).',
    args: { ...command, fail: Type.Optional(orRun(Type.Boolean({ description: 'Fail instead of waiting when the command fails.' }))) },
  },
  execute: { description: 'Runs the command; its failure fails the run (or the batch).', args: command },
  quota: {
    description: 'Waits until the user quota has at least this much free space.',
    args: {
      atleast: orRun(Type.Number({ minimum: 0, description: 'Free space needed, in kB.' })),
      mnt: Type.Optional(Type.String({ description: 'The mount point whose quota is checked.' })),
    },
  },
  jobs: {
    description: 'Waits until fewer than `limit` of this ensemble\'s jobs are queued or running.',
    args: {
      limit: orRun(Type.Integer({ minimum: 1, description: 'The most jobs at once.' })),
      match: Type.Optional(Type.String({ description: 'Count only jobs whose name starts with this.' })),
    },
  },
  submit: {
    description: 'Submits an extra job script from the run directory.',
    args: { script: Type.String({ description: 'The job script, relative to the run directory.' }) },
  },
  move: {
    description: 'Copies the run directory into dest/<run id> with rsync.',
    args: {
      dest: Type.String({ description: 'The directory that receives the run directory.' }),
      include: Type.Optional(stringOrList),
      exclude: Type.Optional(stringOrList),
      cwd: Type.Optional(Type.String({ description: 'The directory to copy instead of the run directory (inside it, unless outside: true).' })),
      outside: Type.Optional(Type.Boolean({ description: 'Allow copying a cwd outside the run directory.' })),
    },
  },
  remove: {
    description: 'Removes the run directory, or the given directory.',
    args: {
      directory: Type.Optional(Type.String({ description: 'The directory to remove (default: the run directory); relative to basedir.' })),
      outside: Type.Optional(Type.Boolean({ description: 'Allow removing a directory outside the basedir (the working directory for pre/post_process), or one holding other runs.' })),
    },
  },
};

/** The task names the schema has, in the order messages list them (keys.ts lists them for readers). */
export const SCHEMA_TASK_NAMES: readonly string[] = Object.keys(TASK_ARGS);

/** The schema of one task's entry: its name, its arguments and model-ensembler's ignored `value`. */
function buildTaskSchema(name: string): TObject {
  const { args, description } = TASK_ARGS[name] ?? { args: {}, description: '' };
  const argsSchema = Type.Object(args, { additionalProperties: false });
  const anyRequired = Object.values(args).some((schema) => !KindGuard.IsOptional(schema));
  return Type.Object(
    {
      name: Type.Literal(name),
      args: anyRequired ? argsSchema : Type.Optional(Type.Union([argsSchema, Type.Null()])),
      value: Type.Optional(Type.Unknown({ description: 'Accepted for model-ensembler files; ignored.' })),
    },
    { additionalProperties: false, description },
  );
}

/** One task: a union over the task names, told apart by `name`. */
const TASK = Type.Union(SCHEMA_TASK_NAMES.map(buildTaskSchema), { expected: 'a task (a mapping with name and args)' });

/** A list of tasks; an empty YAML value (`pre_run:`) means none. */
export const TASK_LIST = Type.Union([Type.Array(TASK, { expected: 'a list of tasks' }), Type.Null()]);
