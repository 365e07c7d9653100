// The rows of the metadata editor and the PATCH they make, against the rules
// of docs/reference/user-metadata.md (written out here, not taken from the code).

import { describe, expect, it } from 'vitest';
import { type FieldRow, patchFor, rowNamedIn, rowProblems, rowsOf } from './user-fields.ts';

const stored = { title: 'Beach', 'int:rank': 3, 'array:tags': ['sea', 'sand'] };

describe('rowsOf', () => {
  it('splits typed keys and shows lists as comma-separated text', () => {
    expect(rowsOf(stored).map(({ name, type, value }) => ({ name, type, value }))).toEqual([
      { name: 'title', type: 'str', value: 'Beach' },
      { name: 'rank', type: 'int', value: '3' },
      { name: 'tags', type: 'array', value: 'sea, sand' },
    ]);
  });
});

describe('patchFor', () => {
  it('sends only what changed, and null for a removed field', () => {
    const rows: FieldRow[] = rowsOf(stored)
      .filter((row) => row.name !== 'tags')
      .map((row) => (row.name === 'title' ? { ...row, value: 'Dunes' } : row));
    rows.push({ id: 'new', name: 'score', type: 'double', value: '2.5' });
    expect(patchFor(stored, rows)).toEqual({ title: 'Dunes', 'array:tags': null, 'double:score': '2.5' });
  });

  it('writes a field whose type changed under its new key only', () => {
    const rows = rowsOf(stored).map((row) => (row.name === 'title' ? { ...row, type: 'text' as const } : row));
    expect(patchFor(stored, rows)).toEqual({ 'text:title': 'Beach' });
  });

  it('removes the old name of a renamed field', () => {
    const rows = rowsOf(stored).map((row) => (row.name === 'title' ? { ...row, name: 'caption' } : row));
    expect(patchFor(stored, rows)).toEqual({ caption: 'Beach', title: null });
  });

  it('splits lists at commas and drops empty items', () => {
    const rows = rowsOf(stored).map((row) => (row.name === 'tags' ? { ...row, value: 'a, b,, c ' } : row));
    expect(patchFor(stored, rows)).toEqual({ 'array:tags': ['a', 'b', 'c'] });
  });
});

describe('rowProblems', () => {
  it('asks for a name and refuses a repeated one', () => {
    const rows: FieldRow[] = [
      { id: '1', name: 'a', type: 'str', value: 'x' },
      { id: '2', name: ' ', type: 'str', value: 'y' },
      { id: '3', name: 'a', type: 'int', value: '1' },
    ];
    expect(rowProblems(rows).map((p) => p.rowId)).toEqual(['2', '3']);
  });
});

describe('rowNamedIn', () => {
  const rows: FieldRow[] = [
    { id: '1', name: 'title', type: 'str', value: 'x' },
    { id: '2', name: 'rank', type: 'int', value: 'abc' },
  ];
  it('finds the row of the field a server message names', () => {
    expect(rowNamedIn('User metadata field "int:rank" must be a whole number, got string "abc"', rows)).toBe('2');
    expect(rowNamedIn('User metadata field name "title" is invalid', rows)).toBe('1');
  });
  it('finds none when the message names no field', () => {
    expect(rowNamedIn('This image is locked', rows)).toBeUndefined();
    expect(rowNamedIn('User metadata field "other" must be a string', rows)).toBeUndefined();
  });
});
