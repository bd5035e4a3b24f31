-- The token API's hot read in one statement (issue 12). Under RLS as the key's user, like all
-- user-scoped work, but without the BEGIN / set_config / select / COMMIT round trips of asUser:
-- the function sets the claims and the role (transaction-local), and the select after them is
-- planned and run as `authenticated` under the policies. Called only outside a transaction
-- (lib/db/refresh.ts readTokenRowAsUser): inside one, the role would outlive the call.
create or replace function read_token_row_as_user(p_user_id text, p_id uuid)
returns table (
  status text,
  access_token_enc text,
  expires_at timestamptz,
  next_attempt_at timestamptz,
  lease_until timestamptz,
  token_version integer,
  last_error_code text
)
language plpgsql volatile security invoker
as $$
begin
  perform set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true),
          set_config('role', 'authenticated', true);
  return query
    select c.status, c.access_token_enc, c.expires_at, c.next_attempt_at,
           case when c.lease_until > now() then c.lease_until end, c.token_version, c.last_error_code
      from connections c
     where c.user_id = p_user_id and c.id = p_id;
end
$$;

revoke all on function read_token_row_as_user(text, uuid) from public;
