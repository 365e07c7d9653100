// Delete (after a confirmation in the page) or, for a deleted image, Restore;
// focus then goes to the button that undoes what was done.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session/context.ts';
import { OutcomeText, useAction } from './action-outcome.tsx';
import { ConfirmStep } from './confirm-step.tsx';
import type { ImageActionProps } from './image-action-props.ts';

export function DeleteOrRestore({ image, onChanged }: ImageActionProps) {
  const { client, organization } = useSession();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const restoreButton = useRef<HTMLButtonElement>(null);
  // After a delete or restore here, focus goes to the button that undoes it (the one pressed is gone).
  const acted = useRef(false);
  useEffect(() => {
    // Once the action is over: a button cannot take the focus while it is disabled.
    if (!acted.current || action.busy) return;
    acted.current = false;
    (image.deleted ? restoreButton : deleteButton).current?.focus();
  }, [image.deleted, action.busy]);
  const stopConfirming = () => {
    setConfirming(false);
    action.clear();
    requestAnimationFrame(() => deleteButton.current?.focus());
  };

  if (image.deleted) {
    const restore = () =>
      action.run(async () => {
        const restored = await client.restoreSourceImage(organization, image.hash);
        acted.current = true;
        onChanged(restored);
        return 'The image is restored.';
      });
    return (
      <div class="image-action">
        <button ref={restoreButton} type="button" class="primary" onClick={() => void restore()} disabled={action.busy}>
          Restore
        </button>
        <OutcomeText outcome={action.outcome} id="delete-outcome" />
      </div>
    );
  }

  const remove = () =>
    action.run(async () => {
      await client.deleteSourceImage(organization, image.hash);
      setConfirming(false);
      acted.current = true;
      onChanged(await client.getSourceImage(organization, image.hash, { deleted: true }));
      return 'The image is deleted.';
    });
  return (
    <div class="image-action">
      {confirming ? (
        <ConfirmStep
          question={`Delete “${image.name}”?`}
          confirmLabel="Delete image"
          busyLabel="Deleting…"
          busy={action.busy}
          onConfirm={() => void remove()}
          onCancel={stopConfirming}
        >
          <p>Renders stop working. It can be restored for a while (30 days unless the server says otherwise).</p>
        </ConfirmStep>
      ) : (
        <button ref={deleteButton} type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      {image.locked && <p class="hint">Locked images cannot be deleted.</p>}
      <OutcomeText outcome={action.outcome} id="delete-outcome" />
    </div>
  );
}
