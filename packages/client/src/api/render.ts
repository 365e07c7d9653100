// Render URLs of this client's server, built with the render/ URL builder,
// and signed with the organization's signing key, which is fetched once per
// organization and kept.

import type { Transport } from '../http/transport.ts';
import { type SignUrlOptions, signUrl } from '../render/sign.ts';
import { type RenderUrlOptions, renderUrl } from '../render/url.ts';
import type { CallOptions } from './call-options.ts';
import { getOrganization } from './organizations.ts';

/** Render URL options without the host: the client's own server is the host. */
export type ClientRenderUrlOptions = Omit<RenderUrlOptions, 'baseUrl' | 'renderHost'>;

export type SignedRenderUrlOptions = SignUrlOptions & CallOptions;

export class RenderUrls {
  readonly #transport: Transport;
  readonly #keys = new Map<string, Promise<string>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The unsigned render URL, under `{url}/render/{organization}`. */
  url(options: ClientRenderUrlOptions): string {
    return renderUrl({ ...options, baseUrl: this.#transport.baseUrl });
  }

  /** The render URL signed with the organization's first signing key (the key must be readable to the caller). */
  async signed(options: ClientRenderUrlOptions, signOptions: SignedRenderUrlOptions = {}): Promise<string> {
    const key = await this.#signingKey(options.organization, signOptions);
    const { signal: _signal, ...rest } = signOptions;
    return signUrl(this.url(options), key, rest);
  }

  #signingKey(org: string, options: CallOptions): Promise<string> {
    let key = this.#keys.get(org);
    if (key === undefined) {
      key = getOrganization(this.#transport, org, options).then((organization) => {
        const first = organization.signing_keys[0]?.key;
        if (first === undefined) {
          throw new Error(
            `This key may not read the signing keys of ${org}: have the server sign the URL (signUrlOnServer)`,
          );
        }
        return first;
      });
      // A failed look-up is not kept: the next call asks again.
      key.catch(() => this.#keys.delete(org));
      this.#keys.set(org, key);
    }
    return key;
  }
}
