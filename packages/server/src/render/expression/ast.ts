// The parsed form of an expression. Names are checked while parsing, so an
// expression that reads something unknown fails whatever the data, even in
// a branch that would not be evaluated.

export type Value = string | number | boolean | null;

/** What a name reads (spec §6); `$name` is the only kind whose existence depends on the data. */
export type Reference =
  | { kind: 'variable'; name: string }
  | { kind: 'image'; field: 'width' | 'height' | 'format' | 'hash' | 'hasSubjectArea' | 'isAnimated' }
  | { kind: 'subjectArea'; field: 'x' | 'y' | 'width' | 'height' }
  | { kind: 'userMetadata'; field: string }
  | { kind: 'option'; name: string };

export type UnaryOperator = '-' | '+' | 'not';

export type BinaryOperator =
  | 'or'
  | 'and'
  | '??'
  | '=='
  | '!='
  | '==='
  | '!=='
  | '<'
  | '>'
  | '<='
  | '>='
  | '+'
  | '-'
  | '~'
  | '*'
  | '/'
  | '%'
  | '**';

export type Node =
  | { kind: 'literal'; value: Value }
  | { kind: 'reference'; reference: Reference; text: string }
  | { kind: 'unary'; operator: UnaryOperator; operand: Node }
  | { kind: 'binary'; operator: BinaryOperator; left: Node; right: Node }
  /** `test ? whenTrue : whenFalse`; `whenTrue` undefined for `test ?: whenFalse` (the test's own value). */
  | { kind: 'conditional'; test: Node; whenTrue: Node | undefined; whenFalse: Node };
