import 'server-only';
import { z } from 'zod';
import { getJson, type CallOptions } from '../../oauth/http';
import type { ConnectedAccount, ResolvedProvider } from '../types';
import { X_USERS_ME_URL } from './definition';

/** The authenticated X user (`tweet.read` + `users.read`) [X7]. */

const UsersMe = z.object({
  data: z.object({ id: z.string().min(1), name: z.string(), username: z.string().min(1) }),
});

export async function fetchXAccount(p: ResolvedProvider, accessToken: string, options: CallOptions = {}): Promise<ConnectedAccount> {
  const { data } = await getJson(p, X_USERS_ME_URL, UsersMe, { ...options, accessToken });
  return {
    externalAccountId: data.id,
    displayName: `@${data.username}`,
    metadata: { name: data.name, username: data.username },
  };
}
