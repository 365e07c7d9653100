// The values the move commands parse themselves: --concurrency and --query.

import { MoveUsageError } from './cli-exit.ts';

export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64) {
    throw new MoveUsageError(`--concurrency ${JSON.stringify(text)} must be a whole number from 1 to 64`);
  }
  return n;
}

/**
 * --query as search filters in list-parameter form, e.g.
 * `user:category=beach&format=jpg` or `created=[2024-01-01T00:00:00Z,}`.
 * `offset` and `limit` are refused: the move pages through the whole result.
 */
export function parseQuery(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '' || value === '') {
      throw new MoveUsageError(
        `--query ${JSON.stringify(text)}: every filter needs a name and a value, like format=jpg`,
      );
    }
    if (key === 'offset' || key === 'limit') {
      throw new MoveUsageError(
        `--query ${JSON.stringify(text)}: ${key} cannot be given, every matching image is moved`,
      );
    }
    query[key] = value;
  }
  return query;
}
