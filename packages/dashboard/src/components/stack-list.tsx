// The organization's stacks, each a link to its editor with its operations
// in one line; or, with none yet, what a stack is and how to make one.

import type { StackList as StackListData } from 'origo-client';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../errors.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session/context.ts';
import { operationsSummary } from '../stacks/form-model.ts';

/** Stacks shown at once; an organization rarely has more. */
const PAGE_SIZE = 200;

export function StackList() {
  const { organization, client } = useSession();
  const [list, setList] = useState<StackListData | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    document.title = `Stacks · ${organization} · origo`;
    let current = true;
    setList(undefined);
    setError(undefined);
    client
      .listStacks(organization, { limit: PAGE_SIZE })
      .then((answer) => current && setList(answer))
      .catch((err: unknown) => current && setError(messageOf(err)));
    return () => {
      current = false;
    };
  }, [client, organization]);

  const items = list === undefined ? [] : [...list.items].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="page stack-list-page" aria-labelledby="stacks-title">
      <div class="stack-list-head">
        <h1 id="stacks-title">Stacks</h1>
        <Link to="stacks/new" class="stack-new-link">
          New stack
        </Link>
      </div>
      {list === undefined && error === undefined && <p class="hint">Loading…</p>}
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {list !== undefined && items.length === 0 && (
        <div class="card stack-empty">
          <p>
            <strong>No stacks yet.</strong> A stack is a named list of operations (resize, crop, grayscale …) and output
            options that origo applies to an image when it is rendered, so a page can ask for{' '}
            <code>/render/{organization}/thumbnail/&lt;hash&gt;.jpg</code> instead of spelling the operations out.
          </p>
          <p>
            <Link to="stacks/new">Create your first stack</Link>: give it a name, add operations, try it on one of your
            images and save it.
          </p>
        </div>
      )}
      {items.length > 0 && (
        <ul class="stack-list">
          {items.map((stack) => (
            <li key={stack.name} class="card">
              <Link to={`stacks/${stack.name}`} class="stack-list-name">
                {stack.name}
              </Link>
              <p class="stack-list-summary">{operationsSummary(stack)}</p>
              {stack.description !== '' && <p class="hint">{stack.description}</p>}
            </li>
          ))}
        </ul>
      )}
      {list !== undefined && list.total > list.items.length && (
        <p class="hint">
          Showing {list.items.length} of {list.total} stacks.
        </p>
      )}
    </section>
  );
}
