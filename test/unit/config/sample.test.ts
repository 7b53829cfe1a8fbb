import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { drawSample, drawUnitPoints, type SampleSpec } from '../../../src/config/sample.js';
import { PyFloat } from '../../../src/config/values.js';

const SPACE = { x: [-32.768, 32.768], y: [-5, 5] } as const;
const spec = (method: SampleSpec['method'], n: number, seed?: number): SampleSpec => ({ method, n, ...(seed === undefined ? {} : { seed }), space: SPACE });

/** The points as `key=value` text, each value printed as a template prints it. */
const shown = (points: ReturnType<typeof drawSample>): string[][] => points.map((point) => point.map(([key, value]) => `${key}=${String(value)}`));

describe('config/sample', () => {
  it('draws the same uniform points for seed 7 on every machine and every start', () => {
    // Pinned: these are what Prng(7) gives; a change here changes every seeded ensemble's runs.
    expect(shown(drawSample(spec('random', 3, 7)))).to.deep.equal([
      ['x=-5.285444159231105', 'y=1.9681575026828524'],
      ['x=-1.074625858691018', 'y=2.7488959635827452'],
      ['x=-25.682725400102136', 'y=2.6575377569657013'],
    ]);
  });

  it('draws the same Latin hypercube for seed 7 on every machine and every start', () => {
    expect(shown(drawSample(spec('lhs', 3, 7)))).to.deep.equal([
      ['x=-22.203541952897005', 'y=0.0883241316333585'],
      ['x=27.850388195645294', 'y=-3.380898790778464'],
      ['x=-8.560908466700713', 'y=4.402198664042089'],
    ]);
  });

  it('gives a fresh process the same points as this one', () => {
    const module = new URL('../../../src/config/sample.ts', import.meta.url).href;
    const code = `const { drawSample } = await import(${JSON.stringify(module)});
      const space = { x: [-32.768, 32.768], y: [-5, 5] };
      console.log(JSON.stringify(['random', 'lhs', 'sobol'].map((method) => drawSample({ method, n: 50, seed: 7, space }))));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    const here = (['random', 'lhs', 'sobol'] as const).map((method) => drawSample(spec(method, 50, 7)));
    expect(JSON.parse(output)).to.deep.equal(JSON.parse(JSON.stringify(here)));
  });

  it('puts exactly one point of a Latin hypercube into each of the n strata of every dimension', () => {
    for (const n of [1, 7, 200]) {
      const points = drawUnitPoints({ method: 'lhs', n, seed: 3, space: { a: [0, 1], b: [0, 1], c: [0, 1] } });
      for (let dim = 0; dim < 3; dim++) {
        const strata = points.map((point) => Math.floor(point[dim]! * n)).sort((p, q) => p - q);
        expect(strata, `n ${n}, dimension ${dim}`).to.deep.equal([...Array(n).keys()]);
      }
    }
  });

  it('shuffles the strata of each dimension separately', () => {
    const points = drawUnitPoints({ method: 'lhs', n: 50, seed: 1, space: { a: [0, 1], b: [0, 1] } });
    const order = (dim: number): number[] => points.map((point) => Math.floor(point[dim]! * 50));
    expect(order(0)).to.not.deep.equal(order(1));
  });

  it('scales Sobol points to each range, skipping the all-zero first point without a seed', () => {
    expect(shown(drawSample(spec('sobol', 3)))).to.deep.equal([
      ['x=0.0', 'y=0.0'],
      ['x=16.384', 'y=-2.5'],
      ['x=-16.384', 'y=2.5'],
    ]);
  });

  it('gives PyFloat values inside [low, high) for every method', () => {
    for (const method of ['random', 'lhs', 'sobol'] as const) {
      for (const point of drawSample(spec(method, 100, 11))) {
        const [[, x], [, y]] = point as [[string, PyFloat], [string, PyFloat]];
        expect(x).to.be.instanceOf(PyFloat);
        expect(Number(x)).to.be.within(-32.768, 32.768);
        expect(Number(y)).to.be.within(-5, 5);
      }
    }
  });

  it('uses seed 0 when none is given, except for sobol, which is then not shifted', () => {
    expect(drawSample(spec('random', 5))).to.deep.equal(drawSample(spec('random', 5, 0)));
    expect(drawSample(spec('sobol', 5))).to.not.deep.equal(drawSample(spec('sobol', 5, 0)));
  });
});
