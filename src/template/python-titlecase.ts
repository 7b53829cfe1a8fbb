// Python's title case of single characters, where it is not the first letter of the upper case followed by the
// lower case of the rest: the digraphs (ǆ → ǅ), Georgian, Greek with iota subscript and a few more. Generated from
// Python 3.11's str.title() (Unicode 14); each entry is a character, then its title case, entries split by '|'.
const EXCEPTIONS =
  '\u0149\u02bc\u004e|\u01c4\u01c5|\u01c5\u01c5|\u01c6\u01c5|\u01c7\u01c8|\u01c8\u01c8|\u01c9\u01c8|' +
  '\u01ca\u01cb|\u01cb\u01cb|\u01cc\u01cb|\u01f1\u01f2|\u01f2\u01f2|\u01f3\u01f2|\u10d0\u10d0|' +
  '\u10d1\u10d1|\u10d2\u10d2|\u10d3\u10d3|\u10d4\u10d4|\u10d5\u10d5|\u10d6\u10d6|\u10d7\u10d7|' +
  '\u10d8\u10d8|\u10d9\u10d9|\u10da\u10da|\u10db\u10db|\u10dc\u10dc|\u10dd\u10dd|\u10de\u10de|' +
  '\u10df\u10df|\u10e0\u10e0|\u10e1\u10e1|\u10e2\u10e2|\u10e3\u10e3|\u10e4\u10e4|\u10e5\u10e5|' +
  '\u10e6\u10e6|\u10e7\u10e7|\u10e8\u10e8|\u10e9\u10e9|\u10ea\u10ea|\u10eb\u10eb|\u10ec\u10ec|' +
  '\u10ed\u10ed|\u10ee\u10ee|\u10ef\u10ef|\u10f0\u10f0|\u10f1\u10f1|\u10f2\u10f2|\u10f3\u10f3|' +
  '\u10f4\u10f4|\u10f5\u10f5|\u10f6\u10f6|\u10f7\u10f7|\u10f8\u10f8|\u10f9\u10f9|\u10fa\u10fa|' +
  '\u10fd\u10fd|\u10fe\u10fe|\u10ff\u10ff|\u1f80\u1f88|\u1f81\u1f89|\u1f82\u1f8a|\u1f83\u1f8b|' +
  '\u1f84\u1f8c|\u1f85\u1f8d|\u1f86\u1f8e|\u1f87\u1f8f|\u1f88\u1f88|\u1f89\u1f89|\u1f8a\u1f8a|' +
  '\u1f8b\u1f8b|\u1f8c\u1f8c|\u1f8d\u1f8d|\u1f8e\u1f8e|\u1f8f\u1f8f|\u1f90\u1f98|\u1f91\u1f99|' +
  '\u1f92\u1f9a|\u1f93\u1f9b|\u1f94\u1f9c|\u1f95\u1f9d|\u1f96\u1f9e|\u1f97\u1f9f|\u1f98\u1f98|' +
  '\u1f99\u1f99|\u1f9a\u1f9a|\u1f9b\u1f9b|\u1f9c\u1f9c|\u1f9d\u1f9d|\u1f9e\u1f9e|\u1f9f\u1f9f|' +
  '\u1fa0\u1fa8|\u1fa1\u1fa9|\u1fa2\u1faa|\u1fa3\u1fab|\u1fa4\u1fac|\u1fa5\u1fad|\u1fa6\u1fae|' +
  '\u1fa7\u1faf|\u1fa8\u1fa8|\u1fa9\u1fa9|\u1faa\u1faa|\u1fab\u1fab|\u1fac\u1fac|\u1fad\u1fad|' +
  '\u1fae\u1fae|\u1faf\u1faf|\u1fb2\u1fba\u0345|\u1fb3\u1fbc|\u1fb4\u0386\u0345|' +
  '\u1fb7\u0391\u0342\u0345|\u1fbc\u1fbc|\u1fc2\u1fca\u0345|\u1fc3\u1fcc|\u1fc4\u0389\u0345|' +
  '\u1fc7\u0397\u0342\u0345|\u1fcc\u1fcc|\u1ff2\u1ffa\u0345|\u1ff3\u1ffc|\u1ff4\u038f\u0345|' +
  '\u1ff7\u03a9\u0342\u0345|\u1ffc\u1ffc';

const TITLE = new Map<string, string>(EXCEPTIONS.split('|').map((entry) => {
  const [char = ''] = [...entry];
  return [char, entry.slice(char.length)];
}));

/** Python's title case of one character (`'ß'` → `'Ss'`, `'ǆ'` → `'ǅ'`). */
export function titleChar(char: string): string {
  const special = TITLE.get(char);
  if (special !== undefined) return special;
  const upper = char.toUpperCase();
  const [head = ''] = [...upper];
  return head + upper.slice(head.length).toLowerCase();
}
