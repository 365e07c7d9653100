// Resolving a render: the stack (or the dynamic URL's operations) and the
// URL merged, variables bound, expressions evaluated (render/model.ts).
// What is left are literal values for the normalizer (render/operations/,
// render/stack-options/), which also converts "200" to 200: nothing is
// coerced here. The order, each step seeing the result of the one before:
//
// 1. Operations: the URL's for `dynamic`, else the stack's. The URL's
//    option overrides apply to every operation of that name; naming an
//    operation that is not there is a 400. An override replaces the
//    operation's `expressions` entry for that option too: what the URL
//    says is the most specific wish.
// 2. Stack options, then the URL's on top.
// 3. Variables: the stack's defaults in order, each replaced by the URL's
//    value where it has one (the URL parser has already put `?v` over the
//    `v-` groups), then the URL's other variables. A stack variable may be
//    an expression over the variables before it (resolve-values.ts), so
//    `"h": "$w / 2"` follows a `w` from the URL. Variable expressions see
//    the stack options that are literal.
// 4. Stack expressions, top to bottom: where the expression is truthy its
//    overrides are merged (options into options, variables into
//    variables; later ones win). rokka's expressions are comparisons; a
//    non-boolean result counts by PHP truthiness (0, "", "0" and null are
//    false) rather than being refused.
// 5. Stack options written `[…]` are evaluated, in order, each seeing the
//    literal options and those evaluated before it.
// 6. Each operation's options written `[…]`, then its `expressions` map,
//    which wins over its options (as on rokka). They see the variables and
//    the stack options as resolved above.
// An expression whose result is null leaves its option unset.

import { OrigoError } from '../errors.ts';
import type { ExpressionScope } from './expression/evaluate.ts';
import { truthy } from './expression/php-values.ts';
import type {
  ImageFacts,
  Options,
  OptionValue,
  RenderUrl,
  ResolvedRender,
  StackDefinition,
  StackOperation,
} from './model.ts';
import { bracketed, evaluateAt, operationExpression, variableExpression } from './resolve-values.ts';

type Bound = Map<string, OptionValue | null>;

function overrideFor(overrides: Record<string, Options>, name: string): Options | undefined {
  return Object.hasOwn(overrides, name) ? overrides[name] : undefined;
}

/** Step 1. */
function overriddenOperations(operations: StackOperation[], overrides: Record<string, Options>): StackOperation[] {
  const names = operations.map((op) => op.name);
  for (const name of Object.keys(overrides)) {
    if (!names.includes(name)) {
      const present = names.length === 0 ? 'it has none' : `its operations: ${[...new Set(names)].join(', ')}`;
      throw new OrigoError(
        'ORIGO_ERR_RENDER_UNKNOWN_OPERATION',
        `The URL overrides options of "${name}", but the stack has no operation "${name}" to override (${present})`,
      );
    }
  }
  return operations.map((op) => {
    const override = overrideFor(overrides, op.name) ?? {};
    const options = new Map(Object.entries(op.options));
    const expressions = new Map(Object.entries(op.expressions));
    for (const [key, value] of Object.entries(override)) {
      options.set(key, value);
      expressions.delete(key);
    }
    return { name: op.name, options: Object.fromEntries(options), expressions: Object.fromEntries(expressions) };
  });
}

function scopeOf(variables: Bound, options: Map<string, OptionValue>, image: ImageFacts): ExpressionScope {
  return { variables: Object.fromEntries(variables), image, options: Object.fromEntries(options) };
}

/** The options that are not expressions (what variable expressions see). */
function literalOptions(options: Map<string, OptionValue>): Map<string, OptionValue> {
  return new Map([...options].filter(([, value]) => bracketed(value) === undefined));
}

/** Step 3. */
function bindVariables(
  stackVariables: Options,
  urlVariables: Options,
  options: Map<string, OptionValue>,
  image: ImageFacts,
): Bound {
  const bound: Bound = new Map();
  const literal = literalOptions(options);
  const bind = (name: string, value: OptionValue, expression: string | undefined) => {
    bound.set(
      name,
      expression === undefined ? value : evaluateAt(`variable "${name}"`, expression, scopeOf(bound, literal, image)),
    );
  };
  for (const [name, value] of Object.entries(stackVariables)) {
    if (Object.hasOwn(urlVariables, name)) {
      const fromUrl = urlVariables[name]!;
      bind(name, fromUrl, bracketed(fromUrl));
    } else {
      bind(name, value, variableExpression(value));
    }
  }
  for (const [name, value] of Object.entries(urlVariables)) {
    if (!Object.hasOwn(stackVariables, name)) bind(name, value, bracketed(value));
  }
  return bound;
}

/** Steps 5 and (for what stack expressions read) 4. */
function evaluatedOptions(options: Map<string, OptionValue>, variables: Bound, image: ImageFacts) {
  const visible = literalOptions(options);
  const result = new Map<string, OptionValue>();
  for (const [name, value] of options) {
    const expression = bracketed(value);
    if (expression === undefined) {
      result.set(name, value);
      continue;
    }
    const evaluated = evaluateAt(`stack option "${name}"`, expression, scopeOf(variables, visible, image));
    if (evaluated === null) continue;
    result.set(name, evaluated);
    visible.set(name, evaluated);
  }
  return result;
}

/** Step 4. */
function applyStackExpressions(
  stack: StackDefinition,
  options: Map<string, OptionValue>,
  variables: Bound,
  image: ImageFacts,
): void {
  for (const [index, { expression, overrides }] of stack.expressions.entries()) {
    const where = `stack expression ${index + 1}`;
    const scope = scopeOf(variables, evaluatedOptions(options, variables, image), image);
    if (!truthy(evaluateAt(where, expression, scope))) continue;
    for (const [name, value] of Object.entries(overrides.options ?? {})) options.set(name, value);
    for (const [name, value] of Object.entries(overrides.variables ?? {})) {
      const text = variableExpression(value);
      const literal = literalOptions(options);
      variables.set(
        name,
        text === undefined
          ? value
          : evaluateAt(`${where}, variable "${name}"`, text, scopeOf(variables, literal, image)),
      );
    }
  }
}

/** Step 6. */
function resolveOperation(op: StackOperation, scope: ExpressionScope): { name: string; options: Options } {
  const options = new Map<string, OptionValue>();
  const setOrUnset = (name: string, value: OptionValue | null) => {
    if (value === null) options.delete(name);
    else options.set(name, value);
  };
  for (const [name, value] of Object.entries(op.options)) {
    const expression = bracketed(value);
    setOrUnset(
      name,
      expression === undefined ? value : evaluateAt(`operation "${op.name}" option "${name}"`, expression, scope),
    );
  }
  for (const [name, text] of Object.entries(op.expressions)) {
    setOrUnset(name, evaluateAt(`operation "${op.name}" expression for "${name}"`, operationExpression(text), scope));
  }
  return { name: op.name, options: Object.fromEntries(options) };
}

/**
 * Merges `url` into `stack` (undefined for a `dynamic` render) for `image`:
 * only literal values are left. Errors are 400 OrigoErrors naming the
 * operation, option or expression at fault.
 */
export function resolveRender(url: RenderUrl, stack: StackDefinition | undefined, image: ImageFacts): ResolvedRender {
  const operations = overriddenOperations(stack?.operations ?? url.operations, url.operationOverrides);
  const options = new Map([...Object.entries(stack?.options ?? {}), ...Object.entries(url.options)]);
  const variables = bindVariables(stack?.variables ?? {}, url.variables, options, image);
  if (stack !== undefined) applyStackExpressions(stack, options, variables, image);
  const finalOptions = evaluatedOptions(options, variables, image);
  const scope = scopeOf(variables, finalOptions, image);
  return {
    operations: operations.map((op) => resolveOperation(op, scope)),
    options: Object.fromEntries(finalOptions),
  };
}
