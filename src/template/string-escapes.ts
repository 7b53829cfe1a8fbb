// Backslash escapes in template string literals, decoded as Jinja2 decodes them: with Python's `unicode_escape`
// codec, so `'\u00e9'`, `'\x41'`, `'\101'` and `'\a'` mean what they mean in Python, and an unknown escape such as
// `'\q'` keeps its backslash.

const SIMPLE: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The text of a string literal's body with its escapes decoded; throws on a malformed `\x`, `\u` or `\U`. */
export function decodeEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw.charAt(i);
    if (char !== '\\' || i === raw.length - 1) {
      out += char;
      continue;
    }
    const next = raw.charAt(i + 1);
    const simple = SIMPLE[next];
    if (simple !== undefined) {
      out += simple;
      i += 1;
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(raw.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length;
    } else if (HEX_LENGTH[next] !== undefined) {
      const length = HEX_LENGTH[next]!;
      const digits = raw.slice(i + 2, i + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new Error(`truncated \\${next} escape in a string`);
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) throw new Error(`illegal Unicode character \\${next}${digits} in a string`);
      out += String.fromCodePoint(code);
      i += 1 + length;
    } else if (next === 'N') {
      // Python looks the name up in the Unicode database, which JavaScript does not ship.
      throw new Error('\\N{...} escapes (Unicode character names) are not supported in strings: use \\u or \\U');
    } else {
      out += char;
    }
  }
  return out;
}
