// URLs as messages and logs may show them. Signed URLs carry secrets in their
// query (?sig=, ?token=, X-Amz-Signature) and fragment, and any URL can carry
// a user name and password before its host. Two strengths, one set of rules:
//
//  - maskUrlSecrets, for any text bound for the log (request URLs, error
//    messages, stacks): the values of secret-looking query parameters and the
//    user name and password of every scheme://user:pass@ are masked; other
//    parameters stay readable, as they help tell requests apart.
//  - displayUrl, for one URL a client gave (remote fetches, in messages
//    and logs): the user name and password, every query value and the
//    fragment are masked, whether or not the URL parses as http(s).

export const MASK = '***';

/** Query parameter names whose values are secrets: signatures, tokens, keys, passwords, credentials. */
const SECRET_PARAM = /sig|token|key|secret|passw|credential|auth/i;

/** name=value pairs in a query string (or anything that looks like one), in text. */
const QUERY_PAIR = /([?&;])([^=&#?;\s"'<>]+)=([^&#;\s"'<>]*)/g;

/** The user name and password of a URL in text: scheme://userinfo@. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** `text` with the values of secret-looking query parameters (sig=***) and URLs' user names and passwords masked. */
export function maskUrlSecrets(text: string): string {
  return text
    .replace(USERINFO, (_userinfo, scheme: string) => `${scheme}${MASK}@`)
    .replace(QUERY_PAIR, (pair, lead: string, name: string) =>
      SECRET_PARAM.test(name) ? `${lead}${name}=${MASK}` : pair,
    );
}

/**
 * One URL with its user name and password, every query value and the
 * fragment masked. Parameter names stay, to tell URLs apart. A URL that does
 * not parse as http or https keeps only its scheme and what lies between the
 * last "@" and the query: "user:pass@host" parses, as scheme "user:".
 */
export function displayUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return displayUnparsable(raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return displayUnparsable(raw);
  if (url.username === '' && url.password === '' && url.search === '' && url.hash === '') return raw;
  if (url.username !== '') url.username = MASK;
  if (url.password !== '') url.password = MASK;
  if (url.search !== '') {
    const names = [...new Set(url.searchParams.keys())];
    url.search = names.length === 0 ? MASK : names.map((name) => `${encodeURIComponent(name)}=${MASK}`).join('&');
  }
  if (url.hash !== '') url.hash = MASK;
  return url.href;
}

function displayUnparsable(raw: string): string {
  const cut = raw.search(/[?#]/);
  let head = cut === -1 ? raw : raw.slice(0, cut);
  const at = head.lastIndexOf('@');
  if (at !== -1) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(head)?.[0] ?? '';
    head = `${scheme.length <= at ? scheme : ''}${MASK}${head.slice(at)}`;
  }
  return cut === -1 ? head : `${head}${raw[cut]}${MASK}`;
}
