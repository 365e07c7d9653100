// "Delete stack", asked again in the page (not a browser dialog): the
// confirmation says what stops working, and Cancel leaves everything as it was.

import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';

interface Props {
  name: string;
  onDelete(): Promise<void>;
}

export function StackDeleteConfirm({ name, onDelete }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const cancel = useRef<HTMLButtonElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) cancel.current?.focus();
    else if (wasAsking.current) start.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <div class="stack-delete">
        <button ref={start} type="button" class="danger" onClick={() => setAsking(true)}>
          Delete stack
        </button>
      </div>
    );
  }
  return (
    <fieldset class="stack-delete card">
      <legend>Delete the stack “{name}”?</legend>
      <p>Render URLs that name it stop working; the images stay.</p>
      <div class="stack-delete-actions">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await onDelete();
            } catch (err) {
              setError(messageOf(err));
              setBusy(false);
            }
          }}
        >
          {busy ? 'Deleting…' : `Yes, delete “${name}”`}
        </button>
        <button ref={cancel} type="button" onClick={() => setAsking(false)} disabled={busy}>
          Cancel
        </button>
      </div>
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
