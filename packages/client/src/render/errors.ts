// The error render URL building and signing throw for input that would make
// a URL origo cannot read (a hash that is not hex, an SEO name that reads as
// a hash): raised while building, before any request.

export class RenderUrlError extends Error {
  override readonly name = 'RenderUrlError';
}
