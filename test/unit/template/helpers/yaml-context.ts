// Reads the template corpus's YAML as PyYAML reads it, for the tests only: YAML 1.1 scalars, floats as PyFloat
// and timestamps as PyDate, so a context here is what model-ensembler's Jinja2 got from PyYAML.
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { PyDate, PyFloat } from '../../../../src/config/values.js';

// PyYAML's implicit resolvers for float and timestamp (yaml/resolver.py), which plain scalars must match.
const FLOAT = new RegExp(
  '^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?' +
    '|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$',
);
// PyYAML's int resolver; a plain scalar `yaml` reads as a number but PyYAML matches neither regex (`1e3`) is a string.
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
// PyYAML's bool resolver knows yes/no/on/off/true/false, not the single letters y and n of the YAML 1.1 spec.
const LETTER_BOOL = /^[yYnN]$/;
const TIMESTAMP =
  /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/;

function toDate(text: string): PyDate | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz, sign, tzh, tzm] = m;
  const date = { year: Number(y), month: Number(mo), day: Number(d) };
  if (h === undefined) return new PyDate(date);
  const offset = tz === undefined ? undefined : tz === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(tzh) * 60 + Number(tzm ?? 0));
  const microsecond = Number((frac ?? '').padEnd(6, '0').slice(0, 6));
  return new PyDate({
    ...date,
    time: { hour: Number(h), minute: Number(mi), second: Number(s), microsecond, offsetMinutes: offset },
  });
}

function convert(node: Node | null, doc: Document): unknown {
  if (node === null) return null;
  if (isAlias(node)) return convert(node.resolve(doc) ?? null, doc);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) out[String(convert(pair.key as Node, doc))] = convert(pair.value as Node | null, doc);
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item as Node, doc));
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && typeof node.source === 'string') {
      if (typeof node.value === 'number' && FLOAT.test(node.source)) return new PyFloat(node.value);
      if (typeof node.value === 'number' && !INT.test(node.source)) return node.source;
      if (LETTER_BOOL.test(node.source)) return node.source;
      const date = toDate(node.source);
      if (date) return date;
    }
    return node.value;
  }
  throw new Error(`unexpected YAML node ${String(node)}`);
}

/** Parses YAML text as PyYAML would (YAML 1.1), with PyFloat and PyDate values. */
export function parsePythonYaml(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', merge: true });
  if (doc.errors.length) throw doc.errors[0];
  return convert(doc.contents as Node | null, doc);
}

/** Reads a YAML file as PyYAML would. */
export function readPythonYaml(file: string): unknown {
  return parsePythonYaml(readFileSync(file, 'utf8'));
}
