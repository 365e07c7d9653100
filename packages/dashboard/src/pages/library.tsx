// The library, the dashboard's home: the organization's images as a grid of
// tiles, paged by cursor as the person scrolls.

import { useEffect } from 'preact/hooks';
import { ImageGrid } from '../components/image-grid.tsx';
import { Thumbnail } from '../components/thumbnail.tsx';
import { useImagePages } from '../library/image-pages.ts';
import { useSession } from '../session/context.ts';
import './library.css';

export function LibraryPage() {
  const { organization, client } = useSession();
  const pages = useImagePages(client, organization);
  const { search } = pages;
  useEffect(() => {
    document.title = `Library · ${organization} · origo`;
  }, [organization]);
  useEffect(() => {
    search([]);
  }, [search]);

  const empty = pages.loaded && pages.images.length === 0;
  return (
    <section class="page library">
      <h1>Library</h1>
      {empty ? (
        <div class="library-empty card">
          <p>There are no images in {organization} yet.</p>
          <p>Drop images here or use Upload images.</p>
        </div>
      ) : (
        <ImageGrid
          more={pages.more}
          loading={pages.loading}
          pageError={pages.pageError}
          onLoadMore={pages.loadMore}
          summary={pages.loaded ? `${pages.images.length} of ${pages.total} images` : 'Loading images…'}
        >
          {pages.images.map((image) => (
            <li key={image.hash}>
              <Thumbnail client={client} organization={organization} image={image} />
            </li>
          ))}
        </ImageGrid>
      )}
    </section>
  );
}
