// Render URLs as rokka-render builds them, for origo's URL grammar:
//
//   {host}/{stack}[/{operations}][/o-{options}][/v-{variables}]/{hash}[/{seo-name}].{format}[?v={json}]
//
// Values are written so that origo reads back exactly what was given: a
// `-` or `/` inside a value is percent-encoded (origo splits groups before
// it decodes), an expression `[…]` keeps its brackets, and a variable that
// cannot sit in the path goes into `?v=` as JSON.

import { RenderUrlError } from './errors.ts';
import type { RenderFormat, RenderOperation, UrlStackOptions, UrlValue, Variables } from './operations.ts';

/** rokka's "not set" marker for an option value. */
export const UNSET = '__undefined__';

/** Where renders are served: one of these. */
export type RenderHostOptions =
  | {
      /** `http://origo:8080/render/{organization}` or `https://{organization}.rokka.io`: `{organization}` is replaced. */
      renderHost: string;
      baseUrl?: never;
    }
  | {
      /** origo's API base, e.g. `http://origo:8080`: renders are served under `/render/{org}`. */
      baseUrl: string;
      renderHost?: never;
    };

export type RenderUrlOptions = RenderHostOptions & {
  organization: string;
  /** The full hash or the short hash. */
  hash: string;
  format: RenderFormat;
  /**
   * A named stack, or `dynamic` (the default). With `dynamic`, `operations`
   * are the operations, in order; with a named stack they override its
   * operations' options.
   */
  stack?: string;
  operations?: readonly RenderOperation[];
  /** Stack options, in an `o-` group. */
  options?: UrlStackOptions;
  variables?: Variables;
  /** A name for the file, ignored by the server (`holiday-v2` busts caches: a name ending in v<digits>). */
  seoName?: string;
};

const HASH = /^[0-9a-fA-F]{6,40}$/;
const FORMAT = /^[A-Za-z0-9]{1,10}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const OPTION_KEY = /^[A-Za-z0-9_.]+$/;
/** A variable that can sit in a `v-` group as it is; anything else goes to `?v=`. */
const PATH_SAFE_VARIABLE = /^[A-Za-z0-9_.]{1,20}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]+$/;

function isExpression(value: string): boolean {
  return value.startsWith('[') && value.endsWith(']');
}

/** A value in a path group: `null`/`undefined`/`''` as the "not set" marker, `-` encoded, expressions kept in brackets. */
export function groupValue(value: UrlValue): string {
  if (value === null || value === undefined || value === '') return UNSET;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RenderUrlError(`${value} is not a number a render URL can carry`);
    // origo reads `key--90` as -90, as rokka.js writes it.
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (isExpression(value)) return `[${encodeURIComponent(value.slice(1, -1))}]`;
  return encodeURIComponent(value).replaceAll('-', '%2D');
}

function groupKey(key: string, where: string): string {
  if (!OPTION_KEY.test(key)) throw new RenderUrlError(`${JSON.stringify(key)} in ${where} is not an option name`);
  return key;
}

function isUrlValue(value: unknown): value is UrlValue {
  return value === null || ['undefined', 'string', 'number', 'boolean'].includes(typeof value);
}

/** `name-key-value-key-value`, or the bare name without options. */
function group(name: string, options: object | undefined, where: string): string {
  const pairs = Object.entries(options ?? {}).map(([key, value]: [string, unknown]) => {
    if (!isUrlValue(value)) throw new RenderUrlError(`${key} in ${where} must be a string, number or boolean`);
    return `${groupKey(key, where)}-${groupValue(value)}`;
  });
  return pairs.length === 0 ? name : `${name}-${pairs.join('-')}`;
}

/** Operations joined by `--`, as one segment. */
export function operationsSegment(operations: readonly RenderOperation[]): string {
  return operations.map((op) => group(op.name, op.options, `operation ${op.name}`)).join('--');
}

/** The variables for the path (`v-` group) and those for `?v=`. */
function splitVariables(variables: Variables): { path: string[]; json: Record<string, string | number | boolean> } {
  const path: string[] = [];
  const json: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value === null || value === undefined) continue;
    if (name === '') throw new RenderUrlError('A stack variable needs a name');
    const text = String(value);
    if (VARIABLE_NAME.test(name) && PATH_SAFE_VARIABLE.test(text) && text !== UNSET) path.push(`${name}-${text}`);
    else json[name] = value;
  }
  return { path, json };
}

function hostOf(options: RenderHostOptions & { organization: string }): string {
  const org = encodeURIComponent(options.organization);
  if (options.organization === '') throw new RenderUrlError('A render URL needs an organization');
  const host =
    options.renderHost !== undefined
      ? options.renderHost.replaceAll('{organization}', org)
      : `${options.baseUrl.replace(/\/+$/, '')}/render/${org}`;
  return host.replace(/\/+$/, '');
}

/** The SEO name as a path element: no `/ . ^` (they end the name for the server), never read as a hash. */
function seoElement(name: string): string | undefined {
  const cleaned = name.replace(/[\s/\\.^?#%]+/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned === '') return undefined;
  if (HASH.test(cleaned)) {
    throw new RenderUrlError(`The SEO name ${JSON.stringify(name)} would be read as an image hash; add a word to it`);
  }
  return encodeURIComponent(cleaned);
}

/** The render URL of an image, unsigned. */
export function renderUrl(options: RenderUrlOptions): string {
  const { hash, format } = options;
  if (!HASH.test(hash)) throw new RenderUrlError(`${JSON.stringify(hash)} is not an image hash (6 to 40 hex digits)`);
  if (!FORMAT.test(format)) throw new RenderUrlError(`${JSON.stringify(format)} is not an image format`);
  const stack = options.stack ?? 'dynamic';
  if (!STACK_NAME.test(stack)) throw new RenderUrlError(`${JSON.stringify(stack)} is not a stack name`);

  const segments: string[] = [encodeURIComponent(stack)];
  const operations = options.operations ?? [];
  if (operations.length > 0) segments.push(operationsSegment(operations));
  else if (stack === 'dynamic') segments.push('noop'); // as rokka.js: a dynamic render always names an operation
  const stackOptions = group('o', options.options, 'the stack options');
  if (stackOptions !== 'o') segments.push(stackOptions);
  const variables = splitVariables(options.variables ?? {});
  if (variables.path.length > 0) segments.push(`v-${variables.path.join('-')}`);

  const seo = options.seoName === undefined ? undefined : seoElement(options.seoName);
  const image = `${hash.toLowerCase()}${seo === undefined ? '' : `/${seo}`}.${format.toLowerCase()}`;
  const url = `${hostOf(options)}/${segments.join('/')}/${image}`;
  if (Object.keys(variables.json).length === 0) return url;
  return `${url}?${new URLSearchParams({ v: JSON.stringify(variables.json) }).toString()}`;
}
