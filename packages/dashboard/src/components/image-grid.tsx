// The grid of tiles, and what brings the next page: a sentinel below the
// last row that asks for it when it comes near the screen, and a "Load more"
// button for keyboards and for browsers without IntersectionObserver.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import './image-grid.css';

interface Props {
  children: ComponentChildren;
  more: boolean;
  loading: boolean;
  pageError: string | undefined;
  onLoadMore(): void;
  /** Read out beside the list: what it shows, e.g. "100 of 130 images". */
  summary: string;
}

/** How far below the screen the sentinel starts the next page, so it is there before it is needed. */
const AHEAD = '800px';

export function ImageGrid({ children, more, loading, pageError, onLoadMore, summary }: Props) {
  const sentinel = useRef<HTMLDivElement>(null);
  const loadMore = useRef(onLoadMore);
  loadMore.current = onLoadMore;

  useEffect(() => {
    const element = sentinel.current;
    if (!more || loading || element === null || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadMore.current();
      },
      { rootMargin: `0px 0px ${AHEAD} 0px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
    // A new observer once each page has come: a sentinel still in view asks for the next at once.
  }, [more, loading]);

  return (
    <div class="image-grid-area">
      <p class="image-grid-summary hint" aria-live="polite">
        {summary}
      </p>
      <ul class="image-grid">{children}</ul>
      {more && <div ref={sentinel} class="image-grid-sentinel" />}
      {pageError !== undefined && (
        <p class="error" role="alert">
          {pageError}
        </p>
      )}
      {more && (
        <button type="button" class="image-grid-more" onClick={onLoadMore} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
