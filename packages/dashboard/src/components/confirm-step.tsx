// An in-page "are you sure" before a deletion (never a browser dialog: it
// cannot be styled, and it stops the page): the question as the legend, what
// follows as detail, the action named once more (so a screen reader hears
// what it confirms) and "Cancel". Focus starts on Cancel, the safe choice;
// Escape cancels too.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import './confirm-step.css';

interface Props {
  question: string;
  /** The confirming button's text, e.g. "Delete key ci". */
  confirmLabel: string;
  /** Its text while the action runs. */
  busyLabel?: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
  /** What happens, said under the question. */
  children?: ComponentChildren;
}

export function ConfirmStep({ question, confirmLabel, busyLabel, busy, onConfirm, onCancel, children }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
  }, []);
  return (
    <fieldset
      class="confirm-step"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <legend>{question}</legend>
      {children}
      <div class="confirm-step-buttons">
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {busy ? (busyLabel ?? 'Working…') : confirmLabel}
        </button>
        <button type="button" ref={cancel} disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
