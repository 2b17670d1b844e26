-- Organizations, profiles (profiles.id = auth.users.id) and roles, as in the user's project.

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid references public.organizations (id) on delete set null,
  email text,
  full_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.user_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('admin', 'member')),
  unique (user_id, role)
);

-- SECURITY DEFINER so that policies on other tables can read profiles / user_roles without recursing into
-- their own policies; `search_path` is pinned so a caller cannot shadow the tables.
create function public.get_user_organization_id() returns uuid
  language sql stable security definer
  set search_path = public, pg_temp
  as $$ select organization_id from public.profiles where id = auth.uid() $$;

create function public.is_admin() returns boolean
  language sql stable security definer
  set search_path = public, pg_temp
  as $$ select exists (select 1 from public.user_roles where user_id = auth.uid() and role = 'admin') $$;

alter table public.organizations enable row level security;
alter table public.profiles enable row level security;
alter table public.user_roles enable row level security;

create policy "Members can view their organization" on public.organizations
  for select to authenticated using (id = public.get_user_organization_id());

create policy "Users can view profiles of their organization" on public.profiles
  for select to authenticated
  using (id = auth.uid() or organization_id = public.get_user_organization_id());

create policy "Users can view their own roles" on public.user_roles
  for select to authenticated using (user_id = auth.uid());

grant select on public.organizations, public.profiles, public.user_roles to authenticated;
grant all on public.organizations, public.profiles, public.user_roles to service_role;
