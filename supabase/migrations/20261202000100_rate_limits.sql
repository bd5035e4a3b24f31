-- Rate limits shared by every instance (lib/rate-limit): one fixed-window counter per
-- (policy, subject), advanced by one atomic upsert per check. Keys are hashes of the subject
-- (client IP, user id, API key id), never a credential. Expired rows are removed by the sweep.
create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null,
  expires_at timestamptz not null
);
create index rate_limits_expires_idx on rate_limits (expires_at);

-- System-only: not user data, so no policy for `authenticated`, and no grants either.
alter table rate_limits enable row level security;
revoke all on rate_limits from anon, authenticated;
