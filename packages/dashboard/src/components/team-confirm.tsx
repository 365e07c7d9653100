// An in-page "are you sure" for the Team page's deletions: the question (the
// fieldset's legend), the action once more (named, so a screen reader hears
// what it confirms) and "Cancel". Focus moves to "Cancel", the safe choice.

import { useEffect, useRef } from 'preact/hooks';

interface Props {
  question: string;
  /** The confirming button's text, e.g. "Delete key ci". */
  confirmLabel: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function TeamConfirm({ question, confirmLabel, busy, onConfirm, onCancel }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
  }, []);
  return (
    <fieldset class="team-confirm">
      <legend>{question}</legend>
      <div class="team-actions">
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {busy ? 'Working…' : confirmLabel}
        </button>
        <button type="button" ref={cancel} disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
