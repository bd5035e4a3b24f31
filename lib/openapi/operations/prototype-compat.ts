import 'server-only';
import {
  ACCOUNTS_UNPAGED_CAP,
  platformDisconnectSchema,
  platformParams,
  platformQuery,
  platformRefreshSchema,
  prototypeUserSchema,
  userAccountsQuery,
  userAccountsSchema,
} from '../../api-schemas/compat';
import { operation } from '../types';

/** The Python prototype's routes, kept for its clients (lib/connections/prototype-compat.ts). */

const TAG = 'Prototype compatibility';

export const prototypeCompatOperations = [
  operation({
    method: 'post',
    path: '/api/v1/oauth/{provider}/refresh',
    tag: TAG,
    summary: "Refresh every connection of a platform (the prototype's route)",
    description: 'Refreshes each live connection of the platform, or only `?connection=`, one after another through its lease.',
    auth: ['session'],
    params: platformParams,
    query: platformQuery,
    responses: {
      200: { description: 'Every connection was refreshed (or already fresh).', schema: platformRefreshSchema },
      409: { description: 'At least one was not; each result says why.', schema: platformRefreshSchema },
    },
    errors: ['unauthenticated', 'forbidden', 'not_found', 'bad_request'],
    replacedBy: 'POST /api/v1/connections/{id}/refresh',
  }),
  operation({
    method: 'delete',
    path: '/api/v1/oauth/{provider}/disconnect',
    tag: TAG,
    summary: "Disconnect every connection of a platform (the prototype's route)",
    description: 'Disconnects each live connection of the platform, or only `?connection=`: revoked at the provider where possible, tokens erased, audited.',
    auth: ['session'],
    params: platformParams,
    query: platformQuery,
    responses: { 200: { description: 'Disconnected.', schema: platformDisconnectSchema } },
    errors: ['unauthenticated', 'forbidden', 'not_found', 'bad_request'],
    replacedBy: 'DELETE /api/v1/connections/{id}',
  }),
  operation({
    method: 'get',
    path: '/api/v1/users/me',
    tag: TAG,
    summary: "The signed-in user's profile (the prototype's route)",
    auth: ['session'],
    responses: { 200: { description: 'The user.', schema: prototypeUserSchema } },
    errors: ['unauthenticated'],
    replacedBy: 'GET /api/v1/me',
  }),
  operation({
    method: 'get',
    path: '/api/v1/users/me/accounts',
    tag: TAG,
    summary: "The user's connected accounts (the prototype's route)",
    description:
      'Live connections only (revoked ones are left out, as the prototype deleted them). Without `limit`, the whole list as the prototype ' +
      `answered it, up to ${ACCOUNTS_UNPAGED_CAP} accounts; a longer list is cut there and the answer carries \`next_cursor\` to read on. ` +
      'With `limit` (or `cursor`) it is paged like `GET /api/v1/oauth/status`, and `next_cursor` is always present (null on the last page).',
    auth: ['session'],
    query: userAccountsQuery,
    responses: { 200: { description: 'The accounts; never a token.', schema: userAccountsSchema } },
    errors: ['unauthenticated', 'bad_request'],
    replacedBy: 'GET /api/v1/oauth/status',
  }),
];
