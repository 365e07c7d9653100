// What can be done with the image: download the original, delete (after a
// confirmation in the page) or restore, lock, protect, copy to another
// organization. Each shows its own outcome beside its control.

import type { ImageActionProps } from './image-action-props.ts';
import { ImageCopyForm } from './image-copy-form.tsx';
import { DeleteOrRestore } from './image-delete-restore.tsx';
import { DownloadButton } from './image-download-button.tsx';
import { ImageToggles } from './image-toggles.tsx';
import './image-actions.css';

export function ImageActions({ image, onChanged }: ImageActionProps) {
  return (
    <section class="card image-actions" aria-labelledby="image-actions-title">
      <h2 id="image-actions-title">Actions</h2>
      <DownloadButton image={image} />
      <ImageToggles image={image} onChanged={onChanged} />
      <ImageCopyForm image={image} />
      <DeleteOrRestore image={image} onChanged={onChanged} />
    </section>
  );
}
