import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/http/handle-route';
import { openApiDocument } from '@/lib/openapi/document';

/** The OpenAPI 3.1 document: public, the same for everyone, so it may be cached briefly. */
async function getDocument() {
  return NextResponse.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getDocument });
