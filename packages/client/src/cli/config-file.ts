// The config file `origo login` writes: server URL and API key, readable
// only by its owner (mode 0600) since it holds a secret.

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errorCode } from './errno.ts';
import { usageError } from './exit-codes.ts';

export interface StoredConfig {
  url?: string;
  apiKey?: string;
}

/** $XDG_CONFIG_HOME/origo/config.json, else ~/.config/origo/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'origo', 'config.json');
}

/** The stored settings, or none when there is no file yet. */
export async function readConfig(file: string): Promise<StoredConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return {};
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`config file ${file} is not JSON: run \`origo login --url <url> --key <key>\` to rewrite it`);
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const url = 'url' in parsed ? parsed.url : undefined;
  const apiKey = 'apiKey' in parsed ? parsed.apiKey : undefined;
  return {
    ...(typeof url === 'string' && { url }),
    ...(typeof apiKey === 'string' && { apiKey }),
  };
}

export async function writeConfig(file: string, config: StoredConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only to a new file; an older file may be wider.
  await chmod(file, 0o600);
}
