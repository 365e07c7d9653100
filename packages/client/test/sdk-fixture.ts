// A real origo for the SDK tests, with an organization and a client of the root key.

import { createOrg, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { OrigoClient } from '../src/index.ts';

export interface SdkFixture {
  server: TestServer;
  client: OrigoClient;
}

export async function startSdkFixture(orgs: string[] = ['acme']): Promise<SdkFixture> {
  const server = await startServer();
  for (const org of orgs) await createOrg(server, org);
  return { server, client: new OrigoClient({ url: server.url, apiKey: ROOT_KEY }) };
}
