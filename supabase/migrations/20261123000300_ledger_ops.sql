-- Ledger operations: one function each, atomic (one transaction), idempotent by key (a replay returns
-- the first result), and failing with a stable code that changes nothing. Internal pieces live in
-- `private`, which the API does not expose; the public functions check who is calling.

-- Errors: message = the stable code the app translates, detail = what a person can act on.
create function private.fail(p_code text, p_message text, p_errcode text default 'P0001') returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  raise exception using errcode = p_errcode, message = p_code, detail = p_message;
end
$$;

/*
 * Trusted callers: the service role through the API, or a direct database session without JWT
 * claims (jobs, migrations). Inside security definer functions current_user is the owner, so the
 * caller is told by the request's claims and the session user, never by current_user.
 */
create function private.is_trusted() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.role() = 'service_role', false)
    or (auth.role() is null and session_user not in ('authenticator', 'anon', 'authenticated'))
$$;

/*
 * Who acts: the signed-in user, or, for trusted callers (the checkout and POS functions act as the
 * service role), the staff member they name in the transaction-local setting `vafa.actor`.
 */
create function private.actor() returns uuid
language sql stable
set search_path = ''
as $$
  select coalesce(auth.uid(),
    case when private.is_trusted() then nullif(current_setting('vafa.actor', true), '')::uuid end)
$$;

/* The time an operation acts at. Only trusted callers (jobs, tests) may name another time. */
create function private.clock(p_now timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select case when p_now is not null and private.is_trusted() then p_now else now() end
$$;

/*
 * Checks an amount and returns it as bigint. The API takes amounts as numeric so that a fraction
 * or a number beyond bigint gets this stable code instead of a cast error from PostgREST.
 */
create function private.require_amount(p_amount numeric, p_what text) returns bigint
language plpgsql volatile
set search_path = ''
as $$
begin
  if p_amount is null or p_amount <= 0 or p_amount <> trunc(p_amount) then
    perform private.fail('VAFA_INVALID_AMOUNT', format('%s must be a whole number greater than zero.', p_what));
  end if;
  if p_amount > 1000000000000000 then
    perform private.fail('VAFA_INVALID_AMOUNT', format('%s is larger than any real purchase.', p_what));
  end if;
  return p_amount::bigint;
end
$$;

/* When points credited now expire under the club's settings (null: never). */
create function private.points_expiry(p_program_id uuid, p_now timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select p_now + make_interval(days => nullif(p.settings ->> 'points_expiry_days', '')::int)
  from public.programs p where p.id = p_program_id
$$;

/*
 * Starts an idempotent operation. Returns (op_id, replay): a new op_id and null, or the first
 * call's result when the key was used before with the same request. A concurrent call with the
 * same key waits on the unique index until the first one commits, then replays it.
 */
create function private.begin_op(
  p_program_id uuid, p_key text, p_kind text, p_request jsonb, out op_id uuid, out replay jsonb
)
language plpgsql
set search_path = ''
as $$
declare
  v_existing public.operations;
begin
  if p_key is null or char_length(p_key) not between 8 and 200 then
    perform private.fail('VAFA_IDEMPOTENCY_KEY_REQUIRED', 'Send an idempotency key of 8 to 200 characters with every change.');
  end if;
  insert into public.operations (program_id, idempotency_key, kind, request, actor)
  values (p_program_id, p_key, p_kind, p_request, private.actor())
  on conflict (program_id, idempotency_key) do nothing
  returning id into op_id;
  if op_id is not null then
    return;
  end if;
  select * into v_existing from public.operations o
  where o.program_id = p_program_id and o.idempotency_key = p_key;
  if v_existing.kind <> p_kind or v_existing.request <> p_request then
    perform private.fail('VAFA_IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request.');
  end if;
  replay := v_existing.result;
end
$$;

create function private.finish_op(p_op_id uuid, p_result jsonb) returns jsonb
language sql
set search_path = ''
as $$
  update public.operations set result = p_result where id = p_op_id returning result
$$;

create function private.audit(p_program_id uuid, p_action text, p_table text, p_target text, p_details jsonb)
returns void
language sql
set search_path = ''
as $$
  -- A point-of-sale system acting through its API key is named in every entry it causes.
  insert into public.audit_log (program_id, actor, action, target_table, target_id, details)
  values (p_program_id, private.actor(), p_action, p_table, p_target, coalesce(p_details, '{}'::jsonb)
    || case when private.is_trusted() and nullif(current_setting('vafa.pos_key', true), '') is not null
      then jsonb_build_object('pos_key_id', current_setting('vafa.pos_key', true)) else '{}'::jsonb end)
$$;

/* The member, checked to belong to `p_program_id` when that is given. */
create function private.member(p_member_id uuid, p_program_id uuid default null) returns public.members
language plpgsql stable
set search_path = ''
as $$
declare
  v_member public.members;
begin
  select * into v_member from public.members m where m.id = p_member_id;
  if v_member.id is null or (p_program_id is not null and v_member.program_id <> p_program_id) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such member in this club.');
  end if;
  return v_member;
end
$$;

/* Refuses unless the caller is staff of the club with at least `p_min`, or the service role. */
create function private.require_staff(p_program_id uuid, p_min public.staff_role) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if private.is_trusted() then
    return;
  end if;
  if not coalesce(private.staff_role_in(p_program_id) >= p_min, false) then
    perform private.fail('VAFA_FORBIDDEN', format('Only a %s or above of this club may do this.', p_min), '42501');
  end if;
end
$$;

/*
 * Posts one entry: locks the account, moves its balance (never below zero), keeps points lots in
 * step (a credit opens a lot; a debit consumes lots first-in first-out, the purchase's own first
 * when `p_purchase_id` is given for a clawback, `p_lot_id` first when expiring that lot) and
 * returns the entry.
 */
create function private.post(
  p_member public.members,
  p_account_kind public.account_kind,
  p_kind public.entry_kind,
  p_amount bigint,
  p_reason_key text,
  p_reason_params jsonb,
  p_op_id uuid,
  p_now timestamptz,
  p_purchase_id uuid default null,
  p_purchase_line int default null,
  p_redemption_id uuid default null,
  p_rule_version int default null,
  p_expires_at timestamptz default null,
  p_lot_id bigint default null
) returns public.ledger_entries
language plpgsql
set search_path = ''
as $$
declare
  v_account public.accounts;
  v_entry public.ledger_entries;
  v_left bigint;
  v_lot record;
  v_take bigint;
begin
  select * into v_account from public.accounts a
  where a.member_id = p_member.id and a.kind = p_account_kind
  for update;
  if v_account.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'This member has no account of that kind.');
  end if;
  if v_account.balance + p_amount < 0 then
    if p_account_kind = 'points' then
      perform private.fail('VAFA_INSUFFICIENT_POINTS',
        format('The member has %s points; %s are needed.', v_account.balance, -p_amount));
    else
      perform private.fail('VAFA_INSUFFICIENT_FUNDS',
        format('The wallet holds %s; %s is needed.', v_account.balance, -p_amount));
    end if;
  end if;
  update public.accounts set balance = balance + p_amount, updated_at = p_now
  where id = v_account.id
  returning * into v_account;

  insert into public.ledger_entries (
    program_id, account_id, member_id, account_kind, kind, amount, balance_after, reason_key,
    reason_params, purchase_id, purchase_line, redemption_id, rule_version, operation_id, actor, created_at
  ) values (
    p_member.program_id, v_account.id, p_member.id, p_account_kind, p_kind, p_amount, v_account.balance,
    p_reason_key, coalesce(p_reason_params, '{}'::jsonb), p_purchase_id, p_purchase_line,
    p_redemption_id, p_rule_version, p_op_id, private.actor(), p_now
  ) returning * into v_entry;

  if p_account_kind = 'points' then
    if p_amount > 0 then
      insert into public.points_lots (program_id, account_id, entry_id, purchase_id, amount, remaining, earned_at, expires_at)
      values (p_member.program_id, v_account.id, v_entry.id, p_purchase_id, p_amount, p_amount, p_now, p_expires_at);
    else
      v_left := -p_amount;
      for v_lot in
        select l.id, l.remaining from public.points_lots l
        where l.account_id = v_account.id and l.remaining > 0
        order by l.id is not distinct from p_lot_id desc,
          (p_kind = 'clawback' and l.purchase_id is not distinct from p_purchase_id) desc,
          l.expires_at nulls last, l.id
        for update
      loop
        exit when v_left = 0;
        v_take := least(v_left, v_lot.remaining);
        update public.points_lots set remaining = remaining - v_take where id = v_lot.id;
        v_left := v_left - v_take;
      end loop;
      if v_left <> 0 then
        perform private.fail('VAFA_LEDGER_INCONSISTENT', 'Points lots do not cover the balance; nothing was changed.');
      end if;
    end if;
  end if;
  return v_entry;
end
$$;

create function private.balances(p_member_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_object_agg(a.kind, a.balance) from public.accounts a where a.member_id = p_member_id
$$;

create function private.entry_json(p_entry public.ledger_entries) returns jsonb
language sql immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_entry.id, 'account', p_entry.account_kind, 'kind', p_entry.kind, 'amount', p_entry.amount,
    'balance_after', p_entry.balance_after, 'reason_key', p_entry.reason_key,
    'reason_params', p_entry.reason_params, 'purchase_line', p_entry.purchase_line,
    'created_at', p_entry.created_at
  )
$$;

/*
 * Sets the member's tier from points earned in each tier's qualification window: up at once, down
 * only once the current tier's grace has run out. A refund passes the refunded purchase's time as
 * `p_revoke_since`: a tier reached since then was reached with that purchase, so no grace is owed.
 * Returns {before, after, grace_until}.
 */
create function private.recompute_tier(p_member_id uuid, p_now timestamptz, p_revoke_since timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_member public.members;
  v_current public.tiers;
  v_qualified public.tiers;
begin
  -- Not FOR UPDATE: a concurrent purchase holds a key-share lock on this row (its foreign key)
  -- while it waits for the account this transaction locked, and the two would deadlock.
  select * into v_member from public.members where id = p_member_id for no key update;
  select * into v_current from public.tiers where id = v_member.tier_id;
  select t.* into v_qualified from public.tiers t
  where t.program_id = v_member.program_id
    and t.threshold <= (
      select coalesce(sum(e.amount), 0) from public.ledger_entries e
      where e.member_id = v_member.id and e.account_kind = 'points' and e.kind in ('earn', 'clawback')
        and e.created_at > p_now - make_interval(days => t.window_days) and e.created_at <= p_now
    )
  order by t.rank desc limit 1;

  if v_qualified.id is null then
    return jsonb_build_object('before', v_current.rank, 'after', v_current.rank, 'grace_until', v_member.tier_grace_until);
  end if;
  if v_current.id is null or v_qualified.rank >= v_current.rank then
    -- Most purchases change nothing here; skipping the no-op update keeps the member row cold.
    if v_current.id is distinct from v_qualified.id or v_member.tier_grace_until is not null then
      update public.members set
        tier_id = v_qualified.id,
        tier_since = case when tier_id is distinct from v_qualified.id then p_now else tier_since end,
        tier_grace_until = null
      where id = v_member.id;
    end if;
  elsif p_revoke_since is not null and v_member.tier_since >= p_revoke_since then
    update public.members set tier_id = v_qualified.id, tier_since = p_now, tier_grace_until = null where id = v_member.id;
  elsif v_member.tier_grace_until is null then
    update public.members set tier_grace_until = p_now + make_interval(days => v_current.downgrade_grace_days)
    where id = v_member.id
    returning * into v_member;
    if v_member.tier_grace_until <= p_now then
      update public.members set tier_id = v_qualified.id, tier_since = p_now, tier_grace_until = null where id = v_member.id;
    end if;
  elsif v_member.tier_grace_until <= p_now then
    update public.members set tier_id = v_qualified.id, tier_since = p_now, tier_grace_until = null where id = v_member.id;
  end if;
  select * into v_member from public.members where id = p_member_id;
  return jsonb_build_object(
    'before', v_current.rank,
    'after', (select rank from public.tiers where id = v_member.tier_id),
    'grace_until', v_member.tier_grace_until
  );
end
$$;

-- Every new member gets a points and a wallet account, and the club's base tier.
create function private.open_accounts() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.accounts (program_id, member_id, kind)
  values (new.program_id, new.id, 'points'), (new.program_id, new.id, 'wallet')
  on conflict do nothing;
  return new;
end
$$;
create trigger members_open_accounts after insert on public.members
  for each row execute function private.open_accounts();

create function private.base_tier() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.tier_id is null then
    select t.id, now() into new.tier_id, new.tier_since from public.tiers t
    where t.program_id = new.program_id and t.rank = 0;
  end if;
  return new;
end
$$;
create trigger members_base_tier before insert on public.members
  for each row execute function private.base_tier();

insert into public.accounts (program_id, member_id, kind)
select m.program_id, m.id, k.kind from public.members m
cross join (values ('points'::public.account_kind), ('wallet'::public.account_kind)) as k(kind)
on conflict do nothing;

-- Staff edits of the catalogue, tiers and rules are audited.
create function private.audit_staff_edit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_row jsonb := to_jsonb(coalesce(new, old));
begin
  if private.actor() is not null then
    perform private.audit((v_row ->> 'program_id')::uuid, lower(tg_op), tg_table_name, v_row ->> 'id',
      case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end);
  end if;
  return coalesce(new, old);
end
$$;
create trigger tiers_audit after insert or update or delete on public.tiers
  for each row execute function private.audit_staff_edit();
create trigger rewards_audit after insert or update or delete on public.rewards
  for each row execute function private.audit_staff_edit();
create trigger earning_rules_audit after insert on public.earning_rules
  for each row execute function private.audit_staff_edit();

-- ---------------------------------------------------------------------------------------------
-- The API: each function checks its caller, then acts in one transaction.
-- ---------------------------------------------------------------------------------------------

/* A customer joins a club by its slug, optionally with a friend's referral code. */
create function public.join_program(
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
  if v_member.id is not null then
    return jsonb_build_object('member_id', v_member.id, 'member_number', v_member.member_number,
      'referral_code', v_member.referral_code, 'joined', false);
  end if;
  if nullif(trim(p_referral_code), '') is not null then
    select * into v_referrer from public.members
    where program_id = v_program.id and referral_code = upper(trim(p_referral_code));
    if v_referrer.id is null then
      perform private.fail('VAFA_REFERRAL_CODE_UNKNOWN', 'That referral code is not one of this club''s.');
    end if;
  end if;
  -- Members added another way (seed, an import) may have taken numbers past the counter.
  select greatest(v_program.next_member_number, coalesce(max(m.member_number), 0) + 1) into v_number
  from public.members m where m.program_id = v_program.id;
  insert into public.members (program_id, user_id, member_number, display_name, birthday, referred_by)
  values (v_program.id, v_user, v_number, nullif(trim(p_display_name), ''), p_birthday, v_referrer.id)
  returning * into v_member;
  update public.programs set next_member_number = v_number + 1 where id = v_program.id;
  return jsonb_build_object('member_id', v_member.id, 'member_number', v_member.member_number,
    'referral_code', v_member.referral_code, 'referred_by', v_member.referred_by, 'joined', true);
end
$$;

/*
 * Records a purchase and its accrual lines, computed by the rules engine (the checkout and POS
 * functions). Service role only: the lines are trusted, so no person may hand them in directly.
 * `p_accrual` is an array of {points, reason_key, reason_params?, line?}.
 */
create function public.record_purchase(
  p_program_id uuid, p_member_id uuid, p_amount numeric, p_accrual jsonb, p_idempotency_key text default null,
  p_lines jsonb default '[]'::jsonb, p_external_ref text default null, p_rule_version int default null,
  p_actor uuid default null, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_op record;
  v_member public.members;
  v_purchase public.purchases;
  v_line jsonb;
  v_points bigint;
  v_total bigint := 0;
  v_entries jsonb := '[]'::jsonb;
  v_entry public.ledger_entries;
  v_tier jsonb;
  v_result jsonb;
  v_amount bigint := private.require_amount(p_amount, 'The purchase amount');
begin
  if jsonb_typeof(p_accrual) is distinct from 'array' or jsonb_typeof(p_lines) is distinct from 'array' then
    perform private.fail('VAFA_INVALID_REQUEST', 'Accrual and lines must be JSON arrays.');
  end if;
  -- A missing club must match no member, not skip the club check.
  v_member := private.member(p_member_id, coalesce(p_program_id, '00000000-0000-0000-0000-000000000000'));
  select * into v_op from private.begin_op(p_program_id, p_idempotency_key, 'record_purchase',
    jsonb_build_object('member', p_member_id, 'amount', v_amount, 'accrual', p_accrual, 'lines', p_lines,
      'external_ref', p_external_ref, 'rule_version', p_rule_version));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  if p_external_ref is not null and exists (
    select 1 from public.purchases where program_id = p_program_id and external_ref = p_external_ref
  ) then
    perform private.fail('VAFA_PURCHASE_DUPLICATE', 'A purchase with this receipt reference is already recorded.');
  end if;

  -- Lines are checked and summed before the purchase is written, so it is written once.
  for v_line in select * from jsonb_array_elements(p_accrual) loop
    -- `is distinct from`: a line without points must be refused, not slip through as null.
    if jsonb_typeof(v_line -> 'points') is distinct from 'number' or (v_line ->> 'points') !~ '^\d{1,15}$' then
      perform private.fail('VAFA_INVALID_ACCRUAL', 'Every accrual line needs a whole, non-negative number of points.');
    end if;
    if coalesce(v_line ->> 'reason_key', '') !~ '^[a-z][a-z0-9_.]{1,80}$' then
      perform private.fail('VAFA_INVALID_ACCRUAL', 'Every accrual line needs a reason key such as rule.base.');
    end if;
    if v_line ? 'line' and (jsonb_typeof(v_line -> 'line') is distinct from 'number' or (v_line ->> 'line') !~ '^\d{1,9}$') then
      perform private.fail('VAFA_INVALID_ACCRUAL', 'An accrual line''s line number is a whole number from 0.');
    end if;
    if v_line ? 'reason_params' and jsonb_typeof(v_line -> 'reason_params') is distinct from 'object' then
      perform private.fail('VAFA_INVALID_ACCRUAL', 'An accrual line''s reason_params is a JSON object.');
    end if;
    v_total := v_total + (v_line ->> 'points')::bigint;
  end loop;

  insert into public.purchases (program_id, member_id, amount, lines, external_ref, rule_version, recorded_by,
    occurred_at, points_earned)
  values (p_program_id, p_member_id, v_amount, p_lines, p_external_ref, p_rule_version,
    coalesce(p_actor, private.actor()), v_now, v_total)
  returning * into v_purchase;

  for v_line in select * from jsonb_array_elements(p_accrual) loop
    v_points := (v_line ->> 'points')::bigint;
    continue when v_points = 0;
    v_entry := private.post(v_member, 'points', 'earn', v_points, v_line ->> 'reason_key',
      coalesce(v_line -> 'reason_params', '{}'::jsonb), v_op.op_id, v_now, v_purchase.id,
      (v_line ->> 'line')::int, null, p_rule_version, private.points_expiry(p_program_id, v_now));
    v_entries := v_entries || private.entry_json(v_entry);
  end loop;

  update public.members set visit_count = visit_count + 1, last_activity_at = v_now where id = p_member_id;
  v_tier := private.recompute_tier(p_member_id, v_now);

  v_result := jsonb_build_object(
    'purchase_id', v_purchase.id, 'amount', v_amount, 'points_earned', v_total, 'entries', v_entries,
    'balances', private.balances(p_member_id), 'tier', v_tier
  );
  return private.finish_op(v_op.op_id, v_result);
end
$$;

/* A customer spends points on a reward and gets a one-time code to show at checkout. */
create function public.redeem_reward(
  p_reward_id uuid, p_idempotency_key text default null, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_reward public.rewards;
  v_member public.members;
  v_rank smallint;
  v_used int;
  v_op record;
  v_redemption public.redemptions;
  v_entry public.ledger_entries;
begin
  select * into v_reward from public.rewards where id = p_reward_id;
  if v_reward.id is null then
    perform private.fail('VAFA_REWARD_NOT_FOUND', 'There is no such reward.');
  end if;
  select * into v_member from public.members
  where program_id = v_reward.program_id and user_id = auth.uid();
  if v_member.id is null then
    perform private.fail('VAFA_REWARD_NOT_FOUND', 'There is no such reward in your clubs.');
  end if;
  select * into v_op from private.begin_op(v_reward.program_id, p_idempotency_key, 'redeem_reward',
    jsonb_build_object('member', v_member.id, 'reward', p_reward_id));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  -- One member's redemptions queue here, so the per-member limit cannot be raced.
  perform 1 from public.accounts where member_id = v_member.id and kind = 'points' for update;

  if not v_reward.active or (v_reward.valid_from is not null and v_now < v_reward.valid_from)
     or (v_reward.valid_until is not null and v_now >= v_reward.valid_until) then
    perform private.fail('VAFA_REWARD_UNAVAILABLE', 'This reward is not available now.');
  end if;
  select t.rank into v_rank from public.tiers t where t.id = v_member.tier_id;
  if coalesce(v_rank, 0) < v_reward.min_tier_rank then
    perform private.fail('VAFA_TIER_TOO_LOW', 'This reward is for members of a higher tier.');
  end if;
  if v_reward.per_member_limit is not null then
    select count(*) into v_used from public.redemptions
    where reward_id = v_reward.id and member_id = v_member.id and status <> 'cancelled';
    if v_used >= v_reward.per_member_limit then
      perform private.fail('VAFA_REWARD_LIMIT_REACHED',
        format('You have already redeemed this reward %s times, its limit.', v_used));
    end if;
  end if;
  if v_reward.stock is not null then
    update public.rewards set stock = stock - 1 where id = v_reward.id and stock > 0;
    if not found then
      perform private.fail('VAFA_REWARD_OUT_OF_STOCK', 'This reward is out of stock.');
    end if;
  end if;

  insert into public.redemptions (program_id, member_id, reward_id, code, points_cost, issued_at, expires_at)
  values (v_reward.program_id, v_member.id, v_reward.id, private.random_code(8), v_reward.points_cost, v_now,
    v_now + make_interval(days => v_reward.redemption_valid_days))
  returning * into v_redemption;
  v_entry := private.post(v_member, 'points', 'redeem', -v_reward.points_cost, 'reward.redeemed',
    jsonb_build_object('reward', v_reward.name, 'reward_id', v_reward.id), v_op.op_id, v_now,
    p_redemption_id => v_redemption.id);
  update public.members set last_activity_at = v_now where id = v_member.id;

  return private.finish_op(v_op.op_id, jsonb_build_object(
    'redemption_id', v_redemption.id, 'code', v_redemption.code, 'expires_at', v_redemption.expires_at,
    'reward', jsonb_build_object('id', v_reward.id, 'name', v_reward.name), 'points_cost', v_reward.points_cost,
    'balances', private.balances(v_member.id), 'entry', private.entry_json(v_entry)
  ));
end
$$;

/* At checkout, staff use a redemption code once. */
create function public.use_redemption(
  p_program_id uuid, p_code text, p_idempotency_key text default null, p_purchase_id uuid default null,
  p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_op record;
  v_redemption public.redemptions;
begin
  perform private.require_staff(p_program_id, 'cashier');
  select * into v_op from private.begin_op(p_program_id, p_idempotency_key, 'use_redemption',
    jsonb_build_object('code', upper(trim(p_code)), 'purchase', p_purchase_id));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  select * into v_redemption from public.redemptions
  where program_id = p_program_id and code = upper(trim(p_code))
  for update;
  if v_redemption.id is null then
    perform private.fail('VAFA_REDEMPTION_NOT_FOUND', 'No such code in this club.');
  elsif v_redemption.status = 'used' then
    perform private.fail('VAFA_REDEMPTION_USED', format('This code was already used at %s.', v_redemption.used_at));
  elsif v_redemption.status <> 'issued' or v_redemption.expires_at <= v_now then
    perform private.fail('VAFA_REDEMPTION_EXPIRED', 'This code has expired or was cancelled.');
  end if;
  if p_purchase_id is not null and not exists (
    select 1 from public.purchases where id = p_purchase_id and member_id = v_redemption.member_id
  ) then
    perform private.fail('VAFA_PURCHASE_NOT_FOUND', 'That purchase is not this member''s.');
  end if;
  update public.redemptions set status = 'used', used_at = v_now, used_by = private.actor(), purchase_id = p_purchase_id
  where id = v_redemption.id;
  update public.members set last_activity_at = v_now where id = v_redemption.member_id;
  perform private.audit(p_program_id, 'redemption.use', 'redemptions', v_redemption.id::text,
    jsonb_build_object('code', v_redemption.code));
  return private.finish_op(v_op.op_id, jsonb_build_object(
    'redemption_id', v_redemption.id, 'member_id', v_redemption.member_id,
    'reward', (select jsonb_build_object('id', r.id, 'name', r.name) from public.rewards r where r.id = v_redemption.reward_id),
    'used_at', v_now
  ));
end
$$;

/*
 * Moves value for staff at the counter: wallet top-up, wallet spend, paying with points. Payments
 * may name the purchase they pay for, so a refund can return them.
 */
create function private.counter_move(
  p_kind text, p_member_id uuid, p_amount numeric, p_idempotency_key text, p_purchase_id uuid,
  p_now timestamptz
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_amount bigint := private.require_amount(p_amount, 'The amount');
  v_member public.members;
  v_op record;
  v_entry public.ledger_entries;
  v_purchase public.purchases;
begin
  v_member := private.member(p_member_id);
  perform private.require_staff(v_member.program_id, 'cashier');
  select * into v_op from private.begin_op(v_member.program_id, p_idempotency_key, p_kind,
    jsonb_build_object('member', p_member_id, 'amount', v_amount, 'purchase', p_purchase_id));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  if p_purchase_id is not null then
    select * into v_purchase from public.purchases where id = p_purchase_id and member_id = p_member_id for update;
    if v_purchase.id is null then
      perform private.fail('VAFA_PURCHASE_NOT_FOUND', 'That purchase is not this member''s.');
    end if;
  end if;
  if p_kind = 'wallet_topup' then
    v_entry := private.post(v_member, 'wallet', 'topup', v_amount, 'wallet.topup', '{}', v_op.op_id, v_now);
  elsif p_kind = 'wallet_spend' then
    if p_purchase_id is not null and v_purchase.wallet_paid + v_amount > v_purchase.amount then
      perform private.fail('VAFA_INVALID_AMOUNT', 'The wallet cannot pay more than the purchase costs.');
    end if;
    v_entry := private.post(v_member, 'wallet', 'spend', -v_amount, 'wallet.spend', '{}', v_op.op_id, v_now, p_purchase_id);
    update public.purchases set wallet_paid = wallet_paid + v_amount where id = p_purchase_id;
  else
    v_entry := private.post(v_member, 'points', 'spend', -v_amount, 'points.paid', '{}', v_op.op_id, v_now, p_purchase_id);
    update public.purchases set points_paid = points_paid + v_amount where id = p_purchase_id;
  end if;
  update public.members set last_activity_at = v_now where id = p_member_id;
  perform private.audit(v_member.program_id, replace(p_kind, '_', '.'), 'ledger_entries', v_entry.id::text,
    jsonb_build_object('member_id', p_member_id, 'amount', v_amount));
  return private.finish_op(v_op.op_id, jsonb_build_object(
    'entry', private.entry_json(v_entry), 'balances', private.balances(p_member_id)
  ));
end
$$;

create function public.wallet_topup(
  p_member_id uuid, p_amount numeric default null, p_idempotency_key text default null, p_now timestamptz default null
)
returns jsonb language sql security definer set search_path = ''
as $$ select private.counter_move('wallet_topup', p_member_id, p_amount, p_idempotency_key, null, p_now) $$;

create function public.wallet_spend(
  p_member_id uuid, p_amount numeric default null, p_idempotency_key text default null, p_purchase_id uuid default null,
  p_now timestamptz default null
) returns jsonb language sql security definer set search_path = ''
as $$ select private.counter_move('wallet_spend', p_member_id, p_amount, p_idempotency_key, p_purchase_id, p_now) $$;

create function public.pay_with_points(
  p_member_id uuid, p_points numeric default null, p_idempotency_key text default null, p_purchase_id uuid default null,
  p_now timestamptz default null
) returns jsonb language sql security definer set search_path = ''
as $$ select private.counter_move('pay_with_points', p_member_id, p_points, p_idempotency_key, p_purchase_id, p_now) $$;

/*
 * Refunds part or all of a purchase: earned points are clawed back in proportion (what the member
 * no longer has is recorded as a shortfall, never as a negative balance), and wallet money and
 * points paid for it come back in the same proportion. Shares are of the amount refunded so far,
 * so refunds that do not divide evenly still add up to exactly what the purchase moved.
 */
create function public.refund_purchase(
  p_purchase_id uuid, p_amount numeric default null, p_idempotency_key text default null,
  p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_amount bigint := private.require_amount(p_amount, 'The refund amount');
  v_purchase public.purchases;
  v_member public.members;
  v_op record;
  v_refunded bigint;
  v_claw bigint;
  v_take bigint := 0;
  v_balance bigint;
  v_wallet bigint;
  v_points bigint;
  v_entries jsonb := '[]'::jsonb;
  v_entry public.ledger_entries;
begin
  select * into v_purchase from public.purchases where id = p_purchase_id;
  if v_purchase.id is null then
    perform private.fail('VAFA_PURCHASE_NOT_FOUND', 'There is no such purchase.');
  end if;
  perform private.require_staff(v_purchase.program_id, 'cashier');
  select * into v_op from private.begin_op(v_purchase.program_id, p_idempotency_key, 'refund_purchase',
    jsonb_build_object('purchase', p_purchase_id, 'amount', v_amount));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  select * into v_purchase from public.purchases where id = p_purchase_id for update;
  v_member := private.member(v_purchase.member_id);
  if v_purchase.refunded_amount + v_amount > v_purchase.amount then
    perform private.fail('VAFA_REFUND_TOO_LARGE', format('At most %s of this purchase is left to refund.',
      v_purchase.amount - v_purchase.refunded_amount));
  end if;
  v_refunded := v_purchase.refunded_amount + v_amount;

  -- Payments come back first: points paid for the purchase are the member's again before the
  -- claw-back, so an empty balance cannot turn a recoverable claw-back into a shortfall.
  v_wallet := (v_purchase.wallet_paid * v_refunded) / v_purchase.amount - v_purchase.wallet_returned;
  if v_wallet > 0 then
    v_entry := private.post(v_member, 'wallet', 'refund', v_wallet, 'purchase.refunded.wallet',
      jsonb_build_object('refund', v_amount), v_op.op_id, v_now, p_purchase_id);
    v_entries := v_entries || private.entry_json(v_entry);
  end if;
  v_points := (v_purchase.points_paid * v_refunded) / v_purchase.amount - v_purchase.points_returned;
  if v_points > 0 then
    v_entry := private.post(v_member, 'points', 'refund', v_points, 'purchase.refunded.points',
      jsonb_build_object('refund', v_amount), v_op.op_id, v_now, p_purchase_id,
      p_expires_at => private.points_expiry(v_purchase.program_id, v_now));
    v_entries := v_entries || private.entry_json(v_entry);
  end if;

  -- Points earned: the share refunded so far, less what was already clawed back or written off.
  v_claw := (v_purchase.points_earned * v_refunded) / v_purchase.amount
    - v_purchase.points_clawed_back - v_purchase.points_shortfall;
  if v_claw > 0 then
    select balance into v_balance from public.accounts where member_id = v_member.id and kind = 'points' for update;
    v_take := least(v_claw, v_balance);
    if v_take > 0 then
      v_entry := private.post(v_member, 'points', 'clawback', -v_take, 'purchase.refunded',
        jsonb_build_object('refund', v_amount, 'purchase_amount', v_purchase.amount, 'shortfall', v_claw - v_take),
        v_op.op_id, v_now, p_purchase_id);
      v_entries := v_entries || private.entry_json(v_entry);
    end if;
  end if;

  update public.purchases set
    refunded_amount = v_refunded,
    points_clawed_back = points_clawed_back + v_take,
    points_shortfall = points_shortfall + greatest(v_claw - v_take, 0),
    wallet_returned = wallet_returned + greatest(v_wallet, 0),
    points_returned = points_returned + greatest(v_points, 0)
  where id = p_purchase_id
  returning * into v_purchase;
  perform private.audit(v_purchase.program_id, 'purchase.refund', 'purchases', p_purchase_id::text,
    jsonb_build_object('amount', v_amount));
  return private.finish_op(v_op.op_id, jsonb_build_object(
    'purchase_id', p_purchase_id, 'refunded_amount', v_purchase.refunded_amount,
    'points_clawed_back', v_take, 'points_shortfall', greatest(v_claw - v_take, 0),
    'entries', v_entries, 'balances', private.balances(v_member.id),
    -- A tier reached with this purchase is not kept through a grace once the purchase is undone.
    'tier', private.recompute_tier(v_member.id, v_now, v_purchase.occurred_at)
  ));
end
$$;

/* Posts a manual adjustment decided by a person, with their reason. */
create function private.apply_adjustment(
  p_member public.members, p_kind public.account_kind, p_amount bigint, p_reason text, p_op_id uuid,
  p_now timestamptz, p_approval_id uuid
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_entry public.ledger_entries;
begin
  -- Points given by hand expire like earned ones; otherwise a goodwill gesture would outlive them.
  v_entry := private.post(p_member, p_kind, 'adjust', p_amount, 'manual.adjustment',
    jsonb_build_object('reason', p_reason, 'approval_id', p_approval_id), p_op_id, p_now,
    p_expires_at => case when p_kind = 'points' and p_amount > 0 then private.points_expiry(p_member.program_id, p_now) end);
  perform private.audit(p_member.program_id, 'ledger.adjust', 'ledger_entries', v_entry.id::text,
    jsonb_build_object('member_id', p_member.id, 'amount', p_amount, 'reason', p_reason, 'approval_id', p_approval_id));
  return jsonb_build_object('status', 'applied', 'entry', private.entry_json(v_entry),
    'balances', private.balances(p_member.id));
end
$$;

/*
 * A manager's manual adjustment, with a mandatory reason. Above the club's threshold
 * (settings.adjustment_approval_threshold, default 1000) it waits for a second manager.
 */
create function public.adjust_balance(
  p_member_id uuid, p_amount numeric default null, p_reason text default null, p_idempotency_key text default null,
  p_account_kind public.account_kind default 'points', p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_member public.members;
  v_op record;
  v_threshold bigint;
  v_approval public.approvals;
  v_amount bigint;
begin
  v_member := private.member(p_member_id);
  perform private.require_staff(v_member.program_id, 'manager');
  if v_member.user_id = auth.uid() then
    perform private.fail('VAFA_FORBIDDEN', 'Staff may not adjust their own card; ask another manager.', '42501');
  end if;
  if p_amount is null or p_amount = 0 or p_amount <> trunc(p_amount) or abs(p_amount) > 1000000000000000 then
    perform private.fail('VAFA_INVALID_AMOUNT', 'An adjustment is a whole number other than zero.');
  end if;
  if char_length(coalesce(trim(p_reason), '')) not between 3 and 500 then
    perform private.fail('VAFA_REASON_REQUIRED', 'Say why, in 3 to 500 characters: every adjustment needs a reason.');
  end if;
  v_amount := p_amount::bigint;
  select * into v_op from private.begin_op(v_member.program_id, p_idempotency_key, 'adjust_balance',
    jsonb_build_object('member', p_member_id, 'amount', v_amount, 'reason', trim(p_reason), 'account', p_account_kind));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  select coalesce(nullif(p.settings ->> 'adjustment_approval_threshold', '')::bigint, 1000) into v_threshold
  from public.programs p where p.id = v_member.program_id;
  if abs(v_amount) > v_threshold and auth.uid() is not null then
    insert into public.approvals (program_id, member_id, account_kind, amount, reason, idempotency_key, requested_by)
    values (v_member.program_id, p_member_id, p_account_kind, v_amount, trim(p_reason), p_idempotency_key, auth.uid())
    returning * into v_approval;
    perform private.audit(v_member.program_id, 'ledger.adjust.requested', 'approvals', v_approval.id::text,
      jsonb_build_object('member_id', p_member_id, 'amount', v_amount, 'reason', trim(p_reason)));
    return private.finish_op(v_op.op_id, jsonb_build_object('status', 'pending', 'approval_id', v_approval.id,
      'threshold', v_threshold));
  end if;
  return private.finish_op(v_op.op_id,
    private.apply_adjustment(v_member, p_account_kind, v_amount, trim(p_reason), v_op.op_id, v_now, null));
end
$$;

/* A second manager approves or rejects a pending adjustment; the requester cannot decide it. */
create function public.decide_approval(
  p_approval_id uuid, p_approve boolean, p_now timestamptz default null
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_approval public.approvals;
  v_op record;
  v_result jsonb;
begin
  select * into v_approval from public.approvals where id = p_approval_id for update;
  if v_approval.id is null then
    perform private.fail('VAFA_APPROVAL_NOT_FOUND', 'There is no such approval.');
  end if;
  perform private.require_staff(v_approval.program_id, 'manager');
  if v_approval.status <> 'pending' then
    perform private.fail('VAFA_APPROVAL_DECIDED', format('This adjustment was already %s.', v_approval.status));
  end if;
  if v_approval.requested_by = auth.uid() then
    perform private.fail('VAFA_SECOND_APPROVER_REQUIRED', 'Another manager must approve your own adjustment.', '42501');
  end if;
  if (select m.user_id from public.members m where m.id = v_approval.member_id) = auth.uid() then
    perform private.fail('VAFA_FORBIDDEN', 'Staff may not decide an adjustment to their own card.', '42501');
  end if;
  -- A missing decision must not read as a rejection.
  if p_approve is null then
    perform private.fail('VAFA_INVALID_REQUEST', 'Say whether to approve or reject.');
  end if;
  update public.approvals set status = case when p_approve then 'approved'::public.approval_status else 'rejected' end,
    decided_by = private.actor(), decided_at = v_now
  where id = p_approval_id;
  if not p_approve then
    perform private.audit(v_approval.program_id, 'ledger.adjust.rejected', 'approvals', p_approval_id::text, '{}');
    return jsonb_build_object('status', 'rejected', 'approval_id', p_approval_id);
  end if;
  select * into v_op from private.begin_op(v_approval.program_id, 'approval:' || p_approval_id, 'approved_adjustment',
    jsonb_build_object('approval', p_approval_id));
  v_result := private.apply_adjustment(private.member(v_approval.member_id), v_approval.account_kind,
    v_approval.amount, v_approval.reason, v_op.op_id, v_now, p_approval_id);
  return private.finish_op(v_op.op_id, v_result || jsonb_build_object('approval_id', p_approval_id));
end
$$;

/*
 * Expires points whose lots have passed their date, first-in first-out, and marks unused
 * redemption codes past their date. Safe to run as often as wanted: what expired is gone.
 * Each account is locked before its lots are read, the order every debit takes, so a run never
 * deadlocks with a spend and never expires points a concurrent spend has just used.
 */
create function public.expire_points(p_program_id uuid default null, p_now timestamptz default null)
returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_account record;
  v_lot record;
  v_member public.members;
  v_op record;
  v_ops jsonb := '{}'::jsonb;
  v_lots int := 0;
  v_points bigint := 0;
  v_codes int;
  v_program text;
begin
  for v_account in
    select distinct l.program_id, l.account_id, a.member_id
    from public.points_lots l join public.accounts a on a.id = l.account_id
    where l.remaining > 0 and l.expires_at <= v_now and (p_program_id is null or l.program_id = p_program_id)
    order by l.account_id
  loop
    perform 1 from public.accounts where id = v_account.account_id for update;
    select * into v_member from public.members where id = v_account.member_id;
    for v_lot in
      select l.id, l.remaining, l.earned_at, l.expires_at from public.points_lots l
      where l.account_id = v_account.account_id and l.remaining > 0 and l.expires_at <= v_now
      order by l.expires_at, l.id
    loop
      if not v_ops ? v_account.program_id::text then
        select * into v_op from private.begin_op(v_account.program_id, 'expire:' || gen_random_uuid(), 'expire_points',
          jsonb_build_object('now', v_now));
        v_ops := v_ops || jsonb_build_object(v_account.program_id::text, v_op.op_id);
      end if;
      perform private.post(v_member, 'points', 'expire', -v_lot.remaining, 'points.expired',
        jsonb_build_object('earned_at', v_lot.earned_at, 'expires_at', v_lot.expires_at),
        (v_ops ->> v_account.program_id::text)::uuid, v_now, p_lot_id => v_lot.id);
      v_lots := v_lots + 1;
      v_points := v_points + v_lot.remaining;
    end loop;
  end loop;
  update public.redemptions set status = 'expired'
  where status = 'issued' and expires_at <= v_now and (p_program_id is null or program_id = p_program_id);
  get diagnostics v_codes = row_count;
  -- Each club's run is recorded with what it did, like every other operation.
  for v_program in select jsonb_object_keys(v_ops) loop
    perform private.finish_op((v_ops ->> v_program)::uuid, jsonb_build_object('now', v_now));
  end loop;
  return jsonb_build_object('lots_expired', v_lots, 'points_expired', v_points, 'codes_expired', v_codes);
end
$$;

/* Recomputes a member's tier now (a scheduled job does this for everyone daily). */
create function public.recompute_tier(p_member_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member public.members := private.member(p_member_id);
begin
  perform private.require_staff(v_member.program_id, 'cashier');
  return private.recompute_tier(p_member_id, private.clock(p_now));
end
$$;

/* Sets the caller's birthday once (a birthday that could be moved would be a bonus on demand). */
create function public.set_birthday(p_member_id uuid, p_birthday date) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_member public.members;
begin
  select * into v_member from public.members where id = p_member_id and user_id = auth.uid() for update;
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  if v_member.birthday is not null then
    perform private.fail('VAFA_BIRTHDAY_SET', 'Your birthday is already set; ask the club to correct it.');
  end if;
  if p_birthday is null or p_birthday > current_date or p_birthday < date '1900-01-01' then
    perform private.fail('VAFA_INVALID_BIRTHDAY', 'That is not a possible birthday.');
  end if;
  update public.members set birthday = p_birthday where id = p_member_id;
  return jsonb_build_object('member_id', p_member_id, 'birthday', p_birthday);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- App-facing reads.
-- ---------------------------------------------------------------------------------------------

/*
 * The caller's cards: every membership with its club, balances, tier, progress to the next tier,
 * what keeps the current one, and points expiring within 30 days.
 */
create function public.my_cards(p_now timestamptz default null) returns jsonb
-- plpgsql, not sql: its plan is cached per connection instead of planned again on every call.
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (
  with me as (select private.clock(p_now) as now)
  select coalesce(jsonb_agg(card order by card ->> 'joined_at'), '[]'::jsonb)
  from (
    select jsonb_build_object(
      'member_id', m.id, 'member_number', m.member_number, 'display_name', m.display_name,
      'joined_at', m.joined_at, 'birthday', m.birthday, 'referral_code', m.referral_code,
      'club', jsonb_build_object('id', p.id, 'slug', p.slug, 'name', p.name, 'currency', p.currency,
        'locale', p.locale, 'timezone', p.timezone, 'branding', p.branding),
      'points', coalesce((select a.balance from public.accounts a where a.member_id = m.id and a.kind = 'points'), 0),
      'wallet', coalesce((select a.balance from public.accounts a where a.member_id = m.id and a.kind = 'wallet'), 0),
      'expiring_soon', (
        select coalesce(sum(l.remaining), 0) from public.points_lots l
        join public.accounts a on a.id = l.account_id
        where a.member_id = m.id and l.remaining > 0 and l.expires_at <= (select now from me) + interval '30 days'
      ),
      'tier', (select jsonb_build_object('id', t.id, 'rank', t.rank, 'name', t.name, 'multiplier', t.multiplier,
          'benefits', t.benefits, 'since', m.tier_since, 'grace_until', m.tier_grace_until,
          'keep', (select jsonb_build_object('threshold', t.threshold, 'window_days', t.window_days,
              'earned', k.earned, 'remaining', greatest(t.threshold - k.earned, 0))
            from (select coalesce(sum(e.amount), 0) as earned from public.ledger_entries e
              where e.member_id = m.id and e.account_kind = 'points' and e.kind in ('earn', 'clawback')
                and e.created_at > (select now from me) - make_interval(days => t.window_days)
                and e.created_at <= (select now from me)) k))
        from public.tiers t where t.id = m.tier_id),
      'next_tier', (select jsonb_build_object('id', n.id, 'rank', n.rank, 'name', n.name, 'threshold', n.threshold,
          'window_days', n.window_days,
          'earned', e.earned, 'remaining', greatest(n.threshold - e.earned, 0))
        from public.tiers n
        cross join lateral (select coalesce(sum(x.amount), 0) as earned from public.ledger_entries x
          where x.member_id = m.id and x.account_kind = 'points' and x.kind in ('earn', 'clawback')
            and x.created_at > (select now from me) - make_interval(days => n.window_days)
            and x.created_at <= (select now from me)) e
        where n.program_id = m.program_id
          and n.rank > coalesce((select t.rank from public.tiers t where t.id = m.tier_id), -1)
        order by n.rank limit 1)
    ) as card
    from public.members m join public.programs p on p.id = m.program_id
    where m.user_id = (select auth.uid())
  ) cards
  );
end
$$;

/*
 * One page of a membership's history, newest first, by keyset: pass the last entry's created_at
 * and id to get the next page. Each entry carries its reason and, for purchases, the purchase.
 */
create function public.my_history(
  p_member_id uuid, p_before_created_at timestamptz default null, p_before_id bigint default null,
  p_limit int default 20
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.members m where m.id = p_member_id and m.user_id = (select auth.uid())) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Ask for 1 to 100 entries at a time.');
  end if;
  return (
    select coalesce(jsonb_agg(private.entry_json(e) || jsonb_build_object(
        'purchase', case when e.purchase_id is not null then
          (select jsonb_build_object('id', pu.id, 'amount', pu.amount, 'occurred_at', pu.occurred_at,
            'refunded_amount', pu.refunded_amount) from public.purchases pu where pu.id = e.purchase_id) end,
        'rule_version', e.rule_version)
      order by e.created_at desc, e.id desc), '[]'::jsonb)
    from (
      select * from public.ledger_entries x
      where x.member_id = p_member_id
        and (p_before_created_at is null or (x.created_at, x.id) < (p_before_created_at, coalesce(p_before_id, 9223372036854775807)))
      order by x.created_at desc, x.id desc
      limit p_limit
    ) e
  );
end
$$;

/* The catalogue as one member sees it: every active reward, marked by tier and affordability. */
create function public.catalogue(p_member_id uuid, p_now timestamptz default null) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_member public.members;
  v_rank smallint;
  v_points bigint;
begin
  select * into v_member from public.members m where m.id = p_member_id and m.user_id = (select auth.uid());
  if v_member.id is null then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  select coalesce(t.rank, 0) into v_rank from public.tiers t where t.id = v_member.tier_id;
  select a.balance into v_points from public.accounts a where a.member_id = v_member.id and a.kind = 'points';
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
        'id', r.id, 'name', r.name, 'description', r.description, 'image_url', r.image_url,
        'points_cost', r.points_cost, 'min_tier_rank', r.min_tier_rank, 'stock', r.stock,
        'valid_until', r.valid_until,
        'tier_ok', coalesce(v_rank, 0) >= r.min_tier_rank,
        'affordable', v_points >= r.points_cost,
        'in_stock', r.stock is null or r.stock > 0,
        'limit_left', case when r.per_member_limit is null then null else greatest(r.per_member_limit - (
          select count(*) from public.redemptions d where d.reward_id = r.id and d.member_id = v_member.id
            and d.status <> 'cancelled'), 0) end
      ) order by r.min_tier_rank, r.points_cost), '[]'::jsonb)
    from public.rewards r
    where r.program_id = v_member.program_id and r.active
      and (r.valid_from is null or r.valid_from <= v_now) and (r.valid_until is null or r.valid_until > v_now)
  );
end
$$;

/* For tests and monitoring: accounts whose balance is not the sum of their entries or lots. */
create function private.ledger_discrepancies() returns table (account_id uuid, balance bigint, entries bigint, lots bigint)
language sql stable
set search_path = ''
as $$
  select a.id, a.balance,
    coalesce((select sum(e.amount) from public.ledger_entries e where e.account_id = a.id), 0)::bigint,
    case when a.kind = 'points'
      then coalesce((select sum(l.remaining) from public.points_lots l where l.account_id = a.id), 0)::bigint end
  from public.accounts a
  where a.balance <> coalesce((select sum(e.amount) from public.ledger_entries e where e.account_id = a.id), 0)
     or (a.kind = 'points' and a.balance <> coalesce((select sum(l.remaining) from public.points_lots l where l.account_id = a.id), 0))
$$;

create function public.ledger_discrepancies() returns setof jsonb
language sql stable security definer
set search_path = ''
as $$ select to_jsonb(d) from private.ledger_discrepancies() d $$;

-- Grants: functions are executable by nobody until named here.
revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on function private.is_staff(uuid, public.staff_role), private.owns_member(uuid),
  private.staff_role_in(uuid), private.is_member_of(uuid) to authenticated, service_role;

revoke execute on function public.join_program(text, text, text, date), public.record_purchase(uuid, uuid, numeric, jsonb, text, jsonb, text, int, uuid, timestamptz),
  public.redeem_reward(uuid, text, timestamptz), public.use_redemption(uuid, text, text, uuid, timestamptz),
  public.wallet_topup(uuid, numeric, text, timestamptz), public.wallet_spend(uuid, numeric, text, uuid, timestamptz),
  public.pay_with_points(uuid, numeric, text, uuid, timestamptz), public.refund_purchase(uuid, numeric, text, timestamptz),
  public.adjust_balance(uuid, numeric, text, text, public.account_kind, timestamptz),
  public.decide_approval(uuid, boolean, timestamptz), public.expire_points(uuid, timestamptz),
  public.recompute_tier(uuid, timestamptz), public.set_birthday(uuid, date), public.my_cards(timestamptz),
  public.my_history(uuid, timestamptz, bigint, int), public.catalogue(uuid, timestamptz),
  public.ledger_discrepancies()
  from public, anon;

grant execute on function public.join_program(text, text, text, date), public.redeem_reward(uuid, text, timestamptz),
  public.use_redemption(uuid, text, text, uuid, timestamptz), public.wallet_topup(uuid, numeric, text, timestamptz),
  public.wallet_spend(uuid, numeric, text, uuid, timestamptz), public.pay_with_points(uuid, numeric, text, uuid, timestamptz),
  public.refund_purchase(uuid, numeric, text, timestamptz),
  public.adjust_balance(uuid, numeric, text, text, public.account_kind, timestamptz),
  public.decide_approval(uuid, boolean, timestamptz), public.recompute_tier(uuid, timestamptz),
  public.set_birthday(uuid, date), public.my_cards(timestamptz), public.my_history(uuid, timestamptz, bigint, int),
  public.catalogue(uuid, timestamptz)
  to authenticated, service_role;
revoke execute on function public.record_purchase(uuid, uuid, numeric, jsonb, text, jsonb, text, int, uuid, timestamptz),
  public.expire_points(uuid, timestamptz), public.ledger_discrepancies() from authenticated;
grant execute on function public.record_purchase(uuid, uuid, numeric, jsonb, text, jsonb, text, int, uuid, timestamptz),
  public.expire_points(uuid, timestamptz), public.ledger_discrepancies() to service_role;
