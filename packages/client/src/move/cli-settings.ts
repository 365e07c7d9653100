// Where `origo import`/`origo export` take their servers from. The target is
// found as for every other `origo` command (cli/settings.ts: --url and --key,
// else ORIGO_URL and ORIGO_API_KEY, else the config file `origo login`
// writes). The source of an import has its own --from-url/--from-key, and
// ORIGO_FROM_API_KEY so a key need not show in `ps`.

import { resolveSettings, type Settings } from '../cli/settings.ts';
import { MoveUsageError } from './cli-exit.ts';

export type ServerSettings = Settings;

export function targetSettings(
  flags: { url?: string; key?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerSettings> {
  return resolveSettings(flags, env);
}

export function sourceSettings(
  flags: { fromUrl?: string; fromKey?: string },
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  if (flags.fromUrl === undefined) throw new MoveUsageError('--from-url is missing');
  const key = [flags.fromKey, env['ORIGO_FROM_API_KEY']].find((v) => v !== undefined && v !== '');
  return { url: flags.fromUrl, apiKey: key };
}
