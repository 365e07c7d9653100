// A render's stack options (already resolved: literals only) → typed values,
// defaults filled, plus which were given, since some defaults depend on
// that (jpg/webp quality drop for high dpr only when not set explicitly).

import { OrigoError } from '../../errors.ts';
import type { Options } from '../model.ts';
import { type OptionSpec, UNSET } from '../operations/option-kinds.ts';
import { STACK_OPTION_NAMES, STACK_OPTIONS, type StackOptionName, stackOptionNamed } from './definitions.ts';

export type StackOptionValues = {
  [K in StackOptionName]: (typeof STACK_OPTIONS)[K] extends OptionSpec<infer T> ? T : never;
};

export interface ReadStackOptions {
  values: StackOptionValues;
  /** Options the stack or URL set (an alias counts as its option). */
  given: ReadonlySet<StackOptionName>;
}

function badOption(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_RENDER_BAD_OPTION', message);
}

export function readStackOptions(options: Options): ReadStackOptions {
  const raw = new Map<StackOptionName, Options[string]>();
  for (const [key, value] of Object.entries(options)) {
    const name = stackOptionNamed(key);
    if (name === undefined) {
      throw badOption(`unknown stack option "${key}"; known stack options: ${STACK_OPTION_NAMES.join(', ')}`);
    }
    if (value !== UNSET) raw.set(name, value);
  }
  function read<T>(name: StackOptionName, spec: OptionSpec<T>): T {
    const value = raw.get(name);
    if (value === undefined) {
      if (spec.absent.kind === 'required') throw badOption(`stack option "${name}" is required`);
      return spec.absent.value;
    }
    const coerced = spec.coerce(value);
    if (!coerced.ok)
      throw badOption(`stack option "${name}" must be ${coerced.expected}; got ${JSON.stringify(value)}`);
    return coerced.value;
  }
  const s = STACK_OPTIONS;
  const values: StackOptionValues = {
    'jpg.quality': read('jpg.quality', s['jpg.quality']),
    'webp.quality': read('webp.quality', s['webp.quality']),
    'avif.quality': read('avif.quality', s['avif.quality']),
    'heif.quality': read('heif.quality', s['heif.quality']),
    'gif.quality': read('gif.quality', s['gif.quality']),
    'png.compression_level': read('png.compression_level', s['png.compression_level']),
    autoformat: read('autoformat', s.autoformat),
    dpr: read('dpr', s.dpr),
    source_file: read('source_file', s.source_file),
    content_disposition: read('content_disposition', s.content_disposition),
    'transparency.color': read('transparency.color', s['transparency.color']),
    'jpg.transparency.color': read('jpg.transparency.color', s['jpg.transparency.color']),
    protected: read('protected', s.protected),
    'optim.disable_all': read('optim.disable_all', s['optim.disable_all']),
    'optim.immediate': read('optim.immediate', s['optim.immediate']),
  };
  return { values, given: new Set(raw.keys()) };
}
