import { getSessionUser } from '@/lib/auth/session';
import { errorResponse } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handle-route';
import { respond } from '@/lib/http/respond';
import { meSchema } from '@/lib/api-schemas/account';

export const dynamic = 'force-dynamic';

/** Who the caller is signed in as. */
async function getMe() {
  const user = await getSessionUser();
  if (!user) return errorResponse('unauthenticated', 'Sign in first.');
  return respond(meSchema, { id: user.id, authMode: user.mode });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getMe });
