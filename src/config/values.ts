// Values read from YAML that must print as Python prints them, so templates render as model-ensembler's Jinja2
// renders them: a YAML float `1.0` prints `1.0` (a JS number would print `1`), a date prints `2020-01-01`.

/** Formats a number as Python's `repr(float)` does: shortest round-trip digits, `1.0`, `1e-05`, `1e+16`. */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const decpt = exp + 1;
  // CPython's float_repr_style 'short': fixed notation while -4 < decpt <= 16 (Python/pystrtod.c).
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exp)).padStart(2, '0');
  return `${sign}${head}e${exp < 0 ? '-' : '+'}${magnitude}`;
}

/** A YAML float. Arithmetic and comparisons see the number (valueOf); printing gives Python's repr. */
export class PyFloat extends Number {
  /** The repr, made on first use: one value of a sweep is printed for each of its many runs. */
  #repr: string | undefined;

  override toString(): string {
    this.#repr ??= formatPythonFloat(this.valueOf());
    return this.#repr;
  }

  toJSON(): number {
    return this.valueOf();
  }
}

/** The parts of a YAML timestamp, as PyYAML reads them into a `datetime.date` or `datetime.datetime`. */
export interface PyDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Absent for a date without a time (`2020-01-01`), which Python reads as `datetime.date`. */
  readonly time?: {
    readonly hour: number;
    readonly minute: number;
    readonly second: number;
    readonly microsecond: number;
    /** Offset from UTC in minutes; absent for a naive datetime. */
    readonly offsetMinutes?: number;
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A YAML timestamp. Prints as Python's `str()` of a date or datetime; its fields read as Python's do. */
export class PyDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly hasTime: boolean;
  readonly offsetMinutes: number | undefined;

  constructor(parts: PyDateParts) {
    this.year = parts.year;
    this.month = parts.month;
    this.day = parts.day;
    this.hasTime = parts.time !== undefined;
    this.hour = parts.time?.hour ?? 0;
    this.minute = parts.time?.minute ?? 0;
    this.second = parts.time?.second ?? 0;
    this.microsecond = parts.time?.microsecond ?? 0;
    this.offsetMinutes = parts.time?.offsetMinutes;
  }

  /** Python's `isoformat()`: `2020-01-01` or `2020-01-01T12:00:00`. */
  isoformat(sep = 'T'): string {
    const date = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
    if (!this.hasTime) return date;
    let time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    if (this.microsecond) time += `.${pad(this.microsecond, 6)}`;
    if (this.offsetMinutes !== undefined) {
      const abs = Math.abs(this.offsetMinutes);
      time += `${this.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    }
    return `${date}${sep}${time}`;
  }

  toString(): string {
    return this.isoformat(' ');
  }

  toJSON(): string {
    return this.isoformat();
  }
}
