import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { FIXTURES, readCases, readExpected, renderCase } from './helpers/cases.js';

// Every case of test/fixtures/template/cases must render byte for byte as Jinja2 3.1 rendered it
// (make-expected.py), or fail where Jinja2 failed.
const expected = readExpected();

for (const file of readdirSync(path.join(FIXTURES, 'cases')).sort()) {
  const stem = path.basename(file, '.yaml');
  describe(`templates render as Jinja2 renders them: ${stem}`, () => {
    for (const testCase of readCases(path.join('cases', file))) {
      const jinja = expected[`${stem}/${testCase.name}`];
      it(`renders "${testCase.name}" as Jinja2 does`, async () => {
        expect(jinja, 'no recorded Jinja2 result: run make-expected.py').to.not.equal(undefined);
        const ours = await renderCase(testCase);
        if (jinja && 'output' in jinja) {
          expect(ours.error, String(ours.error?.message)).to.equal(undefined);
          expect(ours.output).to.equal(jinja.output);
        } else {
          expect(ours.error, `Jinja2 raised ${jinja?.error}, we rendered ${JSON.stringify(ours.output)}`).to.not.equal(undefined);
          expect(ours.error?.code).to.match(/^ERR_TEMPLATE_/);
        }
      });
    }
  });
}
