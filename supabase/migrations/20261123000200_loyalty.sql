-- The loyalty model: tiers, rewards and redemptions, purchases, the points and wallet ledger (accounts,
-- append-only entries, points lots), versioned earning rules, idempotent operations, the staff audit
-- log and approvals. Every write to a balance goes through a function of 20261123000300_ledger_ops.

-- Members: the rest of what a membership carries.
alter table public.programs
  add column next_member_number bigint not null default 1001 check (next_member_number > 0);
update public.programs p
set next_member_number = greatest(1001, coalesce((select max(m.member_number) + 1 from public.members m where m.program_id = p.id), 1001));

create function private.random_code(p_length int) returns text
language sql volatile
set search_path = ''
as $$
  -- Crockford-style alphabet: no 0/O, 1/I/L, so codes survive being read aloud or typed.
  select string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (get_byte(b, i) % 31), 1), '')
  from extensions.gen_random_bytes(p_length) as b, generate_series(0, p_length - 1) as i
$$;
-- members.referral_code defaults to it, so the service role can add members directly.
grant execute on function private.random_code(int) to service_role;

create table public.tiers (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  rank smallint not null check (rank between 0 and 9),
  name text not null check (char_length(name) between 1 and 60),
  threshold bigint not null check (threshold >= 0),
  window_days int not null default 365 check (window_days between 1 and 3660),
  multiplier numeric(5, 2) not null default 1 check (multiplier > 0 and multiplier <= 100),
  benefits jsonb not null default '[]'::jsonb check (jsonb_typeof(benefits) = 'array'),
  downgrade_grace_days int not null default 30 check (downgrade_grace_days between 0 and 3660),
  created_at timestamptz not null default now(),
  unique (program_id, rank),
  unique (program_id, id),
  -- The base tier (rank 0) is where everyone starts, so it needs no points.
  check (rank > 0 or threshold = 0)
);
alter table public.tiers enable row level security;

alter table public.members
  add column birthday date check (birthday between date '1900-01-01' and date '2100-01-01'),
  add column referral_code text not null default private.random_code(8),
  add column referred_by uuid references public.members (id) on delete set null,
  add column tier_id uuid references public.tiers (id) on delete set null,
  add column tier_since timestamptz,
  add column tier_grace_until timestamptz,
  add column visit_count int not null default 0 check (visit_count >= 0),
  add constraint members_referral_code_key unique (program_id, referral_code),
  add constraint members_program_id_id_key unique (program_id, id),
  add constraint members_not_self_referred check (referred_by is distinct from id);
create index members_referred_by_idx on public.members (referred_by);
create index members_tier_id_idx on public.members (tier_id);
create index members_last_activity_idx on public.members (program_id, last_activity_at);

create table public.rewards (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  image_url text check (image_url ~ '^https?://'),
  points_cost bigint not null check (points_cost > 0 and points_cost <= 1000000000),
  min_tier_rank smallint not null default 0 check (min_tier_rank between 0 and 9),
  stock int check (stock >= 0),
  per_member_limit int check (per_member_limit > 0),
  valid_from timestamptz,
  valid_until timestamptz,
  redemption_valid_days int not null default 30 check (redemption_valid_days between 1 and 365),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (program_id, id),
  check (valid_until is null or valid_from is null or valid_until > valid_from)
);
create index rewards_program_id_idx on public.rewards (program_id) where active;
alter table public.rewards enable row level security;

create type public.redemption_status as enum ('issued', 'used', 'expired', 'cancelled');

create table public.redemptions (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null,
  reward_id uuid not null,
  code text not null check (code ~ '^[2-9A-HJKMNP-Z]{8}$'),
  status public.redemption_status not null default 'issued',
  points_cost bigint not null check (points_cost > 0),
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by uuid references auth.users (id) on delete set null,
  purchase_id uuid,
  unique (program_id, code),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade,
  foreign key (program_id, reward_id) references public.rewards (program_id, id) on delete restrict,
  check ((status = 'used') = (used_at is not null)),
  check (expires_at > issued_at)
);
-- Indexes lead with a foreign key's columns (program_id second), so cascades and checks never scan.
create index redemptions_member_id_idx on public.redemptions (member_id, program_id, issued_at desc);
create index redemptions_reward_id_member_id_idx on public.redemptions (reward_id, program_id, member_id);
create index redemptions_used_by_idx on public.redemptions (used_by);
alter table public.redemptions enable row level security;

create table public.earning_rules (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  version int not null check (version > 0),
  rules jsonb not null check (jsonb_typeof(rules) = 'object'),
  effective_from timestamptz not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (program_id, version),
  -- A rule change takes effect from now or later; it never rewrites the past.
  check (effective_from >= created_at - interval '5 seconds')
);
create index earning_rules_created_by_idx on public.earning_rules (created_by);
alter table public.earning_rules enable row level security;

create table public.purchases (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null,
  amount bigint not null check (amount > 0 and amount <= 1000000000000000),
  lines jsonb not null default '[]'::jsonb check (jsonb_typeof(lines) = 'array'),
  external_ref text check (char_length(external_ref) between 1 and 200),
  rule_version int,
  points_earned bigint not null default 0 check (points_earned >= 0),
  wallet_paid bigint not null default 0 check (wallet_paid >= 0),
  points_paid bigint not null default 0 check (points_paid >= 0),
  refunded_amount bigint not null default 0,
  wallet_returned bigint not null default 0 check (wallet_returned >= 0),
  points_returned bigint not null default 0 check (points_returned >= 0),
  points_clawed_back bigint not null default 0 check (points_clawed_back >= 0),
  points_shortfall bigint not null default 0 check (points_shortfall >= 0),
  recorded_by uuid references auth.users (id) on delete set null,
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  unique (program_id, id),
  unique (program_id, external_ref),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade,
  check (refunded_amount between 0 and amount),
  check (points_clawed_back + points_shortfall <= points_earned),
  check (wallet_returned <= wallet_paid and points_returned <= points_paid)
);
create index purchases_member_id_idx on public.purchases (member_id, program_id, occurred_at desc);
create index purchases_recorded_by_idx on public.purchases (recorded_by);
alter table public.purchases enable row level security;

alter table public.redemptions
  add constraint redemptions_purchase_fk foreign key (program_id, purchase_id)
    references public.purchases (program_id, id) on delete set null (purchase_id);
create index redemptions_purchase_id_idx on public.redemptions (purchase_id, program_id);

-- Idempotency: one row per (club, key); a replay returns `result` instead of acting again.
create table public.operations (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  idempotency_key text not null check (char_length(idempotency_key) between 8 and 200),
  kind text not null,
  request jsonb not null,
  result jsonb,
  actor uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (program_id, idempotency_key)
);
create index operations_actor_idx on public.operations (actor);
alter table public.operations enable row level security;

create type public.account_kind as enum ('points', 'wallet');

create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null,
  kind public.account_kind not null,
  -- The guard against overdrafts: concurrent debits queue on this row and the check refuses < 0.
  balance bigint not null default 0 check (balance >= 0),
  updated_at timestamptz not null default now(),
  unique (member_id, program_id, kind),
  unique (program_id, id),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index accounts_program_id_idx on public.accounts (program_id, kind);
alter table public.accounts enable row level security;

create type public.entry_kind as enum (
  'earn', 'redeem', 'spend', 'topup', 'refund', 'clawback', 'adjust', 'expire', 'reversal'
);

create table public.ledger_entries (
  id bigint generated always as identity primary key,
  program_id uuid not null,
  account_id uuid not null,
  member_id uuid not null,
  account_kind public.account_kind not null,
  kind public.entry_kind not null,
  amount bigint not null check (amount <> 0),
  balance_after bigint not null check (balance_after >= 0),
  reason_key text not null check (reason_key ~ '^[a-z][a-z0-9_.]{1,80}$'),
  reason_params jsonb not null default '{}'::jsonb check (jsonb_typeof(reason_params) = 'object'),
  purchase_id uuid,
  purchase_line int check (purchase_line >= 0),
  redemption_id uuid references public.redemptions (id) on delete restrict,
  rule_version int,
  operation_id uuid not null references public.operations (id) on delete restrict,
  actor uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (program_id, account_id) references public.accounts (program_id, id) on delete cascade,
  foreign key (program_id, purchase_id) references public.purchases (program_id, id) on delete restrict,
  -- Each kind moves value one way only.
  check (
    (kind in ('earn', 'topup', 'refund') and amount > 0)
    or (kind in ('redeem', 'spend', 'clawback', 'expire') and amount < 0)
    or kind in ('adjust', 'reversal')
  )
);
-- "My history", newest first, by keyset (created_at, id).
create index ledger_entries_member_history_idx on public.ledger_entries (member_id, created_at desc, id desc);
create index ledger_entries_account_id_idx on public.ledger_entries (account_id, program_id);
create index ledger_entries_purchase_id_idx on public.ledger_entries (purchase_id, program_id);
create index ledger_entries_redemption_id_idx on public.ledger_entries (redemption_id) where redemption_id is not null;
create index ledger_entries_operation_id_idx on public.ledger_entries (operation_id);
create index ledger_entries_actor_idx on public.ledger_entries (actor) where actor is not null;
alter table public.ledger_entries enable row level security;

-- Points lots: what each earning left, consumed first-in first-out and expired by date.
create table public.points_lots (
  id bigint generated always as identity primary key,
  program_id uuid not null,
  account_id uuid not null,
  entry_id bigint not null references public.ledger_entries (id) on delete restrict,
  purchase_id uuid,
  amount bigint not null check (amount > 0),
  remaining bigint not null,
  earned_at timestamptz not null,
  expires_at timestamptz,
  foreign key (program_id, account_id) references public.accounts (program_id, id) on delete cascade,
  check (remaining between 0 and amount),
  check (expires_at is null or expires_at > earned_at)
);
create index points_lots_open_idx on public.points_lots (account_id, expires_at nulls last, id) where remaining > 0;
create index points_lots_expiry_idx on public.points_lots (program_id, expires_at) where remaining > 0 and expires_at is not null;
create index points_lots_entry_id_idx on public.points_lots (entry_id);
create index points_lots_account_id_idx on public.points_lots (account_id, program_id);
create index points_lots_purchase_id_idx on public.points_lots (purchase_id) where purchase_id is not null;
alter table public.points_lots enable row level security;

create table public.audit_log (
  id bigint generated always as identity primary key,
  program_id uuid not null references public.programs (id) on delete cascade,
  actor uuid references auth.users (id) on delete set null,
  action text not null,
  target_table text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_program_id_idx on public.audit_log (program_id, created_at desc);
create index audit_log_actor_idx on public.audit_log (actor);
alter table public.audit_log enable row level security;

create type public.approval_status as enum ('pending', 'approved', 'rejected');

create table public.approvals (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null,
  account_kind public.account_kind not null,
  amount bigint not null check (amount <> 0),
  reason text not null check (char_length(reason) between 3 and 500),
  idempotency_key text not null,
  status public.approval_status not null default 'pending',
  requested_by uuid not null references auth.users (id) on delete cascade,
  decided_by uuid references auth.users (id) on delete set null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade,
  -- The second approval must come from someone else.
  check (decided_by is distinct from requested_by),
  check ((status = 'pending') = (decided_at is null))
);
create index approvals_program_id_idx on public.approvals (program_id, status);
create index approvals_member_id_idx on public.approvals (member_id, program_id);
create index approvals_requested_by_idx on public.approvals (requested_by);
create index approvals_decided_by_idx on public.approvals (decided_by);
alter table public.approvals enable row level security;

-- Row-level security. Reads are by role; writes to money and points go only through the functions
-- of the next migration, so no API role gets insert/update/delete on those tables at all.
revoke all on public.tiers, public.rewards, public.redemptions, public.earning_rules, public.purchases,
  public.operations, public.accounts, public.ledger_entries, public.points_lots, public.audit_log,
  public.approvals from anon, authenticated;
grant select on public.tiers, public.rewards, public.redemptions, public.earning_rules, public.purchases,
  public.accounts, public.ledger_entries, public.points_lots, public.audit_log, public.approvals
  to authenticated;
grant insert, update, delete on public.tiers, public.rewards to authenticated;
grant insert on public.earning_rules to authenticated;
-- Nobody, not even the service role, rewrites history.
revoke update, delete, truncate on public.ledger_entries, public.earning_rules, public.audit_log
  from service_role;
-- The service role reads everything but writes money, points and their records only through the
-- functions, so a balance always equals the sum of its entries; truncate would skip RLS.
revoke insert, update, delete, truncate on public.redemptions, public.purchases, public.operations,
  public.accounts, public.ledger_entries, public.points_lots, public.audit_log, public.approvals
  from service_role;
revoke truncate on public.tiers, public.rewards from service_role;

create function private.is_staff(p_program_id uuid, p_min public.staff_role) returns boolean
language sql stable security definer
set search_path = ''
as $$
  -- Roles are ordered cashier < manager < owner in the enum.
  select coalesce(private.staff_role_in(p_program_id) >= p_min, false)
$$;
revoke all on function private.is_staff(uuid, public.staff_role) from public;
grant execute on function private.is_staff(uuid, public.staff_role) to authenticated, service_role;

create function private.owns_member(p_member_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.members m where m.id = p_member_id and m.user_id = (select auth.uid()))
$$;
revoke all on function private.owns_member(uuid) from public;
grant execute on function private.owns_member(uuid) to authenticated, service_role;

-- tiers: the club's members and staff read them; managers and owners edit them.
create policy "Members and staff read their club's tiers" on public.tiers
  for select to authenticated
  using ((select private.is_member_of(program_id)) or (select private.is_staff(program_id, 'cashier')));
create policy "Managers add tiers" on public.tiers
  for insert to authenticated with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers edit tiers" on public.tiers
  for update to authenticated
  using ((select private.is_staff(program_id, 'manager')))
  with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers delete tiers" on public.tiers
  for delete to authenticated using ((select private.is_staff(program_id, 'manager')));

-- rewards: members see the active catalogue; staff see all; managers and owners edit.
create policy "Members read active rewards and staff read all" on public.rewards
  for select to authenticated
  using (
    (active and (select private.is_member_of(program_id)))
    or (select private.is_staff(program_id, 'cashier'))
  );
create policy "Managers add rewards" on public.rewards
  for insert to authenticated with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers edit rewards" on public.rewards
  for update to authenticated
  using ((select private.is_staff(program_id, 'manager')))
  with check ((select private.is_staff(program_id, 'manager')));
create policy "Managers delete rewards" on public.rewards
  for delete to authenticated using ((select private.is_staff(program_id, 'manager')));

create policy "Members read their redemptions and staff read their club's" on public.redemptions
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));

create policy "Members and staff read the club's earning rules" on public.earning_rules
  for select to authenticated
  using ((select private.is_member_of(program_id)) or (select private.is_staff(program_id, 'cashier')));
create policy "Managers add a rule version" on public.earning_rules
  for insert to authenticated
  with check ((select private.is_staff(program_id, 'manager')) and created_by = (select auth.uid()));

create policy "Members read their purchases and staff read their club's" on public.purchases
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));

create policy "Members read their accounts and staff read their club's" on public.accounts
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));

create policy "Members read their entries and staff read their club's" on public.ledger_entries
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));

create policy "Members read their points lots and staff read their club's" on public.points_lots
  for select to authenticated
  using (
    (select private.is_staff(program_id, 'cashier'))
    or exists (select 1 from public.accounts a where a.id = account_id and (select private.owns_member(a.member_id)))
  );

create policy "Managers read their club's audit log" on public.audit_log
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

create policy "Managers read their club's approvals" on public.approvals
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

-- operations hold request bodies: only the functions (security definer) read and write them.
create policy "Nobody reads operations through the API" on public.operations
  for select to authenticated using (false);
