/**
 * The slice of oidc-provider (v9, untyped; @types/oidc-provider is not installed) that the
 * integration test uses.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface OidcConfiguration {
    clients?: Record<string, unknown>[];
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean };
    rotateRefreshToken?: boolean | ((ctx: unknown) => boolean);
    issueRefreshToken?: (ctx: unknown, client: unknown, code: unknown) => boolean | Promise<boolean>;
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    findAccount?: (ctx: unknown, sub: string) => Promise<OidcAccount | undefined> | OidcAccount | undefined;
    claims?: Record<string, string[]>;
    scopes?: string[];
    cookies?: { keys?: string[] };
    ttl?: Record<string, number>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: OidcConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
