-- A webhook delivery's lease needs an owner, like a connection's: only the deliverer that claimed a
-- row may record its outcome, so a deliverer whose lease ran out cannot overwrite the result of the
-- one that took the row over.
alter table webhook_deliveries add column lease_owner text;
