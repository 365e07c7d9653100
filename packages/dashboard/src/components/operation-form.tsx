// One operation of the stack being edited: its options as fields made from
// GET /operations, and the buttons that move it up or down or remove it.
// Their accessible names say which operation they act on ("Move up 2.
// grayscale"), since every operation has the same three buttons. The drag
// handle is for the mouse only; the buttons do the same from the keyboard.

import type { OperationDescription } from 'origo-client';
import type { EditorOperation, FieldValue } from '../stacks/form-model.ts';
import { StackOptionField } from './stack-option-field.tsx';

interface Props {
  operation: EditorOperation;
  index: number;
  count: number;
  description: OperationDescription | undefined;
  /** The server's refusal of this operation: of one option, or of the whole operation. */
  error?: { option: string | undefined; message: string } | undefined;
  onChange(values: EditorOperation['values']): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
  /** A drag of this operation's handle begins (the list decides where it is dropped). */
  onDragStart(): void;
}

export function moveButtonId(operation: EditorOperation, delta: -1 | 1): string {
  return `operation-${operation.id}-${delta < 0 ? 'up' : 'down'}`;
}

export function fieldId(operation: EditorOperation, option: string): string {
  return `operation-${operation.id}-${option.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function OperationForm({
  operation,
  index,
  count,
  description,
  error,
  onChange,
  onMove,
  onRemove,
  onDragStart,
}: Props) {
  const title = `${index + 1}. ${operation.name}`;
  const properties = description?.properties ?? {};
  const required = new Set(description?.required ?? []);
  const setValue = (name: string, value: FieldValue | undefined) => {
    const values = { ...operation.values };
    if (value === undefined) delete values[name];
    else values[name] = value;
    onChange(values);
  };
  const shown = Object.keys(properties);
  const errorOnField = error?.option !== undefined && shown.includes(error.option);

  return (
    <fieldset class="stack-operation card" aria-labelledby={`operation-${operation.id}-title`}>
      <div class="stack-operation-head">
        <div class="stack-operation-name">
          <span
            class="stack-drag-handle"
            draggable
            aria-hidden="true"
            title="Drag to reorder"
            onDragStart={(event) => {
              event.dataTransfer?.setData('text/plain', title);
              onDragStart();
            }}
          >
            ⠿
          </span>
          <h3 id={`operation-${operation.id}-title`} class="stack-operation-title">
            {title}
          </h3>
        </div>
        <div class="stack-operation-actions">
          <button
            type="button"
            id={moveButtonId(operation, -1)}
            aria-label={`Move up ${title}`}
            disabled={index === 0}
            onClick={() => onMove(-1)}
          >
            Move up
          </button>
          <button
            type="button"
            id={moveButtonId(operation, 1)}
            aria-label={`Move down ${title}`}
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          >
            Move down
          </button>
          <button type="button" class="danger" aria-label={`Remove ${title}`} onClick={onRemove}>
            Remove
          </button>
        </div>
      </div>
      {description === undefined && <p class="hint">This server does not describe the operation “{operation.name}”.</p>}
      {typeof description?.description === 'string' && <p class="hint">{description.description}</p>}
      {shown.length > 0 && (
        <div class="stack-fields">
          {shown.map((name) => (
            <StackOptionField
              key={name}
              id={fieldId(operation, name)}
              name={name}
              description={properties[name]}
              value={operation.values[name]}
              required={required.has(name)}
              error={errorOnField && error?.option === name ? error.message : undefined}
              onChange={(value) => setValue(name, value)}
            />
          ))}
        </div>
      )}
      {error !== undefined && !errorOnField && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
    </fieldset>
  );
}
