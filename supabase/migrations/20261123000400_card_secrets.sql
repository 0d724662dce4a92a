-- Card secrets for the rotating QR code (supabase/functions/_shared/qr.ts), and the replay guard.

/*
 * One TOTP secret per card. The app fetches it once per sign-in and draws codes offline; only the
 * service role (the checkout) reads it back, through card_secret_for. The schema is not exposed
 * by PostgREST and no API role holds a privilege on the table.
 */
create table private.card_secrets (
  member_id uuid primary key references public.members (id) on delete cascade,
  secret bytea not null check (octet_length(secret) = 32),
  -- When the current secret was issued.
  issued_at timestamptz not null default now(),
  -- When an earlier secret was last replaced (null: never).
  rotated_at timestamptz
);
alter table private.card_secrets enable row level security;

/* Each (card, step) accepted once, so a screenshot shown again within its minute is refused. */
create table private.card_step_uses (
  member_id uuid not null references public.members (id) on delete cascade,
  step bigint not null,
  used_at timestamptz not null default now(),
  primary key (member_id, step)
);
alter table private.card_step_uses enable row level security;

revoke all on private.card_secrets, private.card_step_uses from public, anon, authenticated, service_role;

/* How many steps back a use is remembered; an older step is refused outright. One day. */
create function private.card_step_horizon() returns bigint
language sql immutable
set search_path = ''
as $$ select 2880::bigint $$;

create function private.card_step_now() returns bigint
language sql stable
set search_path = ''
as $$ select floor(extract(epoch from now()) / 30)::bigint $$;

create function private.base64url(p_bytes bytea) returns text
language sql immutable
set search_path = ''
as $$ select translate(encode(p_bytes, 'base64'), E'+/=\n', '-_') $$;

/*
 * Issues a new secret for the caller's own card, replacing any earlier one: the device that asks
 * last is the one whose codes are accepted.
 */
create function public.issue_card_secret(p_member_id uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row private.card_secrets;
begin
  if not exists (
    select 1 from public.members m where m.id = p_member_id and m.user_id = (select auth.uid())
  ) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
  end if;
  insert into private.card_secrets as s (member_id, secret)
  values (p_member_id, extensions.gen_random_bytes(32))
  on conflict (member_id) do update
    set secret = excluded.secret, issued_at = now(), rotated_at = now()
  returning * into v_row;
  return jsonb_build_object(
    'member_id', v_row.member_id,
    'secret', private.base64url(v_row.secret),
    'step_seconds', 30,
    'issued_at', v_row.issued_at
  );
end
$$;

/* The card's current secret as base64url, or null if none was issued. For the checkout. */
create function public.card_secret_for(p_member_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select private.base64url(s.secret) from private.card_secrets s where s.member_id = p_member_id
$$;

/*
 * Records one use of a card's step: true the first time, false after, and false for a step older
 * than the remembered horizon (its use may have been forgotten). Forgets this card's old uses as
 * it goes, along the primary key, so the table holds about a day of uses per active card.
 */
create function public.claim_card_step(p_member_id uuid, p_step bigint) returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_oldest bigint := private.card_step_now() - private.card_step_horizon();
begin
  if p_member_id is null or p_step is null or p_step < v_oldest then
    return false;
  end if;
  delete from private.card_step_uses u where u.member_id = p_member_id and u.step < v_oldest;
  insert into private.card_step_uses (member_id, step) values (p_member_id, p_step)
  on conflict do nothing;
  return found;
end
$$;

revoke execute on function private.card_step_horizon(), private.card_step_now(), private.base64url(bytea)
  from public, anon, authenticated;
revoke execute on function public.issue_card_secret(uuid), public.card_secret_for(uuid),
  public.claim_card_step(uuid, bigint) from public, anon, authenticated;
grant execute on function public.issue_card_secret(uuid) to authenticated, service_role;
grant execute on function public.card_secret_for(uuid), public.claim_card_step(uuid, bigint) to service_role;
