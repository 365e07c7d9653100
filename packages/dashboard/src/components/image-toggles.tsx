// The "Locked" and "Protected" checkboxes: they show the server's state, and
// a refused change puts the box back.

import { useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';
import { OutcomeText, useAction } from './action-outcome.tsx';
import type { ImageActionProps } from './image-action-props.ts';

const TOGGLES = [
  { which: 'locked', label: 'Locked' },
  { which: 'protected', label: 'Protected' },
] as const;

export function ImageToggles({ image, onChanged }: ImageActionProps) {
  const { client, organization } = useSession();
  const action = useAction();
  // What was asked for, shown until the server answers; then the box shows the server's state.
  const [pending, setPending] = useState<{ which: 'locked' | 'protected'; wanted: boolean } | undefined>(undefined);
  const change = (which: 'locked' | 'protected', wanted: boolean) => {
    setPending({ which, wanted });
    void action
      .run(async () => {
        if (which === 'locked') onChanged(await client.setSourceImageLocked(organization, image.hash, wanted));
        // Protection is part of the hash: the answer is the image under its new hash. The old
        // one is deleted unless the image is locked (which refuses that).
        else
          onChanged(
            await client.setSourceImageProtected(organization, image.hash, wanted, { deletePrevious: !image.locked }),
          );
        return undefined;
      })
      .finally(() => setPending(undefined));
  };
  const shown = (which: 'locked' | 'protected') => (pending?.which === which ? pending.wanted : image[which]);
  return (
    <div class="image-action image-toggles">
      {TOGGLES.map(({ which, label }) => (
        <label class="image-toggle" key={which}>
          <input
            type="checkbox"
            checked={shown(which)}
            disabled={action.busy || image.deleted}
            onChange={(e) => change(which, e.currentTarget.checked)}
          />
          <span>{label}</span>
        </label>
      ))}
      <p class="hint">
        Locked: cannot be deleted nor its metadata changed. Protected: renders need a signed URL, downloads a read role.
      </p>
      <OutcomeText outcome={action.outcome} id="toggle-outcome" />
    </div>
  );
}
