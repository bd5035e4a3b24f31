-- No grant may die of our own mistakes.
--
-- A refresh whose new tokens could not be written while its lease lasted leaves them here,
-- encrypted, for the next refresher of the connection to apply before it calls the provider (a
-- rotating provider such as X has already spent the stored refresh token). One per connection:
-- a later result replaces an earlier one.
create table refresh_pending_results (
  connection_id uuid primary key references connections (id) on delete cascade,
  token_version integer not null,           -- the version the result was obtained for
  result_enc text not null,                 -- Fernet; the new tokens and their lifetimes as JSON
  created_at timestamptz not null default now()
);
-- System-only: no user policies, so `authenticated` sees nothing.
alter table refresh_pending_results enable row level security;

-- Tokens no configured key can decrypt: the fingerprint of the key set that failed, so the
-- connection is retried only once the keys change (checked at start-up), not every sweep.
alter table connections add column unreadable_keyset text;
