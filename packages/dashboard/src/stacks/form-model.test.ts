import type { Stack } from 'origo-client';
import { describe, expect, it } from 'vitest';
import { fieldErrorPlace } from './field-error.ts';
import {
  type Descriptions,
  definitionOf,
  editorStackOf,
  hasUnsavedChanges,
  newOperation,
  operationsSummary,
} from './form-model.ts';
import { moved, without } from './reorder.ts';

const descriptions: Descriptions = {
  operations: {
    resize: {
      properties: {
        width: { type: 'integer', minimum: 1, maximum: 10000 },
        mode: { type: 'string', values: ['box', 'fill'] },
        upscale: { type: 'boolean', default: true },
      },
      required: [],
    },
    grayscale: { properties: { enabled: { type: 'boolean', default: true } }, required: [] },
  },
  stackOptions: { 'jpg.quality': { type: 'integer' }, autoformat: { type: 'boolean' } },
};

const stored: Stack = {
  name: 'thumb',
  organization: 'acme',
  created: '2026-01-01T00:00:00+00:00',
  description: 'Small ones',
  stack_operations: [
    { name: 'resize', options: { width: 100, upscale: true } },
    { name: 'grayscale', options: {} },
  ],
  stack_options: { 'jpg.quality': 60 },
  stack_variables: { w: 3 },
  stack_expressions: [],
  link: '/stacks/acme/thumb',
};

describe('the stack form model', () => {
  it('sends numbers as numbers and leaves empty fields out', () => {
    const stack = { operations: [newOperation('resize', { width: ' 120 ', mode: '', upscale: false })], options: {} };
    expect(definitionOf(stack, descriptions).operations).toEqual([
      { name: 'resize', options: { width: 120, upscale: false } },
    ]);
  });

  it('sends a number field that holds no number as typed, for the server to name', () => {
    const stack = { operations: [newOperation('resize', { width: 'wide' })], options: {} };
    expect(definitionOf(stack, descriptions).operations[0]?.options).toEqual({ width: 'wide' });
  });

  it('saves a loaded stack back as it was, keeping what the form does not edit', () => {
    expect(definitionOf(editorStackOf(stored), descriptions, stored)).toEqual({
      description: 'Small ones',
      operations: [
        { name: 'resize', options: { width: 100, upscale: true } },
        { name: 'grayscale', options: {} },
      ],
      options: { 'jpg.quality': 60 },
      variables: { w: 3 },
    });
  });

  it('sees unsaved changes only when the stored stack would change', () => {
    const stack = editorStackOf(stored);
    expect(hasUnsavedChanges(stack, descriptions, stored)).toBe(false);
    const resize = stack.operations[0];
    if (resize === undefined) throw new Error('no resize');
    // Cleared and typed again: the same stack, whatever the order the fields were set in.
    const { width: _width, ...rest } = resize.values;
    const retyped = {
      ...stack,
      operations: [{ ...resize, values: { ...rest, width: '100' } }, ...stack.operations.slice(1)],
    };
    expect(hasUnsavedChanges(retyped, descriptions, stored)).toBe(false);
    const wider = {
      ...stack,
      operations: [{ ...resize, values: { ...resize.values, width: '101' } }, ...stack.operations.slice(1)],
    };
    expect(hasUnsavedChanges(wider, descriptions, stored)).toBe(true);
  });

  it('summarises the operations in order', () => {
    expect(operationsSummary(stored)).toBe('resize (width 100, upscale true) → grayscale');
  });
});

describe('reordering', () => {
  it('moves an item and keeps the list when the move would leave it', () => {
    expect(moved(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    expect(without(['a', 'b', 'c'], 1)).toEqual(['a', 'c']);
  });
});

describe('where a refusal belongs', () => {
  it('reads the field the server names', () => {
    expect(fieldErrorPlace('operations[1].options.width must be a whole number from 1 to 10000; got 0')).toEqual({
      kind: 'operation',
      index: 1,
      option: 'width',
    });
    expect(fieldErrorPlace('options.jpg.quality must be a whole number from 1 to 100; got 500')).toEqual({
      kind: 'stack-option',
      option: 'jpg.quality',
    });
    expect(fieldErrorPlace('operations[0] is an unknown operation')).toEqual({
      kind: 'operation',
      index: 0,
      option: undefined,
    });
    expect(fieldErrorPlace('A stack named thumb already exists')).toBeUndefined();
  });
});
