// The user metadata editor: one row per field (name, type, value), added,
// changed and removed freely, then saved with one PATCH. When the server
// refuses, its message is shown beside the field it names (or beside Save
// when it names none) and the rows stay as typed: nothing was stored.

import type { SourceImage } from 'origo-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import {
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  type FieldRow,
  type FieldType,
  patchFor,
  rowNamedIn,
  rowProblems,
  rowsOf,
} from '../image/user-fields.ts';
import { useSession } from '../session/context.ts';
import './metadata-editor.css';

const PLACEHOLDERS: Record<FieldType, string> = {
  str: 'Text',
  text: 'Text, searched by word',
  int: 'A whole number, e.g. 5',
  double: 'A number, e.g. 2.5',
  date: '2024-05-31T12:00:00Z',
  latlon: 'Latitude,longitude, e.g. 46.95,7.44',
  array: 'Items, separated by commas',
  array_text: 'Texts, separated by commas',
};

const INPUT_MODES: Partial<Record<FieldType, 'numeric' | 'decimal'>> = { int: 'numeric', double: 'decimal' };

interface Props {
  image: SourceImage;
  onChanged(image: SourceImage): void;
}

export function MetadataEditor({ image, onChanged }: Props) {
  const { client, organization } = useSession();
  const [rows, setRows] = useState<FieldRow[]>(() => rowsOf(image.user_metadata));
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const nextId = useRef(0);
  const focusRow = useRef<string | undefined>(undefined);
  const table = useRef<HTMLTableElement>(null);

  // Fresh rows whenever the stored metadata changes (after a save, or another image).
  const stored = JSON.stringify(image.user_metadata ?? {});
  useEffect(() => {
    setRows(rowsOf(JSON.parse(stored)));
    setRowErrors({});
    setFormError(undefined);
  }, [stored, image.hash]);

  useEffect(() => {
    if (focusRow.current === undefined) return;
    table.current?.querySelector<HTMLInputElement>(`[data-row="${focusRow.current}"] input`)?.focus();
    focusRow.current = undefined;
  });

  const update = (id: string, change: Partial<FieldRow>) => {
    setRows((now) => now.map((row) => (row.id === id ? { ...row, ...change } : row)));
    // The row's refusal was about what it held before.
    setRowErrors(({ [id]: _edited, ...others }) => others);
    setStatus(undefined);
  };
  const discard = () => {
    setRows(rowsOf(image.user_metadata));
    setRowErrors({});
    setFormError(undefined);
    setStatus(undefined);
  };
  const dirty = Object.keys(patchFor(image.user_metadata, rows)).length > 0;
  const remove = (id: string) => {
    setRows((now) => now.filter((row) => row.id !== id));
    setStatus(undefined);
  };
  const add = () => {
    nextId.current += 1;
    const id = `new:${nextId.current}`;
    focusRow.current = id;
    setRows((now) => [...now, { id, name: '', type: 'str', value: '' }]);
    setStatus(undefined);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setStatus(undefined);
    setFormError(undefined);
    const problems = rowProblems(rows);
    setRowErrors(Object.fromEntries(problems.map((p) => [p.rowId, p.message])));
    if (problems.length > 0) return;
    const patch = patchFor(image.user_metadata, rows);
    if (Object.keys(patch).length === 0) {
      setStatus('Nothing has changed.');
      return;
    }
    setBusy(true);
    try {
      await client.patchSourceImageMetaUser(organization, image.hash, patch);
    } catch (err) {
      const message = messageOf(err);
      const rowId = rowNamedIn(message, rows);
      if (rowId === undefined) setFormError(message);
      else setRowErrors({ [rowId]: message });
      setBusy(false);
      return;
    }
    try {
      onChanged(await client.getSourceImage(organization, image.hash, { deleted: true }));
      setStatus('Metadata saved.');
    } catch (err) {
      setFormError(`Saved, but the image could not be read again: ${messageOf(err)}`);
    }
    setBusy(false);
  };

  return (
    <section class="card metadata-editor" aria-labelledby="metadata-title">
      <h2 id="metadata-title">User metadata</h2>
      <form onSubmit={save} noValidate>
        <fieldset disabled={busy || image.deleted}>
          {rows.length === 0 ? (
            <p class="hint">This image has no user metadata yet.</p>
          ) : (
            <table ref={table} class="metadata-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  <th scope="col">
                    <span class="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => {
                  const label = row.name.trim() === '' ? `field ${index + 1}` : row.name.trim();
                  const error = rowErrors[row.id];
                  const errorId = `metadata-error-${index}`;
                  return (
                    <tr key={row.id} data-row={row.id}>
                      <td data-label="Name">
                        <input
                          aria-label={`Name of field ${index + 1}`}
                          value={row.name}
                          autoCapitalize="none"
                          spellcheck={false}
                          onInput={(e) => update(row.id, { name: e.currentTarget.value })}
                        />
                      </td>
                      <td data-label="Type">
                        <select
                          aria-label={`Type of ${label}`}
                          value={row.type}
                          onChange={(e) => update(row.id, { type: e.currentTarget.value as FieldType })}
                        >
                          {FIELD_TYPES.map((type) => (
                            <option key={type} value={type} title={FIELD_TYPE_LABELS[type]}>
                              {type}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td data-label="Value">
                        {row.type === 'text' ? (
                          <textarea
                            aria-label={`Value of ${label}`}
                            value={row.value}
                            rows={2}
                            placeholder={PLACEHOLDERS[row.type]}
                            aria-invalid={error !== undefined}
                            aria-describedby={error === undefined ? undefined : errorId}
                            onInput={(e) => update(row.id, { value: e.currentTarget.value })}
                          />
                        ) : (
                          <input
                            aria-label={`Value of ${label}`}
                            value={row.value}
                            inputMode={INPUT_MODES[row.type]}
                            placeholder={PLACEHOLDERS[row.type]}
                            aria-invalid={error !== undefined}
                            aria-describedby={error === undefined ? undefined : errorId}
                            onInput={(e) => update(row.id, { value: e.currentTarget.value })}
                          />
                        )}
                        {error !== undefined && (
                          <p id={errorId} class="error" role="alert">
                            {error}
                          </p>
                        )}
                      </td>
                      <td class="metadata-remove">
                        <button type="button" class="danger" onClick={() => remove(row.id)}>
                          Remove <span class="visually-hidden">{label}</span>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {rows.length > 0 && (
            <p class="hint">
              Types: str and text (full text) hold text; int a whole number; double a number; date a date-time such as
              2024-05-31T12:00:00Z; latlon “lat,lon”; array and array_text lists, separated by commas.
            </p>
          )}
          {image.locked && <p class="hint">This image is locked: unlock it to change its metadata.</p>}
          <div class="metadata-buttons">
            <button type="button" onClick={add}>
              Add field
            </button>
            <button type="submit" class="primary" aria-describedby={formError ? 'metadata-form-error' : undefined}>
              {busy ? 'Saving…' : 'Save metadata'}
            </button>
            {dirty && (
              <button type="button" onClick={discard}>
                Discard changes
              </button>
            )}
          </div>
          {formError !== undefined && (
            <p id="metadata-form-error" class="error" role="alert">
              {formError}
            </p>
          )}
          {status !== undefined && (
            <p class="metadata-status" role="status">
              {status}
            </p>
          )}
        </fieldset>
      </form>
    </section>
  );
}
