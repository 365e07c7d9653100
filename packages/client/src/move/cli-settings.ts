// Where `origo import`/`origo export` take the target server from: --url and
// --key, else ORIGO_URL and ORIGO_API_KEY, else the config file `origo login`
// writes ($XDG_CONFIG_HOME/origo/config.json, else ~/.config/origo/config.json).
// The same order as every other `origo` command; read here so these commands
// need nothing of the CLI's internals. The source of an import has its own
// --from-url/--from-key, and ORIGO_FROM_API_KEY so a key need not show in `ps`.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MoveUsageError } from './cli-exit.ts';

export interface ServerSettings {
  url: string;
  apiKey: string | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

function configPath(env: NodeJS.ProcessEnv): string {
  const home = env['XDG_CONFIG_HOME'];
  return path.join(
    home !== undefined && home !== '' ? home : path.join(os.homedir(), '.config'),
    'origo',
    'config.json',
  );
}

async function readConfig(file: string): Promise<{ url?: string; apiKey?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MoveUsageError(
      `config file ${file} is not JSON: run \`origo login --url <url> --key <key>\` to rewrite it`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const url = 'url' in parsed && typeof parsed.url === 'string' ? parsed.url : undefined;
  const apiKey = 'apiKey' in parsed && typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined;
  return { ...(url !== undefined && { url }), ...(apiKey !== undefined && { apiKey }) };
}

const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== '');

export async function targetSettings(
  flags: { url?: string; key?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerSettings> {
  const file = await readConfig(configPath(env));
  return {
    url: pick(flags.url, env['ORIGO_URL'], file.url) ?? DEFAULT_URL,
    apiKey: pick(flags.key, env['ORIGO_API_KEY'], file.apiKey),
  };
}

export function sourceSettings(
  flags: { fromUrl?: string; fromKey?: string },
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  if (flags.fromUrl === undefined) throw new MoveUsageError('--from-url is missing');
  return { url: flags.fromUrl, apiKey: pick(flags.fromKey, env['ORIGO_FROM_API_KEY']) };
}
