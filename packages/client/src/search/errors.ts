// The error a search builder throws for a value no type can rule out (a
// field name with a capital letter, a fraction for an int field): it is
// raised while building, before a request could be refused for it.

export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError';
}
