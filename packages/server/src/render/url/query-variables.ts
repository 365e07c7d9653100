// `?v={JSON}`: variables whose values do not fit in a path (rokka-render puts
// values longer than 20 characters or containing `*$/\-#%&?; :` there).

import { OrigoError } from '../../errors.ts';
import type { OptionValue } from '../model.ts';
import { UNSET } from './decode.ts';

function bad(raw: string, why: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_URL', `The query parameter v=${raw} ${why}.`);
}

/**
 * The variables of `?v=`, in their order, or none when there is no `v`. A
 * null or `__undefined__` value means "unset" and is returned as undefined so
 * the caller drops the variable. When `v` is given twice, the last wins, as
 * later duplicates do everywhere in a render URL.
 */
export function queryVariables(rawQuery: string): [string, OptionValue | undefined][] {
  // Form decoding (`+` is a space): the encoding rokka.js writes the query in.
  const all = new URLSearchParams(rawQuery).getAll('v');
  const raw = all[all.length - 1];
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw bad(raw, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw bad(raw, 'must be a JSON object of variables, like {"name":"value"}');
  }
  const entries: [string, OptionValue | undefined][] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || value === UNSET) entries.push([name, undefined]);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      entries.push([name, value]);
    } else throw bad(raw, `gives the variable "${name}" a value that is not a string, number or boolean`);
  }
  return entries;
}
