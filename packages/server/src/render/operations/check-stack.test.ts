// Stack bodies (PUT /stacks): what a stack author sees when an operation,
// option, value or expression key is wrong. Expressions (`[…]`) pass, since
// they are evaluated per render.

import { describe, expect, it } from 'vitest';
import { isOrigoError } from '../../errors.ts';
import type { StackOperation } from '../model.ts';
import { checkStackOperations } from './check-stack.ts';

function op(name: string, options: StackOperation['options'] = {}, expressions: Record<string, string> = {}) {
  return { name, options, expressions };
}

function refusal(ops: StackOperation[]): { code: string; message: string } {
  try {
    checkStackOperations(ops);
  } catch (err) {
    if (isOrigoError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkStackOperations', () => {
  it('accepts a valid stack, typed or with text values', () => {
    expect(() =>
      checkStackOperations([
        op('resize', { width: 200, height: '300', mode: 'fill', upscale: false }),
        op('crop', { width: 100, height: 100, anchor: 'left_top' }),
        op('rotate', { angle: -12.5, background_color: 'fff' }),
        op('grayscale'),
        op('noop'),
      ]),
    ).not.toThrow();
    expect(() => checkStackOperations([])).not.toThrow();
  });

  it('names an unknown operation by its index and lists the known ones', () => {
    const r = refusal([op('resize', { width: 1 }), op('resize', { width: 2 }), op('sharpen')]);
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('operations[2].name "sharpen"');
    expect(r.message).toContain('resize');
    expect(r.message).toContain('composition');
  });

  it('names an unknown option by its path', () => {
    const r = refusal([op('grayscale'), op('crop', { width: 10, height: 10, colour: 'fff' })]);
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('operations[1].options.colour');
    expect(r.message).toContain('crop');
    expect(r.message).toContain('anchor');
  });

  it('does not take inherited property names for options', () => {
    const r = refusal([op('resize', { width: 1, constructor: 2 })]);
    expect(r.message).toContain('operations[0].options.constructor');
  });

  it('names a bad value with its path, the value and the range', () => {
    const r = refusal([op('resize', { width: 10001 })]);
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('operations[0].options.width');
    expect(r.message).toContain('10001');
    expect(r.message).toContain('from 1 to 10000');
    expect(refusal([op('resize', { width: 100, mode: 'cover' })]).message).toContain('one of box, absolute, fill');
    expect(refusal([op('rotate', { angle: 0, background_color: '#fff' })]).message).toContain(
      'operations[0].options.background_color',
    );
  });

  it('accepts expressions for known options whatever they will evaluate to', () => {
    expect(() =>
      checkStackOperations([op('resize', { width: '[$w]', height: '[image.height / 2]', upscale: '[$up]' })]),
    ).not.toThrow();
  });

  it('refuses an expression for an unknown option', () => {
    const r = refusal([op('resize', { width: '[$w]', colour: '[$c]' })]);
    expect(r.message).toContain('operations[0].options.colour');
  });

  it('checks that every key of expressions is an option of the operation', () => {
    expect(() => checkStackOperations([op('resize', {}, { width: '$w', enabled: '$on' })])).not.toThrow();
    const r = refusal([op('blur'), op('resize', { width: 1 }, { size: '$s' })]);
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('operations[1].expressions.size');
    expect(r.message).toContain('resize');
  });

  it('needs crop width and height, given as values or expressions', () => {
    const r = refusal([op('crop', { width: 100 })]);
    expect(r.code).toBe('ORIGO_ERR_STACK_BAD_BODY');
    expect(r.message).toContain('operations[0] (crop) needs options.height');
    expect(() => checkStackOperations([op('crop', { width: 100 }, { height: '$h' })])).not.toThrow();
    expect(() => checkStackOperations([op('crop', { width: 100, height: '[$h]' })])).not.toThrow();
  });

  it('needs resize width or height', () => {
    const r = refusal([op('resize', { mode: 'fill' })]);
    expect(r.message).toContain('operations[0] (resize) needs options.width or options.height');
  });

  it('does not ask a disabled or conditionally enabled operation for its required options', () => {
    expect(() => checkStackOperations([op('crop', { enabled: false })])).not.toThrow();
    expect(() => checkStackOperations([op('crop', { enabled: '[$crop]' })])).not.toThrow();
    expect(() => checkStackOperations([op('resize', {}, { enabled: '$w > 0' })])).not.toThrow();
  });

  it('treats rokka-render\'s "__undefined__" as not set', () => {
    expect(() => checkStackOperations([op('blur', { sigma: '__undefined__' })])).not.toThrow();
    expect(refusal([op('crop', { width: 10, height: '__undefined__' })]).message).toContain('options.height');
  });
});
