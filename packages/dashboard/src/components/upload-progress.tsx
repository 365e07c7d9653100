// What became of each file being uploaded: its progress, then "Stored",
// "Already stored" or the server's reason for refusing it; and the progress
// of them all.

import type { UploadItem } from '../library/uploads.ts';
import { Link } from '../router.tsx';
import './upload-progress.css';

interface Props {
  items: readonly UploadItem[];
  onClear(): void;
}

const isFinished = (item: UploadItem) => item.state !== 'waiting' && item.state !== 'uploading';

function Outcome({ item }: { item: UploadItem }) {
  switch (item.state) {
    case 'waiting':
      return <span class="upload-progress-state">Waiting…</span>;
    case 'uploading':
      return (
        <span class="upload-progress-state">
          Uploading… {item.total > 0 ? Math.floor((item.sent / item.total) * 100) : 0}%
        </span>
      );
    case 'stored':
      return <span class="upload-progress-state upload-progress-ok">Stored</span>;
    case 'duplicate':
      return (
        <span class="upload-progress-state">
          Already stored
          {item.image !== undefined && (
            <>
              {' '}
              (<Link to={`images/${item.image.hash}`}>open</Link>)
            </>
          )}
        </span>
      );
    case 'refused':
      return <span class="upload-progress-state error">Not stored: {item.message}</span>;
  }
}

export function UploadProgress({ items, onClear }: Props) {
  if (items.length === 0) return null;
  const total = items.reduce((sum, item) => sum + item.total, 0);
  const done = items.reduce((sum, item) => sum + (isFinished(item) ? item.total : item.sent), 0);
  const finished = items.filter(isFinished).length;
  return (
    <section class="upload-progress card" aria-labelledby="upload-progress-title">
      <div class="upload-progress-head">
        <h2 id="upload-progress-title">Uploads</h2>
        <p class="upload-progress-summary" aria-live="polite">
          {finished} of {items.length} files done
        </p>
        {finished === items.length && (
          <button type="button" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      <progress class="upload-progress-total" aria-label="All uploads" max={Math.max(total, 1)} value={done} />
      <ul class="upload-progress-list">
        {items.map((item) => (
          <li key={item.id} class="upload-progress-item">
            <span class="upload-progress-name">{item.name}</span>
            {item.state !== 'refused' && (
              <progress
                aria-label={`Upload of ${item.name}`}
                max={Math.max(item.total, 1)}
                value={isFinished(item) ? Math.max(item.total, 1) : item.sent}
              />
            )}
            <Outcome item={item} />
          </li>
        ))}
      </ul>
    </section>
  );
}
