// What every command's action gets: the output (JSON or human), the
// resolved server settings, and the API client, built on first use so
// `origo login` and `--help` need no server.

import type { Command } from 'commander';
import { createOutput, type Output } from './output.ts';
import { resolveSettings, type Settings } from './settings.ts';

export interface GlobalOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

export interface Context {
  output: Output;
  settings: Settings;
}

export async function contextFor(command: Command): Promise<Context> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const settings = await resolveSettings({ url: globals.url, key: globals.key });
  return { output: createOutput(globals.json === true), settings };
}
