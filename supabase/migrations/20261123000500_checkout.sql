-- The counter: what the checkout and POS edge functions call. The function works out who acts and
-- what the rules give; the database does everything else in one transaction per checkout, naming
-- the cashier (or the POS key) in every entry through `private.actor()`.

-- A punch-card gift is a reward issued for free, so a redemption may cost nothing.
alter table public.redemptions drop constraint redemptions_points_cost_check,
  add constraint redemptions_points_cost_check check (points_cost >= 0);

-- ---------------------------------------------------------------------------------------------
-- POS API keys: per club, shown once, stored as a SHA-256 hash, revocable, rate-limited per key.
-- ---------------------------------------------------------------------------------------------
create table public.pos_api_keys (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 80),
  -- The part of the key people see in lists, to tell keys apart; the rest is never stored.
  prefix text not null unique check (prefix ~ '^[0-9a-f]{12}$'),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by uuid references auth.users (id) on delete set null,
  last_used_at timestamptz,
  rate_limit int not null default 120 check (rate_limit between 1 and 100000),
  -- A fixed one-minute window: requests counted since window_start.
  window_start timestamptz,
  window_count int not null default 0 check (window_count >= 0)
);
create index pos_api_keys_program_id_idx on public.pos_api_keys (program_id, created_at desc);
create index pos_api_keys_created_by_idx on public.pos_api_keys (created_by);
create index pos_api_keys_revoked_by_idx on public.pos_api_keys (revoked_by);
alter table public.pos_api_keys enable row level security;

create policy "Managers read their club's POS keys" on public.pos_api_keys
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

-- Managers see a key's name, prefix and use, never its hash; keys change only through the functions.
revoke all on public.pos_api_keys from anon, authenticated;
grant select (id, program_id, name, prefix, created_by, created_at, revoked_at, revoked_by, last_used_at,
  rate_limit) on public.pos_api_keys to authenticated;
revoke insert, update, delete, truncate on public.pos_api_keys from service_role;

/* Names who acts for the rest of the transaction: the staff member, and the POS key if one. */
create function private.act_as(p_actor uuid, p_pos_key_id uuid default null) returns void
language sql volatile
set search_path = ''
as $$
  select set_config('vafa.actor', coalesce(p_actor::text, ''), true),
    set_config('vafa.pos_key', coalesce(p_pos_key_id::text, ''), true)
$$;

/* A manager or owner creates a key for the club's point-of-sale system. The key is shown only now. */
create function public.create_pos_key(p_program_id uuid, p_name text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_prefix text := encode(extensions.gen_random_bytes(6), 'hex');
  v_key text := 'vafa_pos_' || v_prefix || '_' || encode(extensions.gen_random_bytes(24), 'hex');
  v_row public.pos_api_keys;
begin
  perform private.require_staff(p_program_id, 'manager');
  if char_length(coalesce(trim(p_name), '')) not between 1 and 80 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Name the key (1 to 80 characters), e.g. after the till it is for.');
  end if;
  insert into public.pos_api_keys (program_id, name, prefix, key_hash, created_by)
  values (p_program_id, trim(p_name), v_prefix, encode(sha256(convert_to(v_key, 'UTF8')), 'hex'), private.actor())
  returning * into v_row;
  perform private.audit(p_program_id, 'pos_key.create', 'pos_api_keys', v_row.id::text,
    jsonb_build_object('name', v_row.name, 'prefix', v_prefix));
  return jsonb_build_object('id', v_row.id, 'name', v_row.name, 'prefix', v_prefix, 'key', v_key,
    'created_at', v_row.created_at, 'rate_limit', v_row.rate_limit);
end
$$;

/* A manager or owner revokes a key at once; a revoked key stays listed, with when and by whom. */
create function public.revoke_pos_key(p_key_id uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.pos_api_keys;
begin
  select * into v_row from public.pos_api_keys where id = p_key_id for update;
  if v_row.id is null or not (private.is_trusted() or private.is_staff(v_row.program_id, 'manager')) then
    if v_row.id is not null and private.staff_role_in(v_row.program_id) is not null then
      perform private.fail('VAFA_FORBIDDEN', 'Only a manager or owner of this club may revoke its keys.', '42501');
    end if;
    perform private.fail('VAFA_API_KEY_NOT_FOUND', 'There is no such key in your clubs.');
  end if;
  if v_row.revoked_at is null then
    update public.pos_api_keys set revoked_at = now(), revoked_by = private.actor() where id = p_key_id
    returning * into v_row;
    perform private.audit(v_row.program_id, 'pos_key.revoke', 'pos_api_keys', p_key_id::text,
      jsonb_build_object('name', v_row.name, 'prefix', v_row.prefix));
  end if;
  return jsonb_build_object('id', v_row.id, 'revoked_at', v_row.revoked_at);
end
$$;

/*
 * Authenticates a POS request by its key and counts it against the key's rate limit (a fixed
 * one-minute window kept in the key's row, so concurrent requests queue on it and count exactly).
 * Service role only. Returns the club, the key and who created it (the actor of what it records).
 */
create function public.pos_authenticate(p_key text) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.pos_api_keys;
  v_window timestamptz := date_trunc('minute', now());
begin
  if coalesce(p_key, '') !~ '^vafa_pos_[0-9a-f]{12}_[0-9a-f]{48}$' then
    perform private.fail('VAFA_API_KEY_INVALID', 'Send the key in the X-Vafa-Pos-Key header, as shown when it was created.', '28000');
  end if;
  update public.pos_api_keys set
    window_count = case when window_start = v_window then window_count + 1 else 1 end,
    window_start = v_window,
    last_used_at = now()
  where key_hash = encode(sha256(convert_to(p_key, 'UTF8')), 'hex') and revoked_at is null
  returning * into v_row;
  if v_row.id is null then
    if exists (select 1 from public.pos_api_keys where key_hash = encode(sha256(convert_to(p_key, 'UTF8')), 'hex')) then
      perform private.fail('VAFA_API_KEY_REVOKED', 'This key was revoked; ask a manager for a new one.', '42501');
    end if;
    perform private.fail('VAFA_API_KEY_INVALID', 'This key is not known; check it was copied whole.', '28000');
  end if;
  -- The refusal rolls the count back, so a key over its limit stays at the limit, not beyond.
  if v_row.window_count > v_row.rate_limit then
    perform private.fail('VAFA_RATE_LIMITED', format('This key may make %s requests a minute; try again after %s.',
      v_row.rate_limit, to_char(v_window + interval '1 minute', 'HH24:MI:SS')));
  end if;
  return jsonb_build_object('program_id', v_row.program_id, 'key_id', v_row.id, 'actor', v_row.created_by,
    'limit', v_row.rate_limit, 'remaining', v_row.rate_limit - v_row.window_count,
    'reset_at', v_window + interval '1 minute');
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Checkout: one read for everything the rules need, then one transaction that applies the result.
-- ---------------------------------------------------------------------------------------------

/*
 * Everything a checkout needs in one round trip: that `p_staff` is staff of the club (or that the
 * POS key is live), the first receipt when the key was used for this checkout before, the member
 * behind the card with what the rules read, the card's secret, the club and the rules in force.
 * `p_card_kind`: qr | member (a member id), fallback | number (a member number), phone (E.164).
 * A phone typed without its country code comes as `p_phone_by_country` ({"IR": "+98…", "IL": …}),
 * read in the club's country (settings.country, else IR for fa clubs and IL for he clubs).
 */
create function public.checkout_context(
  p_program text, p_staff uuid, p_card_kind text, p_card_ref text, p_idempotency_key text default null,
  p_request jsonb default null, p_pos_key_id uuid default null, p_phone_by_country jsonb default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_program public.programs;
  v_role text;
  v_op public.operations;
  v_member public.members;
  v_tier public.tiers;
  v_rules public.earning_rules;
  v_phone text;
  v_uuid constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
begin
  if lower(coalesce(p_program, '')) ~ v_uuid then
    select * into v_program from public.programs where id = p_program::uuid;
  else
    select * into v_program from public.programs where slug = lower(trim(p_program));
  end if;
  if v_program.id is null then
    perform private.fail('VAFA_PROGRAM_NOT_FOUND', 'There is no such club.');
  end if;
  if p_pos_key_id is not null then
    if not exists (select 1 from public.pos_api_keys k
        where k.id = p_pos_key_id and k.program_id = v_program.id and k.revoked_at is null) then
      perform private.fail('VAFA_API_KEY_REVOKED', 'This key was revoked; ask a manager for a new one.', '42501');
    end if;
    v_role := 'pos';
  else
    select s.role::text into v_role from public.program_staff s
    where s.program_id = v_program.id and s.user_id = p_staff;
    if v_role is null then
      perform private.fail('VAFA_FORBIDDEN', 'Only the staff of this club may check its members out.', '42501');
    end if;
  end if;

  if p_idempotency_key is not null then
    select * into v_op from public.operations o
    where o.program_id = v_program.id and o.idempotency_key = p_idempotency_key;
    if v_op.id is not null then
      if v_op.kind <> 'checkout' or (p_request is not null and v_op.request <> p_request) then
        perform private.fail('VAFA_IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request.');
      end if;
      return jsonb_build_object('role', v_role, 'replay', v_op.result);
    end if;
  end if;

  if p_card_kind in ('qr', 'member') and lower(p_card_ref) ~ v_uuid then
    select * into v_member from public.members where id = p_card_ref::uuid and program_id = v_program.id;
  elsif p_card_kind in ('fallback', 'number') and p_card_ref ~ '^\d{1,18}$' then
    select * into v_member from public.members where member_number = p_card_ref::bigint and program_id = v_program.id;
  elsif p_card_kind = 'phone' then
    v_phone := coalesce(p_phone_by_country ->> coalesce(v_program.settings ->> 'country',
      case v_program.locale when 'fa' then 'IR' when 'he' then 'IL' end), p_card_ref);
    -- The user by phone, then the membership: two unique look-ups, whatever the planner thinks.
    if v_phone ~ '^\+\d{6,17}$' then
      select m.* into v_member from public.members m
      where m.program_id = v_program.id
        and m.user_id = (select u.id from auth.users u where u.phone = ltrim(v_phone, '+'));
    end if;
  end if;
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No member of this club has this card or phone number.');
  end if;
  select * into v_tier from public.tiers where id = v_member.tier_id;
  -- The version in force now: the latest to take effect, as versionAt() picks it.
  select * into v_rules from public.earning_rules r
  where r.program_id = v_program.id and r.effective_from <= now()
  order by r.effective_from desc, r.version desc limit 1;

  return jsonb_build_object(
    'role', v_role,
    'program', jsonb_build_object('id', v_program.id, 'slug', v_program.slug, 'name', v_program.name,
      'currency', v_program.currency, 'locale', v_program.locale, 'timezone', v_program.timezone,
      'country', v_program.settings ->> 'country'),
    'member', jsonb_build_object(
      'id', v_member.id, 'member_number', v_member.member_number, 'display_name', v_member.display_name,
      'tier', jsonb_build_object('rank', coalesce(v_tier.rank, 0), 'name', v_tier.name,
        'multiplier', coalesce(v_tier.multiplier, 1)),
      'visit_count', v_member.visit_count,
      'birthday', v_member.birthday,
      'first_purchase', not exists (select 1 from public.purchases p where p.member_id = v_member.id),
      'referred_by', v_member.referred_by,
      'points_earned_today', (
        select coalesce(sum(e.amount), 0) from public.ledger_entries e
        where e.member_id = v_member.id and e.account_kind = 'points' and e.kind = 'earn'
          and e.created_at >= (date_trunc('day', now() at time zone v_program.timezone) at time zone v_program.timezone)),
      'birthday_bonus_at', (
        select max(e.created_at) from public.ledger_entries e
        where e.member_id = v_member.id and e.reason_key = 'rule.birthday'
          and e.created_at > now() - interval '40 days'),
      'balances', private.balances(v_member.id)),
    'secret', case when p_card_kind in ('qr', 'fallback') then public.card_secret_for(v_member.id) end,
    'rules', case when v_rules.id is not null then jsonb_build_object('version', v_rules.version,
      'rules', v_rules.rules, 'effective_from', v_rules.effective_from) end,
    'now', now()
  );
end
$$;

/* Credits the referrer's bonus for a referee's first purchase; the referrer's row is locked first. */
create function private.credit_referrer(
  p_member public.members, p_lines jsonb, p_op_id uuid, p_rule_version int, p_now timestamptz
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_referrer public.members;
  v_line jsonb;
  v_total bigint := 0;
begin
  if jsonb_typeof(p_lines) is distinct from 'array' or jsonb_array_length(p_lines) = 0 then
    return 0;
  end if;
  if p_member.referred_by is null then
    perform private.fail('VAFA_INVALID_ACCRUAL', 'Only a referred member''s purchase credits a referrer.');
  end if;
  -- Accounts, then the member row: the order every ledger operation locks them in.
  perform 1 from public.accounts a where a.member_id = p_member.referred_by order by a.kind for update;
  select * into v_referrer from public.members
  where id = p_member.referred_by and program_id = p_member.program_id for update;
  if v_referrer.id is null then
    return 0;
  end if;
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
  if v_total > 0 then
    perform private.recompute_tier(v_referrer.id, p_now);
  end if;
  return v_total;
end
$$;

/* Issues each punch-card gift as a free redemption; one out of stock or retired is reported, not fatal. */
create function private.issue_gifts(p_member public.members, p_gifts jsonb, p_now timestamptz) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_gift jsonb;
  v_reward public.rewards;
  v_redemption public.redemptions;
  v_result jsonb := '[]'::jsonb;
  v_status text;
begin
  for v_gift in select * from jsonb_array_elements(coalesce(p_gifts, '[]'::jsonb)) loop
    v_reward := null;
    v_redemption := null;
    if coalesce(v_gift ->> 'reward_id', '') ~ '^[0-9a-f-]{36}$' then
      select * into v_reward from public.rewards
      where id = (v_gift ->> 'reward_id')::uuid and program_id = p_member.program_id;
    end if;
    if v_reward.id is null or not v_reward.active then
      v_status := 'unavailable';
    else
      v_status := 'issued';
      if v_reward.stock is not null then
        update public.rewards set stock = stock - 1 where id = v_reward.id and stock > 0;
        if not found then
          v_status := 'out_of_stock';
        end if;
      end if;
    end if;
    if v_status = 'issued' then
      insert into public.redemptions (program_id, member_id, reward_id, code, points_cost, issued_at, expires_at)
      values (p_member.program_id, p_member.id, v_reward.id, private.random_code(8), 0, p_now,
        p_now + make_interval(days => v_reward.redemption_valid_days))
      returning * into v_redemption;
      perform private.audit(p_member.program_id, 'gift.issue', 'redemptions', v_redemption.id::text,
        jsonb_build_object('member_id', p_member.id, 'reward_id', v_reward.id, 'reason_key', v_gift ->> 'reason_key'));
    end if;
    v_result := v_result || jsonb_build_object(
      'reward_id', v_gift ->> 'reward_id', 'name', v_reward.name, 'status', v_status,
      'redemption_id', v_redemption.id, 'code', v_redemption.code, 'expires_at', v_redemption.expires_at,
      'reason_key', coalesce(v_gift ->> 'reason_key', 'rule.punch_card'),
      'reason_params', coalesce(v_gift -> 'reason_params', '{}'::jsonb));
  end loop;
  return v_result;
end
$$;

/*
 * Applies a checkout in one transaction: claims the card's step, records the purchase with the
 * rules' lines, credits the referrer, issues gifts, uses redemption codes, takes wallet money and
 * points for the purchase and tops the wallet up. Any failure changes nothing. Service role only;
 * `p` carries what the edge function worked out:
 *   program_id, member_id, actor, pos_key_id?, idempotency_key, request (what the client sent, for
 *   replays), visit_count (as the rules saw it), card?: {kind, step}, amount, lines?, external_ref?,
 *   accrual: [{points, reason_key, reason_params, line?}], referrer_accrual?, gifts?, capped?,
 *   rule_version?, redeem?: [code], wallet_spend?, points_spend?, wallet_topup?, now? (tests).
 * Sub-operations take keys derived from the checkout's key, so a replay of any part is exact.
 */
create function public.checkout_apply(p jsonb) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_program_id uuid := (p ->> 'program_id')::uuid;
  v_key text := p ->> 'idempotency_key';
  v_now timestamptz := private.clock((p ->> 'now')::timestamptz);
  v_member public.members;
  v_op record;
  v_points_before bigint;
  v_purchase jsonb;
  v_purchase_id uuid;
  v_code jsonb;
  v_index int := 0;
  v_owner uuid;
  v_used jsonb := '[]'::jsonb;
  v_result jsonb;
  v_referrer bigint;
  v_gifts jsonb;
  v_receipt jsonb;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN', 'Checkouts are applied by the checkout function only.', '42501');
  end if;
  perform private.act_as((p ->> 'actor')::uuid, (p ->> 'pos_key_id')::uuid);
  v_member := private.member((p ->> 'member_id')::uuid, coalesce(v_program_id, '00000000-0000-0000-0000-000000000000'));
  if char_length(v_key) > 180 then
    perform private.fail('VAFA_INVALID_REQUEST', 'An idempotency key for a checkout is 8 to 180 characters.');
  end if;
  select * into v_op from private.begin_op(v_program_id, v_key, 'checkout', coalesce(p -> 'request', '{}'::jsonb));
  if v_op.replay is not null then
    return v_op.replay;
  end if;

  -- The rules read the member as they were; if a concurrent checkout moved them on, evaluate again.
  perform 1 from public.accounts a where a.member_id = v_member.id order by a.kind for update;
  select * into v_member from public.members where id = v_member.id for update;
  if p ? 'visit_count' and v_member.visit_count <> (p ->> 'visit_count')::int then
    perform private.fail('VAFA_CHECKOUT_STALE', 'The member''s card changed during this checkout; try again.');
  end if;
  if p -> 'card' ->> 'step' is not null
      and not public.claim_card_step(v_member.id, (p -> 'card' ->> 'step')::bigint) then
    perform private.fail('VAFA_CARD_REPLAYED', 'This code was already used. Ask the member to show the live card.');
  end if;
  select balance into v_points_before from public.accounts where member_id = v_member.id and kind = 'points';

  v_purchase := public.record_purchase(v_program_id, v_member.id, (p ->> 'amount')::numeric,
    coalesce(p -> 'accrual', '[]'::jsonb), v_key || ':purchase', coalesce(p -> 'lines', '[]'::jsonb),
    p ->> 'external_ref', (p ->> 'rule_version')::int, (p ->> 'actor')::uuid, v_now);
  v_purchase_id := (v_purchase ->> 'purchase_id')::uuid;
  v_referrer := private.credit_referrer(v_member, p -> 'referrer_accrual', v_op.op_id,
    (p ->> 'rule_version')::int, v_now);
  v_gifts := private.issue_gifts(v_member, p -> 'gifts', v_now);

  for v_code in select * from jsonb_array_elements(coalesce(p -> 'redeem', '[]'::jsonb)) loop
    v_index := v_index + 1;
    select d.member_id into v_owner from public.redemptions d
    where d.program_id = v_program_id and d.code = upper(trim(v_code #>> '{}'));
    if v_owner is not null and v_owner <> v_member.id then
      perform private.fail('VAFA_REDEMPTION_NOT_YOURS', 'This code belongs to another member''s card.');
    end if;
    v_result := public.use_redemption(v_program_id, v_code #>> '{}', v_key || ':redeem:' || v_index,
      v_purchase_id, v_now);
    v_used := v_used || jsonb_build_object('code', upper(trim(v_code #>> '{}')),
      'redemption_id', v_result -> 'redemption_id', 'reward', v_result -> 'reward');
  end loop;

  if (p ->> 'points_spend') is not null then
    -- Points pay from what the member held before this purchase, not from what it earns.
    if (p ->> 'points_spend')::numeric > v_points_before then
      perform private.fail('VAFA_INSUFFICIENT_POINTS',
        format('The member had %s points before this purchase; %s are needed.', v_points_before, p ->> 'points_spend'));
    end if;
    perform public.pay_with_points(v_member.id, (p ->> 'points_spend')::numeric, v_key || ':points', v_purchase_id, v_now);
  end if;
  if (p ->> 'wallet_spend') is not null then
    perform public.wallet_spend(v_member.id, (p ->> 'wallet_spend')::numeric, v_key || ':wallet', v_purchase_id, v_now);
  end if;
  if (p ->> 'wallet_topup') is not null then
    perform public.wallet_topup(v_member.id, (p ->> 'wallet_topup')::numeric, v_key || ':topup', v_now);
  end if;

  v_receipt := jsonb_build_object(
    'purchase_id', v_purchase_id,
    'member', jsonb_build_object('id', v_member.id, 'member_number', v_member.member_number,
      'display_name', v_member.display_name),
    'amount', v_purchase -> 'amount',
    'external_ref', p -> 'external_ref',
    'points_earned', v_purchase -> 'points_earned',
    'lines', (select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('points', (l ->> 'points')::bigint,
        'reason_key', l ->> 'reason_key', 'reason_params', coalesce(l -> 'reason_params', '{}'::jsonb),
        'line', l -> 'line')) order by n), '[]'::jsonb)
      from jsonb_array_elements(coalesce(p -> 'accrual', '[]'::jsonb)) with ordinality as x(l, n)),
    'capped', coalesce((p ->> 'capped')::boolean, false),
    'referrer_points', v_referrer,
    'redemptions_used', v_used,
    'gifts', v_gifts,
    'payments', jsonb_build_object('wallet', coalesce((p ->> 'wallet_spend')::bigint, 0),
      'points', coalesce((p ->> 'points_spend')::bigint, 0)),
    'wallet_topup', coalesce((p ->> 'wallet_topup')::bigint, 0),
    'balances', private.balances(v_member.id),
    'tier', jsonb_build_object('before', v_purchase -> 'tier' -> 'before', 'after', v_purchase -> 'tier' -> 'after',
      'name', (select t.name from public.tiers t join public.members m on m.tier_id = t.id where m.id = v_member.id)),
    'rule_version', p -> 'rule_version',
    'recorded_at', v_now
  );
  perform private.audit(v_program_id, 'checkout', 'purchases', v_purchase_id::text, jsonb_build_object(
    'member_id', v_member.id, 'amount', v_purchase -> 'amount', 'points_earned', v_purchase -> 'points_earned',
    'card', p -> 'card' ->> 'kind', 'redeemed', jsonb_array_length(v_used),
    'wallet_spend', p -> 'wallet_spend', 'points_spend', p -> 'points_spend', 'wallet_topup', p -> 'wallet_topup'));
  return private.finish_op(v_op.op_id, v_receipt);
end
$$;

/*
 * A refund from a point-of-sale system: the purchase (by id or the till's reference) must be of the
 * key's club; then it is refund_purchase, with the key's creator as the actor.
 */
create function public.pos_refund(
  p_program_id uuid, p_key_id uuid, p_actor uuid, p_purchase_id uuid, p_external_ref text, p_amount numeric,
  p_idempotency_key text, p_now timestamptz default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_purchase public.purchases;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN', 'Refunds from a till go through the POS function only.', '42501');
  end if;
  perform private.act_as(p_actor, p_key_id);
  select * into v_purchase from public.purchases u
  where u.program_id = p_program_id
    and (u.id = p_purchase_id or (p_purchase_id is null and u.external_ref = p_external_ref));
  if v_purchase.id is null then
    perform private.fail('VAFA_PURCHASE_NOT_FOUND', 'This club has no purchase with that id or reference.');
  end if;
  return public.refund_purchase(v_purchase.id, p_amount, p_idempotency_key, p_now)
    || jsonb_build_object('external_ref', v_purchase.external_ref, 'member_id', v_purchase.member_id);
end
$$;

revoke execute on function public.create_pos_key(uuid, text), public.revoke_pos_key(uuid),
  public.pos_authenticate(text), public.checkout_context(text, uuid, text, text, text, jsonb, uuid, jsonb),
  public.checkout_apply(jsonb), public.pos_refund(uuid, uuid, uuid, uuid, text, numeric, text, timestamptz)
  from public, anon, authenticated;
grant execute on function public.create_pos_key(uuid, text), public.revoke_pos_key(uuid) to authenticated, service_role;
grant execute on function public.pos_authenticate(text), public.checkout_context(text, uuid, text, text, text, jsonb, uuid, jsonb),
  public.checkout_apply(jsonb), public.pos_refund(uuid, uuid, uuid, uuid, text, numeric, text, timestamptz)
  to service_role;
revoke execute on function private.act_as(uuid, uuid), private.credit_referrer(public.members, jsonb, uuid, int, timestamptz),
  private.issue_gifts(public.members, jsonb, timestamptz) from public, anon, authenticated;
