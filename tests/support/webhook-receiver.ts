import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as the receiver saw it, and whether its Standard Webhooks signature verified. */
export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (to exercise the sender's timeout). */
  hang?: boolean;
  delayMs?: number;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the `standardwebhooks` package
 * (the reference implementation, not our code) and answers 401 when it does not verify, like a
 * real receiver. Responses follow `script` in order, then `fallback`.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const state = { secret: undefined as string | undefined, script: [] as ScriptedResponse[], fallback: { status: 204 } as ScriptedResponse };
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      if (state.secret) {
        try {
          new Webhook(state.secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      received.push({ path: req.url ?? '/', headers: req.headers, body, verified });
      const reply = verified || !state.secret ? (state.script.shift() ?? state.fallback) : { status: 401, body: 'bad signature' };
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      setTimeout(() => {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? '');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    /** The secret to verify with; unset means accept anything unverified. */
    setSecret(secret: string | undefined) {
      state.secret = secret;
    },
    respondWith(...responses: ScriptedResponse[]) {
      state.script.push(...responses);
    },
    setFallback(response: ScriptedResponse) {
      state.fallback = response;
    },
    reset() {
      received.length = 0;
      state.script = [];
      state.fallback = { status: 204 };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
