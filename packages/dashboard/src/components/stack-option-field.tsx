// One option of an operation or of the stack, as the server describes it in
// GET /operations and GET /stackoptions: a number field with its range, a
// select for a list of values, a checkbox for a boolean, text otherwise. The
// label is the option's name, as written in a stack's JSON and in URLs.

import type { OptionDescription } from 'origo-client';
import type { JSX } from 'preact';
import type { FieldValue } from '../stacks/form-model.ts';

interface Props {
  /** Unique in the page: the ids of the control, its hint and its error start with it. */
  id: string;
  name: string;
  description: OptionDescription | undefined;
  /** Undefined: not set, the server's default applies. */
  value: FieldValue | undefined;
  required?: boolean;
  /** The server's refusal of this field, shown beside it. */
  error?: string | undefined;
  onChange(value: FieldValue | undefined): void;
}

function defaultText(description: OptionDescription | undefined): string | undefined {
  const value = description?.default;
  return value === undefined || value === null ? undefined : String(value);
}

function hintOf(description: OptionDescription | undefined): string | undefined {
  const parts: string[] = [];
  if (typeof description?.description === 'string') parts.push(description.description);
  const fallback = defaultText(description);
  if (fallback !== undefined && description?.type !== 'boolean') parts.push(`Default: ${fallback}.`);
  return parts.length === 0 ? undefined : parts.join(' ');
}

export function StackOptionField({ id, name, description, value, required = false, error, onChange }: Props) {
  const hint = hintOf(description);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? undefined : hintId, error === undefined ? undefined : errorId]
    .filter((part) => part !== undefined)
    .join(' ');
  const common = {
    id,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
    'aria-invalid': error === undefined ? undefined : true,
  } as const;
  const type = description?.type;
  const values = Array.isArray(description?.values) ? description.values.map(String) : undefined;
  const text = typeof value === 'boolean' ? String(value) : (value ?? '');

  let control: JSX.Element;
  if (type === 'boolean') {
    const checked =
      typeof value === 'boolean' ? value : value === 'true' || (value === undefined && description?.default === true);
    control = (
      <input {...common} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
    );
  } else if (values !== undefined) {
    const fallback = defaultText(description);
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
        <option value="">{fallback === undefined ? 'Not set' : `Default (${fallback})`}</option>
        {values.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
        {text !== '' && !values.includes(text) && <option value={text}>{text}</option>}
      </select>
    );
  } else if ((type === 'integer' || type === 'number') && (text === '' || Number.isFinite(Number(text)))) {
    // A stored value that is no number (an expression, "[$w * 2]") falls through to a text field.
    control = (
      <input
        {...common}
        type="number"
        inputMode={type === 'integer' ? 'numeric' : 'decimal'}
        min={description?.minimum}
        max={description?.maximum}
        step={type === 'integer' ? 1 : 'any'}
        placeholder={defaultText(description)}
        aria-required={required || undefined}
        value={text}
        onInput={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        autoCapitalize="none"
        spellcheck={false}
        placeholder={defaultText(description)}
        aria-required={required || undefined}
        value={text}
        onInput={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      />
    );
  }

  return (
    <div class={type === 'boolean' ? 'stack-field stack-field-check' : 'stack-field'}>
      {type === 'boolean' ? (
        <label class="stack-field-check-label" for={id}>
          {control}
          <span>{name}</span>
        </label>
      ) : (
        <>
          <label for={id}>
            {name}
            {required && <span class="stack-field-required"> (required)</span>}
          </label>
          {control}
        </>
      )}
      {hint !== undefined && (
        <p id={hintId} class="hint stack-field-hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={errorId} class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
