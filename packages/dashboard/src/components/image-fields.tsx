// The image's fields as the server reports them, and a summary of what the
// file itself says (EXIF, IPTC) when the server read any.

import type { SourceImage } from 'origo-client';
import type { ComponentChildren } from 'preact';
import { exactBytes, humanSize, readableDate } from '../image/format.ts';
import { staticSummary } from '../image/static-summary.ts';
import './image-fields.css';

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="image-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function ImageFields({ image }: { image: SourceImage }) {
  const summary = staticSummary(image.static_metadata);
  return (
    <section class="card image-fields" aria-labelledby="image-fields-title">
      <h2 id="image-fields-title">Details</h2>
      <dl>
        <Field label="Hash">
          <code>{image.hash}</code>
        </Field>
        <Field label="Short hash">
          <code>{image.short_hash}</code>
        </Field>
        <Field label="Binary hash">
          <code>{image.binary_hash}</code>
        </Field>
        <Field label="Size">
          {humanSize(image.size)} ({exactBytes(image.size)})
        </Field>
        <Field label="Format">
          {image.format} ({image.mimetype})
        </Field>
        <Field label="Dimensions">
          {image.width} × {image.height} px
        </Field>
        <Field label="Created">
          <time dateTime={image.created}>{readableDate(image.created)}</time>
        </Field>
        <Field label="Deleted">
          {image.deleted ? (
            <>
              Yes
              {image.deleted_date !== undefined && (
                <>
                  , <time dateTime={image.deleted_date}>{readableDate(image.deleted_date)}</time>
                </>
              )}
            </>
          ) : (
            'No'
          )}
        </Field>
      </dl>
      {summary.length > 0 && (
        <>
          <h3>From the file</h3>
          <dl class="image-static">
            {summary.map((item) => (
              <Field key={item.label} label={item.label}>
                {item.value}
              </Field>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
