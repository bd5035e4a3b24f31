-- The audit log and a connection's history page by event id, newest first.
create index audit_events_user_id_idx on audit_events (user_id, id desc);
create index audit_events_connection_id_idx on audit_events (connection_id, id desc) where connection_id is not null;
