// The library as a drop zone: files dragged over it show where they will
// go, and dropped files are uploaded; a file input labelled "Upload images"
// does the same for those who do not drag.

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import './upload-zone.css';

interface Props {
  onFiles(files: File[]): void;
  children: ComponentChildren;
}

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

export function UploadZone({ onFiles, children }: Props) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the drag has left.
  const depth = useRef(0);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop is a pointer shortcut; the "Upload images" input does the same from the keyboard.
    <div
      class={dragging ? 'upload-zone upload-zone-dragging' : 'upload-zone'}
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length > 0) onFiles(files);
      }}
    >
      {children}
      {dragging && (
        <div class="upload-zone-overlay" aria-hidden="true">
          <p>Drop images to upload them</p>
        </div>
      )}
    </div>
  );
}

/** The "Upload images" button: a file input for many files, behind a label that looks like a button. */
export function UploadButton({ onFiles }: { onFiles(files: File[]): void }) {
  return (
    <label class="upload-button">
      Upload images
      <input
        type="file"
        multiple
        class="visually-hidden"
        onChange={(event) => {
          const input = event.currentTarget;
          const files = Array.from(input.files ?? []);
          // Emptied, so that choosing the same file again is a change too.
          input.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </label>
  );
}
