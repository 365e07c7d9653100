// Where the server URL and API key come from: flags win over the
// environment, which wins over the config file.

import { configPath, readConfig } from './config-file.ts';

export interface Settings {
  url: string;
  apiKey: string | undefined;
}

export interface SettingFlags {
  url?: string | undefined;
  key?: string | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export async function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const file = await readConfig(configPath(env));
  const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== '');
  return {
    url: pick(flags.url, env.ORIGO_URL, file.url) ?? DEFAULT_URL,
    apiKey: pick(flags.key, env.ORIGO_API_KEY, file.apiKey),
  };
}
