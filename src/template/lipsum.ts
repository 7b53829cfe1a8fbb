// Jinja2's `lipsum()` global: placeholder paragraphs of lorem-ipsum words. The text is random in Jinja2 too, so
// only its shape can match: n paragraphs of min to max-1 words, sentences starting with a capital and ending in a
// full stop, commas now and then, each paragraph in <p> tags unless html is false.
import { splitKeywords } from './python-keywords.js';

const WORDS = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur sint ' +
  'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum').split(' ');

// A whole number in [low, high), as Python's random.randrange.
const between = (low: number, high: number): number => low + Math.floor(Math.random() * Math.max(high - low, 1));

function paragraph(min: number, max: number): string {
  const words: string[] = [];
  let capitalize = true;
  let lastComma = 0;
  let lastStop = 0;
  const count = between(min, max);
  for (let i = 0; i < count; i++) {
    let word = WORDS[between(0, WORDS.length)]!;
    while (word === words[words.length - 1]?.replace(/[.,]$/, '').toLowerCase()) word = WORDS[between(0, WORDS.length)]!;
    if (capitalize) {
      word = word.charAt(0).toUpperCase() + word.slice(1);
      capitalize = false;
    }
    if (i - between(3, 8) > lastComma) {
      lastComma = i;
      lastStop += 2;
      word += ',';
    }
    if (i - between(10, 20) > lastStop) {
      lastComma = lastStop = i;
      word += '.';
      capitalize = true;
    }
    words.push(word);
  }
  const text = words.join(' ');
  return text.endsWith(',') ? `${text.slice(0, -1)}.` : text.endsWith('.') ? text : `${text}.`;
}

/** `lipsum(n=5, html=True, min=20, max=100)`. */
export function lipsum(...raw: unknown[]): string {
  const { args, kwargs } = splitKeywords(raw);
  const [n = 5, html = true, min = 20, max = 100] = ['n', 'html', 'min', 'max'].map((name, i) =>
    i < args.length ? args[i] : kwargs[name]);
  const paragraphs = Array.from({ length: Number(n) }, () => paragraph(Number(min), Number(max)));
  return html === false ? paragraphs.join('\n\n') : paragraphs.map((text) => `<p>${text}</p>`).join('\n');
}
