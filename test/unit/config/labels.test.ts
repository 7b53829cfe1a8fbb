import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { loadEnsemble } from '../../../src/config/load.js';
import type { Batch } from '../../../src/config/types.js';
import { PyDate, PyFloat } from '../../../src/config/values.js';
import { compileString, renderString } from '../../../src/template/string.js';
import type { BatchYaml } from '../../helpers/ensemble-yaml.js';
import { tempDirs } from '../../helpers/tmp.js';
import { batch, ensemble, lines, rejection, writeConfig } from './fixtures.js';

describe('config/labels', () => {
  const temp = tempDirs();
  let dir: string;
  beforeEach(async () => {
    dir = await temp.make('me-labels-');
  });
  afterEach(() => temp.cleanup());

  /** The batches of a configuration with `head` under ensemble and these batches. */
  async function load(head: string[], ...batches: BatchYaml[]): Promise<readonly Batch[]> {
    const file = await writeConfig(dir, ensemble(head, ...batches));
    return (await loadEnsemble(file, { cwd: dir })).batches;
  }

  /** The messages of a configuration that must be refused. */
  async function refused(head: string[], ...batches: BatchYaml[]): Promise<string[]> {
    const file = await writeConfig(dir, ensemble(head, ...batches));
    return lines(await rejection(loadEnsemble(file, { cwd: dir })));
  }

  it('names each run and its directory <batch>-<label>, listed runs too', async () => {
    const [b] = await load([], batch('study', {}, 'label: "a{{ alpha }}-b{{ run.beta }}"', 'runs: [{alpha: 9, beta: 9}]', 'sweep: {matrix: {alpha: [0.1, 1.0], beta: [1, 2]}}'));
    expect(b?.runs.map((run) => run.id)).to.deep.equal(['study-a9-b9', 'study-a0.1-b1', 'study-a0.1-b2', 'study-a1.0-b1', 'study-a1.0-b2']);
    expect(b?.runs.map((run) => run.idx)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(b?.runs[1]?.dir).to.equal(path.join(dir, 'study', 'study-a0.1-b1'));
  });

  it('lets a label read vars, the batch\'s keys and idx, and batch_config give the label', async () => {
    const head = ['vars: {model: fesom}', 'batch_config:', '  label: "{{ model }}-{{ run.cluster }}-{{ idx }}"'];
    const [b] = await load(head, batch('study', {}, 'cluster: short', 'runs: [{}, {}]'));
    expect(b?.runs.map((run) => run.id)).to.deep.equal(['study-fesom-short-0', 'study-fesom-short-1']);
  });

  it('renders a label with the template renderer\'s full language', async () => {
    const [b] = await load([], batch('s', {}, 'label: "{% if x > 1 %}big{% else %}small{% endif %}-{{ \'%03d\' % x }}-{{ name | upper }}"', 'sweep: {zip: {x: [1, 2], name: [ab, cd]}}'));
    expect(b?.runs.map((run) => run.id)).to.deep.equal(['s-small-001-AB', 's-big-002-CD']);
  });

  it('refuses a label that two runs share, naming both', async () => {
    const label = batch('s', {}, 'label: "x{{ x }}"', 'runs:', '  - {x: 1, y: 0}', 'sweep: {matrix: {x: [1, 2], y: [3, 4]}}');
    expect(await refused([], label)).to.deep.equal([
      'config.yaml:10:14 batches[0].label: the label renders "x1" for both batches[0].runs[0] (line 12) and the sweep\'s run 0 (x: 1, y: 3); add to the label a value that tells them apart',
      'config.yaml:10:14 batches[0].label: the label renders "x1" for both batches[0].runs[0] (line 12) and the sweep\'s run 1 (x: 1, y: 4); add to the label a value that tells them apart',
      'config.yaml:10:14 batches[0].label: the label renders "x2" for both the sweep\'s run 2 (x: 2, y: 3) and the sweep\'s run 3 (x: 2, y: 4); add to the label a value that tells them apart',
    ]);
  });

  it('refuses a label that is not a safe file name, saying which character', async () => {
    const messages = await refused([], batch('s', {}, 'label: "{{ x }}"', 'sweep: {matrix: {x: ["a b", "a/b", "a,b", "a\\tb", ""]}}'));
    expect(messages.map((message) => message.replace(/^.*?: the label renders /, ''))).to.deep.equal([
      '"a b" for the sweep\'s run 0 (x: "a b"), and it holds a space; a label may hold only letters, digits and . _ + - =',
      '"a/b" for the sweep\'s run 1 (x: "a/b"), and it holds a "/"; a label may hold only letters, digits and . _ + - =',
      '"a,b" for the sweep\'s run 2 (x: "a,b"), and it holds a "," (rerun --runs and cancel --runs take ids separated by commas); a label may hold only letters, digits and . _ + - =',
      '"a\\tb" for the sweep\'s run 3 (x: "a\\tb"), and it holds a control character; a label may hold only letters, digits and . _ + - =',
      '"" for the sweep\'s run 4 (x: ""), and it is empty; a label may hold only letters, digits and . _ + - =',
    ]);
    expect(await refused([], batch('s', {}, 'label: "é"', 'runs: [{}]'))).to.deep.equal([
      'config.yaml:10:14 batches[0].label: the label renders "é" for batches[0].runs[0] (line 11), and it holds "é"; a label may hold only letters, digits and . _ + - =',
    ]);
  });

  it('refuses a run id over 200 bytes, and reports at most five label problems of a batch', async () => {
    const long = await refused([], batch('s', {}, `label: "${'x'.repeat(190)}{{ i }}"`, 'sweep: {matrix: {i: [1000000000, 2]}}'));
    expect(long).to.deep.equal(['config.yaml:10:14 batches[0].label: the run id "s-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..." of the sweep\'s run 0 (i: 1000000000) is 202 bytes; with the batch name and "-", a label may make at most 200']);
    const many = await refused([], batch('s', {}, 'label: "a b{{ i }}"', 'sweep: {matrix: {i: {stop: 20}}}'));
    expect(many).to.have.length(6);
    expect(many.at(-1)).to.equal('config.yaml:10:14 batches[0].label: and 15 more runs with label problems');
  });

  it('says that a label cannot use what is known only once a run runs', async () => {
    expect(await refused([], batch('s', {}, 'label: "{{ run.attempt }}"', 'runs: [{}]'))).to.deep.equal([
      'config.yaml:10:14 batches[0].label: the label cannot be rendered for batches[0].runs[0] (line 11): undefined variable "run.attempt"; run.attempt is not known when runs are named (a label sees vars, the batch\'s keys, the run\'s values and idx)',
    ]);
    expect(await refused([], batch('s', {}, 'label: "{{ gamma }}"', 'runs: [{}]'))).to.deep.equal([
      'config.yaml:10:14 batches[0].label: the label cannot be rendered for batches[0].runs[0] (line 11): undefined variable "gamma"',
    ]);
  });

  it('refuses a label that does not compile', async () => {
    const [message] = await refused([], batch('s', {}, 'label: "{% if x %}a"', 'runs: [{x: 1}]'));
    expect(message).to.match(/^config\.yaml:10:14 batches\[0\]\.label: the label does not compile: /);
  });

  it('accepts batches whose names extend each other while their run ids differ', async () => {
    const batches = await load([], batch('a', {}, 'label: "x{{ n }}"', 'runs: [{n: 0}]'), batch('a-b', { basedir: './a' }, 'runs: [{}]'));
    expect(batches.map((b) => b.runs.map((run) => run.id))).to.deep.equal([['a-x0'], ['a-b-0']]);
  });

  it('refuses a label that makes the id of a run of an earlier batch', async () => {
    const messages = await refused([], batch('a', {}, 'label: "b-{{ n }}"', 'runs: [{n: 0}]'), batch('a-b', { basedir: './a' }, 'runs: [{}]'));
    expect(messages).to.deep.equal(['config.yaml:12:13 batches[1].name: run id "a-b-0" is also a run of batches[0]; run ids are unique in the ensemble (change the label)']);
    const reversed = await refused([], batch('a-b', { basedir: './a' }, 'runs: [{}]'), batch('a', {}, 'label: "b-{{ n }}"', 'runs: [{n: 0}]'));
    expect(reversed).to.deep.equal(['config.yaml:18:14 batches[1].label: run id "a-b-0" is also a run of batches[0]; run ids are unique in the ensemble (change the label)']);
  });

  it('names 100,000 runs in about half a second', async function () {
    this.timeout(20_000);
    const study = batch('s', {}, 'label: "a{{ alpha }}-b{{ beta }}"', 'sweep: {matrix: {alpha: {start: 0, stop: 1, step: 0.01}, beta: {linspace: [0, 1, 1000]}}}');
    await load([], study);
    // CPU time, which other processes on a busy machine do not inflate as they do the wall clock.
    const started = process.cpuUsage();
    const [b] = await load([], study);
    const used = process.cpuUsage(started);
    expect(b?.runs[12_345]?.id).to.equal('s-a0.12-b0.34534534534534533');
    // About 0.3-0.5 s, reading and checking the file included; the bound leaves room for a slow machine.
    expect((used.user + used.system) / 1000).to.be.below(1_500);
  });
});

describe('template/string: a label rendered without nunjucks prints as the renderer does', () => {
  const VALUE = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double().map((x) => new PyFloat(x)),
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }).map((d) => new PyDate({ year: d.getUTCFullYear() % 9000 + 1000, month: d.getUTCMonth() + 1, day: d.getUTCDate() })),
    fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  );
  // Names in the context, Python's constants, dict methods and a name that is nowhere.
  const NAME = fc.constantFrom('a', 'b', 'items', 'keys', 'True', 'range', 'missing');
  const PART = fc.oneof(fc.stringMatching(/^[a-z0-9_.=+-]{0,4}$/), NAME.map((name) => `{{ ${name} }}`), NAME.map((name) => `{{run.${name}}}`));

  it('gives the same text, or the same error, for any words and names', () => {
    fc.assert(
      fc.property(fc.array(PART, { maxLength: 5 }), VALUE, VALUE, VALUE, (parts, a, b, items) => {
        let compiled;
        try {
          compiled = compileString(parts.join(''), 'label');
        } catch {
          // `{{ run.True }}` is no template at all: nothing to compare.
          fc.pre(false);
          return;
        }
        const full = { ...compiled, parts: undefined };
        const outcome = (render: () => string): string => {
          try {
            return `ok ${render()}`;
          } catch (error) {
            return `error ${(error as Error).message}`;
          }
        };
        const layers = [{ a, items }, { b }, { idx: 3 }];
        expect(outcome(() => renderString(compiled, ...layers))).to.equal(outcome(() => renderString(full, ...layers)));
      }),
      { numRuns: 300 },
    );
  });
});
