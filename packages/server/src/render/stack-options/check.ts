// Checks the `options` of a stack body (PUT /stacks, spec §3) against the
// stack option definitions. A value written `[…]` is an expression and is
// checked when a render evaluates it.

import { OrigoError } from '../../errors.ts';
import type { Options } from '../model.ts';
import { isExpression, UNSET } from '../operations/option-kinds.ts';
import { STACK_OPTION_NAMES, STACK_OPTIONS, stackOptionNamed } from './definitions.ts';

/** Throws ORIGO_ERR_STACK_BAD_BODY naming the first option (`options.jpg.quality`) that cannot render. */
export function checkStackOptions(options: Options): void {
  for (const [key, raw] of Object.entries(options)) {
    const name = stackOptionNamed(key);
    if (name === undefined) {
      throw new OrigoError(
        'ORIGO_ERR_STACK_BAD_BODY',
        `options.${key} is not a stack option; known stack options: ${STACK_OPTION_NAMES.join(', ')}`,
      );
    }
    if (raw === UNSET || isExpression(raw)) continue;
    const read = STACK_OPTIONS[name].coerce(raw);
    if (!read.ok) {
      throw new OrigoError(
        'ORIGO_ERR_STACK_BAD_BODY',
        `options.${key} must be ${read.expected}; got ${JSON.stringify(raw)}`,
      );
    }
  }
}
