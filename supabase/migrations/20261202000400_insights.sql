-- Campaign insights: which ad accounts are synced (targets), every sync run as a resumable state
-- machine advanced by the sweep, campaign names, and daily metrics per campaign. insights.md has
-- the model; providers.md the endpoints.

-- When a connection's metadata was last turned into sync targets (once a day, and after reconnects).
alter table connections add column insight_targets_at timestamptz;

create table insight_sync_targets (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users (id),
  connection_id uuid not null references connections (id) on delete cascade,
  provider text not null check (provider in ('amazon-ads', 'linkedin', 'x', 'meta')),
  -- Amazon profileId, LinkedIn sponsored account id, Meta act_<id>, X user id.
  account_id text not null,
  account_name text,
  region text,                              -- Amazon: which Ads host serves the profile
  currency text,
  time_zone text not null default 'UTC',    -- days are the account's days (LinkedIn: UTC)
  enabled boolean not null default true,
  skip_reason text,                         -- why a target is not synced (e.g. Amazon agency profiles)
  next_run_at timestamptz not null default now(),
  last_success_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (connection_id, account_id)
);
create index insight_sync_targets_due_idx on insight_sync_targets (next_run_at) where enabled;
create index insight_sync_targets_user_idx on insight_sync_targets (user_id, provider);

create table insight_sync_runs (
  id uuid primary key default gen_random_uuid(),
  user_id text not null references users (id),
  target_id uuid not null references insight_sync_targets (id) on delete cascade,
  connection_id uuid not null references connections (id) on delete cascade,
  provider text not null,
  trigger text not null check (trigger in ('scheduled', 'manual', 'backfill')),
  state text not null default 'queued'
    check (state in ('queued', 'requesting', 'waiting', 'downloading', 'writing', 'succeeded', 'failed', 'deferred')),
  window_from date not null,
  window_to date not null,
  days_total integer not null,
  days_done integer not null default 0,
  rows_written integer not null default 0,
  requests_made integer not null default 0,
  -- Amazon report ids, kept so a restarted run resumes polling instead of creating a duplicate (425).
  report_ids text[] not null default '{}',
  -- Chunks of the window and where the run is in them (lib/insights/run-state.ts).
  progress jsonb not null default '{}',
  attempts integer not null default 0,
  error_code text,
  error_message text,
  lease_owner text,
  lease_until timestamptz,
  next_run_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (window_from <= window_to)
);
-- At most one unfinished run per target, whatever instance queued it.
create unique index insight_sync_runs_one_active_idx on insight_sync_runs (target_id)
  where state not in ('succeeded', 'failed');
create index insight_sync_runs_due_idx on insight_sync_runs (provider, next_run_at)
  where state not in ('succeeded', 'failed');
create index insight_sync_runs_target_idx on insight_sync_runs (target_id, created_at desc);
create index insight_sync_runs_connection_idx on insight_sync_runs (connection_id, created_at desc);
create index insight_sync_runs_user_idx on insight_sync_runs (user_id, created_at desc);

create table insight_campaigns (
  user_id text not null references users (id),
  provider text not null,
  account_id text not null,
  campaign_id text not null,
  connection_id uuid references connections (id) on delete set null,
  name text,
  status text,
  updated_at timestamptz not null default now(),
  primary key (user_id, provider, account_id, campaign_id)
);

create table insight_daily_metrics (
  id bigint generated always as identity primary key,
  user_id text not null references users (id),
  provider text not null,
  connection_id uuid references connections (id) on delete set null,
  account_id text not null,
  campaign_id text not null,
  day date not null,                        -- in the account's time zone (LinkedIn: UTC)
  impressions bigint,
  clicks bigint,                            -- null where the provider has none (X organic posts)
  spend numeric(24, 6),                     -- exact decimals; never summed across currencies
  conversions numeric(24, 6),
  conversion_value numeric(24, 6),
  currency text,                            -- null where there is no money (X organic posts)
  raw jsonb not null default '{}',
  synced_at timestamptz not null default now(),
  -- The idempotent upsert's key: re-syncing a day replaces its figures (restatements).
  unique (user_id, provider, account_id, campaign_id, day)
);
create index insight_daily_metrics_user_day_idx on insight_daily_metrics (user_id, day);
create index insight_daily_metrics_connection_day_idx on insight_daily_metrics (connection_id, day);

alter table insight_sync_targets enable row level security;
alter table insight_sync_runs enable row level security;
alter table insight_campaigns enable row level security;
alter table insight_daily_metrics enable row level security;

create policy insight_sync_targets_own on insight_sync_targets
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));
create policy insight_sync_runs_own on insight_sync_runs
  for all to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'))
  with check (user_id = (select auth.jwt() ->> 'sub'));
create policy insight_campaigns_read_own on insight_campaigns
  for select to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'));
create policy insight_daily_metrics_read_own on insight_daily_metrics
  for select to authenticated
  using (user_id = (select auth.jwt() ->> 'sub'));

-- People queue runs (Sync now) and read; only the system engine writes figures.
grant select, update on insight_sync_targets to authenticated;
grant select, insert on insight_sync_runs to authenticated;
grant select on insight_campaigns to authenticated;
grant select on insight_daily_metrics to authenticated;
