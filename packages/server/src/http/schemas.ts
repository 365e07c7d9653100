// TypeBox schemas of the wire shapes: they document the API in /doc.json.
// Replies are serialized by sendJson (exact content type), so these schemas
// describe rather than filter.

import { Type } from 'typebox';

export const OrgParams = Type.Object({ org: Type.String({ description: 'organization name' }) });
export const OrgHashParams = Type.Object({
  org: Type.String({ description: 'organization name' }),
  hash: Type.String({ description: 'full hash (40 hex) or short hash' }),
});

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
    created: Type.String({ description: 'YYYY-MM-DDTHH:MM:SS+00:00' }),
    link: Type.String(),
    protected: Type.Boolean(),
    locked: Type.Boolean(),
    opaque: Type.Boolean(),
    animated: Type.Boolean(),
    deleted: Type.Boolean(),
    deleted_date: Type.Optional(Type.String()),
    user_metadata: Type.Record(Type.String(), Type.Unknown()),
    dynamic_metadata: Type.Record(Type.String(), Type.Unknown()),
    static_metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'SourceImage', additionalProperties: true },
);

export const ImageListSchema = Type.Object(
  {
    total: Type.Integer(),
    items: Type.Array(Type.Ref('SourceImage')),
    cursor: Type.Optional(Type.String()),
    links: Type.Optional(Type.Record(Type.String(), Type.Object({ href: Type.String() }))),
  },
  { additionalProperties: true },
);

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    display_name: Type.String(),
    billing_email: Type.String(),
    created: Type.String(),
    master_organization: Type.String(),
    options: Type.Record(Type.String(), Type.Unknown()),
    signing_keys: Type.Array(Type.Unknown()),
  },
  { additionalProperties: true },
);

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({ code: Type.Integer(), message: Type.String(), origo_code: Type.String() }),
    code: Type.Integer(),
    message: Type.String(),
  },
  { $id: 'Error', additionalProperties: true },
);
