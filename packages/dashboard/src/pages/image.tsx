// One image: its preview with the subject area, its fields, its user
// metadata, crops that follow the subject area, and what can be done with it.
// Changes that give the image a new hash (dynamic metadata, protection) move
// the page to that hash, replacing the history entry of the old one.

import type { SourceImage } from 'origo-client';
import { isOrigoApiError } from 'origo-client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CropPreviews } from '../components/crop-previews.tsx';
import { ImageActions } from '../components/image-actions.tsx';
import { ImageFields } from '../components/image-fields.tsx';
import { MetadataEditor } from '../components/metadata-editor.tsx';
import { SubjectAreaEditor } from '../components/subject-area-editor.tsx';
import { messageOf } from '../errors.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session/context.ts';
import './image.css';

type Loaded =
  | { state: 'loading' }
  | { state: 'missing' }
  | { state: 'failed'; message: string }
  | { state: 'shown'; image: SourceImage };

function BackLink() {
  return (
    <p class="image-back">
      <Link to="">← Back to the library</Link>
    </p>
  );
}

export function ImagePage({ hash }: { hash: string }) {
  const { client, organization } = useSession();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  // The hash the page shows now: an answer for an earlier one is dropped.
  const wanted = useRef(hash);
  wanted.current = hash;
  const shownNow = useRef(loaded);
  shownNow.current = loaded;

  const load = useCallback(async () => {
    const asked = hash;
    let next: Loaded;
    try {
      // Deleted images are shown too, so that they can be restored.
      next = { state: 'shown', image: await client.getSourceImage(organization, asked, { deleted: true }) };
    } catch (err) {
      next =
        isOrigoApiError(err) && err.status === 404
          ? { state: 'missing' }
          : { state: 'failed', message: messageOf(err) };
    }
    if (wanted.current === asked) setLoaded(next);
  }, [client, organization, hash]);

  useEffect(() => {
    // The image a change just answered with is already here (the page moved to its hash): no need to ask again.
    const now = shownNow.current;
    if (now.state === 'shown' && (now.image.hash === hash || now.image.short_hash === hash)) return;
    setLoaded({ state: 'loading' });
    void load();
  }, [load, hash]);

  const image = loaded.state === 'shown' ? loaded.image : undefined;
  useEffect(() => {
    document.title = `${image?.name ?? `Image ${hash.slice(0, 6)}`} · origo`;
  }, [image?.name, hash]);

  /** Shows the image a change answered with, moving to its hash when that changed. */
  const changed = useCallback(
    (next: SourceImage) => {
      setLoaded({ state: 'shown', image: next });
      if (next.hash !== hash && next.short_hash !== hash) navigate(`images/${next.hash}`, { replace: true });
    },
    [hash],
  );

  if (loaded.state === 'loading') {
    return (
      <section class="page image-page">
        <BackLink />
        <h1>Image {hash.slice(0, 6)}</h1>
        <p role="status">Loading the image…</p>
      </section>
    );
  }
  if (loaded.state === 'missing') {
    return (
      <section class="page image-page">
        <BackLink />
        <h1>This image does not exist</h1>
        <p>
          There is no image <code class="image-hash-text">{hash}</code> in {organization}. It may have been deleted for
          good, or the link may be wrong.
        </p>
        <p>
          <Link to="">Go to the library</Link>
        </p>
      </section>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <section class="page image-page">
        <BackLink />
        <h1>Image {hash.slice(0, 6)}</h1>
        <p class="error" role="alert">
          {loaded.message}
        </p>
        <button type="button" onClick={() => void load()}>
          Try again
        </button>
      </section>
    );
  }

  const shown = loaded.image;
  return (
    <section class="page image-page">
      <BackLink />
      <h1 class="image-title">{shown.name}</h1>
      {shown.deleted && (
        <p class="notice image-deleted-notice" role="status">
          This image is deleted. Restore it to use it again.
        </p>
      )}
      <div class="image-layout">
        <div class="image-main">
          <SubjectAreaEditor image={shown} onChanged={changed} />
          <CropPreviews image={shown} />
        </div>
        <div class="image-side">
          <ImageActions image={shown} onChanged={changed} />
          <ImageFields image={shown} />
          <MetadataEditor image={shown} onChanged={changed} />
        </div>
      </div>
    </section>
  );
}
