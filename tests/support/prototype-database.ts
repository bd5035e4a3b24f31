import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

/**
 * A database shaped like the Python prototype's (FastAPI + SQLAlchemy on Supabase): users keyed by
 * a serial id with the Clerk id beside it, one Amazon account per user_accounts row, tokens in
 * encrypted_tokens (and, for older rows, in user_accounts itself), and audit_logs.
 */
export const PROTOTYPE_SCHEMA = `
create table users (
  id serial primary key,
  clerk_user_id text unique not null,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table user_accounts (
  id serial primary key,
  user_id integer not null references users (id),
  amazon_user_id text not null,
  account_name text,
  region text,
  access_token text,
  refresh_token text,
  token_expires_at timestamptz,
  scopes text,
  metadata jsonb,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
create table encrypted_tokens (
  id serial primary key,
  user_account_id integer not null references user_accounts (id),
  token_type text not null,
  encrypted_token text not null,
  expires_at timestamptz,
  created_at timestamptz not null default now()
);
create table audit_logs (
  id serial primary key,
  user_id integer references users (id),
  user_account_id integer references user_accounts (id),
  action text not null,
  details jsonb,
  ip_address text,
  created_at timestamptz not null default now()
);`;

export interface PrototypeDatabase {
  url: string;
  sql: postgres.Sql;
  dispose(): Promise<void>;
}

export async function createPrototypeDatabase(schema = PROTOTYPE_SCHEMA): Promise<PrototypeDatabase> {
  const adminUrl = inject('postgresUrl');
  const name = `proto_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(schema).simple();
  return {
    url,
    sql,
    async dispose() {
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Encrypts with Python's cryptography.fernet, as the prototype did. /usr/bin/python3 because a
 * pyenv python on PATH may lack the package; the key travels in the environment, never in argv.
 */
export function pythonFernetEncrypt(key: string, plaintexts: string[]): string[] {
  const script =
    'import json, os, sys\nfrom cryptography.fernet import Fernet\n' +
    "f = Fernet(os.environ['FERNET_KEY'])\n" +
    'print(json.dumps([f.encrypt(p.encode()).decode() for p in json.load(sys.stdin)]))';
  try {
    const out = execFileSync('/usr/bin/python3', ['-c', script], {
      env: { NODE_ENV: 'test', FERNET_KEY: key },
      input: JSON.stringify(plaintexts),
      encoding: 'utf8',
    });
    return JSON.parse(out) as string[];
  } catch (err) {
    throw new Error(`python3 with cryptography is needed (apt-get install python3-cryptography): ${(err as Error).message}`);
  }
}
