// "Copy to organization": copies the image to another organization the user
// may write to, saying whether it replaced one there.

import type { SourceImage } from 'origo-client';
import { useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';
import { OutcomeText, useAction } from './action-outcome.tsx';

export function ImageCopyForm({ image }: { image: SourceImage }) {
  const { client, organization } = useSession();
  const action = useAction();
  const [destination, setDestination] = useState('');
  const copy = (event: Event) => {
    event.preventDefault();
    const target = destination.trim();
    void action.run(async () => {
      if (target === '') throw new Error('Enter the organization to copy the image to.');
      const { created } = await client.copySourceImage(organization, image.hash, target);
      return created ? `Copied to ${target}.` : `Copied to ${target}, replacing the image that was there.`;
    });
  };
  return (
    <form class="image-action image-copy" onSubmit={copy} noValidate>
      <label class="field">
        <span>Copy to organization</span>
        <input
          value={destination}
          autoCapitalize="none"
          spellcheck={false}
          disabled={image.deleted}
          aria-describedby={action.outcome === undefined ? undefined : 'copy-outcome'}
          onInput={(e) => setDestination(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={action.busy || image.deleted}>
        {action.busy ? 'Copying…' : 'Copy'}
      </button>
      <OutcomeText outcome={action.outcome} id="copy-outcome" />
    </form>
  );
}
