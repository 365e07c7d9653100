// The stack options (GET /stackoptions: output quality, autoformat, dpr …)
// in a section that opens on demand, since most stacks keep the defaults. It
// opens by itself when the server refused one of them, to show why.

import type { OptionDescription } from 'origo-client';
import { useEffect, useState } from 'preact/hooks';
import type { FieldValue, FieldValues } from '../stacks/form-model.ts';
import { StackOptionField } from './stack-option-field.tsx';

interface Props {
  properties: Record<string, OptionDescription>;
  values: FieldValues;
  error?: { option: string; message: string } | undefined;
  onChange(values: FieldValues): void;
}

export function stackOptionFieldId(option: string): string {
  return `stack-option-${option.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function StackOptionsForm({ properties, values, error, onChange }: Props) {
  const setValue = (name: string, value: FieldValue | undefined) => {
    const next = { ...values };
    if (value === undefined) delete next[name];
    else next[name] = value;
    onChange(next);
  };
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (error !== undefined) setOpen(true);
  }, [error]);
  const setCount = Object.keys(values).length;
  const names = Object.keys(properties);
  const errorOnField = error !== undefined && names.includes(error.option);
  return (
    <details class="stack-options card" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Stack options <span class="hint">({setCount === 0 ? 'all defaults' : `${setCount} set`})</span>
      </summary>
      <div class="stack-fields">
        {names.map((name) => (
          <StackOptionField
            key={name}
            id={stackOptionFieldId(name)}
            name={name}
            description={properties[name]}
            value={values[name]}
            error={errorOnField && error?.option === name ? error.message : undefined}
            onChange={(value) => setValue(name, value)}
          />
        ))}
      </div>
      {error !== undefined && !errorOnField && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
    </details>
  );
}
