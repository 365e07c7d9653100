// The SDK client a command talks through, from the resolved settings.

import { OrigoClient } from '../client.ts';
import { CLIENT_VERSION } from '../index.ts';
import type { Context } from './context.ts';
import type { Settings } from './settings.ts';

/** A client for `settings` (the command's own server, or the source of an import). */
export function clientOf(settings: Settings): OrigoClient {
  return new OrigoClient({
    url: settings.url,
    ...(settings.apiKey !== undefined && { apiKey: settings.apiKey }),
    userAgent: `origo-cli/${CLIENT_VERSION}`,
  });
}

export const clientFor = (ctx: Context): OrigoClient => clientOf(ctx.settings);
