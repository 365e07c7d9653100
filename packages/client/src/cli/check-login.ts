// Before `origo login` writes anything, asks the server whether the key it
// is about to store works there, so a typo in the key or the URL is found at
// once rather than by the next command.

import { OrigoClient } from '../client.ts';
import { isOrigoApiError, isOrigoNetworkError } from '../http/errors.ts';
import { CLIENT_VERSION } from '../index.ts';
import { CliError, EXIT } from './exit-codes.ts';

const NOTHING_SAVED = 'nothing was saved';

/**
 * Resolves when `url` answers and accepts `apiKey` (GET /user); throws a
 * CliError (exit 3 for a refused key, 5 for no answer) otherwise. Without a
 * key only the server's answering is checked: any HTTP answer will do.
 */
export async function checkLogin(url: string, apiKey: string | undefined): Promise<void> {
  let client: OrigoClient;
  try {
    client = new OrigoClient({
      url,
      ...(apiKey !== undefined && { apiKey }),
      userAgent: `origo-cli/${CLIENT_VERSION}`,
      // A login is interactive: say at once that the server is not there rather than retrying.
      retries: 0,
      timeoutMs: 15_000,
    });
  } catch (err) {
    throw new CliError(EXIT.usage, `${err instanceof Error ? err.message : String(err)}; ${NOTHING_SAVED}`);
  }
  try {
    await client.getCurrentUser();
  } catch (err) {
    if (isOrigoNetworkError(err)) {
      throw new CliError(
        EXIT.unreachable,
        `cannot reach origo at ${url}: check the --url and that the server is running; ${NOTHING_SAVED}`,
      );
    }
    if (!isOrigoApiError(err)) throw err;
    if (apiKey === undefined) return;
    if (err.status === 401 || err.status === 403) {
      throw new CliError(
        EXIT.auth,
        `${url} refused the API key (HTTP ${err.status}): check the key and run \`origo login --url ${url} --key <key>\` again; ${NOTHING_SAVED}`,
      );
    }
    throw err;
  }
}
