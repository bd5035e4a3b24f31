import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { createResponseValidator } from './openapi-validator';

/**
 * `await expectDocumented(request, res, 'post')`: the response is one the OpenAPI document
 * describes (status and body schema). The document is fetched from the server under test once.
 */

let validator: Promise<ReturnType<typeof createResponseValidator>> | undefined;

function documentValidator(request: APIRequestContext) {
  validator ??= (async () => {
    const res = await request.get('/api/v1/openapi.json');
    expect(res.status()).toBe(200);
    return createResponseValidator(await res.json());
  })();
  return validator;
}

export async function expectDocumented(request: APIRequestContext, res: APIResponse, method: string): Promise<APIResponse> {
  const problems = (await documentValidator(request))({
    method,
    path: new URL(res.url()).pathname,
    status: res.status(),
    contentType: res.headers()['content-type'] ?? null,
    body: await res.text(),
  });
  expect(problems, `${method.toUpperCase()} ${res.url()} against /api/v1/openapi.json`).toEqual([]);
  return res;
}
