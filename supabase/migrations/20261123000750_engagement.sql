-- Engagement (issue 7): referrals with both sides rewarded once, provably fair lotteries, and
-- surveys after a purchase. Messages (the outbox) and the scheduler are another migration's: what
-- these features must send is recorded through `private.engagement_notify`, and scheduled draws are
-- `public.run_due_draws`, for the scheduler to call.

-- ---------------------------------------------------------------------------------------------
-- Notifications these features owe members, until the messaging outbox is wired in.
-- ---------------------------------------------------------------------------------------------
create table private.engagement_notices (
  id bigint generated always as identity primary key,
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null references public.members (id) on delete cascade,
  template text not null check (template ~ '^[a-z][a-z0-9_.]{1,80}$'),
  params jsonb not null default '{}'::jsonb check (jsonb_typeof(params) = 'object'),
  dedupe_key text not null unique check (char_length(dedupe_key) between 8 and 200),
  created_at timestamptz not null default now()
);
create index engagement_notices_program_id_idx on private.engagement_notices (program_id);
create index engagement_notices_member_id_idx on private.engagement_notices (member_id);
alter table private.engagement_notices enable row level security;
create policy "Nobody reads engagement notices through the API" on private.engagement_notices
  for select to authenticated using (false);
revoke all on private.engagement_notices from public, anon, authenticated, service_role;

/*
 * Records a message a feature owes a member, once per dedupe key. At merge with the messaging
 * migration this body becomes `select private.enqueue_message(p_program_id, p_member_id,
 * p_template, p_params, p_dedupe_key)`, so every caller below is wired by that one change.
 */
create function private.engagement_notify(
  p_program_id uuid, p_member_id uuid, p_template text, p_params jsonb, p_dedupe_key text
) returns void
language sql
set search_path = ''
as $$
  insert into private.engagement_notices (program_id, member_id, template, params, dedupe_key)
  values (p_program_id, p_member_id, p_template, coalesce(p_params, '{}'::jsonb), p_dedupe_key)
  on conflict (dedupe_key) do nothing
$$;

-- ---------------------------------------------------------------------------------------------
-- Referrals
-- ---------------------------------------------------------------------------------------------

/*
 * Every phone that was ever a member of a club, as a SHA-256 hash: a referral bonus is for a new
 * customer, so a phone that was a member (even one who left, or on another account) cannot be
 * referred again.
 */
create table private.club_phones (
  program_id uuid not null references public.programs (id) on delete cascade,
  phone_hash text not null check (phone_hash ~ '^[0-9a-f]{64}$'),
  first_seen_at timestamptz not null default now(),
  primary key (program_id, phone_hash)
);
alter table private.club_phones enable row level security;
create policy "Nobody reads club phones through the API" on private.club_phones
  for select to authenticated using (false);
revoke all on private.club_phones from public, anon, authenticated, service_role;

create function private.phone_hash(p_user_id uuid) returns text
language sql stable
set search_path = ''
as $$
  select encode(sha256(convert_to(ltrim(u.phone, '+'), 'UTF8')), 'hex')
  from auth.users u where u.id = p_user_id and coalesce(u.phone, '') <> ''
$$;

create function private.remember_club_phone() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into private.club_phones (program_id, phone_hash)
  select new.program_id, h from private.phone_hash(new.user_id) h where h is not null
  on conflict do nothing;
  return new;
end
$$;
create trigger members_remember_club_phone after insert on public.members
  for each row execute function private.remember_club_phone();
insert into private.club_phones (program_id, phone_hash)
select m.program_id, private.phone_hash(m.user_id) from public.members m
where private.phone_hash(m.user_id) is not null
on conflict do nothing;

create table public.referrals (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  referrer_id uuid not null,
  referee_id uuid not null unique,
  joined_at timestamptz not null default now(),
  first_purchase_id uuid,
  rewarded_at timestamptz,
  referrer_points bigint not null default 0 check (referrer_points >= 0),
  referee_points bigint not null default 0 check (referee_points >= 0),
  foreign key (program_id, referrer_id) references public.members (program_id, id) on delete cascade,
  foreign key (program_id, referee_id) references public.members (program_id, id) on delete cascade,
  foreign key (program_id, first_purchase_id) references public.purchases (program_id, id)
    on delete set null (first_purchase_id),
  check (referrer_id <> referee_id),
  check (rewarded_at is null or first_purchase_id is not null or referrer_points + referee_points > 0)
);
create index referrals_referrer_id_idx on public.referrals (referrer_id, program_id);
create index referrals_referee_id_idx on public.referrals (referee_id, program_id);
create index referrals_first_purchase_id_idx on public.referrals (first_purchase_id, program_id);
create index referrals_program_id_idx on public.referrals (program_id);
alter table public.referrals enable row level security;
insert into public.referrals (program_id, referrer_id, referee_id, joined_at)
select m.program_id, m.referred_by, m.id, m.joined_at from public.members m where m.referred_by is not null;

-- Each time a member shares their link (the "invited" count): the app records it, the member reads it.
create table public.referral_shares (
  id bigint generated always as identity primary key,
  program_id uuid not null,
  member_id uuid not null,
  channel text not null check (channel in ('share', 'copy')),
  created_at timestamptz not null default now(),
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index referral_shares_member_id_idx on public.referral_shares (member_id, program_id);
alter table public.referral_shares enable row level security;

create policy "Members read their referrals and staff read their club's" on public.referrals
  for select to authenticated
  using (
    (select private.owns_member(referrer_id)) or (select private.owns_member(referee_id))
    or (select private.is_staff(program_id, 'cashier'))
  );
create policy "Members read their shares and managers read their club's" on public.referral_shares
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'manager')));

/*
 * A customer joins a club by its slug, optionally with a friend's referral code. A referral is for
 * a new customer: the caller's own code (or that of another account with the same phone) is
 * VAFA_REFERRAL_SELF, and a phone that is or was a member of the club is VAFA_REFERRAL_PHONE_USED.
 * Repeating a join that succeeded returns the membership unchanged.
 */
create or replace function public.join_program(
  p_program_slug text, p_referral_code text default null, p_display_name text default null,
  p_birthday date default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_program public.programs;
  v_member public.members;
  v_referrer public.members;
  v_phone text;
  v_number bigint;
begin
  if v_user is null then
    perform private.fail('VAFA_NOT_SIGNED_IN', 'Sign in to join a club.', '42501');
  end if;
  select * into v_program from public.programs where slug = lower(trim(p_program_slug)) for update;
  if v_program.id is null then
    perform private.fail('VAFA_PROGRAM_NOT_FOUND', 'There is no club with that link.');
  end if;
  select * into v_member from public.members where program_id = v_program.id and user_id = v_user;
  if v_member.id is null and (char_length(trim(p_display_name)) > 80
      or p_birthday > current_date or p_birthday < date '1900-01-01') then
    perform private.fail('VAFA_INVALID_REQUEST', 'A display name is at most 80 characters and a birthday is a past date.');
  end if;
  if nullif(trim(p_referral_code), '') is not null then
    select * into v_referrer from public.members
    where program_id = v_program.id and referral_code = upper(trim(p_referral_code));
    if v_referrer.id is null then
      perform private.fail('VAFA_REFERRAL_CODE_UNKNOWN', 'That referral code is not one of this club''s.');
    end if;
    v_phone := private.phone_hash(v_user);
    if v_referrer.user_id = v_user or v_phone = private.phone_hash(v_referrer.user_id) then
      perform private.fail('VAFA_REFERRAL_SELF', 'You cannot use your own referral code; share it with a friend instead.');
    end if;
    if v_member.id is not null and v_member.referred_by is not distinct from v_referrer.id then
      null;  -- the same join again: answered below, unchanged
    elsif v_member.id is not null or (v_phone is not null and exists (
        select 1 from private.club_phones c where c.program_id = v_program.id and c.phone_hash = v_phone)) then
      perform private.fail('VAFA_REFERRAL_PHONE_USED', 'This phone number is or was already a member of this club; referral bonuses are for new customers.');
    elsif v_phone is null then
      perform private.fail('VAFA_REFERRAL_PHONE_REQUIRED', 'Sign in with your phone number to join with a friend''s code.');
    end if;
  end if;
  if v_member.id is not null then
    return jsonb_build_object('member_id', v_member.id, 'member_number', v_member.member_number,
      'referral_code', v_member.referral_code, 'referred_by', v_member.referred_by, 'joined', false);
  end if;
  -- Members added another way (seed, an import) may have taken numbers past the counter.
  select greatest(v_program.next_member_number, coalesce(max(m.member_number), 0) + 1) into v_number
  from public.members m where m.program_id = v_program.id;
  insert into public.members (program_id, user_id, member_number, display_name, birthday, referred_by)
  values (v_program.id, v_user, v_number, nullif(trim(p_display_name), ''), p_birthday, v_referrer.id)
  returning * into v_member;
  update public.programs set next_member_number = v_number + 1 where id = v_program.id;
  if v_referrer.id is not null then
    insert into public.referrals (program_id, referrer_id, referee_id, joined_at)
    values (v_program.id, v_referrer.id, v_member.id, v_member.joined_at);
    perform private.engagement_notify(v_program.id, v_referrer.id, 'referral.joined',
      jsonb_build_object('friend', v_member.display_name), 'referral-joined:' || v_member.id);
  end if;
  return jsonb_build_object('member_id', v_member.id, 'member_number', v_member.member_number,
    'referral_code', v_member.referral_code, 'referred_by', v_member.referred_by, 'joined', true);
end
$$;

/*
 * Credits both sides of a referral on the referee's first purchase, exactly once: the referral row
 * is locked and marked, so a later or concurrent purchase finds it rewarded and credits nothing.
 * The referee's own bonus line was posted by record_purchase just before (reason rule.referral).
 */
create or replace function private.credit_referrer(
  p_member public.members, p_lines jsonb, p_op_id uuid, p_rule_version int, p_now timestamptz
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_referrer public.members;
  v_referral public.referrals;
  v_line jsonb;
  v_total bigint := 0;
  v_referee_points bigint;
  v_purchase uuid;
begin
  if p_member.referred_by is null then
    if jsonb_typeof(p_lines) = 'array' and jsonb_array_length(p_lines) > 0 then
      perform private.fail('VAFA_INVALID_ACCRUAL', 'Only a referred member''s purchase credits a referrer.');
    end if;
    return 0;
  end if;
  -- A later purchase of a referred member: settled already, so the referrer's rows stay unlocked.
  if coalesce(jsonb_array_length(case when jsonb_typeof(p_lines) = 'array' then p_lines end), 0) = 0
      and exists (select 1 from public.referrals r where r.referee_id = p_member.id and r.first_purchase_id is not null) then
    return 0;
  end if;
  -- Accounts, then the member row: the order every ledger operation locks them in.
  perform 1 from public.accounts a where a.member_id = p_member.referred_by order by a.kind for update;
  select * into v_referrer from public.members
  where id = p_member.referred_by and program_id = p_member.program_id for update;
  if v_referrer.id is null then
    return 0;
  end if;
  insert into public.referrals (program_id, referrer_id, referee_id, joined_at)
  values (p_member.program_id, v_referrer.id, p_member.id, p_member.joined_at)
  on conflict (referee_id) do nothing;
  select * into v_referral from public.referrals where referee_id = p_member.id for update;
  if v_referral.rewarded_at is not null or v_referral.first_purchase_id is not null then
    return 0;
  end if;
  select p.id into v_purchase from public.purchases p where p.member_id = p_member.id
  order by p.occurred_at, p.created_at limit 1;
  if (select count(*) from public.purchases p where p.member_id = p_member.id) <> 1 then
    -- Not the first purchase: the rules give no referral lines then, and none are credited.
    return 0;
  end if;
  if jsonb_typeof(p_lines) = 'array' then
    for v_line in select * from jsonb_array_elements(p_lines) loop
      if (v_line ->> 'points') !~ '^\d{1,15}$' then
        perform private.fail('VAFA_INVALID_ACCRUAL', 'Every accrual line needs a whole, non-negative number of points.');
      end if;
      continue when (v_line ->> 'points')::bigint = 0;
      perform private.post(v_referrer, 'points', 'earn', (v_line ->> 'points')::bigint,
        coalesce(v_line ->> 'reason_key', 'rule.referral'),
        coalesce(v_line -> 'reason_params', '{}'::jsonb) || jsonb_build_object('referee', p_member.display_name),
        p_op_id, p_now, p_rule_version => p_rule_version,
        p_expires_at => private.points_expiry(p_member.program_id, p_now));
      v_total := v_total + (v_line ->> 'points')::bigint;
    end loop;
  end if;
  select coalesce(sum(e.amount), 0) into v_referee_points from public.ledger_entries e
  where e.member_id = p_member.id and e.purchase_id = v_purchase and e.reason_key = 'rule.referral';
  update public.referrals set first_purchase_id = v_purchase,
    rewarded_at = case when v_total + v_referee_points > 0 then p_now end,
    referrer_points = v_total, referee_points = v_referee_points
  where id = v_referral.id;
  if v_total > 0 then
    perform private.recompute_tier(v_referrer.id, p_now);
    perform private.engagement_notify(p_member.program_id, v_referrer.id, 'referral.rewarded',
      jsonb_build_object('points', v_total, 'friend', p_member.display_name), 'referral-rewarded:' || p_member.id);
  end if;
  return v_total;
end
$$;

/* The caller's referral link data and counts: shares (invited), friends who joined, and rewarded. */
create function public.my_referrals(p_member_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member public.members;
  v_rules jsonb;
begin
  select * into v_member from public.members m where m.id = p_member_id and m.user_id = (select auth.uid());
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  select r.rules -> 'referral' into v_rules from public.earning_rules r
  where r.program_id = v_member.program_id and r.effective_from <= now()
  order by r.effective_from desc, r.version desc limit 1;
  return jsonb_build_object(
    'member_id', v_member.id,
    'code', v_member.referral_code,
    'club', (select jsonb_build_object('id', p.id, 'slug', p.slug, 'name', p.name, 'locale', p.locale)
      from public.programs p where p.id = v_member.program_id),
    'invited', (select count(*) from public.referral_shares s where s.member_id = v_member.id),
    'joined', (select count(*) from public.referrals r where r.referrer_id = v_member.id),
    'rewarded', (select count(*) from public.referrals r where r.referrer_id = v_member.id and r.rewarded_at is not null),
    'points_earned', (select coalesce(sum(r.referrer_points), 0) from public.referrals r where r.referrer_id = v_member.id),
    'bonus', jsonb_build_object('referrer', coalesce((v_rules ->> 'referrer_points')::bigint, 0),
      'referee', coalesce((v_rules ->> 'referee_points')::bigint, 0)),
    'friends', (select coalesce(jsonb_agg(jsonb_build_object(
        'name', m.display_name, 'joined_at', r.joined_at, 'rewarded_at', r.rewarded_at,
        'points', r.referrer_points) order by r.joined_at desc), '[]'::jsonb)
      from (select * from public.referrals x where x.referrer_id = v_member.id order by x.joined_at desc limit 50) r
      join public.members m on m.id = r.referee_id)
  );
end
$$;

/* Counts one share of the caller's link; at most one per ten seconds counts, so a tap-storm is one. */
create function public.note_referral_share(p_member_id uuid, p_channel text default 'share') returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member public.members;
begin
  select * into v_member from public.members m where m.id = p_member_id and m.user_id = (select auth.uid())
  for update;
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  if p_channel is null or p_channel not in ('share', 'copy') then
    perform private.fail('VAFA_INVALID_REQUEST', 'A share is made by the share sheet or by copying the link.');
  end if;
  if not exists (select 1 from public.referral_shares s where s.member_id = v_member.id
      and s.created_at > now() - interval '10 seconds') then
    insert into public.referral_shares (program_id, member_id, channel) values (v_member.program_id, v_member.id, p_channel);
  end if;
  return jsonb_build_object('invited', (select count(*) from public.referral_shares s where s.member_id = v_member.id));
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Lotteries
-- ---------------------------------------------------------------------------------------------
create type public.lottery_status as enum ('open', 'drawn');

create table public.lotteries (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  -- One entry per this much spent in the window (minor units), and/or one per this many points.
  spend_per_entry bigint check (spend_per_entry > 0),
  points_per_entry bigint check (points_per_entry > 0),
  max_points_entries int check (max_points_entries > 0),
  winners int not null default 1 check (winners between 1 and 100),
  prize_reward_id uuid,
  repeat_days int check (repeat_days between 1 and 366),
  opens_at timestamptz not null,
  closes_at timestamptz not null,
  status public.lottery_status not null default 'open',
  -- Published when the draw opens: SHA-256 of the seed's hex text. The seed itself waits in
  -- private.lottery_seeds and is copied here only by the draw.
  seed_hash text not null check (seed_hash ~ '^[0-9a-f]{64}$'),
  seed text check (seed ~ '^[0-9a-f]{64}$'),
  entries_hash text check (entries_hash ~ '^[0-9a-f]{64}$'),
  tickets bigint check (tickets >= 0),
  drawn_at timestamptz,
  previous_id uuid references public.lotteries (id) on delete set null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (program_id, id),
  foreign key (program_id, prize_reward_id) references public.rewards (program_id, id) on delete restrict,
  check (closes_at > opens_at),
  check (spend_per_entry is not null or points_per_entry is not null),
  check ((status = 'drawn') = (seed is not null and drawn_at is not null and entries_hash is not null
    and tickets is not null))
);
create index lotteries_program_id_idx on public.lotteries (program_id, closes_at desc);
create index lotteries_due_idx on public.lotteries (closes_at) where status = 'open';
create index lotteries_prize_reward_id_idx on public.lotteries (prize_reward_id, program_id);
create index lotteries_previous_id_idx on public.lotteries (previous_id);
create index lotteries_created_by_idx on public.lotteries (created_by);
alter table public.lotteries enable row level security;

create table private.lottery_seeds (
  lottery_id uuid primary key references public.lotteries (id) on delete cascade,
  seed text not null check (seed ~ '^[0-9a-f]{64}$')
);
alter table private.lottery_seeds enable row level security;
create policy "Nobody reads unrevealed seeds through the API" on private.lottery_seeds
  for select to authenticated using (false);
revoke all on private.lottery_seeds from public, anon, authenticated, service_role;

create type public.lottery_entry_source as enum ('purchase', 'points');

create table public.lottery_entries (
  id bigint generated always as identity primary key,
  program_id uuid not null,
  lottery_id uuid not null,
  member_id uuid not null,
  source public.lottery_entry_source not null,
  tickets bigint not null check (tickets > 0),
  points_spent bigint not null default 0 check (points_spent >= 0),
  purchase_id uuid,
  operation_id uuid references public.operations (id) on delete restrict,
  -- The entry's place in the frozen list, set by the draw.
  ordinal int check (ordinal > 0),
  created_at timestamptz not null default now(),
  foreign key (program_id, lottery_id) references public.lotteries (program_id, id) on delete cascade,
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade,
  foreign key (program_id, purchase_id) references public.purchases (program_id, id) on delete cascade,
  unique (lottery_id, purchase_id),
  unique (lottery_id, ordinal),
  check ((source = 'points') = (points_spent > 0)),
  check ((source = 'purchase') = (purchase_id is not null))
);
create index lottery_entries_lottery_id_idx on public.lottery_entries (lottery_id, program_id, member_id);
create index lottery_entries_member_id_idx on public.lottery_entries (member_id, program_id);
create index lottery_entries_purchase_id_idx on public.lottery_entries (purchase_id, program_id);
create index lottery_entries_operation_id_idx on public.lottery_entries (operation_id);
alter table public.lottery_entries enable row level security;

create table public.lottery_winners (
  lottery_id uuid not null,
  program_id uuid not null,
  rank int not null check (rank between 1 and 100),
  member_id uuid not null,
  holder text not null check (holder ~ '^[0-9a-f]{16}$'),
  ticket bigint not null check (ticket >= 0),
  redemption_id uuid references public.redemptions (id) on delete set null,
  prize_status text not null check (prize_status in ('issued', 'out_of_stock', 'unavailable', 'none')),
  primary key (lottery_id, rank),
  unique (lottery_id, member_id),
  foreign key (program_id, lottery_id) references public.lotteries (program_id, id) on delete cascade,
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade
);
create index lottery_winners_lottery_id_idx on public.lottery_winners (lottery_id, program_id);
create index lottery_winners_member_id_idx on public.lottery_winners (member_id, program_id);
create index lottery_winners_redemption_id_idx on public.lottery_winners (redemption_id);
alter table public.lottery_winners enable row level security;

create policy "Members and staff read their club's lotteries" on public.lotteries
  for select to authenticated
  using ((select private.is_member_of(program_id)) or (select private.is_staff(program_id, 'cashier')));
create policy "Members read their entries and staff read their club's" on public.lottery_entries
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));
create policy "Members read their wins and staff read their club's" on public.lottery_winners
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'cashier')));

/* A member's pseudonym in one draw's public list: 16 hex digits of SHA-256("<lottery>:<member>"). */
create function private.lottery_holder(p_lottery_id uuid, p_member_id uuid) returns text
language sql immutable
set search_path = ''
as $$
  select left(encode(sha256(convert_to(p_lottery_id::text || ':' || p_member_id::text, 'UTF8')), 'hex'), 16)
$$;

/*
 * The winners of a draw, as a function of the seed and the frozen list only (the same algorithm as
 * supabase/functions/_shared/lottery.ts, which anyone can run):
 *   list  = the entries in order, one line "<ordinal>:<holder>:<tickets>" each, joined by "\n";
 *   E     = hex SHA-256 of the list's UTF-8; N = the tickets of the holders not yet drawn.
 *   For k = 0, 1, 2, …: h = SHA-256 of the UTF-8 text "<seed>:<E>:<k>"; r = h's first 6 bytes as
 *   an unsigned big-endian integer. If r >= floor(2^48 / N) * N, skip k (no modulo bias). Otherwise
 *   ticket t = r mod N counts through the remaining entries in list order; its holder wins, and all
 *   of that holder's entries leave the list. Stop after `p_count` winners or when no tickets remain.
 */
create function private.lottery_pick(
  p_seed text, p_entries_hash text, p_holders text[], p_tickets bigint[], p_count int
) returns table (rank int, holder text, ticket bigint, ordinal int)
language plpgsql immutable
set search_path = ''
as $$
declare
  -- Holders as small integers: subscripting an array of text costs its position, of int nothing.
  v_ids int[];
  v_tickets bigint[] := p_tickets;
  v_n int := coalesce(array_length(p_tickets, 1), 0);
  v_total bigint;
  v_k bigint := 0;
  v_r bigint;
  v_t bigint;
  v_i int;
  v_at int;
  v_winner int;
  v_range constant bigint := 281474976710656;  -- 2^48
begin
  select coalesce(array_agg(x.id order by x.n), '{}') into v_ids
  from (select u.n, dense_rank() over (order by u.h) as id from unnest(p_holders) with ordinality as u(h, n)) x;
  select coalesce(sum(x), 0) into v_total from unnest(v_tickets) x;
  rank := 0;
  loop
    exit when rank >= p_count or v_total = 0;
    v_r := ('x' || left(encode(sha256(convert_to(p_seed || ':' || p_entries_hash || ':' || v_k, 'UTF8')), 'hex'), 12))::bit(48)::bigint;
    v_k := v_k + 1;
    continue when v_r >= (v_range / v_total) * v_total;
    v_t := v_r % v_total;
    ticket := v_t;
    for v_i in 1 .. v_n loop
      if v_t < v_tickets[v_i] then
        v_at := v_i;
        exit;
      end if;
      v_t := v_t - v_tickets[v_i];
    end loop;
    v_winner := v_ids[v_at];
    rank := rank + 1;
    holder := p_holders[v_at];
    ordinal := v_at;
    return next;
    for v_i in 1 .. v_n loop
      if v_ids[v_i] = v_winner then
        v_total := v_total - v_tickets[v_i];
        v_tickets[v_i] := 0;
      end if;
    end loop;
  end loop;
end
$$;

/* The frozen list of a drawn lottery, as its canonical text. */
create function private.lottery_list(p_lottery_id uuid) returns text
language sql stable
set search_path = ''
as $$
  select coalesce(string_agg(e.ordinal || ':' || private.lottery_holder(e.lottery_id, e.member_id) || ':' || e.tickets,
    e'\n' order by e.ordinal), '')
  from public.lottery_entries e where e.lottery_id = p_lottery_id and e.ordinal is not null
$$;

/* A manager opens a draw: its seed is drawn now and only its hash is published until the draw. */
create function public.create_lottery(
  p_program_id uuid, p_title text, p_closes_at timestamptz, p_description text default '',
  p_spend_per_entry numeric default null, p_points_per_entry numeric default null,
  p_max_points_entries int default null, p_winners int default 1, p_prize_reward_id uuid default null,
  p_opens_at timestamptz default null, p_repeat_days int default null, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_seed text := encode(extensions.gen_random_bytes(32), 'hex');
  v_row public.lotteries;
begin
  perform private.require_staff(p_program_id, 'manager');
  if char_length(coalesce(trim(p_title), '')) not between 1 and 120 or char_length(coalesce(p_description, '')) > 2000 then
    perform private.fail('VAFA_INVALID_REQUEST', 'A draw needs a title of 1 to 120 characters and at most 2000 of description.');
  end if;
  if p_spend_per_entry is null and p_points_per_entry is null then
    perform private.fail('VAFA_INVALID_REQUEST', 'Say how members enter: an amount spent per entry, points per entry, or both.');
  end if;
  if p_spend_per_entry is not null then
    perform private.require_amount(p_spend_per_entry, 'The amount spent per entry');
  end if;
  if p_points_per_entry is not null then
    perform private.require_amount(p_points_per_entry, 'The points per entry');
  end if;
  if coalesce(p_winners, 0) not between 1 and 100 or p_max_points_entries < 1 or p_repeat_days not between 1 and 366 then
    perform private.fail('VAFA_INVALID_REQUEST', 'A draw has 1 to 100 winners, a positive entry limit and repeats every 1 to 366 days.');
  end if;
  if p_closes_at is null or p_closes_at <= coalesce(p_opens_at, v_now) then
    perform private.fail('VAFA_INVALID_REQUEST', 'A draw closes after it opens.');
  end if;
  if p_prize_reward_id is not null and not exists (
      select 1 from public.rewards r where r.id = p_prize_reward_id and r.program_id = p_program_id) then
    perform private.fail('VAFA_REWARD_NOT_FOUND', 'The prize must be one of this club''s rewards.');
  end if;
  insert into public.lotteries (program_id, title, description, spend_per_entry, points_per_entry,
    max_points_entries, winners, prize_reward_id, repeat_days, opens_at, closes_at, seed_hash, created_by)
  values (p_program_id, trim(p_title), coalesce(p_description, ''), p_spend_per_entry::bigint, p_points_per_entry::bigint,
    p_max_points_entries, p_winners, p_prize_reward_id, p_repeat_days, coalesce(p_opens_at, v_now), p_closes_at,
    encode(sha256(convert_to(v_seed, 'UTF8')), 'hex'), private.actor())
  returning * into v_row;
  insert into private.lottery_seeds (lottery_id, seed) values (v_row.id, v_seed);
  perform private.audit(p_program_id, 'lottery.create', 'lotteries', v_row.id::text,
    jsonb_build_object('title', v_row.title, 'seed_hash', v_row.seed_hash, 'closes_at', v_row.closes_at));
  return to_jsonb(v_row);
end
$$;

/* Tickets a member holds from purchases in a draw's window (refunded amounts do not count). */
create function private.purchase_tickets(p_lottery public.lotteries, p_member_id uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select coalesce(sum((p.amount - p.refunded_amount) / p_lottery.spend_per_entry), 0)::bigint
  from public.purchases p
  where p_lottery.spend_per_entry is not null and p.member_id = p_member_id
    and p.program_id = p_lottery.program_id
    and p.occurred_at >= p_lottery.opens_at and p.occurred_at < p_lottery.closes_at
$$;

/* A member buys entries with points: debited once per idempotency key, within the draw's limit. */
create function public.enter_lottery(
  p_lottery_id uuid, p_entries int default 1, p_idempotency_key text default null, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_lottery public.lotteries;
  v_member public.members;
  v_op record;
  v_held bigint;
  v_entry public.lottery_entries;
  v_ledger public.ledger_entries;
begin
  select * into v_lottery from public.lotteries where id = p_lottery_id;
  if v_lottery.id is not null then
    select * into v_member from public.members where program_id = v_lottery.program_id and user_id = auth.uid();
  end if;
  if v_member.id is null then
    perform private.fail('VAFA_LOTTERY_NOT_FOUND', 'There is no such draw in your clubs.');
  end if;
  if p_entries is null or p_entries not between 1 and 1000 then
    perform private.fail('VAFA_INVALID_AMOUNT', 'Buy 1 to 1000 entries at a time.');
  end if;
  select * into v_op from private.begin_op(v_lottery.program_id, p_idempotency_key, 'enter_lottery',
    jsonb_build_object('member', v_member.id, 'lottery', p_lottery_id, 'entries', p_entries));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  -- One member's entries queue on their points account, so the limit cannot be raced.
  perform 1 from public.accounts where member_id = v_member.id and kind = 'points' for update;
  select * into v_lottery from public.lotteries where id = p_lottery_id;
  if v_lottery.points_per_entry is null then
    perform private.fail('VAFA_LOTTERY_NO_POINTS_ENTRY', 'This draw is entered by purchases, not with points.');
  end if;
  if v_lottery.status <> 'open' or v_now < v_lottery.opens_at or v_now >= v_lottery.closes_at then
    perform private.fail('VAFA_LOTTERY_CLOSED', 'This draw is not open for entries now.');
  end if;
  select coalesce(sum(e.tickets), 0) into v_held from public.lottery_entries e
  where e.lottery_id = p_lottery_id and e.member_id = v_member.id and e.source = 'points';
  if v_lottery.max_points_entries is not null and v_held + p_entries > v_lottery.max_points_entries then
    perform private.fail('VAFA_LOTTERY_LIMIT_REACHED',
      format('You hold %s of the %s entries one member may buy with points.', v_held, v_lottery.max_points_entries));
  end if;
  v_ledger := private.post(v_member, 'points', 'spend', -(v_lottery.points_per_entry * p_entries), 'lottery.entry',
    jsonb_build_object('lottery', v_lottery.title, 'lottery_id', v_lottery.id, 'entries', p_entries), v_op.op_id, v_now);
  insert into public.lottery_entries (program_id, lottery_id, member_id, source, tickets, points_spent, operation_id, created_at)
  values (v_lottery.program_id, v_lottery.id, v_member.id, 'points', p_entries, v_lottery.points_per_entry * p_entries,
    v_op.op_id, v_now)
  returning * into v_entry;
  update public.members set last_activity_at = v_now where id = v_member.id;
  return private.finish_op(v_op.op_id, jsonb_build_object(
    'entry_id', v_entry.id, 'lottery_id', v_lottery.id, 'entries', p_entries,
    'points_spent', v_entry.points_spent, 'points_entries', v_held + p_entries,
    'entry', private.entry_json(v_ledger), 'balances', private.balances(v_member.id)));
end
$$;

/* Issues a prize as a free redemption of the prize reward; out of stock or retired is recorded. */
create function private.issue_prize(p_lottery public.lotteries, p_member_id uuid, p_now timestamptz,
  out status text, out redemption_id uuid, out code text)
language plpgsql
set search_path = ''
as $$
declare
  v_reward public.rewards;
begin
  if p_lottery.prize_reward_id is null then
    status := 'none';
    return;
  end if;
  select * into v_reward from public.rewards where id = p_lottery.prize_reward_id;
  if not v_reward.active then
    status := 'unavailable';
    return;
  end if;
  if v_reward.stock is not null then
    update public.rewards set stock = stock - 1 where id = v_reward.id and stock > 0;
    if not found then
      status := 'out_of_stock';
      return;
    end if;
  end if;
  insert into public.redemptions (program_id, member_id, reward_id, code, points_cost, issued_at, expires_at)
  values (p_lottery.program_id, p_member_id, v_reward.id, private.random_code(8), 0, p_now,
    p_now + make_interval(days => v_reward.redemption_valid_days))
  returning id, redemptions.code into redemption_id, code;
  status := 'issued';
end
$$;

/* Draws a closed lottery: freezes the list, reveals the seed, names the winners, issues prizes. */
create function private.draw(p_lottery_id uuid, p_now timestamptz) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_lottery public.lotteries;
  v_seed text;
  v_list text;
  v_hash text;
  v_holders text[];
  v_tickets bigint[];
  v_pick record;
  v_member uuid;
  v_prize record;
  v_next public.lotteries;
  v_next_seed text;
begin
  select * into v_lottery from public.lotteries where id = p_lottery_id for update;
  if v_lottery.status = 'drawn' then
    perform private.fail('VAFA_LOTTERY_DRAWN', 'This draw has already been made.');
  end if;
  if p_now < v_lottery.closes_at then
    perform private.fail('VAFA_LOTTERY_NOT_CLOSED', format('This draw closes at %s; draw it after that.', v_lottery.closes_at));
  end if;
  -- Purchase entries are counted now, from what was bought in the window less what was refunded.
  if v_lottery.spend_per_entry is not null then
    insert into public.lottery_entries (program_id, lottery_id, member_id, source, tickets, purchase_id, created_at)
    select v_lottery.program_id, v_lottery.id, p.member_id, 'purchase',
      (p.amount - p.refunded_amount) / v_lottery.spend_per_entry, p.id, p.occurred_at
    from public.purchases p
    where p.program_id = v_lottery.program_id and p.occurred_at >= v_lottery.opens_at
      and p.occurred_at < v_lottery.closes_at and (p.amount - p.refunded_amount) >= v_lottery.spend_per_entry
    order by p.occurred_at, p.id;
  end if;
  update public.lottery_entries e set ordinal = o.n
  from (select x.id, row_number() over (order by x.created_at, x.id) as n
    from public.lottery_entries x where x.lottery_id = v_lottery.id) o
  where e.id = o.id;
  v_list := private.lottery_list(v_lottery.id);
  v_hash := encode(sha256(convert_to(v_list, 'UTF8')), 'hex');
  select array_agg(private.lottery_holder(e.lottery_id, e.member_id) order by e.ordinal),
    array_agg(e.tickets order by e.ordinal)
  into v_holders, v_tickets
  from public.lottery_entries e where e.lottery_id = v_lottery.id;
  select s.seed into v_seed from private.lottery_seeds s where s.lottery_id = v_lottery.id;
  if v_seed is null or encode(sha256(convert_to(v_seed, 'UTF8')), 'hex') <> v_lottery.seed_hash then
    perform private.fail('VAFA_LOTTERY_SEED_MISMATCH', 'The draw''s seed does not match its published hash; nothing was drawn.');
  end if;
  for v_pick in select * from private.lottery_pick(v_seed, v_hash, coalesce(v_holders, '{}'), coalesce(v_tickets, '{}'),
      v_lottery.winners) loop
    select e.member_id into v_member from public.lottery_entries e
    where e.lottery_id = v_lottery.id and e.ordinal = v_pick.ordinal;
    select * into v_prize from private.issue_prize(v_lottery, v_member, p_now);
    insert into public.lottery_winners (lottery_id, program_id, rank, member_id, holder, ticket, redemption_id, prize_status)
    values (v_lottery.id, v_lottery.program_id, v_pick.rank, v_member, v_pick.holder, v_pick.ticket,
      v_prize.redemption_id, v_prize.status);
    perform private.engagement_notify(v_lottery.program_id, v_member, 'lottery.won',
      jsonb_build_object('lottery', v_lottery.title, 'rank', v_pick.rank, 'code', v_prize.code,
        'prize', (select r.name from public.rewards r where r.id = v_lottery.prize_reward_id)),
      'lottery-won:' || v_lottery.id || ':' || v_member);
  end loop;
  update public.lotteries set status = 'drawn', seed = v_seed, entries_hash = v_hash,
    tickets = coalesce((select sum(x) from unnest(v_tickets) x), 0), drawn_at = p_now
  where id = v_lottery.id
  returning * into v_lottery;
  perform private.audit(v_lottery.program_id, 'lottery.draw', 'lotteries', v_lottery.id::text,
    jsonb_build_object('seed', v_seed, 'entries_hash', v_hash, 'tickets', v_lottery.tickets));
  -- A periodic draw opens its next round as it closes, with a new seed.
  if v_lottery.repeat_days is not null then
    v_next_seed := encode(extensions.gen_random_bytes(32), 'hex');
    insert into public.lotteries (program_id, title, description, spend_per_entry, points_per_entry,
      max_points_entries, winners, prize_reward_id, repeat_days, opens_at, closes_at, seed_hash, previous_id, created_by)
    values (v_lottery.program_id, v_lottery.title, v_lottery.description, v_lottery.spend_per_entry,
      v_lottery.points_per_entry, v_lottery.max_points_entries, v_lottery.winners, v_lottery.prize_reward_id,
      v_lottery.repeat_days, v_lottery.closes_at, v_lottery.closes_at + make_interval(days => v_lottery.repeat_days),
      encode(sha256(convert_to(v_next_seed, 'UTF8')), 'hex'), v_lottery.id, v_lottery.created_by)
    returning * into v_next;
    insert into private.lottery_seeds (lottery_id, seed) values (v_next.id, v_next_seed);
  end if;
  return jsonb_build_object('lottery_id', v_lottery.id, 'seed', v_seed, 'seed_hash', v_lottery.seed_hash,
    'entries_hash', v_hash, 'tickets', v_lottery.tickets, 'next_id', v_next.id,
    'winners', (select coalesce(jsonb_agg(jsonb_build_object('rank', w.rank, 'holder', w.holder, 'ticket', w.ticket,
        'member_id', w.member_id, 'prize_status', w.prize_status) order by w.rank), '[]'::jsonb)
      from public.lottery_winners w where w.lottery_id = v_lottery.id));
end
$$;

/* A manager (or a job) draws a lottery once it has closed. */
create function public.draw_lottery(p_lottery_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_program uuid;
begin
  select l.program_id into v_program from public.lotteries l where l.id = p_lottery_id;
  if v_program is null or not (private.is_trusted() or private.is_staff(v_program, 'cashier')) then
    perform private.fail('VAFA_LOTTERY_NOT_FOUND', 'There is no such draw in your clubs.');
  end if;
  perform private.require_staff(v_program, 'manager');
  return private.draw(p_lottery_id, private.clock(p_now));
end
$$;

/* The scheduler's job: draws every open lottery past its closing time. Service role only. */
create function public.run_due_draws(p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_id uuid;
  v_drawn jsonb := '[]'::jsonb;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN', 'Draws are run by the scheduler only.', '42501');
  end if;
  for v_id in select l.id from public.lotteries l where l.status = 'open' and l.closes_at <= v_now
      order by l.closes_at for update skip locked loop
    v_drawn := v_drawn || jsonb_build_array(private.draw(v_id, v_now) -> 'lottery_id');
  end loop;
  return jsonb_build_object('drawn', v_drawn, 'now', v_now);
end
$$;

/* Everything needed to check a drawn lottery: the seed, its hash, the frozen list and the winners. */
create function public.lottery_proof(p_lottery_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_lottery public.lotteries;
begin
  select * into v_lottery from public.lotteries where id = p_lottery_id;
  if v_lottery.id is null or not (private.is_trusted() or private.is_member_of(v_lottery.program_id)
      or private.is_staff(v_lottery.program_id, 'cashier')) then
    perform private.fail('VAFA_LOTTERY_NOT_FOUND', 'There is no such draw in your clubs.');
  end if;
  if v_lottery.status <> 'drawn' then
    perform private.fail('VAFA_LOTTERY_NOT_DRAWN', 'The seed is revealed once the draw has been made.');
  end if;
  return jsonb_build_object('lottery_id', v_lottery.id, 'title', v_lottery.title, 'seed', v_lottery.seed,
    'seed_hash', v_lottery.seed_hash, 'entries_hash', v_lottery.entries_hash, 'winners_count', v_lottery.winners,
    'drawn_at', v_lottery.drawn_at, 'list', private.lottery_list(v_lottery.id),
    'winners', (select coalesce(jsonb_agg(jsonb_build_object('rank', w.rank, 'holder', w.holder, 'ticket', w.ticket)
      order by w.rank), '[]'::jsonb) from public.lottery_winners w where w.lottery_id = v_lottery.id));
end
$$;

/* A member's view of the club's draws: open ones with their entries, drawn ones with the proof's head. */
create function public.my_lotteries(p_member_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_member public.members;
begin
  select * into v_member from public.members m where m.id = p_member_id and m.user_id = (select auth.uid());
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  return jsonb_build_object(
    'member_id', v_member.id,
    'currency', (select p.currency from public.programs p where p.id = v_member.program_id),
    'points', (select a.balance from public.accounts a where a.member_id = v_member.id and a.kind = 'points'),
    'lotteries', (select coalesce(jsonb_agg(jsonb_build_object(
        'id', l.id, 'title', l.title, 'description', l.description, 'status', l.status,
        'open', l.status = 'open' and v_now >= l.opens_at and v_now < l.closes_at,
        'opens_at', l.opens_at, 'closes_at', l.closes_at, 'drawn_at', l.drawn_at,
        'spend_per_entry', l.spend_per_entry, 'points_per_entry', l.points_per_entry,
        'max_points_entries', l.max_points_entries, 'winners', l.winners,
        'prize', (select jsonb_build_object('id', r.id, 'name', r.name) from public.rewards r where r.id = l.prize_reward_id),
        'seed_hash', l.seed_hash, 'seed', l.seed, 'entries_hash', l.entries_hash, 'tickets', l.tickets,
        'holder', private.lottery_holder(l.id, v_member.id),
        'my_points_entries', (select coalesce(sum(e.tickets), 0) from public.lottery_entries e
          where e.lottery_id = l.id and e.member_id = v_member.id and e.source = 'points'),
        'my_purchase_entries', case when l.status = 'drawn' then
            (select coalesce(sum(e.tickets), 0) from public.lottery_entries e
              where e.lottery_id = l.id and e.member_id = v_member.id and e.source = 'purchase')
          else private.purchase_tickets(l, v_member.id) end,
        'my_win', (select jsonb_build_object('rank', w.rank, 'prize_status', w.prize_status, 'code', d.code,
            'expires_at', d.expires_at)
          from public.lottery_winners w left join public.redemptions d on d.id = w.redemption_id
          where w.lottery_id = l.id and w.member_id = v_member.id)
      ) order by l.status, l.closes_at desc), '[]'::jsonb)
      from (select * from public.lotteries x where x.program_id = v_member.program_id
        and (x.status = 'open' or x.drawn_at > v_now - interval '180 days') and x.opens_at <= v_now
        order by x.closes_at desc limit 30) l)
  );
end
$$;

/* Staff's view of one draw: per-member entries (purchase entries counted live until the draw) and winners. */
create function public.lottery_standings(p_lottery_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_lottery public.lotteries;
begin
  select * into v_lottery from public.lotteries where id = p_lottery_id;
  if v_lottery.id is null or not (private.is_trusted() or private.is_staff(v_lottery.program_id, 'manager')) then
    perform private.fail('VAFA_LOTTERY_NOT_FOUND', 'There is no such draw in your clubs.');
  end if;
  return to_jsonb(v_lottery) || jsonb_build_object(
    'prize', (select jsonb_build_object('id', r.id, 'name', r.name) from public.rewards r where r.id = v_lottery.prize_reward_id),
    'entrants', (select coalesce(jsonb_agg(jsonb_build_object('member_id', m.id, 'member_number', m.member_number,
        'name', m.display_name, 'points_entries', t.points_entries, 'purchase_entries', t.purchase_entries,
        'holder', private.lottery_holder(v_lottery.id, m.id)) order by t.points_entries + t.purchase_entries desc, m.member_number), '[]'::jsonb)
      from (
        select x.member_id, sum(x.points_entries)::bigint as points_entries, sum(x.purchase_entries)::bigint as purchase_entries
        from (
          select e.member_id, case when e.source = 'points' then e.tickets else 0 end as points_entries,
            case when e.source = 'purchase' then e.tickets else 0 end as purchase_entries
          from public.lottery_entries e where e.lottery_id = v_lottery.id
          union all
          select p.member_id, 0, (p.amount - p.refunded_amount) / v_lottery.spend_per_entry
          from public.purchases p
          where v_lottery.status = 'open' and v_lottery.spend_per_entry is not null
            and p.program_id = v_lottery.program_id and p.occurred_at >= v_lottery.opens_at
            and p.occurred_at < v_lottery.closes_at and (p.amount - p.refunded_amount) >= v_lottery.spend_per_entry
        ) x group by x.member_id
      ) t join public.members m on m.id = t.member_id),
    'drawn_winners', (select coalesce(jsonb_agg(jsonb_build_object('rank', w.rank, 'member_id', w.member_id,
        'member_number', m.member_number, 'name', m.display_name, 'holder', w.holder, 'prize_status', w.prize_status)
        order by w.rank), '[]'::jsonb)
      from public.lottery_winners w join public.members m on m.id = w.member_id where w.lottery_id = v_lottery.id));
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Surveys
-- ---------------------------------------------------------------------------------------------

/* True when `p` is a list of 0 to 10 questions: {id, kind: choice|text|rating, label, options?}. */
create function private.survey_questions_valid(p jsonb) returns boolean
language plpgsql immutable
set search_path = ''
as $$
declare
  v_q jsonb;
  v_o jsonb;
  v_ids text[] := '{}';
begin
  if jsonb_typeof(p) is distinct from 'array' or jsonb_array_length(p) > 10 then
    return false;
  end if;
  for v_q in select * from jsonb_array_elements(p) loop
    if jsonb_typeof(v_q) <> 'object' or coalesce(v_q ->> 'id', '') !~ '^[a-z0-9_-]{1,40}$'
        or (v_q ->> 'id') = any(v_ids) or coalesce(v_q ->> 'kind', '') not in ('choice', 'text', 'rating')
        or char_length(coalesce(v_q ->> 'label', '')) not between 1 and 200 then
      return false;
    end if;
    v_ids := v_ids || (v_q ->> 'id');
    if v_q ->> 'kind' = 'choice' then
      if jsonb_typeof(v_q -> 'options') is distinct from 'array' or jsonb_array_length(v_q -> 'options') not between 2 and 10 then
        return false;
      end if;
      for v_o in select * from jsonb_array_elements(v_q -> 'options') loop
        if jsonb_typeof(v_o) <> 'string' or char_length(v_o #>> '{}') not between 1 and 80 then
          return false;
        end if;
      end loop;
    elsif v_q ? 'options' then
      return false;
    end if;
  end loop;
  return true;
end
$$;

create table public.surveys (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 120),
  intro text not null default '' check (char_length(intro) <= 500),
  questions jsonb not null default '[]'::jsonb check (private.survey_questions_valid(questions)),
  active boolean not null default false,
  -- How long after a purchase its survey may be answered.
  answer_days int not null default 14 check (answer_days between 1 and 90),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (program_id, id)
);
create unique index surveys_one_active_idx on public.surveys (program_id) where active;
create index surveys_program_id_idx on public.surveys (program_id, created_at desc);
create index surveys_created_by_idx on public.surveys (created_by);
alter table public.surveys enable row level security;

create table public.survey_responses (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null,
  survey_id uuid not null,
  member_id uuid not null,
  purchase_id uuid not null,
  nps smallint not null check (nps between 0 and 10),
  answers jsonb not null default '{}'::jsonb check (jsonb_typeof(answers) = 'object'),
  created_at timestamptz not null default now(),
  -- One answer per purchase.
  unique (purchase_id),
  foreign key (program_id, survey_id) references public.surveys (program_id, id) on delete cascade,
  foreign key (program_id, member_id) references public.members (program_id, id) on delete cascade,
  foreign key (program_id, purchase_id) references public.purchases (program_id, id) on delete cascade
);
create index survey_responses_survey_id_idx on public.survey_responses (survey_id, program_id, created_at);
create index survey_responses_member_id_idx on public.survey_responses (member_id, program_id);
create index survey_responses_purchase_id_idx on public.survey_responses (purchase_id, program_id);
alter table public.survey_responses enable row level security;

create policy "Members read the active survey and managers read all" on public.surveys
  for select to authenticated
  using ((active and (select private.is_member_of(program_id))) or (select private.is_staff(program_id, 'manager')));
create policy "Members read their answers and managers read their club's" on public.survey_responses
  for select to authenticated
  using ((select private.owns_member(member_id)) or (select private.is_staff(program_id, 'manager')));

/* A manager creates (no id) or edits a survey; making one active retires the club's other one. */
create function public.save_survey(
  p_program_id uuid, p_title text, p_questions jsonb default '[]'::jsonb, p_active boolean default false,
  p_intro text default '', p_answer_days int default 14, p_survey_id uuid default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_row public.surveys;
begin
  perform private.require_staff(p_program_id, 'manager');
  if char_length(coalesce(trim(p_title), '')) not between 1 and 120 or char_length(coalesce(p_intro, '')) > 500
      or coalesce(p_answer_days, 0) not between 1 and 90 then
    perform private.fail('VAFA_SURVEY_INVALID', 'A survey needs a title of 1 to 120 characters, an intro of at most 500 and 1 to 90 days to answer.');
  end if;
  if p_questions is null or not private.survey_questions_valid(p_questions) then
    perform private.fail('VAFA_SURVEY_INVALID', 'Up to 10 questions, each with a unique id, a label and a kind (choice with 2 to 10 options, text or rating).');
  end if;
  if p_survey_id is not null then
    select * into v_row from public.surveys where id = p_survey_id and program_id = p_program_id for update;
    if v_row.id is null then
      perform private.fail('VAFA_SURVEY_NOT_FOUND', 'There is no such survey in this club.');
    end if;
  end if;
  if coalesce(p_active, false) then
    update public.surveys set active = false, updated_at = now()
    where program_id = p_program_id and active and id is distinct from p_survey_id;
  end if;
  if p_survey_id is null then
    insert into public.surveys (program_id, title, intro, questions, active, answer_days, created_by)
    values (p_program_id, trim(p_title), coalesce(p_intro, ''), p_questions, coalesce(p_active, false), p_answer_days,
      private.actor())
    returning * into v_row;
  else
    update public.surveys set title = trim(p_title), intro = coalesce(p_intro, ''), questions = p_questions,
      active = coalesce(p_active, false), answer_days = p_answer_days, updated_at = now()
    where id = p_survey_id
    returning * into v_row;
  end if;
  perform private.audit(p_program_id, 'survey.save', 'surveys', v_row.id::text,
    jsonb_build_object('title', v_row.title, 'active', v_row.active, 'questions', jsonb_array_length(v_row.questions)));
  return to_jsonb(v_row);
end
$$;

/* The caller's purchases still waiting for their club's active survey, newest first. */
create function public.my_surveys(p_now timestamptz default null) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
begin
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
        'purchase_id', p.id, 'amount', p.amount, 'occurred_at', p.occurred_at, 'member_id', m.id,
        'answer_by', p.occurred_at + make_interval(days => s.answer_days),
        'club', jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name, 'currency', c.currency),
        'survey', jsonb_build_object('id', s.id, 'title', s.title, 'intro', s.intro, 'questions', s.questions)
      ) order by p.occurred_at desc), '[]'::jsonb)
    from public.members m
    join public.programs c on c.id = m.program_id
    join public.surveys s on s.program_id = m.program_id and s.active
    join lateral (
      select * from public.purchases x
      where x.member_id = m.id and x.occurred_at > v_now - make_interval(days => s.answer_days)
        and x.occurred_at <= v_now and x.refunded_amount < x.amount
        and not exists (select 1 from public.survey_responses r where r.purchase_id = x.id)
      order by x.occurred_at desc limit 5
    ) p on true
    where m.user_id = (select auth.uid())
  );
end
$$;

/* The member answers the survey for one of their purchases, once: NPS 0–10 and the club's questions. */
create function public.answer_survey(
  p_purchase_id uuid, p_nps int, p_answers jsonb default '{}'::jsonb, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_purchase public.purchases;
  v_survey public.surveys;
  v_question jsonb;
  v_value jsonb;
  v_clean jsonb := '{}'::jsonb;
  v_row public.survey_responses;
begin
  select p.* into v_purchase from public.purchases p
  join public.members m on m.id = p.member_id
  where p.id = p_purchase_id and m.user_id = auth.uid();
  if v_purchase.id is null then
    perform private.fail('VAFA_PURCHASE_NOT_FOUND', 'That purchase is not one of yours.');
  end if;
  select * into v_survey from public.surveys s where s.program_id = v_purchase.program_id and s.active;
  if v_survey.id is null then
    perform private.fail('VAFA_SURVEY_NOT_FOUND', 'This club has no survey to answer now.');
  end if;
  if exists (select 1 from public.survey_responses r where r.purchase_id = p_purchase_id) then
    perform private.fail('VAFA_SURVEY_ANSWERED', 'You have already answered the survey for this purchase.');
  end if;
  if v_now > v_purchase.occurred_at + make_interval(days => v_survey.answer_days) then
    perform private.fail('VAFA_SURVEY_EXPIRED', 'The survey for this purchase has closed.');
  end if;
  if p_nps is null or p_nps not between 0 and 10 then
    perform private.fail('VAFA_SURVEY_INVALID_ANSWER', 'Choose how likely you are to recommend us, from 0 to 10.');
  end if;
  if jsonb_typeof(coalesce(p_answers, '{}'::jsonb)) <> 'object' then
    perform private.fail('VAFA_SURVEY_INVALID_ANSWER', 'Answers are an object of question ids to answers.');
  end if;
  if exists (select 1 from jsonb_object_keys(coalesce(p_answers, '{}'::jsonb)) k
      where not exists (select 1 from jsonb_array_elements(v_survey.questions) q where q ->> 'id' = k)) then
    perform private.fail('VAFA_SURVEY_INVALID_ANSWER', 'An answer names a question this survey does not ask.');
  end if;
  for v_question in select * from jsonb_array_elements(v_survey.questions) loop
    v_value := p_answers -> (v_question ->> 'id');
    continue when v_value is null or v_value = 'null'::jsonb;
    if (v_question ->> 'kind' = 'choice' and not (jsonb_typeof(v_value) = 'string' and v_question -> 'options' @> jsonb_build_array(v_value)))
       or (v_question ->> 'kind' = 'rating' and not (jsonb_typeof(v_value) = 'number' and (v_value #>> '{}') ~ '^[1-5]$'))
       or (v_question ->> 'kind' = 'text' and not (jsonb_typeof(v_value) = 'string' and char_length(v_value #>> '{}') <= 1000)) then
      perform private.fail('VAFA_SURVEY_INVALID_ANSWER', format('The answer to "%s" is not one it accepts.', v_question ->> 'label'));
    end if;
    continue when v_question ->> 'kind' = 'text' and trim(v_value #>> '{}') = '';
    v_clean := v_clean || jsonb_build_object(v_question ->> 'id', v_value);
  end loop;
  begin
    insert into public.survey_responses (program_id, survey_id, member_id, purchase_id, nps, answers, created_at)
    values (v_purchase.program_id, v_survey.id, v_purchase.member_id, v_purchase.id, p_nps, v_clean, v_now)
    returning * into v_row;
  exception when unique_violation then
    perform private.fail('VAFA_SURVEY_ANSWERED', 'You have already answered the survey for this purchase.');
  end;
  return jsonb_build_object('response_id', v_row.id, 'survey_id', v_survey.id, 'purchase_id', v_purchase.id,
    'nps', v_row.nps, 'answers', v_row.answers);
end
$$;

/*
 * A survey's results for managers: NPS (% promoters 9–10 minus % detractors 0–6) overall and per
 * week or month in the club's timezone, the 0–10 distribution, and each question's answers.
 */
create function public.survey_results(
  p_survey_id uuid, p_from timestamptz default null, p_to timestamptz default null, p_bucket text default 'week'
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_tz text;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if v_survey.id is null or not (private.is_trusted() or private.is_staff(v_survey.program_id, 'manager')) then
    perform private.fail('VAFA_SURVEY_NOT_FOUND', 'There is no such survey in your clubs.');
  end if;
  if p_bucket is null or p_bucket not in ('day', 'week', 'month') then
    perform private.fail('VAFA_INVALID_REQUEST', 'Group results by day, week or month.');
  end if;
  select p.timezone into v_tz from public.programs p where p.id = v_survey.program_id;
  return (
    with r as (
      select * from public.survey_responses x
      where x.survey_id = p_survey_id and (p_from is null or x.created_at >= p_from) and (p_to is null or x.created_at < p_to)
    )
    select jsonb_build_object(
      'survey', to_jsonb(v_survey),
      'responses', (select count(*) from r),
      'nps', (select jsonb_build_object(
          'score', case when count(*) > 0 then round(100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) / count(*)) end,
          'promoters', count(*) filter (where nps >= 9), 'passives', count(*) filter (where nps between 7 and 8),
          'detractors', count(*) filter (where nps <= 6)) from r),
      'distribution', (select jsonb_agg((select count(*) from r where r.nps = n) order by n) from generate_series(0, 10) n),
      'trend', (select coalesce(jsonb_agg(jsonb_build_object('bucket', b.bucket, 'responses', b.n, 'nps', b.score) order by b.bucket), '[]'::jsonb)
        from (select (date_trunc(p_bucket, r.created_at at time zone v_tz))::date as bucket, count(*) as n,
            round(100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) / count(*)) as score
          from r group by 1) b),
      'questions', (select coalesce(jsonb_agg(jsonb_build_object('id', q ->> 'id', 'kind', q ->> 'kind', 'label', q ->> 'label',
          'answered', (select count(*) from r where r.answers ? (q ->> 'id')),
          'counts', case q ->> 'kind'
            when 'choice' then (select jsonb_agg(jsonb_build_object('option', o #>> '{}',
                'count', (select count(*) from r where r.answers -> (q ->> 'id') = o)) order by i)
              from jsonb_array_elements(q -> 'options') with ordinality as t(o, i))
            when 'rating' then (select jsonb_agg(jsonb_build_object('option', n::text,
                'count', (select count(*) from r where r.answers -> (q ->> 'id') = to_jsonb(n))) order by n)
              from generate_series(1, 5) n) end,
          'average', case when q ->> 'kind' = 'rating' then (select round(avg((r.answers ->> (q ->> 'id'))::numeric), 2)
              from r where r.answers ? (q ->> 'id')) end,
          'texts', case when q ->> 'kind' = 'text' then (select coalesce(jsonb_agg(t.v order by t.at desc), '[]'::jsonb)
              from (select r.answers ->> (q ->> 'id') as v, r.created_at as at from r where r.answers ? (q ->> 'id')
                order by r.created_at desc limit 50) t) end
        ) order by qi), '[]'::jsonb)
        from jsonb_array_elements(v_survey.questions) with ordinality as qq(q, qi))
    )
  );
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------------
revoke all on public.referrals, public.referral_shares, public.lotteries, public.lottery_entries,
  public.lottery_winners, public.surveys, public.survey_responses from anon, authenticated;
grant select on public.referrals, public.referral_shares, public.lotteries, public.lottery_entries,
  public.lottery_winners, public.surveys, public.survey_responses to authenticated;
-- Written only through the functions above, by every role; the service role reads everything.
revoke insert, update, delete, truncate on public.referrals, public.referral_shares, public.lotteries,
  public.lottery_entries, public.lottery_winners, public.surveys, public.survey_responses from service_role;

revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on function private.is_staff(uuid, public.staff_role), private.owns_member(uuid),
  private.staff_role_in(uuid), private.is_member_of(uuid) to authenticated, service_role;

revoke execute on function public.my_referrals(uuid), public.note_referral_share(uuid, text),
  public.create_lottery(uuid, text, timestamptz, text, numeric, numeric, int, int, uuid, timestamptz, int, timestamptz),
  public.enter_lottery(uuid, int, text, timestamptz), public.draw_lottery(uuid, timestamptz),
  public.run_due_draws(timestamptz), public.lottery_proof(uuid), public.my_lotteries(uuid, timestamptz),
  public.lottery_standings(uuid),
  public.save_survey(uuid, text, jsonb, boolean, text, int, uuid), public.my_surveys(timestamptz),
  public.answer_survey(uuid, int, jsonb, timestamptz), public.survey_results(uuid, timestamptz, timestamptz, text)
  from public, anon;
grant execute on function public.my_referrals(uuid), public.note_referral_share(uuid, text),
  public.create_lottery(uuid, text, timestamptz, text, numeric, numeric, int, int, uuid, timestamptz, int, timestamptz),
  public.enter_lottery(uuid, int, text, timestamptz), public.draw_lottery(uuid, timestamptz),
  public.lottery_proof(uuid), public.my_lotteries(uuid, timestamptz), public.lottery_standings(uuid),
  public.save_survey(uuid, text, jsonb, boolean, text, int, uuid), public.my_surveys(timestamptz),
  public.answer_survey(uuid, int, jsonb, timestamptz), public.survey_results(uuid, timestamptz, timestamptz, text)
  to authenticated, service_role;
revoke execute on function public.run_due_draws(timestamptz) from authenticated;
grant execute on function public.run_due_draws(timestamptz) to service_role;
