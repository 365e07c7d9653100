// The library, the dashboard's home: the organization's images as a grid of
// tiles, paged by cursor as the person scrolls, with a search in the API's
// own syntax, a sort order, facet counts and the deleted images to restore;
// files dropped anywhere on it, or chosen with "Upload images", are uploaded
// and appear first in the grid.

import type { SourceImage } from 'origo-client';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Facets } from '../components/facets.tsx';
import { ImageGrid } from '../components/image-grid.tsx';
import { SearchBox, SORTS } from '../components/search-box.tsx';
import { Thumbnail } from '../components/thumbnail.tsx';
import { UploadProgress } from '../components/upload-progress.tsx';
import { UploadButton, UploadZone } from '../components/upload-zone.tsx';
import { messageOf } from '../errors.ts';
import { useFacetCounts } from '../library/facet-counts.ts';
import { facetFieldsOf } from '../library/facet-fields.ts';
import { useImagePages } from '../library/image-pages.ts';
import { parseSearch, type SearchPairs, withFilter } from '../library/search-query.ts';
import { useUploads } from '../library/uploads.ts';
import { useSession } from '../session/context.ts';
import './library.css';

/** What the grid shows: the search as it was accepted, the order and the view. */
interface Shown {
  text: string;
  sort: string;
  deleted: boolean;
}

const DEFAULT_SORT = SORTS[0].value;

/** The request's parameters: the box's filters, then the sort unless the box names one, then the view. */
function requestPairs(filters: SearchPairs, shown: Shown): SearchPairs {
  const pairs: SearchPairs = [...filters];
  if (!pairs.some(([key]) => key === 'sort')) pairs.push(['sort', shown.sort]);
  if (shown.deleted) pairs.push(['deleted', 'true']);
  return pairs;
}

export function LibraryPage() {
  const { organization, client, token, expire } = useSession();
  const pages = useImagePages(client, organization);
  const { search } = pages;
  const [text, setText] = useState('');
  const [shown, setShown] = useState<Shown>({ text: '', sort: DEFAULT_SORT, deleted: false });
  const [shownPairs, setShownPairs] = useState<SearchPairs>(() => requestPairs([], shown));
  /** Counts uploads and restores, after which the facet counts are out of date. */
  const [changes, setChanges] = useState(0);
  const [searchError, setSearchError] = useState<string | undefined>(undefined);
  // The controls show what was asked for at once; back to what is shown if the server refuses it.
  const [asked, setAsked] = useState<Shown | undefined>(undefined);
  const controls = asked ?? shown;

  useEffect(() => {
    document.title = `Library · ${organization} · origo`;
  }, [organization]);

  /** Shows `next` once its first page arrives; a refusal is shown beside the box and the grid stays. */
  const show = useCallback(
    async (next: Shown) => {
      const parsed = parseSearch(next.text);
      if ('error' in parsed) {
        setSearchError(parsed.error);
        return;
      }
      const pairs = requestPairs(parsed.pairs, next);
      setAsked(next);
      const outcome = await search(pairs);
      if ('stale' in outcome) return;
      setAsked(undefined);
      if ('error' in outcome) {
        setSearchError(outcome.error);
        return;
      }
      setSearchError(undefined);
      setShown(next);
      setShownPairs(pairs);
    },
    [search],
  );

  useEffect(() => {
    show({ text: '', sort: DEFAULT_SORT, deleted: false });
  }, [show]);

  const uploads = useUploads({
    client,
    organization,
    // The upload goes by XMLHttpRequest, outside the client: it sends the session's current token itself.
    token,
    isShown: (hash) => pages.images.some((image) => image.hash === hash),
    // The deleted view lists no new image; the normal view shows it first.
    onStored: (image) => {
      if (!shown.deleted) pages.prepend(image);
      setChanges((n) => n + 1);
    },
    onUnauthorized: expire,
  });

  const facetFields = useMemo(() => facetFieldsOf(pages.images), [pages.images]);
  const facetCounts = useFacetCounts(client, organization, facetFields, shownPairs, changes);

  const restore = useCallback(
    async (image: SourceImage): Promise<string | undefined> => {
      try {
        await client.restoreSourceImage(organization, image.hash);
        pages.remove(image.hash);
        setChanges((n) => n + 1);
        return undefined;
      } catch (err) {
        return messageOf(err);
      }
    },
    [client, organization, pages.remove],
  );

  const filtered = shown.text.trim() !== '';
  const noImagesAtAll = pages.loaded && pages.images.length === 0 && !filtered && !shown.deleted;

  return (
    <section class="page library" aria-labelledby="library-title">
      <UploadZone onFiles={uploads.add}>
        <div class="library-head">
          <h1 id="library-title">Library</h1>
          <UploadButton onFiles={uploads.add} />
        </div>
        <UploadProgress items={uploads.items} onClear={uploads.clearFinished} />
        {/* Also on an empty library: its deleted images may still be restored. */}
        <SearchBox
          text={text}
          onText={setText}
          onSubmit={() => show({ ...controls, text })}
          sort={controls.sort}
          onSort={(sort) => show({ ...controls, text, sort })}
          deleted={controls.deleted}
          onDeleted={(deleted) => show({ ...controls, text, deleted })}
          error={searchError}
        />
        {!noImagesAtAll && (
          <Facets
            fields={facetFields}
            counts={facetCounts}
            onPick={(field, value) => {
              const next = withFilter(shown.text, field, value);
              setText(next);
              show({ ...shown, text: next });
            }}
          />
        )}
        {noImagesAtAll ? (
          <div class="library-empty card">
            <p>There are no images in {organization} yet.</p>
            <p>Drop images here or use Upload images.</p>
          </div>
        ) : pages.loaded && pages.images.length === 0 ? (
          <p class="library-none">
            {shown.deleted ? 'No deleted images can be restored.' : 'No images match this search.'}
          </p>
        ) : (
          <ImageGrid
            more={pages.more}
            loading={pages.loading}
            pageError={pages.pageError}
            onLoadMore={pages.loadMore}
            summary={
              pages.loaded
                ? `${pages.images.length} of ${pages.total} ${shown.deleted ? 'deleted images' : 'images'}`
                : 'Loading images…'
            }
          >
            {pages.images.map((image) => (
              <li key={image.hash}>
                <Thumbnail
                  client={client}
                  organization={organization}
                  image={image}
                  onRestore={shown.deleted ? restore : undefined}
                />
              </li>
            ))}
          </ImageGrid>
        )}
      </UploadZone>
    </section>
  );
}
