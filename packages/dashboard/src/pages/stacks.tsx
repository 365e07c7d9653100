// Stacks: the list at stacks/, a new stack at stacks/new, and the editor of a
// stored one at stacks/<name> (`path` is what follows stacks/).

import { StackEditor } from '../components/stack-editor.tsx';
import { StackList } from '../components/stack-list.tsx';
import './stacks.css';

export function StacksPage({ path }: { path: string }) {
  if (path === '') return <StackList />;
  // Keyed by path: another stack, or the one just created, is loaded afresh.
  if (path === 'new') return <StackEditor key="new" />;
  return <StackEditor key={path} name={path} />;
}
