// Which images a move takes: search filters as list parameters, given as a
// plain object or as the SDK's search builder (anything with toParams()).
// Paging parameters are left out: a move always goes through every match.

export type MoveQuery = Record<string, string> | { toParams(): URLSearchParams };

const PAGING = new Set(['offset', 'limit']);

export function queryRecord(query: MoveQuery | undefined): Record<string, string> {
  if (query === undefined) return {};
  const pairs = typeof query.toParams === 'function' ? [...query.toParams()] : Object.entries(query);
  const record: Record<string, string> = {};
  for (const [key, value] of pairs) if (!PAGING.has(key) && typeof value === 'string') record[key] = value;
  return record;
}
