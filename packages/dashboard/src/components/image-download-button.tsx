// "Download original": the bytes come through the SDK (the download needs the
// session's token, which a plain link cannot send) and are saved under the
// image's name.

import type { SourceImage } from 'origo-client';
import { useSession } from '../session/context.ts';
import { OutcomeText, useAction } from './action-outcome.tsx';

export function DownloadButton({ image }: { image: SourceImage }) {
  const { client, organization } = useSession();
  const download = useAction();
  const save = () =>
    download.run(async () => {
      const bytes = await client.downloadSourceImageBuffer(organization, image.hash);
      const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: image.mimetype }));
      const link = document.createElement('a');
      link.href = url;
      link.download = image.name;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser reads the blob after the click returns; free it once it surely has.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return undefined;
    });
  return (
    <div class="image-action">
      <button type="button" onClick={() => void save()} disabled={download.busy || image.deleted}>
        {download.busy ? 'Downloading…' : 'Download original'}
      </button>
      <OutcomeText outcome={download.outcome} id="download-outcome" />
    </div>
  );
}
