import 'server-only';
import { z } from 'zod';
import { connectionIdParams } from '../../api-schemas/common';
import {
  accessTokenSchema,
  authorizeQuery,
  connectionOverviewSchema,
  connectionStatusListSchema,
  connectionStatusQuery,
  connectionStatusSchema,
  disconnectResultSchema,
  notRefreshedSchema,
  providerParams,
  refreshedSchema,
} from '../../api-schemas/connections';
import { callbackQuery } from '../../connections/callback';
import { operation } from '../types';

const TAG = 'Connections';
const TO_PROVIDER = { description: 'To the provider’s consent page.', headers: { location: 'The provider’s authorization URL.' } };
const TO_APP = { description: 'Back to the app, the outcome (and connection) in the query, shown as a toast.', headers: { location: 'An app page.' } };

export const connectionOperations = [
  operation({
    method: 'get',
    path: '/api/v1/oauth/{provider}/authorize',
    tag: TAG,
    summary: 'Connect (or reconnect) an account',
    description: 'Creates the single-use state (and PKCE where the provider takes it) and redirects the browser to the provider.',
    auth: ['session'],
    params: providerParams,
    query: authorizeQuery,
    responses: { 302: TO_PROVIDER, 303: TO_APP },
    errors: ['unauthenticated', 'not_found', 'rate_limited'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/oauth/{provider}/callback',
    tag: TAG,
    summary: 'Where the provider sends the browser back',
    description: 'The state is the proof: it is checked and consumed, the code exchanged and the grant stored, then a redirect to the app with the outcome.',
    auth: [],
    params: providerParams,
    query: callbackQuery.extend({ state: z.string().optional() }),
    responses: { 303: TO_APP },
    errors: ['not_found', 'bad_request', 'rate_limited'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/oauth/status',
    tag: TAG,
    summary: "The user's connections and their health",
    description:
      'Never a token. A page at a time, by cursor: up to `limit` connections (100 unless asked), and `next_cursor` for the rest (null when there is none). A client that reads only `connections` still sees every connection while it has no more than `limit`.',
    auth: ['session'],
    query: connectionStatusQuery,
    responses: { 200: { description: 'One page of connections, revoked ones included unless `removed=exclude`.', schema: connectionStatusListSchema } },
    errors: ['unauthenticated', 'bad_request'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/oauth/status/summary',
    tag: TAG,
    summary: "How many connections per status and provider, and which need attention",
    description: 'The dashboard’s summary: counts from the whole list, and the connections that need reconnecting, keep failing or end soon, most urgent first. Never a token.',
    auth: ['session'],
    responses: { 200: { description: 'The counts and the connections that need a person.', schema: connectionOverviewSchema } },
    errors: ['unauthenticated'],
  }),
  operation({
    method: 'post',
    path: '/api/v1/connections/{id}/refresh',
    tag: TAG,
    summary: 'Refresh now',
    description: 'Forces a refresh through the same lease as the sweep (waiting for one already in flight).',
    auth: ['session'],
    params: connectionIdParams,
    responses: {
      200: { description: 'Refreshed, or another refresher just did.', schema: refreshedSchema },
      409: { description: 'Not refreshed, and why.', schema: notRefreshedSchema },
    },
    errors: ['unauthenticated', 'forbidden', 'not_found'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/connections/{id}',
    tag: TAG,
    summary: 'One connection and its health',
    description: 'What the status list says of one connection, read by id however long the list is. Never a token.',
    auth: ['session'],
    params: connectionIdParams,
    responses: { 200: { description: 'The connection.', schema: connectionStatusSchema } },
    errors: ['unauthenticated', 'not_found'],
  }),
  operation({
    method: 'delete',
    path: '/api/v1/connections/{id}',
    tag: TAG,
    summary: 'Disconnect',
    description: 'Revokes at the provider where it has an endpoint, erases both tokens here whatever the provider says, audits.',
    auth: ['session'],
    params: connectionIdParams,
    responses: { 200: { description: 'Disconnected.', schema: disconnectResultSchema } },
    errors: ['unauthenticated', 'forbidden', 'not_found'],
  }),
  operation({
    method: 'get',
    path: '/api/v1/connections/{id}/access-token',
    tag: 'Token API',
    summary: 'A valid access token',
    description:
      "For the user's own jobs: a valid access token, refreshed just in time. Never the refresh token. " +
      'Every read is audited. RateLimit-Policy and RateLimit headers say where the key stands.',
    auth: ['apiKey'],
    params: connectionIdParams,
    responses: {
      200: {
        description: 'The token.',
        schema: accessTokenSchema,
        headers: { 'ratelimit-policy': 'The per-key quota.', ratelimit: 'What is left of it.' },
      },
    },
    errors: ['unauthenticated', 'not_found', 'needs_reauth', 'revoked', 'rate_limited', 'provider_unavailable', 'key_unavailable'],
  }),
];
