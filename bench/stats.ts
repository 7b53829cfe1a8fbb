// Summaries of repeated measurements: the median is the figure, min–max its spread. A median of ratios taken
// within each repetition survives a noisy machine better than a ratio of medians taken at different moments.

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The smallest and largest value. */
export function range(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

/** A number with a fixed count of decimals and thousands separators: `1,234.5`. */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min–max)` of a list, or the single value when there is one. */
export function formatSpread(values: readonly number[], digits: number): string {
  if (values.length === 0) return '–';
  const [low, high] = range(values);
  const mid = formatNumber(median(values), digits);
  return values.length === 1 || low === high ? mid : `${mid} (${formatNumber(low, digits)}–${formatNumber(high, digits)})`;
}
