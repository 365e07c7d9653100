// One image: its preview and fields. (Filled in by the image-page work.)

import { useEffect } from 'preact/hooks';

export function ImagePage({ hash }: { hash: string }) {
  useEffect(() => {
    document.title = `Image ${hash.slice(0, 6)} · origo`;
  }, [hash]);
  return (
    <section class="page">
      <h1>Image {hash}</h1>
    </section>
  );
}
