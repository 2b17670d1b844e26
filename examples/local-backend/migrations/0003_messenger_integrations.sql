-- messenger_integrations with the user's columns (plan@516e2ca2 plus the hand-added is_active of plan@3cf46d7d).

create table public.messenger_integrations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  messenger_type text not null check (messenger_type in ('whatsapp', 'telegram', 'max')),
  provider text not null,
  name text not null,
  is_primary boolean default false,
  is_enabled boolean default true,
  is_active boolean default true,
  webhook_key text unique not null,
  settings jsonb not null default '{}'::jsonb,
  priority integer default 100,
  phone_label text,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- At most one primary per organization and messenger type.
create unique index idx_primary_integration
  on public.messenger_integrations (organization_id, messenger_type)
  where is_primary = true;

create index idx_integration_webhook_key on public.messenger_integrations (webhook_key);
create index idx_integration_org_type on public.messenger_integrations (organization_id, messenger_type);

alter table public.messenger_integrations enable row level security;

create policy "Users can view own org integrations" on public.messenger_integrations
  for select to authenticated
  using (organization_id = public.get_user_organization_id());

create policy "Admins can manage integrations" on public.messenger_integrations
  for all to authenticated
  using (public.is_admin() and organization_id = public.get_user_organization_id())
  with check (public.is_admin() and organization_id = public.get_user_organization_id());

-- The plan had this policy without a TO clause, which made it permissive for every role (anon included).
create policy "Service role full access" on public.messenger_integrations
  for all to service_role
  using (true)
  with check (true);

grant select, insert, update, delete on public.messenger_integrations to authenticated;
grant all on public.messenger_integrations to service_role;
