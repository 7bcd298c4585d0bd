/**
 * Wait Timestamp values as Step Functions reads them: ISO-8601 extended offset date-times
 * (Java's ISO_OFFSET_DATE_TIME, which AWS's error text names): `2016-12-05T21:29:29Z`,
 * `2016-12-05T21:29:29.123+01:00`, seconds optional; the `T` and the offset are required,
 * fields are range-checked (no 2016-13-05, no February 30).
 */
const OFFSET_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

/** Epoch milliseconds of an ISO-8601 extended offset date-time, or undefined when it is not one. */
export function parseOffsetDateTime(text: string): number | undefined {
  const match = OFFSET_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zulu, sign, offsetHour = '0', offsetMinute = '0', offsetSecond = '0'] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetSeconds = 0;
  if (zulu === undefined) {
    const oh = Number(offsetHour);
    const om = Number(offsetMinute);
    const os = Number(offsetSecond);
    if (oh > 18 || om > 59 || os > 59 || (oh === 18 && (om > 0 || os > 0))) return undefined;
    offsetSeconds = (sign === '-' ? -1 : 1) * (oh * 3600 + om * 60 + os);
  }
  const milliseconds = fraction === '' ? 0 : Number(`0.${fraction}`) * 1000;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // Date.UTC would read years 0-99 as 1900-1999
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() + milliseconds - offsetSeconds * 1000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
