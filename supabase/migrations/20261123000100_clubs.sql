-- Clubs (programs), their staff and their members: the tenancy every later table hangs from.

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create type public.staff_role as enum ('cashier', 'manager', 'owner');

create table public.programs (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (char_length(name) between 1 and 120),
  currency text not null default 'IRR' check (currency ~ '^[A-Z]{3}$'),
  locale text not null default 'fa' check (locale in ('fa', 'he', 'en')),
  timezone text not null default 'Asia/Tehran',
  branding jsonb not null default '{}'::jsonb check (jsonb_typeof(branding) = 'object'),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_at timestamptz not null default now()
);
alter table public.programs enable row level security;

create table public.program_staff (
  program_id uuid not null references public.programs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.staff_role not null,
  created_at timestamptz not null default now(),
  primary key (program_id, user_id)
);
create index program_staff_user_id_idx on public.program_staff (user_id);
alter table public.program_staff enable row level security;

create table public.members (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  member_number bigint not null check (member_number > 0),
  display_name text check (char_length(display_name) between 1 and 80),
  joined_at timestamptz not null default now(),
  last_activity_at timestamptz not null default now(),
  unique (program_id, user_id),
  unique (program_id, member_number)
);
create index members_user_id_idx on public.members (user_id);
alter table public.members enable row level security;

-- Membership helpers: security definer so policies can ask without recursing into RLS.
create function private.staff_role_in(p_program_id uuid) returns public.staff_role
language sql stable security definer
set search_path = ''
as $$
  select s.role from public.program_staff s
  where s.program_id = p_program_id and s.user_id = (select auth.uid())
$$;

create function private.is_member_of(p_program_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.members m
    where m.program_id = p_program_id and m.user_id = (select auth.uid())
  )
$$;

revoke all on function private.staff_role_in(uuid), private.is_member_of(uuid) from public;
grant execute on function private.staff_role_in(uuid), private.is_member_of(uuid)
  to authenticated, service_role;

-- programs
create policy "Members and staff can read their clubs" on public.programs
  for select to authenticated
  using ((select private.is_member_of(id)) or (select private.staff_role_in(id)) is not null);

create policy "Owners can update their club" on public.programs
  for update to authenticated
  using ((select private.staff_role_in(id)) = 'owner')
  with check ((select private.staff_role_in(id)) = 'owner');

-- program_staff
create policy "Staff can read the staff of their club" on public.program_staff
  for select to authenticated
  using ((select private.staff_role_in(program_id)) is not null);

-- members
create policy "Customers read their own memberships and staff read their club's" on public.members
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (select private.staff_role_in(program_id)) is not null
  );

create policy "Customers can rename themselves" on public.members
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- A customer may change only the display name; numbers, clubs and times are the system's.
revoke update on public.members from anon, authenticated;
grant update (display_name) on public.members to authenticated;
revoke all on public.programs, public.program_staff, public.members from anon;
-- An owner edits the club's face and settings; its id, creation time and member numbering are the system's.
revoke update on public.programs from authenticated;
grant update (name, slug, currency, locale, timezone, branding, settings) on public.programs to authenticated;
-- truncate skips row-level security, so no API role may.
revoke truncate on public.programs, public.program_staff, public.members from authenticated, service_role;
