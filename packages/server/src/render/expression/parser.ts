// The parser: tokens → Node, by precedence climbing. Precedences and
// associativity are Symfony ExpressionLanguage's, so an expression written
// for rokka groups the same way here (e.g. `not` binds tighter than `==`,
// and `~` tighter than `+`). The text is bounded in length and nesting, so
// parsing and evaluation stay small whatever a URL holds.

import type { BinaryOperator, Node, Reference, UnaryOperator, Value } from './ast.ts';
import { badExpression } from './bad-expression.ts';
import { rootReference, variableReference } from './names.ts';
import { type Token, tokenize } from './tokens.ts';

export const MAX_EXPRESSION_CHARS = 1000;
export const MAX_NESTING = 32;

interface BinaryRule {
  operator: BinaryOperator;
  precedence: number;
  rightAssociative: boolean;
}

function rule(operator: BinaryOperator, precedence: number, rightAssociative = false): BinaryRule {
  return { operator, precedence, rightAssociative };
}

const BINARY = new Map<string, BinaryRule>([
  ['??', rule('??', 5, true)],
  ['or', rule('or', 10)],
  ['||', rule('or', 10)],
  ['and', rule('and', 15)],
  ['&&', rule('and', 15)],
  ...(['==', '!=', '===', '!==', '<', '>', '<=', '>='] as const).map((op): [string, BinaryRule] => [op, rule(op, 20)]),
  ['+', rule('+', 30)],
  ['-', rule('-', 30)],
  ['~', rule('~', 40)],
  ['*', rule('*', 60)],
  ['/', rule('/', 60)],
  ['%', rule('%', 60)],
  ['**', rule('**', 200, true)],
]);

const UNARY = new Map<string, { operator: UnaryOperator; precedence: number }>([
  ['not', { operator: 'not', precedence: 50 }],
  ['!', { operator: 'not', precedence: 50 }],
  ['-', { operator: '-', precedence: 500 }],
  ['+', { operator: '+', precedence: 500 }],
]);

/** Symfony operators outside origo's subset: named in the error instead of "unexpected word". */
const UNSUPPORTED_OPERATORS = new Set(['in', 'matches', 'contains', 'starts', 'ends', 'xor']);

const LITERALS = new Map<string, Value>([
  ['true', true],
  ['TRUE', true],
  ['false', false],
  ['FALSE', false],
  ['null', null],
  ['NULL', null],
]);

function isToken(token: Token, text: string): boolean {
  return (token.kind === 'punctuation' || token.kind === 'word') && token.text === text;
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Node {
    const node = this.expression(0);
    const rest = this.peek();
    if (rest.kind !== 'end') {
      const why = isToken(rest, ')')
        ? 'it closes nothing'
        : isToken(rest, ',')
          ? 'lists are not supported'
          : 'an operator is missing before it';
      throw this.bad(`has an unexpected "${rest.text}" at position ${rest.at + 1}: ${why}`);
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position += 1;
    return token;
  }

  private bad(what: string) {
    return badExpression(this.text, what);
  }

  /** Runs `parse` one level deeper, refusing expressions nested beyond MAX_NESTING. */
  private nested(parse: () => Node): Node {
    this.depth += 1;
    if (this.depth > MAX_NESTING) throw this.bad(`nests deeper than ${MAX_NESTING} levels`);
    const node = parse();
    this.depth -= 1;
    return node;
  }

  private binaryRule(token: Token): BinaryRule | undefined {
    if (token.kind !== 'punctuation' && token.kind !== 'word') return undefined;
    if (token.kind === 'word' && UNSUPPORTED_OPERATORS.has(token.text)) {
      throw this.bad(`uses the operator "${token.text}" at position ${token.at + 1}, which is not supported`);
    }
    return BINARY.get(token.text);
  }

  private expression(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const found = this.binaryRule(this.peek());
      if (found === undefined || found.precedence < minPrecedence) break;
      this.next();
      const next = found.rightAssociative ? found.precedence : found.precedence + 1;
      const right = this.nested(() => this.expression(next));
      left = { kind: 'binary', operator: found.operator, left, right };
    }
    return minPrecedence === 0 ? this.conditional(left) : left;
  }

  /** `test ? a : b` and `test ?: b`, right-associative, below every binary operator. */
  private conditional(test: Node): Node {
    if (!isToken(this.peek(), '?')) return test;
    this.next();
    if (isToken(this.peek(), ':')) {
      this.next();
      const otherwise = this.nested(() => this.expression(0));
      return { kind: 'conditional', test, whenTrue: undefined, whenFalse: otherwise };
    }
    const then = this.nested(() => this.expression(0));
    const colon = this.peek();
    if (!isToken(colon, ':')) {
      throw colon.kind === 'end'
        ? this.bad('ends early: the ":" of "? :" is missing')
        : this.bad(`has "${colon.text}" at position ${colon.at + 1} where the ":" of "? :" belongs`);
    }
    this.next();
    const otherwise = this.nested(() => this.expression(0));
    return { kind: 'conditional', test, whenTrue: then, whenFalse: otherwise };
  }

  private unary(): Node {
    const token = this.peek();
    const found = token.kind === 'punctuation' || token.kind === 'word' ? UNARY.get(token.text) : undefined;
    if (found === undefined) return this.primary();
    this.next();
    const operand = this.nested(() => this.expression(found.precedence));
    return { kind: 'unary', operator: found.operator, operand };
  }

  private primary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'string':
        return { kind: 'literal', value: token.value };
      case 'variable':
        return this.reference(token, (path) => variableReference(this.text, token.name, path));
      case 'word': {
        if (LITERALS.has(token.text)) return { kind: 'literal', value: LITERALS.get(token.text) ?? null };
        if (BINARY.has(token.text) || UNSUPPORTED_OPERATORS.has(token.text)) {
          throw this.bad(`has the operator "${token.text}" at position ${token.at + 1} where a value is expected`);
        }
        return this.reference(token, (path) => rootReference(this.text, token.text, path));
      }
      case 'punctuation':
        if (token.text === '(') {
          const inner = this.nested(() => this.expression(0));
          const close = this.next();
          if (!isToken(close, ')')) {
            throw close.kind === 'end'
              ? this.bad(`ends early: the "(" at position ${token.at + 1} is never closed`)
              : this.bad(`has "${close.text}" at position ${close.at + 1} where ")" belongs`);
          }
          return inner;
        }
        throw this.bad(`has "${token.text}" at position ${token.at + 1} where a value is expected`);
      case 'end': {
        const previous = this.tokens[this.position - 1];
        if (previous === undefined) throw this.bad('is empty');
        throw this.bad(`ends early: a value is missing after "${previous.text}"`);
      }
    }
  }

  /** A name and its `.field`s; a call after it is refused (functions are not part of the subset). */
  private reference(start: Token, resolve: (path: string[]) => Reference): Node {
    const path: string[] = [];
    while (isToken(this.peek(), '.')) {
      this.next();
      const field = this.next();
      if (field.kind !== 'word') {
        throw field.kind === 'end'
          ? this.bad(`ends early: a field name is missing after "."`)
          : this.bad(`has "${field.text}" at position ${field.at + 1} where a field name belongs after "."`);
      }
      path.push(field.text);
    }
    const written = [start.text, ...path].join('.');
    if (isToken(this.peek(), '(')) {
      throw this.bad(`calls "${written}(…)": functions and methods are not supported`);
    }
    return { kind: 'reference', reference: resolve(path), text: written };
  }
}

/** Parses `text` into a Node; a 400 naming the expression when it is not in origo's subset. */
export function parseExpression(text: string): Node {
  if (text.length > MAX_EXPRESSION_CHARS) {
    throw badExpression(
      `${text.slice(0, 40)}…`,
      `is ${text.length} characters long; expressions have at most ${MAX_EXPRESSION_CHARS}`,
    );
  }
  return new Parser(text, tokenize(text)).parse();
}
