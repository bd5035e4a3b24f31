-- What `npm run import:prototype` has already brought over from the Python prototype's database:
-- one row per source row (table and primary key), written in the transaction that imports it,
-- so a second run finds it and imports nothing twice. `target_id` is the Grantkeeper row it
-- became (users.id, connections.id, audit_events.id).
create table prototype_imports (
  source_table text not null check (source_table in ('users', 'user_accounts', 'encrypted_tokens', 'audit_logs')),
  source_id text not null,
  target_id text,
  imported_at timestamptz not null default now(),
  primary key (source_table, source_id)
);
-- System-only: no user policies and no grants, so `authenticated` sees nothing.
alter table prototype_imports enable row level security;
revoke all on prototype_imports from anon, authenticated;
