// Every failure of the expression language is a 400 that quotes the
// expression and says what is wrong with it (docs/PRINCIPLES.md, rule 2).

import { OrigoError } from '../../errors.ts';

/** `expression "<text>" <what>`, e.g. `expression "$w +" ends early: a value is missing after "+"`. */
export function badExpression(text: string, what: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_EXPRESSION', `expression ${JSON.stringify(text)} ${what}`);
}
