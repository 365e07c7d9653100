// The API's timestamps ("2026-12-03T06:40:51+00:00") as a person reads them,
// in their own time zone and language.

export function readableDate(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
