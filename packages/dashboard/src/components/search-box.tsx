// The library's search: a box taking the API's filters (see
// library/search-query.ts for how the text is read), the sort order, and the
// switch to the deleted images. A refused search is explained beside the box.

import { useId } from 'preact/hooks';
import './search-box.css';

/** The orders offered, as the API's `sort` values. */
export const SORTS = [
  { value: 'created desc', label: 'Newest first' },
  { value: 'created asc', label: 'Oldest first' },
  { value: 'name asc', label: 'Name A–Z' },
  { value: 'name desc', label: 'Name Z–A' },
  { value: 'size desc', label: 'Largest first' },
  { value: 'size asc', label: 'Smallest first' },
] as const;

interface Props {
  text: string;
  onText(text: string): void;
  onSubmit(): void;
  sort: string;
  onSort(sort: string): void;
  deleted: boolean;
  onDeleted(deleted: boolean): void;
  error: string | undefined;
}

export function SearchBox({ text, onText, onSubmit, sort, onSort, deleted, onDeleted, error }: Props) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div class="search-box">
      <form
        class="search-box-form"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <label class="field search-box-query">
          <span>Search</span>
          <span class="search-box-row">
            <input
              type="search"
              name="q"
              value={text}
              placeholder="user:str:title=Sea"
              autoCapitalize="none"
              spellcheck={false}
              onInput={(e) => onText(e.currentTarget.value)}
              aria-invalid={error === undefined ? undefined : true}
              aria-describedby={error === undefined ? hintId : `${errorId} ${hintId}`}
            />
            {/* Never disabled: a search sent while another runs simply wins over it. */}
            <button type="submit">Go</button>
          </span>
        </label>
        <label class="field">
          <span>Sort</span>
          <select value={sort} onChange={(e) => onSort(e.currentTarget.value)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error !== undefined && (
        <p id={errorId} class="error search-box-error" role="alert">
          {error}
        </p>
      )}
      <p id={hintId} class="hint search-box-hint">
        Words search the names; filters as in the API, e.g. <code>user:category=beach</code> or{' '}
        <code>user:int:rank=[1,10]</code>, separated by spaces.
      </p>
      <label class="search-box-deleted">
        <input type="checkbox" checked={deleted} onChange={(e) => onDeleted(e.currentTarget.checked)} />
        Show deleted images
      </label>
    </div>
  );
}
