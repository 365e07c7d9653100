// Facet counts as buttons: a click adds that value's filter to the search.

import type { FacetCounts } from '../library/facet-counts.ts';
import type { FacetField } from '../library/facet-fields.ts';
import './facets.css';

/** Values shown per field; the most frequent come first. */
const VALUES_SHOWN = 12;

interface Props {
  fields: readonly FacetField[];
  counts: FacetCounts;
  onPick(field: string, value: string): void;
}

export function Facets({ fields, counts, onPick }: Props) {
  const shown = fields.filter((f) => (counts[f.field] ?? []).length > 0);
  if (shown.length === 0) return null;
  return (
    <section class="facets" aria-labelledby="facets-title">
      <h2 id="facets-title" class="facets-title">
        Filter by metadata
      </h2>
      {shown.map((f) => (
        <div class="facets-field" key={f.field}>
          <h3 class="facets-field-name">{f.label}</h3>
          <ul class="facets-values">
            {(counts[f.field] ?? []).slice(0, VALUES_SHOWN).map((v) => (
              <li key={v.value}>
                {/* Named "tags: blue 3": the field is read out, the visible words stay in the name. */}
                <button type="button" class="facets-value" onClick={() => onPick(f.field, v.value)}>
                  <span class="visually-hidden">{f.label}: </span>
                  {v.value} <span class="facets-count">{v.count}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
