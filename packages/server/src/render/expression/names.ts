// The names an expression may read (spec §6), checked while parsing: a path
// such as `image.subject_area.x` becomes a Reference or a 400 saying which
// names exist.

import type { Reference } from './ast.ts';
import { badExpression } from './bad-expression.ts';

const IMAGE_FIELDS = ['width', 'height', 'format', 'hash', 'hasSubjectArea', 'isAnimated'] as const;
const AREA_FIELDS = ['x', 'y', 'width', 'height'] as const;
const IMAGE_NAMES = [...IMAGE_FIELDS, 'subject_area', 'meta_user'];

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** A `$variable` followed by `.field`s: variables hold plain values, which have no fields. */
export function variableReference(text: string, name: string, path: string[]): Reference {
  if (path.length > 0) {
    throw badExpression(text, `reads "$${name}.${path.join('.')}", but $${name} is a plain value and has no fields`);
  }
  return { kind: 'variable', name };
}

/** A bare word at the start of a name path (`image`, `options`), with the `.field`s after it. */
export function rootReference(text: string, root: string, path: string[]): Reference {
  const written = [root, ...path].join('.');
  if (root === 'options') {
    // Stack option names contain dots themselves (jpg.quality): the rest of the path is the name.
    if (path.length === 0) throw badExpression(text, 'reads "options" alone; name an option, e.g. options.dpr');
    return { kind: 'option', name: path.join('.') };
  }
  if (root !== 'image') {
    throw badExpression(
      text,
      `uses the unknown name "${root}"; names are $variables, image.… and options.… (strings need quotes)`,
    );
  }
  const [field, sub, ...rest] = path;
  if (field === undefined) {
    throw badExpression(text, `reads "image" alone; name one of its fields: ${IMAGE_NAMES.join(', ')}`);
  }
  if (field === 'subject_area') {
    if (sub === undefined || !isOneOf(AREA_FIELDS, sub) || rest.length > 0) {
      throw badExpression(text, `reads "${written}"; image.subject_area has the fields ${AREA_FIELDS.join(', ')}`);
    }
    return { kind: 'subjectArea', field: sub };
  }
  if (field === 'meta_user') {
    if (sub === undefined || rest.length > 0) {
      throw badExpression(text, `reads "${written}"; name one user metadata field, e.g. image.meta_user.title`);
    }
    return { kind: 'userMetadata', field: sub };
  }
  if (!isOneOf(IMAGE_FIELDS, field)) {
    throw badExpression(text, `reads "${written}"; image has the fields ${IMAGE_NAMES.join(', ')}`);
  }
  if (sub !== undefined) {
    throw badExpression(text, `reads "${written}", but image.${field} is a plain value and has no fields`);
  }
  return { kind: 'image', field };
}
