// The src and 2x srcset of a render of one image. An unprotected image
// renders from a plain URL; a protected one needs the URL signed with the
// organization's signing key (docs/reference/rendering.md), which the SDK
// reads once per organization.

import type { RenderOperation, SourceImage } from 'origo-client';
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';

export interface RenderSrc {
  src: string;
  srcSet: string;
}

/** WebP keeps transparency and animation, and every browser the dashboard supports shows it. */
const FORMAT = 'webp';

export function useRenderSrc(image: SourceImage, operations: readonly RenderOperation[]): RenderSrc | undefined {
  const { client, organization } = useSession();
  const [signed, setSigned] = useState<RenderSrc | undefined>(undefined);
  const key = JSON.stringify(operations);
  const base = { organization, hash: image.hash, format: FORMAT, operations };
  const plain = image.protected
    ? undefined
    : {
        src: client.renderUrl(base),
        srcSet: `${client.renderUrl({ ...base, options: { dpr: 2 } })} 2x`,
      };

  useEffect(() => {
    setSigned(undefined);
    if (!image.protected) return;
    let current = true;
    const options = { organization, hash: image.hash, format: FORMAT, operations: JSON.parse(key) };
    Promise.all([client.signedRenderUrl(options), client.signedRenderUrl({ ...options, options: { dpr: 2 } })])
      .then(([src, double]) => {
        if (current) setSigned({ src, srcSet: `${double} 2x` });
      })
      .catch(() => {
        // Without a signature the image cannot be shown; the page still shows its fields.
      });
    return () => {
      current = false;
    };
  }, [client, organization, image.hash, image.protected, key]);

  return plain ?? signed;
}
