// Resolving a render as a stack author and a URL writer see it: which
// operations and options a stack and a render URL end up with.

import { describe, expect, it } from 'vitest';
import { errorOf, expect400 } from '../../test/fixtures.ts';
import type { ImageFacts, RenderUrl, StackDefinition, StackOperation } from './model.ts';
import { resolveRender } from './resolve.ts';

const IMAGE: ImageFacts = {
  hash: 'c1b110f4a2f6e4c1d3b5a7e9f0a1b2c3d4e5f6a7',
  width: 1200,
  height: 800,
  format: 'jpg',
  animated: false,
  subjectArea: { x: 10, y: 20, width: 30, height: 40 },
  cropArea: undefined,
  multiAreas: {},
  userMetadata: { title: 'Harbour', rank: 3 },
};

function url(overrides: Partial<RenderUrl> = {}): RenderUrl {
  return {
    stack: 'mystack',
    operations: [],
    operationOverrides: {},
    options: {},
    variables: {},
    hash: 'c1b110',
    format: 'jpg',
    cacheBuster: undefined,
    ...overrides,
  };
}

function op(name: string, options: StackOperation['options'] = {}, expressions: Record<string, string> = {}) {
  return { name, options, expressions };
}

function stack(overrides: Partial<StackDefinition> = {}): StackDefinition {
  return { description: '', operations: [], options: {}, variables: {}, expressions: [], ...overrides };
}

describe('operations', () => {
  it('takes a dynamic render’s operations from the URL', () => {
    const resolved = resolveRender(
      url({ stack: 'dynamic', operations: [op('resize', { width: '200' }), op('rotate', { angle: 90 })] }),
      undefined,
      IMAGE,
    );
    expect(resolved).toEqual({
      operations: [
        { name: 'resize', options: { width: '200' } },
        { name: 'rotate', options: { angle: 90 } },
      ],
      options: {},
    });
  });

  it('overrides options of a dynamic render’s operations, every one of that name', () => {
    const resolved = resolveRender(
      url({
        stack: 'dynamic',
        operations: [op('resize', { width: 200 }), op('blur'), op('resize', { width: 50, height: 50 })],
        operationOverrides: { resize: { width: '300' } },
      }),
      undefined,
      IMAGE,
    );
    expect(resolved.operations).toEqual([
      { name: 'resize', options: { width: '300' } },
      { name: 'blur', options: {} },
      { name: 'resize', options: { width: '300', height: 50 } },
    ]);
  });

  it('takes a named stack’s operations and lets the URL override their options', () => {
    const resolved = resolveRender(
      url({ operationOverrides: { crop: { anchor: 'left_top' } } }),
      stack({ operations: [op('resize', { width: 200 }), op('crop', { width: 100, height: 100 })] }),
      IMAGE,
    );
    expect(resolved.operations).toEqual([
      { name: 'resize', options: { width: 200 } },
      { name: 'crop', options: { width: 100, height: 100, anchor: 'left_top' } },
    ]);
  });

  it('ignores the URL’s operations for a named stack', () => {
    const resolved = resolveRender(url({ operations: [op('blur')] }), stack({ operations: [op('grayscale')] }), IMAGE);
    expect(resolved.operations).toEqual([{ name: 'grayscale', options: {} }]);
  });

  it('refuses to override an operation the stack does not have', () => {
    const named = errorOf(() =>
      resolveRender(url({ operationOverrides: { blur: { sigma: 3 } } }), stack({ operations: [op('resize')] }), IMAGE),
    );
    expect(named.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_OPERATION');
    expect(named.status).toBe(400);
    expect(named.message).toContain('the stack has no operation "blur" to override (its operations: resize)');

    const dynamic = errorOf(() =>
      resolveRender(url({ stack: 'dynamic', operationOverrides: { rotate: { angle: 1 } } }), undefined, IMAGE),
    );
    expect(dynamic.code).toBe('ORIGO_ERR_RENDER_UNKNOWN_OPERATION');
    expect(dynamic.message).toContain('the stack has no operation "rotate" to override (it has none)');
  });

  it('lets a URL override win over the operation’s expression for that option', () => {
    const resolved = resolveRender(
      url({ operationOverrides: { resize: { width: '640' } } }),
      stack({ operations: [op('resize', {}, { width: '$w', height: '$w / 2' })], variables: { w: 500 } }),
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: '640', height: 250 });
  });
});

describe('stack options', () => {
  it('lays the URL’s options over the stack’s', () => {
    const resolved = resolveRender(
      url({ options: { dpr: '2', autoformat: 'true' } }),
      stack({ options: { 'jpg.quality': 70, dpr: 1 } }),
      IMAGE,
    );
    expect(resolved.options).toEqual({ 'jpg.quality': 70, dpr: '2', autoformat: 'true' });
  });

  it('evaluates options written [expression]', () => {
    const resolved = resolveRender(
      url({ options: { dpr: '[$retina ? 2 : 1]' }, variables: { retina: true } }),
      stack({ options: { 'jpg.quality': '[options.dpr > 1 ? 60 : 80]' } }),
      IMAGE,
    );
    // jpg.quality comes first and sees dpr before it is evaluated: only literal options are visible to it.
    expect(resolved.options).toEqual({ 'jpg.quality': 80, dpr: 2 });
  });

  it('lets an option expression read the options evaluated before it', () => {
    const resolved = resolveRender(
      url(),
      stack({ options: { dpr: '[1 + 1]', 'jpg.quality': '[options.dpr > 1 ? 60 : 80]' } }),
      IMAGE,
    );
    expect(resolved.options).toEqual({ dpr: 2, 'jpg.quality': 60 });
  });

  it('drops an option whose expression is null', () => {
    const resolved = resolveRender(url(), stack({ options: { dpr: '[null]', autoformat: true } }), IMAGE);
    expect(resolved.options).toEqual({ autoformat: true });
  });
});

describe('variables', () => {
  const sized = stack({
    operations: [op('resize', {}, { width: '$w', height: '$h' })],
    variables: { w: 500, h: '$w / 2' },
  });

  it('uses the stack’s defaults', () => {
    expect(resolveRender(url(), sized, IMAGE).operations[0]!.options).toEqual({ width: 500, height: 250 });
  });

  it('lets the URL’s variables win over the defaults, and follows them in defaults that are expressions', () => {
    // The URL parser has already put ?v over the v- groups into url.variables.
    const resolved = resolveRender(url({ variables: { w: '800' } }), sized, IMAGE);
    expect(resolved.operations[0]!.options).toEqual({ width: '800', height: 400 });
  });

  it('takes a variable from the URL literally unless it is written [expression]', () => {
    const literal = resolveRender(url({ variables: { h: '$w' } }), sized, IMAGE);
    expect(literal.operations[0]!.options).toEqual({ width: 500, height: '$w' });
    const expression = resolveRender(url({ variables: { h: '[$w * 3]' } }), sized, IMAGE);
    expect(expression.operations[0]!.options).toEqual({ width: 500, height: 1500 });
  });

  it('binds URL variables the stack does not define', () => {
    const resolved = resolveRender(
      url({ stack: 'dynamic', operations: [op('blur', { sigma: '[$s]' })], variables: { s: 7 } }),
      undefined,
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ sigma: 7 });
  });

  it('does not treat a bare $name in an option as a variable', () => {
    const resolved = resolveRender(
      url(),
      stack({ operations: [op('resize', { width: '$w' })], variables: { w: 3 } }),
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: '$w' });
  });

  it('names the variable whose expression fails', () => {
    expect400(
      () => resolveRender(url(), stack({ variables: { h: '$w / 2' } }), IMAGE),
      'variable "h": expression "$w / 2" uses the variable "$w", which is not defined (defined: none)',
    );
  });
});

describe('stack expressions', () => {
  const withExpressions = stack({
    operations: [op('resize', {}, { width: '$w' })],
    options: { 'jpg.quality': 80 },
    variables: { w: 100 },
    expressions: [
      { expression: 'options.dpr >= 2', overrides: { options: { 'jpg.quality': 60 } } },
      { expression: 'options.dpr >= 3', overrides: { options: { 'jpg.quality': 50 }, variables: { w: 300 } } },
      { expression: 'image.width > 5000', overrides: { options: { 'jpg.quality': 10 } } },
    ],
  });

  it('applies none when none is true', () => {
    const resolved = resolveRender(url(), withExpressions, IMAGE);
    expect(resolved.options).toEqual({ 'jpg.quality': 80 });
    expect(resolved.operations[0]!.options).toEqual({ width: 100 });
  });

  it('applies the true ones top to bottom, the last winning', () => {
    expect(resolveRender(url({ options: { dpr: '2' } }), withExpressions, IMAGE).options).toEqual({
      'jpg.quality': 60,
      dpr: '2',
    });
    const three = resolveRender(url({ options: { dpr: 3 } }), withExpressions, IMAGE);
    expect(three.options).toEqual({ 'jpg.quality': 50, dpr: 3 });
    expect(three.operations[0]!.options).toEqual({ width: 300 });
  });

  it('sees what earlier expressions set', () => {
    const chained = stack({
      variables: { a: 1 },
      operations: [op('blur', {}, { sigma: '$a' })],
      expressions: [
        { expression: '$a == 1', overrides: { variables: { a: 2 } } },
        { expression: '$a == 2', overrides: { variables: { a: '$a * 10' } } },
      ],
    });
    expect(resolveRender(url(), chained, IMAGE).operations[0]!.options).toEqual({ sigma: 20 });
  });

  it('counts a non-boolean result by PHP truthiness', () => {
    const truthiness = stack({
      options: { a: 0, b: 0 },
      expressions: [
        { expression: "'0'", overrides: { options: { a: 1 } } },
        { expression: 'image.meta_user.title', overrides: { options: { b: 1 } } },
      ],
    });
    expect(resolveRender(url(), truthiness, IMAGE).options).toEqual({ a: 0, b: 1 });
  });

  it('lets option overrides be expressions over the final variables', () => {
    const resolved = resolveRender(
      url({ variables: { q: '55' } }),
      stack({
        variables: { q: 70 },
        expressions: [{ expression: 'true', overrides: { options: { 'webp.quality': '[$q + 1]' } } }],
      }),
      IMAGE,
    );
    expect(resolved.options).toEqual({ 'webp.quality': 56 });
  });

  it('names the stack expression that fails', () => {
    const bad = stack({
      expressions: [
        { expression: 'true', overrides: {} },
        { expression: 'dpr > 2', overrides: {} },
      ],
    });
    expect400(
      () => resolveRender(url(), bad, IMAGE),
      'stack expression 2: expression "dpr > 2" uses the unknown name "dpr"',
    );
  });
});

describe('operation expressions', () => {
  it('evaluates operation options written [expression]', () => {
    const resolved = resolveRender(
      url({ stack: 'dynamic', operations: [op('resize', { width: '[image.width / 2]', mode: 'box' })] }),
      undefined,
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: 600, mode: 'box' });
  });

  it('lets the expressions map win over options', () => {
    const resolved = resolveRender(
      url(),
      stack({
        operations: [op('resize', { width: 10, height: 10 }, { width: 'image.width > 1000 ? 1000 : image.width' })],
      }),
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: 1000, height: 10 });
  });

  it('accepts an expressions entry written [expression]', () => {
    const resolved = resolveRender(url(), stack({ operations: [op('blur', {}, { sigma: '[2 * 3]' })] }), IMAGE);
    expect(resolved.operations[0]!.options).toEqual({ sigma: 6 });
  });

  it('unsets an option whose expression is null', () => {
    const resolved = resolveRender(
      url(),
      stack({
        operations: [
          op(
            'crop',
            { width: 10, height: 10, anchor: 'center_center' },
            { anchor: 'image.hasSubjectArea ? null : "smart"' },
          ),
        ],
      }),
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: 10, height: 10 });
  });

  it('reads the image, its subject area, user metadata and the resolved stack options', () => {
    const resolved = resolveRender(
      url({ options: { dpr: 2 } }),
      stack({
        operations: [
          op(
            'crop',
            {},
            {
              width: 'image.subject_area.width * options.dpr',
              height: 'image.meta_user.rank * 10',
              anchor: "image.meta_user.missing ?? 'smart'",
              mode: "image.format == 'jpg' and not image.isAnimated ? 'area' : 'box'",
            },
          ),
        ],
      }),
      IMAGE,
    );
    expect(resolved.operations[0]!.options).toEqual({ width: 60, height: 30, anchor: 'smart', mode: 'area' });
  });

  it('names the operation and option whose expression fails', () => {
    expect400(
      () =>
        resolveRender(
          url({ stack: 'dynamic', operations: [op('resize', { width: '[$w * 2 +]' })], variables: { w: 1 } }),
          undefined,
          IMAGE,
        ),
      'operation "resize" option "width": expression "$w * 2 +" ends early: a value is missing after "+"',
    );
    expect400(
      () => resolveRender(url(), stack({ operations: [op('resize', {}, { height: '$h' })] }), IMAGE),
      'operation "resize" expression for "height": expression "$h" uses the variable "$h", which is not defined',
    );
    expect400(
      () => resolveRender(url(), stack({ options: { dpr: '[1 / 0]' } }), IMAGE),
      'stack option "dpr": expression "1 / 0" divides by zero',
    );
  });
});
