-- Svix delivers a Clerk event at least once and a captured request verifies for five minutes, so
-- the same `svix-id` can arrive twice. Each processed id is recorded in the transaction that
-- applies the event; a second arrival finds it and changes nothing. Ids are kept three days,
-- longer than Svix's whole retry schedule (about 28 hours) and the signature's tolerance.
create table clerk_webhook_events (
  svix_id text primary key,
  event_type text not null,
  processed_at timestamptz not null default now()
);
create index clerk_webhook_events_processed_idx on clerk_webhook_events (processed_at);
-- System-only: no user policies, so `authenticated` sees nothing.
alter table clerk_webhook_events enable row level security;
