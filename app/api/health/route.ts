import { NextResponse } from 'next/server';
import { checkHealth } from '@/lib/health';
import { apiRoute } from '@/lib/http/handle-route';

export const dynamic = 'force-dynamic';

async function getHealth() {
  const health = await checkHealth();
  return NextResponse.json(health, {
    status: health.status === 'down' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({ GET: getHealth });
