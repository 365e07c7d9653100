// The evaluator: walks a parsed expression over a scope of variables, stack
// options and facts about the image. It never runs code: every operator and
// name is one of the cases below (spec §6).

import type { ImageFacts, OptionValue } from '../model.ts';
import type { BinaryOperator, Node, Reference, Value } from './ast.ts';
import { badExpression } from './bad-expression.ts';
import { parseExpression } from './parser.ts';
import { asNumber, asString, compare, identical, looselyEqual, truthy } from './php-values.ts';

/** What an expression can read. */
export interface ExpressionScope {
  /** `$name` → value; null is a value (`$name ?? 1` picks 1), a missing name is a 400. */
  variables: Readonly<Record<string, OptionValue | null>>;
  image: ImageFacts;
  /** `options.<name>` → the stack option as set so far; a missing one reads as null. */
  options: Readonly<Record<string, OptionValue>>;
}

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

class Evaluator {
  constructor(
    private readonly text: string,
    private readonly scope: ExpressionScope,
  ) {}

  private bad(what: string) {
    return badExpression(this.text, what);
  }

  evaluate(node: Node): Value {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'reference':
        return this.read(node.reference, node.text);
      case 'unary': {
        const value = this.evaluate(node.operand);
        if (node.operator === 'not') return !truthy(value);
        const n = this.number(value, node.operator);
        return node.operator === '-' ? -n : n;
      }
      case 'conditional': {
        const test = this.evaluate(node.test);
        if (!truthy(test)) return this.evaluate(node.whenFalse);
        return node.whenTrue === undefined ? test : this.evaluate(node.whenTrue);
      }
      case 'binary':
        return this.binary(node.operator, node.left, node.right);
    }
  }

  private read(reference: Reference, written: string): Value {
    const { image } = this.scope;
    switch (reference.kind) {
      case 'variable': {
        if (!Object.hasOwn(this.scope.variables, reference.name)) {
          const known = Object.keys(this.scope.variables).map((name) => `$${name}`);
          throw this.bad(
            `uses the variable "${written}", which is not defined (defined: ${known.length === 0 ? 'none' : known.join(', ')})`,
          );
        }
        return own(this.scope.variables, reference.name) ?? null;
      }
      case 'image':
        return this.imageField(reference.field);
      case 'subjectArea':
        return image.subjectArea === undefined ? null : image.subjectArea[reference.field];
      case 'userMetadata': {
        const value = own(image.userMetadata, reference.field);
        if (value === undefined || value === null) return null;
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
        throw this.bad(`reads "${written}", which is a list; expressions work on numbers, strings and booleans`);
      }
      case 'option':
        return own(this.scope.options, reference.name) ?? null;
    }
  }

  private imageField(field: (Reference & { kind: 'image' })['field']): Value {
    const { image } = this.scope;
    switch (field) {
      case 'width':
        return image.width;
      case 'height':
        return image.height;
      case 'format':
        return image.format;
      case 'hash':
        return image.hash;
      case 'hasSubjectArea':
        return image.subjectArea !== undefined;
      case 'isAnimated':
        return image.animated;
    }
  }

  private number(value: Value, operator: string): number {
    const n = asNumber(value);
    if (n === undefined) throw this.bad(`uses the string ${JSON.stringify(value)} as a number with "${operator}"`);
    return n;
  }

  private finite(n: number, operator: string): number {
    if (!Number.isFinite(n)) throw this.bad(`computes ${n} with "${operator}", which is not a usable number`);
    return n;
  }

  private binary(operator: BinaryOperator, leftNode: Node, rightNode: Node): Value {
    const left = this.evaluate(leftNode);
    // The logical operators look at the right side only when they need to, as in PHP.
    if (operator === 'and') return truthy(left) && truthy(this.evaluate(rightNode));
    if (operator === 'or') return truthy(left) || truthy(this.evaluate(rightNode));
    if (operator === '??') return left ?? this.evaluate(rightNode);
    const right = this.evaluate(rightNode);
    switch (operator) {
      case '==':
        return looselyEqual(left, right);
      case '!=':
        return !looselyEqual(left, right);
      case '===':
        return identical(left, right);
      case '!==':
        return !identical(left, right);
      case '<':
        return compare(left, right) < 0;
      case '>':
        return compare(left, right) > 0;
      case '<=':
        return compare(left, right) <= 0;
      case '>=':
        return compare(left, right) >= 0;
      case '~':
        return asString(left) + asString(right);
      default:
        return this.arithmetic(operator, this.number(left, operator), this.number(right, operator));
    }
  }

  private arithmetic(operator: '+' | '-' | '*' | '/' | '%' | '**', a: number, b: number): number {
    switch (operator) {
      case '+':
        return this.finite(a + b, operator);
      case '-':
        return this.finite(a - b, operator);
      case '*':
        return this.finite(a * b, operator);
      case '/':
        if (b === 0) throw this.bad('divides by zero');
        return this.finite(a / b, operator);
      case '%': {
        // PHP's % works on integers: both sides lose their fractions first.
        const divisor = Math.trunc(b);
        if (divisor === 0) throw this.bad('divides by zero with "%"');
        return Math.trunc(a) % divisor;
      }
      case '**':
        return this.finite(a ** b, operator);
    }
  }
}

/**
 * Evaluates an expression of origo's subset of Symfony ExpressionLanguage
 * (spec §6) over `scope`. Any text outside the subset, an unknown name, a
 * division by zero or a too long or too deeply nested text is an OrigoError
 * ORIGO_ERR_RENDER_BAD_EXPRESSION (400) quoting the expression.
 */
export function evaluateExpression(text: string, scope: ExpressionScope): OptionValue | null {
  const node = parseExpression(text);
  return new Evaluator(text, scope).evaluate(node);
}
