// "Delete stack", asked again in the page (not a browser dialog): the
// confirmation says what stops working, and Cancel leaves everything as it was.

import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { ConfirmStep } from './confirm-step.tsx';

interface Props {
  name: string;
  onDelete(): Promise<void>;
}

export function StackDeleteConfirm({ name, onDelete }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const start = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (!asking && wasAsking.current) start.current?.focus();
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
    <div class="stack-delete">
      <ConfirmStep
        question={`Delete the stack “${name}”?`}
        confirmLabel={`Yes, delete “${name}”`}
        busyLabel="Deleting…"
        busy={busy}
        onConfirm={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await onDelete();
          } catch (err) {
            setError(messageOf(err));
            setBusy(false);
          }
        }}
        onCancel={() => setAsking(false)}
      >
        <p>Render URLs that name it stop working; the images stay.</p>
      </ConfirmStep>
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
