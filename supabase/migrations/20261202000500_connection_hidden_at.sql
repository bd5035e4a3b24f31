-- A revoked connection can be removed from the dashboard's list. Its row stays: audit_events
-- reference it (no cascade, append-only), so removing is hiding. Reconnecting the same account
-- brings it back (upsertConnection clears hidden_at).
alter table connections add column hidden_at timestamptz;
