// The library's images, page by page by cursor: a search replaces the list
// only once its first page has arrived (a refused search leaves the grid as it
// was), and each next page is appended without the images already shown.

import type { OrigoClient, SourceImage } from 'origo-client';
import { useCallback, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import type { SearchPairs } from './search-query.ts';

/** Images per request: the "first page of 100" the dashboard bench times, a few screens of tiles. */
export const PAGE_SIZE = 100;

export interface ImagePages {
  images: SourceImage[];
  /** Every match of the search, as the server counts them. */
  total: number;
  /** Whether more pages follow. */
  more: boolean;
  loading: boolean;
  /** Why the last next page did not come (a search's own refusal is answered by `search`). */
  pageError: string | undefined;
  /** Whether a first page has arrived since the page opened. */
  loaded: boolean;
}

const EMPTY: ImagePages = { images: [], total: 0, more: false, loading: false, pageError: undefined, loaded: false };

function withoutSeen(seen: readonly SourceImage[], page: readonly SourceImage[]): SourceImage[] {
  const hashes = new Set(seen.map((image) => image.hash));
  return page.filter((image) => !hashes.has(image.hash));
}

/** How a search ended: shown, refused (the server's message), or overtaken by a later one. */
export type SearchOutcome = { shown: true } | { error: string } | { stale: true };

export function useImagePages(client: OrigoClient, organization: string) {
  const [state, setState] = useState<ImagePages>(EMPTY);
  /** The list shown: its parameters, the cursor of its last page, and a number that changes with each new list. */
  const current = useRef({ params: new URLSearchParams(), cursor: undefined as string | undefined, generation: 0 });
  /** The latest search asked for: an earlier one answering later is ignored. */
  const latestSearch = useRef(0);
  /** The next-page request under way, if any (its list's generation). */
  const paging = useRef<number | undefined>(undefined);

  /** Loads the first page of `pairs`; a refusal leaves the list shown as it was. */
  const search = useCallback(
    async (pairs: SearchPairs): Promise<SearchOutcome> => {
      const ask = ++latestSearch.current;
      const params = new URLSearchParams(pairs);
      params.set('limit', String(PAGE_SIZE));
      setState((s) => ({ ...s, loading: true }));
      try {
        const page = await client.listSourceImages(organization, params);
        if (ask !== latestSearch.current) return { stale: true };
        current.current = { params, cursor: page.cursor, generation: current.current.generation + 1 };
        paging.current = undefined;
        setState({
          images: page.items,
          total: page.total,
          more: page.items.length === PAGE_SIZE && page.items.length < page.total,
          loading: false,
          pageError: undefined,
          loaded: true,
        });
        return { shown: true };
      } catch (err) {
        if (ask !== latestSearch.current) return { stale: true };
        setState((s) => ({ ...s, loading: paging.current !== undefined }));
        return { error: messageOf(err) };
      }
    },
    [client, organization],
  );

  /** Appends the next page, once at a time (the sentinel and the button may both ask). */
  const loadMore = useCallback(async () => {
    const { params, cursor, generation } = current.current;
    if (paging.current === generation || cursor === undefined) return;
    paging.current = generation;
    setState((s) => ({ ...s, loading: true, pageError: undefined }));
    const next = new URLSearchParams(params);
    next.set('offset', cursor);
    try {
      const page = await client.listSourceImages(organization, next);
      // A new list came meanwhile: this page belongs to the old one.
      if (generation !== current.current.generation) return;
      current.current = { ...current.current, cursor: page.cursor };
      setState((s) => ({
        ...s,
        images: [...s.images, ...withoutSeen(s.images, page.items)],
        more: page.items.length === PAGE_SIZE,
        loading: false,
      }));
    } catch (err) {
      if (generation === current.current.generation) {
        setState((s) => ({ ...s, loading: false, pageError: messageOf(err) }));
      }
    } finally {
      if (paging.current === generation) paging.current = undefined;
    }
  }, [client, organization]);
  /** Shows a just-uploaded image first (a later page that holds it again does not repeat it). */
  const prepend = useCallback((image: SourceImage) => {
    setState((s) =>
      s.images.some((i) => i.hash === image.hash)
        ? s
        : { ...s, images: [image, ...s.images], total: s.total + 1, loaded: true },
    );
  }, []);

  /** Takes an image off the list (restored from the deleted view). */
  const remove = useCallback((hash: string) => {
    setState((s) => ({ ...s, images: s.images.filter((i) => i.hash !== hash), total: Math.max(0, s.total - 1) }));
  }, []);

  return { ...state, search, loadMore, prepend, remove };
}
