// The schema of the batch keys that make runs without listing them: `sweep` (matrix, zip, csv, yaml, sample),
// `label` and `max_runs`. Part of schema.ts's schema (editors read the descriptions); the rules the schema cannot
// say (zip lengths, ranges, how generators combine, the run count) are checked in sweep.ts.
import { Type } from '@sinclair/typebox';
import { DEFAULT_MAX_RUNS, SAMPLE_METHODS } from './keys.js';

/** A list of values, or a range giving them. */
const VALUES = Type.Union(
  [
    Type.Array(Type.Unknown(), { minItems: 1, expected: 'a list of at least one value', description: 'The values, in order.' }),
    Type.Object(
      {
        start: Type.Optional(Type.Number({ description: 'The first value (default 0).' })),
        stop: Type.Optional(Type.Number({ description: 'The end of the range, excluded as in Python\'s range().' })),
        step: Type.Optional(Type.Number({ description: 'The difference between values (default 1; may be negative, not 0).' })),
        linspace: Type.Optional(
          Type.Tuple([Type.Number(), Type.Number(), Type.Integer({ minimum: 1 })], {
            expected: 'a list [start, stop, num] with num a positive integer',
            description: 'numpy.linspace: num evenly spaced floats from start to stop, both included.',
          }),
        ),
      },
      {
        additionalProperties: false,
        expected: 'a range {start, stop, step} or {linspace: [start, stop, num]}',
        description: 'A range: {start: 0, stop: 1, step: 0.25} (stop excluded; integers stay integers) or {linspace: [0, 1, 5]}.',
      },
    ),
  ],
  { expected: 'a list of values or a range ({start, stop, step} or {linspace: [start, stop, num]})', description: 'A list of values, or a range.' },
);

const GROUP = Type.Record(Type.String(), VALUES, {
  expected: 'a mapping of names to lists of values',
  description: 'Lists of equal length, taken side by side: the first values of each make one run, the second the next, ...',
});

const SAMPLE = Type.Object(
  {
    method: Type.Union(
      SAMPLE_METHODS.map((method) => Type.Literal(method)),
      { description: 'random: uniform points; lhs: a Latin hypercube (one point per stratum of every dimension); sobol: a Sobol sequence.' },
    ),
    n: Type.Integer({ minimum: 1, description: 'How many points (runs).' }),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Seed of the points: the same seed gives the same points everywhere (default 0; for sobol, no seed means no scrambling).',
      }),
    ),
    space: Type.Record(
      Type.String(),
      Type.Tuple([Type.Number(), Type.Number()], { expected: 'a list [low, high]', description: 'The dimension\'s range [low, high].' }),
      { minProperties: 1, expected: 'a mapping of names to [low, high]', description: 'The dimensions: each name and its range [low, high].' },
    ),
  },
  { additionalProperties: false, description: 'Points drawn in a box, one run each; their values are floats.' },
);

/** `sweep`: runs made from rules, after the batch's listed runs. */
export const SWEEP = Type.Object(
  {
    matrix: Type.Optional(
      Type.Record(Type.String(), VALUES, {
        expected: 'a mapping of names to lists of values',
        description: 'Every combination of the lists (the cartesian product), keys in file order, the last varying fastest.',
      }),
    ),
    zip: Type.Optional(
      Type.Union([GROUP, Type.Array(GROUP, { minItems: 1, expected: 'a list of zip groups' })], {
        expected: 'a mapping of names to lists of equal length, or a list of such mappings',
        description: 'Lists of equal length taken side by side; a list of such groups makes one factor per group.',
      }),
    ),
    csv: Type.Optional(
      Type.String({ minLength: 1, description: 'A CSV file (relative to this file): header = names, one run per row; values read as YAML scalars.' }),
    ),
    yaml: Type.Optional(Type.String({ minLength: 1, description: 'A YAML file (relative to this file) holding a list of mappings: one run per entry.' })),
    sample: Type.Optional(SAMPLE),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    expected: 'a mapping of matrix, zip, csv, yaml and sample',
    description: 'Runs made from rules, after the listed runs. Generators written together are crossed, in the order written, the last varying fastest.',
  },
);

/** The batch keys of sweeps, in the order the schema lists them. */
export const SWEEP_BATCH_KEYS = {
  sweep: SWEEP,
  label: Type.String({
    minLength: 1,
    description: 'Names each run <batch>-<label>, e.g. "a{{ alpha }}-b{{ beta }}": a template seeing the run\'s values (and run.<key>).',
  }),
  max_runs: Type.Integer({
    minimum: 1,
    description: `The most runs the batch may have, listed and generated (a sweep may make at most ${DEFAULT_MAX_RUNS} unless this says otherwise). Not maxruns, which is how many run at once.`,
  }),
};
