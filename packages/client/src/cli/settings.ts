// Where the server URL and API key come from: flags win over the
// environment, which wins over the config file. The source server of
// `origo import` has its own flags (--from-url, --from-key) and
// ORIGO_FROM_API_KEY, so its key need not show in `ps`.

import { configPath, readConfig } from './config-file.ts';
import { usageError } from './exit-codes.ts';

export interface Settings {
  url: string;
  apiKey: string | undefined;
}

export interface SettingFlags {
  url?: string | undefined;
  key?: string | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The first value given and not empty. */
const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== '');

export async function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const file = await readConfig(configPath(env));
  return {
    url: pick(flags.url, env.ORIGO_URL, file.url) ?? DEFAULT_URL,
    apiKey: pick(flags.key, env.ORIGO_API_KEY, file.apiKey),
  };
}

/** The server `origo import --from-url` copies from. */
export function resolveSourceSettings(
  flags: { fromUrl?: string | undefined; fromKey?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  if (flags.fromUrl === undefined) throw usageError('--from-url is missing');
  return { url: flags.fromUrl, apiKey: pick(flags.fromKey, env.ORIGO_FROM_API_KEY) };
}
