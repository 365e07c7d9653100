// What can be done with the image: download the original, delete (after a
// confirmation in the page) or restore, lock, protect, copy to another
// organization. Each shows its own outcome beside its control; the toggles
// show the server's state (a refused change puts the box back).

import type { SourceImage } from 'origo-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { useSession } from '../session/context.ts';
import { ConfirmStep } from './confirm-step.tsx';
import './image-actions.css';

interface Props {
  image: SourceImage;
  onChanged(image: SourceImage): void;
}

type Outcome = { ok: string } | { error: string } | undefined;

function OutcomeText({ outcome, id }: { outcome: Outcome; id: string }) {
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
function useAction() {
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

function DownloadButton({ image }: { image: SourceImage }) {
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

function DeleteOrRestore({ image, onChanged }: Props) {
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

function Toggles({ image, onChanged }: Props) {
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
      <label class="image-toggle">
        <input
          type="checkbox"
          checked={shown('locked')}
          disabled={action.busy || image.deleted}
          onChange={(e) => change('locked', e.currentTarget.checked)}
        />
        <span>Locked</span>
      </label>
      <label class="image-toggle">
        <input
          type="checkbox"
          checked={shown('protected')}
          disabled={action.busy || image.deleted}
          onChange={(e) => change('protected', e.currentTarget.checked)}
        />
        <span>Protected</span>
      </label>
      <p class="hint">
        Locked: cannot be deleted nor its metadata changed. Protected: renders need a signed URL, downloads a read role.
      </p>
      <OutcomeText outcome={action.outcome} id="toggle-outcome" />
    </div>
  );
}

function CopyForm({ image }: { image: SourceImage }) {
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

export function ImageActions({ image, onChanged }: Props) {
  return (
    <section class="card image-actions" aria-labelledby="image-actions-title">
      <h2 id="image-actions-title">Actions</h2>
      <DownloadButton image={image} />
      <Toggles image={image} onChanged={onChanged} />
      <CopyForm image={image} />
      <DeleteOrRestore image={image} onChanged={onChanged} />
    </section>
  );
}
