import { measureVisibleWidth } from './style.js';

/**
 * Seconds as people read them: `0s`, `1.5s`, `12s`, `1m 30s`, `1h`, `2h 5m`, `1h 0m 30s`.
 * Fractions keep at most two decimals below a minute and are rounded above it.
 */
export function formatSeconds(seconds: number): string {
  // Whole seconds below a minute, most offsets of a run on the virtual clock: no rounding to do.
  if (Number.isInteger(seconds) && seconds >= 0 && seconds < 60) return `${seconds}s`;
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatSeconds(-seconds)}`;
  if (seconds < 60) return `${Number(seconds.toFixed(2))}s`;
  const whole = Math.round(seconds);
  const units: [string, number][] = [
    ['d', Math.floor(whole / 86_400)],
    ['h', Math.floor((whole % 86_400) / 3600)],
    ['m', Math.floor((whole % 3600) / 60)],
    ['s', whole % 60],
  ];
  const first = units.findIndex(([, value]) => value > 0);
  let last = units.length - 1;
  while (last > first && units[last]![1] === 0) last -= 1;
  return units
    .slice(first, last + 1)
    .map(([unit, value]) => `${value}${unit}`)
    .join(' ');
}

/** At most this many terms in a list of waits: more waits are grouped (`5s × 120`), then cut (`…`). */
const MAX_WAIT_TERMS = 8;

/**
 * A list of waits and their sum: `2s + 4s + 6s = 12s`; `-` when there are none. The sum adds
 * the waits as shown (each rounded as formatSeconds rounds it), so that it adds up on screen:
 * two real-time waits of 1.004 s read `1s + 1s = 2s`, not `= 2.01s`. An op that retried more
 * than MAX_WAIT_TERMS times keeps one short cell: equal waits in a row are one term
 * (`1s × 8328 = 2h 18m 48s`), and of more terms than that the first and last few are shown with
 * how many waits there were (`3s + 1s + … + 9s = 2h 5m (800 waits)`).
 */
export function formatWaits(waitsSeconds: readonly number[]): string {
  if (waitsSeconds.length === 0) return '-';
  if (waitsSeconds.length === 1) return formatSeconds(waitsSeconds[0]!);
  const shown = waitsSeconds.map(roundAsShown);
  // Hundredths as integers, so that 0.1 + 0.2 is 0.3.
  const total = shown.reduce((sum, wait) => sum + Math.round(wait * 100), 0) / 100;
  const list = shortenTerms(shown.map(formatSeconds), MAX_WAIT_TERMS);
  return `${list.terms.join(' + ')} = ${formatSeconds(total)}${list.cut ? ` (${shown.length} waits)` : ''}`;
}

/**
 * Terms of a list kept short for one line: all of them when there are at most `max`; else
 * equal terms in a row as one (`1s × 9000`), and when still more than `max`, the first
 * `max - 3`, `…` and the last 2 (`cut` is then true: say how many there were).
 */
export function shortenTerms(terms: readonly string[], max: number): { readonly terms: readonly string[]; readonly cut: boolean } {
  if (terms.length <= max) return { terms, cut: false };
  const grouped: string[] = [];
  for (let start = 0; start < terms.length;) {
    let end = start + 1;
    while (end < terms.length && terms[end] === terms[start]) end += 1;
    grouped.push(end - start === 1 ? terms[start]! : `${terms[start]!} × ${end - start}`);
    start = end;
  }
  if (grouped.length <= max) return { terms: grouped, cut: false };
  return { terms: [...grouped.slice(0, max - 3), '…', ...grouped.slice(-2)], cut: true };
}

/** At most this many waits in a retry plan's list (`stepops plan`, the HTML report): more are grouped (`1s × 9000`), then cut (`…`). */
const MAX_PLAN_WAIT_TERMS = 12;

/** A retry plan's waits (one text each) as one short comma-separated list: `1s × 9000`, `2s, 4s, … (20 retries)`. */
export function formatPlanWaitList(waits: readonly string[]): string {
  const list = shortenTerms(waits, MAX_PLAN_WAIT_TERMS);
  return `${list.terms.join(', ')}${list.cut ? ` (${waits.length} retries)` : ''}`;
}

/** Whole numbers in increasing order: each of them when there are at most `max`, else as runs (`1–3, 5, 7–9000`). */
export function formatNumberRuns(numbers: readonly number[], max = 12): string {
  if (numbers.length <= max) return numbers.join(', ');
  const runs: string[] = [];
  for (let start = 0; start < numbers.length;) {
    let end = start + 1;
    while (end < numbers.length && numbers[end] === numbers[end - 1]! + 1) end += 1;
    runs.push(end - start === 1 ? String(numbers[start]) : `${numbers[start]}–${numbers[end - 1]}`);
    start = end;
  }
  return runs.join(', ');
}

/** The value formatSeconds shows: hundredths below a minute, whole seconds above. */
export function roundAsShown(seconds: number): number {
  if (!Number.isFinite(seconds)) return seconds;
  return Math.abs(seconds) < 60 ? Number(seconds.toFixed(2)) : Math.round(seconds);
}

/** Cuts text to `max` visible characters with an ellipsis; one line only. */
export function truncateText(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Lines of a left-aligned table with a header row; cells may hold ANSI colours. The last
 * column is not padded.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths = headers.map((header, column) => Math.max(measureVisibleWidth(header), ...rows.map((row) => measureVisibleWidth(row[column] ?? ''))));
  const renderRow = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - measureVisibleWidth(cell) + gap)))
      .join('')
      .trimEnd();
  return [renderRow(headers), ...rows.map(renderRow)];
}
