-- The cashier's screen: a scan (or a typed code or phone) is checked once and gives a short-lived
-- ticket, so the cashier can see the member, enter the amount and confirm without the rotating
-- code running out in between. The QR's step is claimed at the scan, so it still works only once.

/*
 * One scan at the counter: which member, by which staff member, of which club, until when. Only
 * the checkout function reads or writes it (service role, through the functions below); no API
 * role holds a privilege on the table and the schema is not exposed.
 */
create table private.checkout_tickets (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  member_id uuid not null references public.members (id) on delete cascade,
  staff_id uuid not null references auth.users (id) on delete cascade,
  card_kind text not null check (card_kind in ('qr', 'fallback', 'phone')),
  -- The card's step claimed by the scan (null for a phone, which proves no presence).
  step bigint,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check (expires_at > created_at)
);
create index checkout_tickets_staff_id_idx on private.checkout_tickets (staff_id, expires_at);
create index checkout_tickets_member_id_idx on private.checkout_tickets (member_id);
create index checkout_tickets_program_id_idx on private.checkout_tickets (program_id);
alter table private.checkout_tickets enable row level security;
revoke all on private.checkout_tickets from public, anon, authenticated, service_role;

/* How long a scan lets the cashier finish the checkout. */
create function private.checkout_ticket_lifetime() returns interval
language sql immutable
set search_path = ''
as $$ select interval '10 minutes' $$;

/*
 * Records a checked scan: claims the card's step (a QR or typed code is used once), forgets this
 * staff member's expired tickets, and returns the new ticket. Service role only: the checkout
 * function calls it after checking the code against the card's secret.
 */
create function public.checkout_ticket(
  p_program_id uuid, p_member_id uuid, p_staff uuid, p_card_kind text, p_step bigint default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row private.checkout_tickets;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN', 'Tickets are issued by the checkout function only.', '42501');
  end if;
  if not exists (select 1 from public.program_staff s where s.program_id = p_program_id and s.user_id = p_staff) then
    perform private.fail('VAFA_FORBIDDEN', 'Only the staff of this club may check its members out.', '42501');
  end if;
  if not exists (select 1 from public.members m where m.id = p_member_id and m.program_id = p_program_id) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No member of this club has this card or phone number.');
  end if;
  if p_card_kind in ('qr', 'fallback') and not public.claim_card_step(p_member_id, p_step) then
    perform private.fail('VAFA_CARD_REPLAYED', 'This code was already used. Ask the member to show the live card.');
  end if;
  delete from private.checkout_tickets t where t.staff_id = p_staff and t.expires_at < now();
  insert into private.checkout_tickets (program_id, member_id, staff_id, card_kind, step, expires_at)
  values (p_program_id, p_member_id, p_staff, p_card_kind, p_step, now() + private.checkout_ticket_lifetime())
  returning * into v_row;
  return jsonb_build_object('ticket', v_row.id, 'expires_at', v_row.expires_at);
end
$$;

/*
 * checkout_context as before, and one more card kind: `ticket`, a scan this staff member made at
 * this club within the ticket's lifetime (checkout_ticket). A POS key has no tickets.
 */
create or replace function public.checkout_context(
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

  if p_card_kind = 'ticket' then
    -- A scan by this staff member at this club, still fresh; anyone else's ticket is unknown here.
    if lower(coalesce(p_card_ref, '')) ~ v_uuid then
      select m.* into v_member from private.checkout_tickets t
      join public.members m on m.id = t.member_id
      where t.id = p_card_ref::uuid and t.program_id = v_program.id
        and t.staff_id = p_staff and t.expires_at > now();
    end if;
    if v_member.id is null then
      perform private.fail('VAFA_SCAN_EXPIRED', 'This scan has expired or is not yours; scan the card again.');
    end if;
  elsif p_card_kind in ('qr', 'member') and lower(p_card_ref) ~ v_uuid then
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

revoke execute on function private.checkout_ticket_lifetime() from public, anon, authenticated;
revoke execute on function public.checkout_ticket(uuid, uuid, uuid, text, bigint) from public, anon, authenticated;
grant execute on function public.checkout_ticket(uuid, uuid, uuid, text, bigint) to service_role;
