import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { FIXTURES, readCases, readExpected, renderCase } from './helpers/cases.js';

// The documented differences from Jinja2 (differences.yaml, DIFFERENCES.md): we render what the list says, and
// Jinja2 (as recorded) renders something else, so a difference that disappears is noticed.
const expected = readExpected();
const cases = readCases('differences.yaml');

describe('documented differences from Jinja2', () => {
  for (const testCase of cases) {
    it(`${testCase.note ?? testCase.name}`, async () => {
      const ours = await renderCase(testCase);
      if (testCase.ours_error !== undefined) {
        expect(ours.error?.code, String(ours.output)).to.equal(testCase.ours_error);
      } else {
        expect(ours.error, String(ours.error?.message)).to.equal(undefined);
        expect(ours.output).to.equal(testCase.ours);
      }
      const jinja = expected[`differences/${testCase.name}`];
      expect(jinja, 'no recorded Jinja2 result: run make-expected.py').to.not.equal(undefined);
      if (jinja && 'output' in jinja) expect(jinja.output).to.not.equal(ours.output);
    });
  }

  it('lists every difference in DIFFERENCES.md', () => {
    const markdown = readFileSync(path.join(FIXTURES, 'DIFFERENCES.md'), 'utf8');
    for (const testCase of cases) expect(markdown).to.include(`| ${testCase.note?.replaceAll('|', '\\|')} |`);
  });
});
