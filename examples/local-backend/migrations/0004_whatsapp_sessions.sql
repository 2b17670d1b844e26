-- whatsapp_sessions: where WPP status and the last QR are persisted (session_name = 'wpp_' || wppAccountNumber).

create table public.whatsapp_sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  session_name text not null unique,
  status text not null default 'disconnected'
    check (status in ('connected', 'disconnected', 'qr_issued', 'pairing')),
  last_qr_b64 text,
  last_qr_at timestamptz,
  external_instance_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

alter table public.whatsapp_sessions enable row level security;

-- As in the user's migration: select / insert / update by organization, no delete policy.
create policy "Users can view their organization sessions" on public.whatsapp_sessions
  for select to authenticated using (organization_id = public.get_user_organization_id());

create policy "Users can insert their organization sessions" on public.whatsapp_sessions
  for insert to authenticated with check (organization_id = public.get_user_organization_id());

create policy "Users can update their organization sessions" on public.whatsapp_sessions
  for update to authenticated
  using (organization_id = public.get_user_organization_id())
  with check (organization_id = public.get_user_organization_id());

create policy "Service role full access" on public.whatsapp_sessions
  for all to service_role using (true) with check (true);

grant select, insert, update on public.whatsapp_sessions to authenticated;
grant all on public.whatsapp_sessions to service_role;
