-- Grantkeeper's tables. Every user table has RLS keyed on the Clerk user id in the JWT `sub`
-- (Supabase's third-party-auth pattern); the app runs user-scoped work as `authenticated`.

create table users (
  id text primary key,                      -- Clerk user id, or 'local' in single-operator mode
  email text,
  display_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

create table connections (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users (id),
  provider text not null check (provider in ('amazon-ads', 'linkedin', 'x', 'meta', 'oidc')),
  external_account_id text not null,
  display_name text,
  scopes text[] not null default '{}',
  status text not null default 'active'
    check (status in ('active', 'needs_reauth', 'error', 'revoked')),
  access_token_enc text,                    -- Fernet; null once erased
  refresh_token_enc text,                   -- Fernet; null when the provider issues none
  expires_at timestamptz not null,          -- never null: a provider default fills a missing expires_in
  refresh_token_expires_at timestamptz,     -- LinkedIn: 365 days from first consent
  data_access_expires_at timestamptz,       -- Meta
  metadata jsonb not null default '{}',
  last_refreshed_at timestamptz,
  next_attempt_at timestamptz,
  consecutive_failures integer not null default 0,
  last_error_code text,
  last_error_message text,
  lease_owner text,
  lease_until timestamptz,
  token_version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, provider, external_account_id)
);

-- The sweep looks for live connections by expiry or by retry time, skipping leased rows.
create index connections_due_expiry_idx on connections (expires_at)
  where status = 'active';
create index connections_due_retry_idx on connections (next_attempt_at)
  where status in ('active', 'error') and next_attempt_at is not null;
create index connections_lease_idx on connections (lease_until) where lease_owner is not null;
create index connections_user_idx on connections (user_id, provider);

create table oauth_states (
  state_hash text primary key,              -- SHA-256 of the state; the state itself is never stored
  user_id text not null references users (id),
  provider text not null,
  region text,
  code_verifier_enc text,                   -- Fernet; PKCE verifier where the provider takes PKCE
  connection_id uuid references connections (id) on delete set null,
  return_path text not null default '/',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index oauth_states_expiry_idx on oauth_states (expires_at);

create table audit_events (
  id bigint generated always as identity primary key,
  user_id text references users (id),
  connection_id uuid references connections (id),
  actor text not null,                      -- 'user', 'system', 'api_key:<prefix>'
  action text not null,
  outcome text not null check (outcome in ('success', 'failure', 'denied', 'info')),
  detail jsonb not null default '{}',       -- never a secret: see lib/audit
  request_id text,
  duration_ms integer,
  created_at timestamptz not null default now()
);
create index audit_events_user_idx on audit_events (user_id, created_at desc);
create index audit_events_connection_idx on audit_events (connection_id, created_at desc);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users (id),
  name text not null,
  prefix text not null unique,              -- public part, shown in lists and audit actors
  secret_hash text not null,                -- SHA-256 of the whole key; the key is shown once
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_user_idx on api_keys (user_id);

-- Row Level Security: a query that forgets its user_id filter still sees only its own rows.
alter table users enable row level security;
alter table connections enable row level security;
alter table oauth_states enable row level security;
alter table audit_events enable row level security;
alter table api_keys enable row level security;

create policy users_own on users
  for all to authenticated
  using (id = (select auth.jwt() ->> 'sub'))
  with check (id = (select auth.jwt() ->> 'sub'));

create policy connections_own on connections
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));

create policy oauth_states_own on oauth_states
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));

create policy audit_events_read_own on audit_events
  for select to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'));
create policy audit_events_insert_own on audit_events
  for insert to authenticated
  with check (user_id = (select auth.jwt() ->> 'sub'));

create policy api_keys_own on api_keys
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));

-- Audit is append-only for every role, the owner included: history is never rewritten.
create function audit_events_append_only() returns trigger
language plpgsql as $$
begin
  raise exception 'audit_events is append-only' using errcode = '42501';
end
$$;
create trigger audit_events_no_update_delete before update or delete on audit_events
  for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_append_only();

grant select, insert, update on users to authenticated;
grant select, insert, update, delete on connections to authenticated;
grant select, insert, delete on oauth_states to authenticated;
grant select, insert, update on api_keys to authenticated;
grant select, insert on audit_events to authenticated;
revoke update, delete, truncate on audit_events from authenticated, anon, service_role;
