import 'server-only';

/** Why a prototype row is not imported; the report prints these with the rows' ids. */
export const SKIP = {
  already: 'already imported by an earlier run',
  userDeletedHere: 'the user was deleted in Grantkeeper',
  userDeletedThere: 'deleted in the prototype',
  noClerkId: 'no Clerk user id',
  noUser: 'its user is not in the prototype or was not imported',
  inactive: 'disconnected in the prototype',
  platform: 'not a platform Grantkeeper imports',
  noRefreshToken: 'no refresh token stored: the grant cannot be kept alive (reconnect it in Grantkeeper)',
  connected: 'already connected in Grantkeeper (the newer grant is kept)',
  noAccount: 'its account is not in the prototype or was not imported',
  tokenType: 'not an access or refresh token',
  superseded: 'a newer token of the same kind exists for the account',
} as const;
