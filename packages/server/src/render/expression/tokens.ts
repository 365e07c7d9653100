// The tokenizer of the expression language: text → tokens, each with the
// position it starts at, so that errors can point at it. Only the tokens of
// origo's subset exist; a character outside it stops here with a message.

import { badExpression } from './bad-expression.ts';

export type Token =
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'string'; value: string; text: string; at: number }
  /** A bare word: a keyword (and, or, not, true, …) or a name such as `image`. */
  | { kind: 'word'; text: string; at: number }
  /** `$name`; `text` keeps the dollar sign. */
  | { kind: 'variable'; name: string; text: string; at: number }
  | { kind: 'punctuation'; text: string; at: number }
  | { kind: 'end'; text: ''; at: number };

// Longest first, so that `===` is not read as `==` then `=`.
const PUNCTUATION = [
  '===',
  '!==',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '**',
  '??',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '?',
  ':',
  '(',
  ')',
  '.',
  // Not part of the subset, but read as a token so the parser can say why (a function call, a list).
  ',',
];

/** Characters of Symfony's language that origo's subset leaves out, and why a user might have typed them. */
const UNSUPPORTED: Record<string, string> = {
  '[': 'arrays are not supported',
  ']': 'arrays are not supported',
  '{': 'hashes are not supported',
  '}': 'hashes are not supported',
  '=': 'assignment is not supported; compare with "=="',
  '&': 'bitwise operators are not supported; use "and"',
  '|': 'bitwise operators are not supported; use "or"',
  '^': 'bitwise operators are not supported',
};

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// Digits may be grouped with underscores (1_000), as in Symfony.
const NUMBER = /(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s+/y;

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  v: '\v',
  f: '\f',
  '0': '\0',
};

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/** Reads the quoted string starting at `at`; returns it and where it ends. */
function readString(text: string, at: number): Token & { kind: 'string' } {
  const quote = text[at]!;
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { kind: 'string', value, text: text.slice(at, i + 1), at };
    if (c === '\\') {
      const next = text[i + 1];
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined) {
        throw badExpression(
          text,
          next === undefined
            ? `has a string that ends in a lone backslash at position ${i + 1}`
            : `has an unknown escape "\\${next}" at position ${i + 1}; known: \\\\ \\' \\" \\n \\t \\r \\v \\f \\0`,
        );
      }
      value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i += 1;
  }
  throw badExpression(text, `has a string opened with ${quote} at position ${at + 1} that is never closed`);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const space = matchAt(SPACE, text, at);
    if (space !== undefined) {
      at += space.length;
      continue;
    }
    const c = text[at]!;
    if (c === "'" || c === '"') {
      const token = readString(text, at);
      tokens.push(token);
      at += token.text.length;
      continue;
    }
    const number = matchAt(NUMBER, text, at);
    if (number !== undefined) {
      tokens.push({ kind: 'number', value: Number(number.replaceAll('_', '')), text: number, at });
      at += number.length;
      continue;
    }
    const word = matchAt(WORD, text, at);
    if (word !== undefined) {
      tokens.push({ kind: 'word', text: word, at });
      at += word.length;
      continue;
    }
    if (c === '$') {
      const name = matchAt(WORD, text, at + 1);
      if (name === undefined) {
        throw badExpression(text, `has a "$" at position ${at + 1} that is not followed by a variable name`);
      }
      tokens.push({ kind: 'variable', name, text: `$${name}`, at });
      at += name.length + 1;
      continue;
    }
    if (text.startsWith('..', at))
      throw badExpression(text, `uses ".." at position ${at + 1}: ranges are not supported`);
    const punctuation = PUNCTUATION.find((p) => text.startsWith(p, at));
    if (punctuation !== undefined) {
      tokens.push({ kind: 'punctuation', text: punctuation, at });
      at += punctuation.length;
      continue;
    }
    const why = UNSUPPORTED[c];
    throw badExpression(
      text,
      `has an unexpected character ${JSON.stringify(c)} at position ${at + 1}${why === undefined ? '' : `: ${why}`}`,
    );
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}
