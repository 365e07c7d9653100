// How an image's numbers read for a person: sizes in KB/MB next to the exact
// byte count, dates in the reader's own locale.

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** `532 bytes`, `12.3 KB`, `4.56 MB`: decimal units (1 KB = 1000 bytes), as file managers show them. */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** The exact count with thousands separators: `12,345 bytes` in English. */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** A timestamp in the reader's locale, or the text as given when it is not a date. */
export function readableDate(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
