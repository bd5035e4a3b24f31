-- Keeping grants alive: the sweep's schedule, expiry warnings, sweep history for health, and
-- user notifications delivered through an outbox written in the same transaction as the change.

-- next_attempt_at is now "when the sweep next looks at this connection": always set for active
-- connections (expiry minus lead time, a retry time, or an expiry to enforce).
update connections set next_attempt_at = expires_at - interval '5 minutes'
  where status = 'active' and next_attempt_at is null;

drop index if exists connections_due_expiry_idx;
drop index if exists connections_due_retry_idx;
create index connections_due_idx on connections (next_attempt_at) where status = 'active';

-- The deadline (access or refresh-token end) the user was last warned about, so each is warned once.
alter table connections add column expiry_warning_for timestamptz;

create table sweep_runs (
  id bigint generated always as identity primary key,
  trigger text not null check (trigger in ('cron', 'scheduler', 'manual', 'test')),
  owner text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  duration_ms integer not null,
  claimed integer not null,
  refreshed integer not null,
  failed integer not null,
  needs_reauth integer not null,
  warned integer not null,
  deliveries integer not null default 0,
  errors jsonb not null default '[]'
);
create index sweep_runs_finished_idx on sweep_runs (finished_at desc);
-- System-only history: no user policies, so `authenticated` sees nothing.
alter table sweep_runs enable row level security;

create table notification_endpoints (
  user_id text primary key references users (id),
  url text not null,
  secret_enc text not null,                 -- Fernet; the whsec_ signing secret, shown once
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table notification_endpoints enable row level security;
create policy notification_endpoints_own on notification_endpoints
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));
grant select, insert, update, delete on notification_endpoints to authenticated;

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),  -- also the webhook-id header
  user_id text not null references users (id),
  connection_id uuid references connections (id),
  event_type text not null,
  payload jsonb not null,                   -- never a token
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_user_idx on webhook_deliveries (user_id, created_at desc);
alter table webhook_deliveries enable row level security;
create policy webhook_deliveries_read_own on webhook_deliveries
  for select to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'));
create policy webhook_deliveries_insert_own on webhook_deliveries
  for insert to authenticated
  with check (user_id = (select auth.jwt() ->> 'sub'));
grant select, insert on webhook_deliveries to authenticated;
