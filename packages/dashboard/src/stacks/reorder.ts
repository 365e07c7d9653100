// Moving one operation of a stack up or down, and adding and removing one:
// new arrays, so the editor's state changes by value.

/** `items` with the one at `index` moved by `delta` places; unchanged when that leaves the list. */
export function moved<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item as T);
  return next;
}

export function without<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}
