import { describe, expect, it } from 'vitest';
import { clerkSessionCookieNames } from './clerk-cookies';

describe('clerkSessionCookieNames', () => {
  it("picks Clerk's session cookies (with or without the key suffix) for sign-out to clear, and leaves the app's own", () => {
    const names = ['__session', '__session_Abc123', '__client_uat_x-Y_9', '__clerk_db_jwt', '__refresh_Q', 'gk_csrf', 'theme', '__sessionx'];
    expect(clerkSessionCookieNames(names)).toEqual(['__session', '__session_Abc123', '__client_uat_x-Y_9', '__clerk_db_jwt', '__refresh_Q']);
  });
});
