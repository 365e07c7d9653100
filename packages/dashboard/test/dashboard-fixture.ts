// An origo server serving the real dashboard build, with a user whose key
// administers one organization, for the browser tests.

import { api, startServer, type TestServer } from '../../server/test/helpers.ts';

export interface DashboardFixture {
  server: TestServer;
  /** The dashboard's address on that server. */
  url: string;
  organization: string;
  apiKey: string;
}

export async function startDashboardFixture(organization = 'acme'): Promise<DashboardFixture> {
  const server = await startServer({}, { storage: 'embedded' });
  const res = await api(server, 'POST', '/users', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${organization}@example.com`, organization }),
  });
  if (res.status !== 200) throw new Error(`creating the user: ${res.status} ${res.text}`);
  return { server, url: `${server.url}/dashboard/`, organization, apiKey: res.json.api_key };
}
