-- Two organizations, each with one admin. Fixed ids, so dev tokens stay valid across restarts and machines.

insert into auth.users (id, email) values
  ('a1a1a1a1-0000-4000-8000-00000000000a', 'admin@academy-a.local'),
  ('b2b2b2b2-0000-4000-8000-00000000000b', 'admin@academy-b.local');

insert into public.organizations (id, name) values
  ('0a0a0a0a-0000-4000-8000-00000000000a', 'Академия А'),
  ('0b0b0b0b-0000-4000-8000-00000000000b', 'Академия Б');

insert into public.profiles (id, organization_id, email, full_name) values
  ('a1a1a1a1-0000-4000-8000-00000000000a', '0a0a0a0a-0000-4000-8000-00000000000a', 'admin@academy-a.local', 'Администратор А'),
  ('b2b2b2b2-0000-4000-8000-00000000000b', '0b0b0b0b-0000-4000-8000-00000000000b', 'admin@academy-b.local', 'Администратор Б');

insert into public.user_roles (user_id, role) values
  ('a1a1a1a1-0000-4000-8000-00000000000a', 'admin'),
  ('b2b2b2b2-0000-4000-8000-00000000000b', 'admin');
