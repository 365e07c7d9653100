// One action at a time (a button's or a form's), and what it said: a success
// as a status line, a failure (the server's message) as an alert, beside the
// control that did it.

import { useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';

export type Outcome = { ok: string } | { error: string } | undefined;

/** The failure's message, if the last action failed. */
export function errorOf(outcome: Outcome): string | undefined {
  return outcome !== undefined && 'error' in outcome ? outcome.error : undefined;
}

export function OutcomeText({ outcome, id }: { outcome: Outcome; id: string }) {
  if (outcome === undefined) return null;
  return 'ok' in outcome ? (
    <p id={id} class="image-action-ok" role="status">
      {outcome.ok}
    </p>
  ) : (
    <p id={id} class="error" role="alert">
      {outcome.error}
    </p>
  );
}

/** Runs one action at a time, keeping what it said. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const run = async (action: () => Promise<string | undefined>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const ok = await action();
      setOutcome(ok === undefined ? undefined : { ok });
    } catch (err) {
      setOutcome({ error: messageOf(err) });
    }
    setBusy(false);
  };
  return { busy, outcome, run, clear: () => setOutcome(undefined) };
}
