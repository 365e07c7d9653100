// What each method of the catalog and of the accounts does to the read
// cache (read-cache.ts). Typed against the interfaces: a method added to
// either does not compile until it is given a policy here.

import type { Accounts } from './accounts.ts';
import type { Catalog, ImageRecord } from './catalog.ts';
import type { ReadCachePolicy } from './read-cache.ts';
import type { Stacks } from './stacks.ts';

const image = (orgId: number, hash: string) => `image\u0000${orgId}\u0000${hash}`;
const one = ([orgId, hash]: readonly [number, string, ...unknown[]]) => [image(orgId, hash)];

export const CATALOG_POLICY: ReadCachePolicy<Catalog> = {
  methods: {
    findImage: 'cached',
    findOrganization: 'read',
    searchImages: 'read',
    findByBinaryHash: 'read',
    blobKeysInUse: 'read',
    blobUsers: 'read',
    // The images each write may change; misses are never cached, so new images need no tag.
    createOrganization: { drops: () => [] },
    // Organizations are not cached here (findOrganization is a plain read).
    updateOrganizationOptions: 'harmless',
    updateUserMetadata: { drops: one },
    setDynamicMetadataInPlace: { drops: one },
    softDelete: { drops: one },
    restore: { drops: one },
    rename: { drops: one },
    setLocked: { drops: one },
    deriveImage: { drops: ([orgId, sourceHash, target]) => [image(orgId, sourceHash), image(orgId, target.hash)] },
    copyImage: { drops: ([, hash, destOrgId]) => [image(destOrgId, hash)] },
    saveUploadedImages: { drops: ([orgId, images]) => images.map((i) => image(orgId, i.hash)) },
    // Which images these change is not known from their arguments.
    importImages: 'clears',
    softDeleteByBinaryHash: 'clears',
    purgeDeletedBefore: 'clears',
  },
  // A found image is tagged by its full hash, also when looked up by short hash.
  tag: (_method, args, result) => image(args[0] as number, (result as ImageRecord).hash),
};

export const ACCOUNTS_POLICY: ReadCachePolicy<Accounts> = {
  methods: {
    findKeyByDigest: 'cached',
    findKeyById: 'cached',
    findMembership: 'cached',
    findUser: 'read',
    listKeys: 'read',
    listMemberships: 'read',
    listMembershipsOfUser: 'read',
    listOrganizationsOfUser: 'read',
    // Last-use times and the lazily made token secret change no cached answer that matters.
    touchKey: 'harmless',
    setting: 'harmless',
    // Rate buckets are a table no cached method reads.
    leaseRateTokens: 'harmless',
    forgetIdleRateBuckets: 'harmless',
    createAccount: 'clears',
    addKey: 'clears',
    deleteKey: 'clears',
    putMembership: 'clears',
    deleteMembership: 'clears',
  },
};

const stack = (orgId: number, name: string) => `stack\u0000${orgId}\u0000${name}`;
const named = ([orgId, name]: readonly [number, string, ...unknown[]]) => [stack(orgId, name)];

/** Named stacks are read on every render through them: cached, and dropped by every write of that stack. */
export const STACKS_POLICY: ReadCachePolicy<Stacks> = {
  methods: {
    findStack: 'cached',
    listStacks: 'read',
    createStack: { drops: named },
    overwriteStack: { drops: named },
    deleteStack: { drops: named },
    bumpCacheGeneration: { drops: named },
    // Made once and remembered by service/signing-keys.ts.
    signingKeys: 'harmless',
  },
  tag: (_method, args) => stack(args[0] as number, args[1] as string),
};
