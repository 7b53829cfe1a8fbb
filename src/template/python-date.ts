// Python's date and datetime methods and arithmetic, for templates that work with configuration dates:
// `run.start.strftime('%Y%m%d')`, `run.stamp.date()`, `run.date.replace(year=2021)`, `run.date.toordinal()`, and
// `run.end - run.start` (a timedelta, whose `.days` a template may print).
import { PyDate, PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { bindKeywords } from './python-keywords.js';
import { PyNamedTuple } from './python-types.js';
import { strftime, weekday } from './strftime.js';

const DAY_US = 86_400_000_000;

/** Python's `datetime.timedelta`, normalised as Python normalises it: 0 <= seconds < 86400, 0 <= microseconds < 1e6. */
export class PyTimedelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(totalMicroseconds: number) {
    this.days = Math.floor(totalMicroseconds / DAY_US);
    const rest = totalMicroseconds - this.days * DAY_US;
    this.seconds = Math.floor(rest / 1e6);
    this.microseconds = rest - this.seconds * 1e6;
  }

  /** The length in microseconds. */
  get total(): number {
    return this.days * DAY_US + this.seconds * 1e6 + this.microseconds;
  }

  /** str(): `1 day, 2:03:04` or `0:00:01.500000`. */
  toString(): string {
    const hours = Math.floor(this.seconds / 3600);
    const minutes = Math.floor((this.seconds % 3600) / 60);
    let text = `${hours}:${String(minutes).padStart(2, '0')}:${String(this.seconds % 60).padStart(2, '0')}`;
    if (this.microseconds) text += `.${String(this.microseconds).padStart(6, '0')}`;
    if (this.days) text = `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${text}`;
    return text;
  }

  /** repr(): `datetime.timedelta(days=1, seconds=5)`. */
  repr(): string {
    const parts = [['days', this.days], ['seconds', this.seconds], ['microseconds', this.microseconds]]
      .filter(([, value]) => value !== 0).map(([name, value]) => `${String(name)}=${String(value)}`);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }
}

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

// Days since 0001-01-01, that day being 1 (Python's toordinal), in the proleptic Gregorian calendar.
function toOrdinal(year: number, month: number, day: number): number {
  const y = year - 1;
  const before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][month - 1]!;
  const leap = month > 2 && isLeap(year) ? 1 : 0;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + before + leap + day;
}

function fromOrdinal(ordinal: number): { year: number; month: number; day: number } {
  // 0001-01-01 is ordinal 1; JS dates count from 1970-01-01, ordinal 719163.
  const date = new Date(Date.UTC(1970, 0, 1) + (ordinal - 719_163) * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// A date or datetime as microseconds since 0001-01-01 (local time, offset not applied).
function toMicroseconds(d: PyDate): number {
  return (toOrdinal(d.year, d.month, d.day) - 1) * DAY_US + ((d.hour * 60 + d.minute) * 60 + d.second) * 1e6 + d.microsecond;
}

function fromMicroseconds(total: number, like: PyDate): PyDate {
  const days = Math.floor(total / DAY_US);
  const { year, month, day } = fromOrdinal(days + 1);
  if (year < 1 || year > 9999) throw typeFault('date value out of range');
  if (!like.hasTime) return new PyDate({ year, month, day });
  let rest = total - days * DAY_US;
  const hour = Math.floor(rest / 3.6e9);
  rest -= hour * 3.6e9;
  const minute = Math.floor(rest / 6e7);
  rest -= minute * 6e7;
  const second = Math.floor(rest / 1e6);
  const time = { hour, minute, second, microsecond: rest - second * 1e6, offsetMinutes: like.offsetMinutes };
  return new PyDate({ year, month, day, time });
}

/** `a - b` for dates and timedeltas, or undefined when neither side is one. */
export function subtractDates(left: unknown, right: unknown): PyDate | PyTimedelta | undefined {
  if (left instanceof PyDate && right instanceof PyDate) {
    if (left.hasTime !== right.hasTime || (left.offsetMinutes === undefined) !== (right.offsetMinutes === undefined)) {
      throw typeFault(`unsupported operand type(s) for -: '${left.hasTime ? 'datetime' : 'date'}' and '${right.hasTime ? 'datetime' : 'date'}'`);
    }
    const offset = ((left.offsetMinutes ?? 0) - (right.offsetMinutes ?? 0)) * 6e7;
    return new PyTimedelta(toMicroseconds(left) - toMicroseconds(right) - offset);
  }
  if (left instanceof PyDate && right instanceof PyTimedelta) return addTimedelta(left, -right.total);
  if (left instanceof PyTimedelta && right instanceof PyTimedelta) return new PyTimedelta(left.total - right.total);
  return undefined;
}

/** `a + b` for a date and a timedelta, or two timedeltas; undefined otherwise. */
export function addDates(left: unknown, right: unknown): PyDate | PyTimedelta | undefined {
  if (left instanceof PyDate && right instanceof PyTimedelta) return addTimedelta(left, right.total);
  if (left instanceof PyTimedelta && right instanceof PyDate) return addTimedelta(right, left.total);
  if (left instanceof PyTimedelta && right instanceof PyTimedelta) return new PyTimedelta(left.total + right.total);
  return undefined;
}

// A date moves by whole days only, as Python's date + timedelta does.
function addTimedelta(date: PyDate, microseconds: number): PyDate {
  const delta = date.hasTime ? microseconds : Math.trunc(microseconds / DAY_US) * DAY_US;
  return fromMicroseconds(toMicroseconds(date) + delta, date);
}

const REPLACE_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'] as const;

function replace(d: PyDate, ...raw: unknown[]): PyDate {
  const values = bindKeywords(raw, d.hasTime ? REPLACE_FIELDS : REPLACE_FIELDS.slice(0, 3));
  const [year = d.year, month = d.month, day = d.day, hour = d.hour, minute = d.minute, second = d.second,
    microsecond = d.microsecond] = values.map((value) => (value === undefined ? undefined : Number(value)));
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw typeFault(`year ${year} is out of range`);
  if (!(month >= 1 && month <= 12)) throw typeFault('month must be in 1..12');
  const monthDays = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (!(day >= 1 && day <= monthDays)) throw typeFault('day is out of range for month');
  const time = d.hasTime ? { hour, minute, second, microsecond, offsetMinutes: d.offsetMinutes } : undefined;
  return new PyDate({ year, month, day, time });
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function isocalendar(d: PyDate): PyNamedTuple {
  const ordinal = toOrdinal(d.year, d.month, d.day);
  const day = weekday(d) + 1;
  // The ISO year is the year of this week's Thursday.
  const thursday = fromOrdinal(ordinal - day + 4);
  const week = Math.floor((ordinal - day + 4 - toOrdinal(thursday.year, 1, 1)) / 7) + 1;
  return PyNamedTuple.make('datetime.IsoCalendarDate', ['year', 'week', 'weekday'], [thursday.year, week, day]);
}

type Method = (self: PyDate, ...args: unknown[]) => unknown;

/** Python's date and datetime methods, by name. */
export const DATE_METHODS: Readonly<Record<string, Method>> = {
  isoformat: (d, sep) => d.isoformat(sep === undefined ? 'T' : String(sep)),
  strftime: (d, format) => strftime(d, String(format)),
  weekday: (d) => weekday(d),
  isoweekday: (d) => weekday(d) + 1,
  isocalendar: (d) => isocalendar(d),
  toordinal: (d) => toOrdinal(d.year, d.month, d.day),
  replace,
  ctime: (d) => `${WEEKDAYS[weekday(d)]} ${MONTHS[d.month - 1]} ${String(d.day).padStart(2)} ` +
    `${strftime(d, '%H:%M:%S')} ${String(d.year).padStart(4, '0')}`,
  date: (d) => {
    if (!d.hasTime) throw typeFault("'datetime.date' object has no attribute 'date'");
    return new PyDate({ year: d.year, month: d.month, day: d.day });
  },
  utcoffset: (d) => (d.offsetMinutes === undefined ? null : new PyTimedelta(d.offsetMinutes * 6e7)),
};

/** The attributes of a timedelta, or undefined. */
export function timedeltaMember(delta: PyTimedelta, name: string): unknown {
  if (name === 'days' || name === 'seconds' || name === 'microseconds') return delta[name];
  if (name === 'total_seconds') return () => new PyFloat(delta.total / 1e6);
  return undefined;
}
