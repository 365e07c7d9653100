// TypeBox schemas of the wire shapes: they type the route handlers (through
// the TypeBox type provider) and document the API in /doc.json. Replies are
// serialized by sendJson (exact content type), so the reply schemas describe
// rather than filter; test/reply-schemas.test.ts checks real replies of every
// route against what /doc.json publishes.

import { type TSchema, Type } from 'typebox';

export const OrgParams = Type.Object({ org: Type.String({ description: 'organization name' }) });
export const OrgHashParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  hash: Type.String({ description: 'full hash (40 hex) or short hash' }),
});
export const OrgBinaryHashParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  binaryHash: Type.String({ description: 'SHA-1 of the file, 40 hex' }),
});

/**
 * A query parameter as Fastify hands it over: a text, or an array of texts
 * when it is repeated. Any query string passes the schema; the route refuses
 * a repeated flag itself, with a message naming it.
 */
export function queryValue(description: string) {
  return Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));
}

/** A reply without a body (`send()` takes no payload). */
export function noBody(description: string) {
  return Type.Unsafe<undefined>(Type.Null({ description }));
}
export const NoContent = noBody('No content');

/** Every route answers its errors in rokka's error JSON. */
const ERROR_REPLIES = {
  '4xx': Type.Ref('Error', { description: 'The request cannot be served: rokka error JSON naming the fault' }),
  '5xx': Type.Ref('Error', { description: 'The server failed: rokka error JSON' }),
} as const;

/** A route's reply schemas by status, with the error replies every route has. */
export function replies<const Ok extends Record<number, TSchema>>(ok: Ok): Ok & typeof ERROR_REPLIES {
  return { ...ok, ...ERROR_REPLIES };
}

const Timestamp = (description = 'YYYY-MM-DDTHH:MM:SS+00:00') => Type.String({ description });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const JsonRecord = () => Type.Record(Type.String(), Type.Unknown());

export const SourceImageSchema = Type.Object(
  {
    hash: Type.String(),
    short_hash: Type.String(),
    binary_hash: Type.String(),
    organization: Type.String(),
    name: Type.String(),
    format: Type.String(),
    mimetype: Type.String(),
    size: Type.Integer(),
    width: Type.Integer(),
    height: Type.Integer(),
    created: Timestamp(),
    link: Type.String(),
    protected: Type.Boolean(),
    locked: Type.Boolean(),
    opaque: Type.Boolean(),
    animated: Type.Boolean(),
    deleted: Type.Boolean(),
    deleted_date: Type.Optional(Timestamp()),
    user_metadata: JsonRecord(),
    dynamic_metadata: JsonRecord(),
    static_metadata: Type.Optional(JsonRecord()),
  },
  { $id: 'SourceImage', additionalProperties: false },
);

export const ImageListSchema = Type.Object(
  {
    total: Type.Integer(),
    items: Type.Array(Type.Ref('SourceImage')),
    cursor: Type.Optional(Type.String({ description: 'pass as offset for the next page' })),
    links: Type.Optional(
      Type.Object(
        {
          next: Type.Optional(Type.Object({ href: Type.String() })),
          prev: Type.Optional(Type.Object({ href: Type.String() })),
        },
        { additionalProperties: false },
      ),
    ),
    facets: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }, { additionalProperties: false })),
        {
          description: 'per requested facet, its most frequent values',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SigningKeySchema = Type.Object(
  {
    key: Type.String({ description: 'signs render URLs: sig = first 16 hex of sha256(path and query + ":" + key)' }),
    created: Timestamp(),
  },
  { additionalProperties: false },
);

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    display_name: Type.String(),
    billing_email: Type.String(),
    created: Timestamp(),
    master_organization: Type.String(),
    options: JsonRecord(),
    signing_keys: Type.Array(SigningKeySchema, {
      description:
        'the keys that sign render URLs; empty for roles that may not sign (upload, sourceimages:*, billing:read)',
    }),
  },
  { additionalProperties: false },
);

export const OrganizationOptionsSchema = Type.Object(
  { protect_dynamic_stack: Type.Optional(Type.Boolean({ description: 'unsigned dynamic renders are refused' })) },
  { additionalProperties: false, description: 'the options the organization has set' },
);

const OptionValue = () => Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const OptionMap = () => Type.Record(Type.String(), OptionValue());

export const StackSchema = Type.Object(
  {
    name: Type.String(),
    organization: Type.String(),
    created: Timestamp(),
    description: Type.String(),
    stack_operations: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          options: OptionMap(),
          expressions: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'option → expression' })),
        },
        { additionalProperties: false },
      ),
    ),
    stack_options: OptionMap(),
    stack_variables: OptionMap(),
    stack_expressions: Type.Array(
      Type.Object(
        {
          expression: Type.String(),
          overrides: Type.Object(
            { options: Type.Optional(OptionMap()), variables: Type.Optional(OptionMap()) },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    link: Type.String(),
  },
  { $id: 'Stack', additionalProperties: false },
);

export const StackListSchema = Type.Object(
  { total: Type.Integer(), items: Type.Array(Type.Ref('Stack')) },
  { additionalProperties: false },
);

export const StatusOkSchema = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    comment: Nullable(Type.String()),
    created: Timestamp(),
    accessed: Type.Optional(Timestamp()),
  },
  { additionalProperties: false },
);

export const NewApiKeySchema = Type.Object(
  {
    id: Type.String(),
    comment: Nullable(Type.String()),
    created: Timestamp(),
    accessed: Type.Optional(Timestamp()),
    api_key: Type.String({ description: 'the key itself, shown only in this answer' }),
  },
  { additionalProperties: false },
);

export const CreatedUserSchema = Type.Object(
  {
    id: Type.String(),
    email: Nullable(Type.String()),
    api_key: Type.String({ description: 'the key itself, shown only in this answer' }),
  },
  { additionalProperties: false },
);

export const UserSchema = Type.Object(
  {
    user_id: Type.String(),
    email: Type.Optional(Nullable(Type.String())),
    api_keys: Type.Optional(Type.Array(ApiKeySchema)),
  },
  { additionalProperties: false },
);

/** GET /user/organizations (origo extension): the caller's memberships by organization name. */
export const UserOrganizationListSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object({ organization: Type.String(), roles: Type.Array(Type.String()) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const TokenSchema = Type.Object(
  {
    token: Type.String({ description: 'send as Authorization: Bearer <token>' }),
    payload: Type.Object(
      {
        id: Type.String({ description: 'the API key the token was made from' }),
        exp: Type.Integer({ description: 'expiry, unix seconds' }),
        expt: Type.Integer({ description: 'latest expiry a renewal may have, unix seconds' }),
        ips: Nullable(Type.Array(Type.String())),
        rn: Type.Boolean({ description: 'renewable' }),
        iat: Type.Integer(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const MembershipSchema = Type.Object(
  {
    user_id: Type.String(),
    email: Nullable(Type.String()),
    organization_id: Type.String(),
    roles: Type.Array(Type.String()),
    active: Type.Boolean(),
    comment: Nullable(Type.String()),
    created: Timestamp(),
    api_key: Type.Optional(Type.String({ description: 'only when the call made the user: its key, shown once' })),
  },
  { additionalProperties: false },
);

export const MembershipListSchema = Type.Object(
  { total: Type.Integer(), items: Type.Array(MembershipSchema) },
  { additionalProperties: false },
);

export const BatchCopySchema = Type.Object(
  {
    created: Type.Array(Type.String()),
    existing: Type.Array(Type.String()),
    notfound: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const ErrorSchema = Type.Object(
  {
    error: Type.Object(
      { code: Type.Integer(), message: Type.String(), origo_code: Type.String() },
      { additionalProperties: false },
    ),
    code: Type.Integer(),
    message: Type.String(),
    invalid_authentication: Type.Optional(
      Type.Boolean({ description: 'true when the key or token is missing or wrong' }),
    ),
  },
  { $id: 'Error', additionalProperties: false },
);
