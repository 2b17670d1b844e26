-- The simulated WPP Platform's own state (the upstream, not the user's project): one row per platform account,
-- so accounts and their connected state survive a restart. Only the server itself (postgres) reads it: no
-- grants to the API roles, and row-level security on with no policies as a second lock.

create schema if not exists platform;

create sequence platform.account_number_seq;

create table platform.accounts (
  account_number text primary key,
  api_key text not null unique,
  organization_id uuid,
  sub_org_id text,
  phase text not null default 'offline' check (phase in ('offline', 'starting', 'connected')),
  started_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

alter table platform.accounts enable row level security;
revoke all on schema platform from public;
