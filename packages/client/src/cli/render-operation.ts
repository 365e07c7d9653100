// Render operations typed on the command line (`resize:width=200,height=100`)
// checked into the SDK's typed RenderOperation: the name must be one origo
// knows; option values are passed for the server to check, as it does for
// any URL.

import type { RenderOperation } from '../render/index.ts';
import { usageError } from './exit-codes.ts';

const OPERATION_NAMES: ReadonlySet<string> = new Set([
  'resize',
  'crop',
  'rotate',
  'autorotate',
  'blur',
  'grayscale',
  'sepia',
  'trim',
  'modulate',
  'alpha',
  'dropshadow',
  'composition',
  'noop',
]);

interface ParsedOperation {
  name: string;
  options?: object;
}

const isPrimitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function isRenderOperation(op: ParsedOperation): op is RenderOperation {
  return OPERATION_NAMES.has(op.name) && Object.values(op.options ?? {}).every(isPrimitive);
}

/** "resize:width=200,height=100" → name and options; numbers and booleans typed. */
export function parseOperationText(text: string): { name: string; options: Record<string, string | number | boolean> } {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (!/^[a-z_]+$/.test(name)) throw usageError(`an operation is name:option=value,…, got ${JSON.stringify(text)}`);
  const options: Record<string, string | number | boolean> = {};
  for (const pair of rest === '' ? [] : rest.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw usageError(`operation option ${JSON.stringify(pair)} in ${JSON.stringify(text)} is not option=value`);
    const raw = pair.slice(eq + 1);
    const n = Number(raw);
    options[pair.slice(0, eq)] =
      raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(n) ? n : raw;
  }
  return { name, options };
}

export function renderOperation(text: string): RenderOperation {
  const parsed = parseOperationText(text);
  if (!isRenderOperation(parsed)) {
    throw usageError(
      `${JSON.stringify(parsed.name)} is not a render operation; known: ${[...OPERATION_NAMES].join(', ')}`,
    );
  }
  return parsed;
}
