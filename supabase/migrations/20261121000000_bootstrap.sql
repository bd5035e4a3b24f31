-- Creates what a Supabase project already has, so the same migrations run on PGlite and on a
-- plain PostgreSQL >= 15: the API roles and auth.jwt(). Every statement is guarded, so on
-- Supabase this migration changes nothing.
-- Roles are cluster-wide: another database of the same cluster may be creating them right now,
-- so a concurrent duplicate counts as success.
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin noinherit', r);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

-- The connecting role must be able to `set local role authenticated` (a superuser already can;
-- on a managed host the owner of the database needs the membership).
do $$
begin
  if not exists (
    select 1 from pg_auth_members m
    join pg_roles r on r.oid = m.roleid
    join pg_roles u on u.oid = m.member
    where r.rolname = 'authenticated' and u.rolname = current_user
  ) and not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant authenticated to %I', current_user);
  end if;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- Same body as Supabase's auth.jwt(): the claims of the current request, set per transaction
-- with set_config('request.jwt.claims', ..., true).
do $$
begin
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'jwt'
  ) then
    execute $fn$
      create function auth.jwt() returns jsonb
      language sql stable
      as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $body$
    $fn$;
  end if;
end
$$;

grant usage on schema public to anon, authenticated, service_role;
