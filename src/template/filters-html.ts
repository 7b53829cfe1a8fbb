// Jinja2's filters for HTML and URLs, as Jinja2 and MarkupSafe write them: `escape` (`"` becomes `&#34;`, where
// nunjucks writes `&quot;`), `xmlattr`, `urlencode` (Python's urllib quoting) and `striptags`.
import { typeFault } from './fault.js';
import { PY_WHITESPACE } from './python-str-methods.js';
import { isPlainObject, pyStr } from './python.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** MarkupSafe's escape() of a value's text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

// Python's urllib.parse.quote of UTF-8 bytes: letters, digits and `_.-~` stay, and `safe`.
function quote(text: string, safe: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~]/.test(char) || safe.includes(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// Jinja2's url_quote: a query-string part has no safe characters and its spaces become `+`.
const quoteValue = (value: unknown, forQuery: boolean): string =>
  forQuery ? quote(pyStr(value), '').replace(/%20/g, '+') : quote(pyStr(value), '/');

/** `value|urlencode`: a string quoted for a URL path, or a dict or list of pairs as a query string. */
export function urlencode(value: unknown): string {
  const pairs = isPlainObject(value) ? Object.entries(value) : Array.isArray(value) ? (value as unknown[][]) : undefined;
  if (pairs === undefined) return quoteValue(value, false);
  return pairs.map(([key, item]) => `${quoteValue(key, true)}=${quoteValue(item, true)}`).join('&');
}

/** `d|xmlattr(autospace)`: the items as escaped XML attributes, skipping None values. */
export function xmlattr(value: unknown, autospace: unknown = true): string {
  if (!isPlainObject(value)) throw typeFault(`'${pyStr(value)}' has no attribute 'items'`);
  const items: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    if (/[\s/>=]/.test(key)) throw typeFault(`Invalid character in attribute name: '${key}'`);
    items.push(`${escapeHtml(key)}="${escapeHtml(pyStr(item))}"`);
  }
  const text = items.join(' ');
  return autospace !== false && text ? ` ${text}` : text;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0' };

/** `value|striptags`: comments and tags removed, whitespace collapsed, entities decoded (MarkupSafe's striptags). */
export function striptags(value: unknown): string {
  const text = pyStr(value).replace(/<!--[\s\S]*?-->/g, '').replace(/<[\s\S]*?>/g, '');
  const collapsed = text.split(new RegExp(`[${PY_WHITESPACE}]+`)).filter(Boolean).join(' ');
  return collapsed.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = /^#[xX]/.test(entity) ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity] ?? whole;
  });
}
