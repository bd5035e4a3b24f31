import { describe, expect, it } from 'vitest';
import { sendProviderRequest, sensitiveValues, type ProviderRequest } from './http';

/** The one send step, seen from the fetch it calls: what goes out for a form and for a JSON body. */

function recordingFetch(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const REPORT_BODY = JSON.stringify({ name: 'r', configuration: { format: 'GZIP_JSON', columns: ['date', 'cost'] } });

describe('sendProviderRequest', () => {
  it('sends a JSON body verbatim with the caller\'s content type, never the form one, and does not follow a POST redirect', async () => {
    const { fetch, calls } = recordingFetch(() => Response.json({ reportId: 'rep-1' }));
    const request: ProviderRequest<string> = {
      method: 'POST',
      url: 'https://advertising-api.amazon.com/reporting/reports',
      headers: { authorization: 'Bearer Atza|access-token', 'content-type': 'application/vnd.createasyncreportrequest.v3+json' },
      body: REPORT_BODY,
    };
    const response = await sendProviderRequest({ fetch }, request);

    expect(calls).toHaveLength(1);
    const init = calls[0]!.init;
    const headers = new Headers(init.headers);
    expect(headers.get('content-type')).toBe('application/vnd.createasyncreportrequest.v3+json');
    expect(headers.get('accept')).toBe('application/json');
    expect(init.body).toBe(REPORT_BODY);
    expect(init).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(response).toMatchObject({ status: 200, json: { reportId: 'rep-1' } });
    // The bearer token is scrubbed from echoes; the JSON body holds no credentials to look for.
    expect(response.sensitive).toEqual(['Atza|access-token']);
  });

  it('sends form parameters as application/x-www-form-urlencoded, over whatever content type the caller set', async () => {
    const { fetch, calls } = recordingFetch(() => new Response('not json', { status: 400 }));
    const response = await sendProviderRequest({ fetch }, {
      method: 'POST',
      url: 'https://api.amazon.com/auth/o2/token',
      headers: { 'content-type': 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'Atzr|refresh' }),
    });

    const init = calls[0]!.init;
    expect(new Headers(init.headers).get('content-type')).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(init.body).toBe('grant_type=refresh_token&refresh_token=Atzr%7Crefresh');
    expect(response).toMatchObject({ status: 400, json: undefined, sensitive: ['Atzr|refresh'] });
  });

  it('follows redirects on a GET with no body (a paged read, a report status)', async () => {
    const { fetch, calls } = recordingFetch(() => new Response(''));
    const response = await sendProviderRequest({ fetch }, { method: 'GET', url: 'https://api.x.com/2/users/me', headers: {} });
    expect(calls[0]!.init).toMatchObject({ method: 'GET', redirect: 'follow', body: undefined });
    expect(new Headers(calls[0]!.init.headers).has('content-type')).toBe(false);
    expect(response.json).toBeUndefined();
  });
});

describe('sensitiveValues', () => {
  it('reads secrets from a form body and the query, and looks for none in a JSON body', () => {
    const url = 'https://graph.facebook.com/v22.0/oauth/access_token?client_secret=meta-secret';
    expect(sensitiveValues({ method: 'POST', url, headers: {}, body: new URLSearchParams({ fb_exchange_token: 'EAAB-token' }) }))
      .toEqual(['EAAB-token', 'meta-secret']);
    expect(sensitiveValues({ method: 'POST', url, headers: {}, body: JSON.stringify({ code: 'abcdef' }) })).toEqual(['meta-secret']);
  });
});
