// One tile of the library: a square picture that keeps its box while it
// loads, and the image's name, as one link to the image's page. In the
// deleted view the tile is no link (the page would not find the image) but
// carries a "Restore" button instead.

import type { OrigoClient, SourceImage } from 'origo-client';
import { useState } from 'preact/hooks';
import { THUMBNAIL_SIZE, thumbnailSources } from '../library/thumbnail-urls.ts';
import { Link } from '../router.tsx';
import './thumbnail.css';

interface Props {
  client: OrigoClient;
  organization: string;
  image: SourceImage;
  /** Given in the deleted view: restores the image; answers an error message on failure. */
  onRestore?: ((image: SourceImage) => Promise<string | undefined>) | undefined;
}

function Picture({ client, organization, image }: Omit<Props, 'onRestore'>) {
  const [failed, setFailed] = useState(false);
  const { src, srcset } = thumbnailSources(client, organization, image);
  // alt is empty: the name beside it names the tile, once.
  return (
    <span class={failed ? 'thumbnail-picture thumbnail-failed' : 'thumbnail-picture'}>
      <img
        src={src}
        srcset={srcset}
        alt=""
        width={THUMBNAIL_SIZE}
        height={THUMBNAIL_SIZE}
        loading="lazy"
        decoding="async"
        onError={() => setFailed(true)}
      />
    </span>
  );
}

function RestorableTile({ onRestore, ...props }: Props & { onRestore: NonNullable<Props['onRestore']> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const errorId = `restore-error-${props.image.hash}`;
  return (
    <div class="thumbnail thumbnail-deleted">
      <Picture {...props} />
      <span class="thumbnail-name" title={props.image.name}>
        {props.image.name}
      </span>
      <button
        type="button"
        disabled={busy}
        aria-label={`Restore ${props.image.name}`}
        aria-describedby={error === undefined ? undefined : errorId}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          const failure = await onRestore(props.image);
          setBusy(false);
          setError(failure);
        }}
      >
        {busy ? 'Restoring…' : 'Restore'}
      </button>
      {error !== undefined && (
        <p id={errorId} class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Thumbnail({ onRestore, ...props }: Props) {
  if (onRestore !== undefined) return <RestorableTile {...props} onRestore={onRestore} />;
  return (
    <Link to={`images/${props.image.hash}`} class="thumbnail">
      <Picture {...props} />
      <span class="thumbnail-name" title={props.image.name}>
        {props.image.name}
      </span>
    </Link>
  );
}
