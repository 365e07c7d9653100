// The editor of one stack, new or stored: its operations (each a form made
// from GET /operations), added, removed and reordered; its stack options;
// a live preview; "Save stack" (PUT) and "Delete stack" with a confirmation
// in the page. A refusal of the server is shown beside the field it names,
// and the form keeps everything as it was, so the person can fix that field.

import { isOrigoApiError, type Stack } from 'origo-client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session/context.ts';
import { type FieldErrorPlace, fieldErrorPlace } from '../stacks/field-error.ts';
import {
  type Descriptions,
  definitionOf,
  type EditorStack,
  editorStackOf,
  hasUnsavedChanges,
  newOperation,
  operationsOf,
  optionsOf,
} from '../stacks/form-model.ts';
import { moved, without } from '../stacks/reorder.ts';
import { fieldId, moveButtonId, OperationForm } from './operation-form.tsx';
import { StackDeleteConfirm } from './stack-delete-confirm.tsx';
import { StackOptionsForm, stackOptionFieldId } from './stack-options-form.tsx';
import { StackPreview } from './stack-preview.tsx';
import './stack-editor.css';

/**
 * The stack just created here: saving a new stack goes to its own address, where a fresh editor
 * loads it from the server, and that editor says it was saved.
 */
let justCreated: string | undefined;

/** Refusals of a new stack's name: shown beside the name field. */
const NAME_REFUSALS = new Set(['ORIGO_ERR_STACK_EXISTS', 'ORIGO_ERR_STACK_INVALID_NAME']);

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; descriptions: Descriptions; stack: Stack | undefined };

interface SaveError {
  message: string;
  place: FieldErrorPlace | undefined;
}

function useStackAndDescriptions(name: string | undefined): Loaded {
  const { organization, client } = useSession();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    Promise.all([
      client.getOperations(),
      client.getStackOptions(),
      name === undefined ? Promise.resolve(undefined) : client.getStack(organization, name),
    ])
      .then(([operations, stackOptions, stack]) => {
        if (current)
          setLoaded({ state: 'ready', descriptions: { operations, stackOptions: stackOptions.properties }, stack });
      })
      .catch((err: unknown) => current && setLoaded({ state: 'failed', message: messageOf(err) }));
    return () => {
      current = false;
    };
  }, [client, organization, name]);
  return loaded;
}

export function StackEditor({ name }: { name?: string }) {
  const loaded = useStackAndDescriptions(name);
  useEffect(() => {
    document.title = `${name === undefined ? 'New stack' : `Stack ${name}`} · origo`;
  }, [name]);

  return (
    <section class="page stack-editor" aria-labelledby="stack-editor-title">
      <p class="stack-back">
        <Link to="stacks">← All stacks</Link>
      </p>
      <h1 id="stack-editor-title">{name === undefined ? 'New stack' : `Stack ${name}`}</h1>
      {loaded.state === 'loading' && <p class="hint">Loading…</p>}
      {loaded.state === 'failed' && (
        <p class="error" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && <StackForm name={name} descriptions={loaded.descriptions} stored={loaded.stack} />}
    </section>
  );
}

interface FormProps {
  name: string | undefined;
  descriptions: Descriptions;
  stored: Stack | undefined;
}

function StackForm({ name, descriptions, stored }: FormProps) {
  const { organization, client } = useSession();
  const operationNames = Object.keys(descriptions.operations);
  const [stack, setStack] = useState<EditorStack>(() =>
    stored === undefined ? { operations: [], options: {} } : editorStackOf(stored),
  );
  const [saved, setSaved] = useState<Stack | undefined>(stored);
  const [newName, setNewName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [toAdd, setToAdd] = useState(operationNames[0] ?? '');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<SaveError | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(() => {
    if (name === undefined || justCreated !== name) return undefined;
    justCreated = undefined;
    return `Stack “${name}” created.`;
  });
  /** The index of the operation being dragged by its handle, while a drag lasts. */
  const dragged = useRef<number | undefined>(undefined);
  const [dropTarget, setDropTarget] = useState<number | undefined>(undefined);
  /** Where focus goes after the next render: the id of a control. */
  const [focusNext, setFocusNext] = useState<string[] | undefined>(undefined);

  useEffect(() => {
    if (focusNext === undefined) return;
    for (const id of focusNext) {
      const element = document.getElementById(id);
      if (element instanceof HTMLButtonElement && element.disabled) continue;
      element?.focus();
      break;
    }
    setFocusNext(undefined);
  }, [focusNext]);

  const change = (next: EditorStack) => {
    setStack(next);
    setNotice(undefined);
  };

  const preview = useMemo(
    () => ({
      operations: operationsOf(stack, descriptions),
      options: optionsOf(stack.options, descriptions.stackOptions),
    }),
    [stack, descriptions],
  );

  const save = async (event: Event) => {
    event.preventDefault();
    const stackName = name ?? newName.trim();
    if (stackName === '' || stackName === 'new') {
      // stacks/new is this form's own address, so a stack of that name could not be opened here.
      setNameError(
        stackName === '' ? 'Enter a name for the stack.' : 'Choose another name: “new” is kept for this form.',
      );
      setFocusNext(['stack-name']);
      return;
    }
    setNameError(undefined);
    setSaving(true);
    setSaveError(undefined);
    setNotice(undefined);
    try {
      const result = await client.createStack(organization, stackName, definitionOf(stack, descriptions, saved), {
        overwrite: name !== undefined,
      });
      setSaved(result);
      if (name === undefined) {
        justCreated = stackName;
        navigate(`stacks/${stackName}`, { replace: true });
        return;
      }
      setNotice('Saved.');
    } catch (err) {
      const message = messageOf(err);
      if (name === undefined && isOrigoApiError(err) && err.code !== undefined && NAME_REFUSALS.has(err.code)) {
        setNameError(message);
        setFocusNext(['stack-name']);
        return;
      }
      const place = fieldErrorPlace(message);
      setSaveError({ message, place });
      const target = stack.operations[place?.kind === 'operation' ? place.index : -1];
      if (place?.kind === 'operation' && target !== undefined && place.option !== undefined) {
        setFocusNext([fieldId(target, place.option)]);
      } else if (place?.kind === 'stack-option') {
        setFocusNext([stackOptionFieldId(place.option)]);
      }
    } finally {
      setSaving(false);
    }
  };

  const place = saveError?.place;
  const operationError = (index: number) =>
    saveError !== undefined && place?.kind === 'operation' && place.index === index
      ? { option: place.option, message: saveError.message }
      : undefined;
  const placedOnOperation = place?.kind === 'operation' && place.index < stack.operations.length;
  const placedOnOption = place?.kind === 'stack-option';
  const unsaved = saved !== undefined && hasUnsavedChanges(stack, descriptions, saved);
  const errorBesideSave = saveError !== undefined && !placedOnOperation && !placedOnOption;

  return (
    <div class="stack-editor-layout">
      <form class="stack-form" onSubmit={save} noValidate aria-label="Stack">
        {name === undefined && (
          <div class="field">
            <label for="stack-name">
              <span>Name</span>
            </label>
            <input
              id="stack-name"
              name="name"
              autoCapitalize="none"
              spellcheck={false}
              maxLength={100}
              value={newName}
              aria-describedby={nameError === undefined ? 'stack-name-hint' : 'stack-name-hint stack-name-error'}
              aria-invalid={nameError === undefined ? undefined : true}
              onInput={(e) => setNewName(e.currentTarget.value)}
            />
            <p id="stack-name-hint" class="hint">
              Letters, digits, <code>_</code>, <code>.</code> and <code>-</code>; it is part of the render URL:{' '}
              <code>/render/{organization}/name/…</code>
            </p>
            {nameError !== undefined && (
              <p id="stack-name-error" class="error" role="alert">
                {nameError}
              </p>
            )}
          </div>
        )}

        <h2>Operations</h2>
        {stack.operations.length === 0 && (
          <p class="hint">No operations yet: the image is rendered as stored. Add one below.</p>
        )}
        <ol class="stack-operations">
          {stack.operations.map((operation, index) => (
            <li
              key={operation.id}
              class={dropTarget === index ? 'stack-drop-target' : undefined}
              onDragOver={(event) => {
                if (dragged.current === undefined) return;
                event.preventDefault();
                setDropTarget(index);
              }}
              onDragLeave={() => setDropTarget((now) => (now === index ? undefined : now))}
              onDragEnd={() => {
                dragged.current = undefined;
                setDropTarget(undefined);
              }}
              onDrop={(event) => {
                event.preventDefault();
                const from = dragged.current;
                dragged.current = undefined;
                setDropTarget(undefined);
                if (from === undefined || from === index) return;
                change({ ...stack, operations: moved(stack.operations, from, index - from) });
                setSaveError(undefined);
              }}
            >
              <OperationForm
                operation={operation}
                index={index}
                count={stack.operations.length}
                description={descriptions.operations[operation.name]}
                error={operationError(index)}
                onChange={(values) =>
                  change({
                    ...stack,
                    operations: stack.operations.map((op) => (op.id === operation.id ? { ...op, values } : op)),
                  })
                }
                onMove={(delta) => {
                  change({ ...stack, operations: moved(stack.operations, index, delta) });
                  // The moved operation keeps the focus; at an end, its other move button takes it.
                  setFocusNext([moveButtonId(operation, delta), moveButtonId(operation, delta < 0 ? 1 : -1)]);
                  setSaveError(undefined);
                }}
                onDragStart={() => {
                  dragged.current = index;
                }}
                onRemove={() => {
                  change({ ...stack, operations: without(stack.operations, index) });
                  setFocusNext(['stack-add-operation']);
                  setSaveError(undefined);
                }}
              />
            </li>
          ))}
        </ol>

        <div class="stack-add">
          <label for="stack-add-operation">Operation to add</label>
          <select id="stack-add-operation" value={toAdd} onChange={(e) => setToAdd(e.currentTarget.value)}>
            {operationNames.map((operationName) => (
              <option key={operationName} value={operationName}>
                {operationName}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={toAdd === ''}
            onClick={() => {
              const added = newOperation(toAdd);
              change({ ...stack, operations: [...stack.operations, added] });
              setFocusNext([moveButtonId(added, 1), moveButtonId(added, -1)]);
            }}
          >
            Add operation
          </button>
        </div>

        <StackOptionsForm
          properties={descriptions.stackOptions}
          values={stack.options}
          error={
            saveError !== undefined && place?.kind === 'stack-option'
              ? { option: place.option, message: saveError.message }
              : undefined
          }
          onChange={(options) => change({ ...stack, options })}
        />

        <div class="stack-save">
          <button
            type="submit"
            class="primary"
            disabled={saving}
            aria-describedby={errorBesideSave ? 'stack-save-error' : undefined}
          >
            {saving ? 'Saving…' : 'Save stack'}
          </button>
          {errorBesideSave && (
            <p id="stack-save-error" class="error" role="alert">
              {saveError.message}
            </p>
          )}
          <p class="stack-save-status" role="status">
            {notice}
          </p>
          {unsaved && notice === undefined && <p class="hint stack-unsaved">Unsaved changes</p>}
        </div>
      </form>

      <div class="stack-side">
        <StackPreview operations={preview.operations} options={preview.options} />
        {name !== undefined && (
          <StackDeleteConfirm
            name={name}
            onDelete={async () => {
              await client.deleteStack(organization, name);
              navigate('stacks');
            }}
          />
        )}
      </div>
    </div>
  );
}
