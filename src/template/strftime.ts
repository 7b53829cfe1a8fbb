// Python's `date.strftime` in the C locale, for templates that print configuration dates in another form
// (`{{ run.start.strftime('%Y%m%d') }}`). The directives are those of C89 that Python documents as portable.
import type { PyDate } from '../config/values.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Python's `weekday()`: Monday is 0. */
export function weekday(date: PyDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

function dayOfYear(date: PyDate): number {
  return (Date.UTC(date.year, date.month - 1, date.day) - Date.UTC(date.year, 0, 1)) / 86_400_000 + 1;
}

// Week number of the year with weeks starting on `firstDay` (0 = Monday), days before the first such day in week 0.
function weekOfYear(date: PyDate, firstDay: number): number {
  const yday = dayOfYear(date) - 1;
  const wday = (weekday(date) - firstDay + 7) % 7;
  return Math.floor((yday + 7 - wday) / 7);
}

function offset(date: PyDate, colon: boolean): string {
  if (date.offsetMinutes === undefined) return '';
  const abs = Math.abs(date.offsetMinutes);
  return `${date.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

/** Python's `strftime(format)` of a date or datetime. */
export function strftime(date: PyDate, format: string): string {
  return format.replace(/%(:?.)/g, (whole, directive: string) => {
    switch (directive) {
      case 'Y': return pad(date.year, 4);
      case 'y': return pad(date.year % 100);
      case 'm': return pad(date.month);
      case 'd': return pad(date.day);
      case 'H': return pad(date.hour);
      case 'I': return pad(date.hour % 12 || 12);
      case 'p': return date.hour < 12 ? 'AM' : 'PM';
      case 'M': return pad(date.minute);
      case 'S': return pad(date.second);
      case 'f': return pad(date.microsecond, 6);
      case 'j': return pad(dayOfYear(date), 3);
      case 'a': return (DAYS[weekday(date)] ?? '').slice(0, 3);
      case 'A': return DAYS[weekday(date)] ?? '';
      case 'w': return String((weekday(date) + 1) % 7);
      case 'u': return String(weekday(date) + 1);
      case 'b': return (MONTHS[date.month - 1] ?? '').slice(0, 3);
      case 'B': return MONTHS[date.month - 1] ?? '';
      case 'U': return pad(weekOfYear(date, 6));
      case 'W': return pad(weekOfYear(date, 0));
      case 'z': return offset(date, false);
      case ':z': return offset(date, true);
      case 'Z': return date.offsetMinutes === undefined ? '' : date.offsetMinutes === 0 ? 'UTC' : `UTC${offset(date, true)}`;
      case 'F': return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
      case 'T': return `${pad(date.hour)}:${pad(date.minute)}:${pad(date.second)}`;
      case '%': return '%';
      default: return whole;
    }
  });
}
