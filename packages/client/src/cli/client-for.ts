// The SDK client a command talks through, from the resolved settings.

import { OrigoClient } from '../client.ts';
import { CLIENT_VERSION } from '../index.ts';
import type { Context } from './context.ts';

export function clientFor(ctx: Context): OrigoClient {
  return new OrigoClient({
    url: ctx.settings.url,
    ...(ctx.settings.apiKey !== undefined && { apiKey: ctx.settings.apiKey }),
    userAgent: `origo-cli/${CLIENT_VERSION}`,
  });
}
