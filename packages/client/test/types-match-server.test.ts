// The client's hand-written resource types against the server's published
// reply schemas, checked by tsc: every field the server sends is declared
// here with a type that accepts it, and nothing here is unknown to the
// server. (The client itself never imports the server; this test may.)

import type { Static, TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import type * as Server from '../../server/src/http/schemas.ts';
import type * as Client from '../src/types/index.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Server replies read as the client type, and both name the same fields. */
type Matches<S extends TSchema, C> = [Static<S>] extends [C] ? Same<keyof Static<S>, keyof C> : false;
/** Server replies read as the client type, whose extra fields are rokka's (or newer servers'). */
type Reads<S extends TSchema, C> = [Static<S>] extends [C]
  ? [keyof Static<S>] extends [keyof C]
    ? true
    : false
  : false;
const matches = <T extends true>(): T | undefined => undefined;

describe('resource types', () => {
  it('declare exactly the fields of the server replies', () => {
    // entropy: sent by rokka.io only. The metadata are `unknown` values in the
    // server's schema; the client names their types (source-image.ts).
    type Metadata = 'user_metadata' | 'dynamic_metadata';
    matches<
      Same<Omit<Static<typeof Server.SourceImageSchema>, Metadata>, Omit<Client.SourceImage, Metadata | 'entropy'>>
    >;
    matches<Reads<typeof Server.SourceImageSchema, Omit<Client.SourceImage, Metadata> & Record<Metadata, unknown>>>;
    matches<Same<Exclude<keyof Client.SourceImage, keyof Static<typeof Server.SourceImageSchema>>, 'entropy'>>;
    matches<Matches<typeof Server.OrganizationSchema, Client.Organization>>;
    matches<Matches<typeof Server.SigningKeySchema, Client.SigningKey>>;
    // Open to options of newer servers.
    matches<Reads<typeof Server.OrganizationOptionsSchema, Client.OrganizationOptions>>;
    matches<Matches<typeof Server.StackSchema, Client.Stack>>;
    matches<Matches<typeof Server.ApiKeySchema, Client.ApiKey>>;
    matches<Matches<typeof Server.NewApiKeySchema, Client.NewApiKey>>;
    matches<Matches<typeof Server.CreatedUserSchema, Client.CreatedUser>>;
    matches<Matches<typeof Server.UserSchema, Client.User>>;
    matches<Matches<typeof Server.TokenSchema, Client.Token>>;
    matches<Matches<typeof Server.MembershipSchema, Client.Membership>>;
    matches<Matches<typeof Server.MembershipListSchema, Client.MembershipList>>;
    matches<Matches<typeof Server.BatchCopySchema, Client.BatchCopyResult>>;
    matches<Matches<typeof Server.ErrorSchema, Client.ErrorBody>>;
    matches<Matches<typeof Server.StatusOkSchema, Client.StatusOk>>;
    expect(matches<true>()).toBeUndefined();
  });
});
