-- The owner's and managers' desk: staff invitations by phone, role changes and removals that never
-- leave a club without an owner, and the names behind the ids in the audit log and rule history.
-- Rewards, tiers and rule versions need no new tables: their policies and audit trigger are in
-- 20261123000200_loyalty and 20261123000300_ledger_ops.

/* A typed phone as E.164 (`+989120000001`), or null. Persian and Arabic digits, spaces and dashes are accepted. */
create function private.e164(p_phone text) returns text
language sql immutable
set search_path = ''
as $$
  select case when v ~ '^\+[1-9][0-9]{7,14}$' then v end
  from (select regexp_replace(regexp_replace(
    translate(coalesce(p_phone, ''), '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789'),
    '[[:space:]().\u200c\u200e\u200f-]', '', 'g'), '^00', '+') as v) as typed
$$;

create table public.staff_invitations (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{7,14}$'),
  -- Owners are made by promoting someone already on the staff, never by an invitation.
  role public.staff_role not null check (role in ('cashier', 'manager')),
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  accepted_by uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  check (accepted_at is null or revoked_at is null),
  check (accepted_by is null or accepted_at is not null)
);
-- One open invitation per phone and club: inviting again returns it.
create unique index staff_invitations_open_idx on public.staff_invitations (program_id, phone)
  where accepted_at is null and revoked_at is null;
-- Sign-in looks up open invitations by phone across clubs.
create index staff_invitations_phone_idx on public.staff_invitations (phone)
  where accepted_at is null and revoked_at is null;
create index staff_invitations_program_id_idx on public.staff_invitations (program_id, created_at desc);
create index staff_invitations_invited_by_idx on public.staff_invitations (invited_by);
create index staff_invitations_accepted_by_idx on public.staff_invitations (accepted_by);
alter table public.staff_invitations enable row level security;

create policy "Owners read their club's staff invitations" on public.staff_invitations
  for select to authenticated using ((select private.is_staff(program_id, 'owner')));

-- Invitations change only through the functions below, which check the owner and write the audit log.
revoke all on public.staff_invitations from anon, authenticated;
grant select on public.staff_invitations to authenticated;
revoke insert, update, delete, truncate on public.staff_invitations from service_role;

/* Serialises staff changes per club, so two owners cannot each demote the other and leave none. */
create function private.lock_staff(p_program_id uuid) returns void
language sql volatile
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('vafa.staff:' || p_program_id::text, 0))
$$;

/* A confirmed user with this E.164 phone (auth.users keeps phones without the +), or null. */
create function private.user_by_phone(p_e164 text) returns uuid
language sql stable
set search_path = ''
as $$
  select u.id from auth.users u
  where u.phone = substr(p_e164, 2) and u.phone_confirmed_at is not null and u.deleted_at is null
  limit 1
$$;

/*
 * An owner invites a phone as cashier or manager. When a user with that phone already exists they
 * join the staff at once; otherwise the invitation waits until that phone signs in. Inviting the
 * same phone with the same role again returns the open invitation and changes nothing.
 */
create function public.invite_staff(p_program_id uuid, p_phone text, p_role text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_phone text := private.e164(p_phone);
  v_user uuid;
  v_open public.staff_invitations;
  v_row public.staff_invitations;
begin
  perform private.require_staff(p_program_id, 'owner');
  if coalesce(p_role, '') not in ('cashier', 'manager') then
    perform private.fail('VAFA_INVALID_ROLE', 'Invite as cashier or manager; promote a staff member to owner afterwards.');
  end if;
  if v_phone is null then
    perform private.fail('VAFA_PHONE_INVALID', 'Write the phone in international form, e.g. +98 912 345 6789.');
  end if;
  if v_phone = '+' || (select u.phone from auth.users u where u.id = (select auth.uid())) then
    perform private.fail('VAFA_INVITE_SELF', 'You are already on the staff; invite someone else.');
  end if;
  perform private.lock_staff(p_program_id);
  v_user := private.user_by_phone(v_phone);
  if v_user is not null and exists (
      select 1 from public.program_staff s where s.program_id = p_program_id and s.user_id = v_user) then
    perform private.fail('VAFA_ALREADY_STAFF', 'This phone already belongs to a staff member; change their role instead.');
  end if;
  select * into v_open from public.staff_invitations i
  where i.program_id = p_program_id and i.phone = v_phone and i.accepted_at is null and i.revoked_at is null;
  if v_open.id is not null then
    if v_open.role::text <> p_role then
      perform private.fail('VAFA_ALREADY_INVITED', format('This phone is already invited as %s; withdraw that invitation first.', v_open.role));
    end if;
    return jsonb_build_object('invitation_id', v_open.id, 'status', 'invited', 'created', false);
  end if;

  insert into public.staff_invitations (program_id, phone, role, invited_by)
  values (p_program_id, v_phone, p_role::public.staff_role, private.actor())
  returning * into v_row;
  perform private.audit(p_program_id, 'staff.invite', 'staff_invitations', v_row.id::text,
    jsonb_build_object('phone', v_phone, 'role', p_role));
  if v_user is null then
    return jsonb_build_object('invitation_id', v_row.id, 'status', 'invited', 'created', true);
  end if;
  insert into public.program_staff (program_id, user_id, role) values (p_program_id, v_user, v_row.role);
  update public.staff_invitations set accepted_by = v_user, accepted_at = now() where id = v_row.id;
  perform private.audit(p_program_id, 'staff.add', 'program_staff', v_user::text,
    jsonb_build_object('phone', v_phone, 'role', p_role, 'invitation_id', v_row.id));
  return jsonb_build_object('invitation_id', v_row.id, 'status', 'added', 'user_id', v_user, 'created', true);
end
$$;

/* An owner withdraws an open invitation; withdrawing it again changes nothing. */
create function public.revoke_staff_invitation(p_invitation_id uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.staff_invitations;
begin
  select * into v_row from public.staff_invitations where id = p_invitation_id;
  if v_row.id is null or not (private.is_trusted() or private.is_staff(v_row.program_id, 'owner')) then
    if v_row.id is not null and private.staff_role_in(v_row.program_id) is not null then
      perform private.fail('VAFA_FORBIDDEN', 'Only an owner of this club may withdraw its invitations.', '42501');
    end if;
    perform private.fail('VAFA_INVITATION_NOT_FOUND', 'There is no such invitation in your clubs.');
  end if;
  if v_row.accepted_at is not null then
    perform private.fail('VAFA_INVITATION_ACCEPTED', 'This invitation was accepted; remove the staff member instead.');
  end if;
  if v_row.revoked_at is null then
    update public.staff_invitations set revoked_at = now() where id = p_invitation_id returning * into v_row;
    perform private.audit(v_row.program_id, 'staff.invite.revoke', 'staff_invitations', v_row.id::text,
      jsonb_build_object('phone', v_row.phone, 'role', v_row.role));
  end if;
  return jsonb_build_object('invitation_id', v_row.id, 'revoked_at', v_row.revoked_at);
end
$$;

/* The staff row of a user in a club, locked with the club's staff; refuses when there is none. */
create function private.staff_member(p_program_id uuid, p_user_id uuid) returns public.program_staff
language plpgsql volatile
set search_path = ''
as $$
declare
  v_row public.program_staff;
begin
  perform private.lock_staff(p_program_id);
  select * into v_row from public.program_staff s where s.program_id = p_program_id and s.user_id = p_user_id;
  if v_row.user_id is null then
    perform private.fail('VAFA_STAFF_NOT_FOUND', 'This person is not on the staff of this club.');
  end if;
  return v_row;
end
$$;

create function private.other_owners(p_program_id uuid, p_user_id uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select count(*) from public.program_staff s
  where s.program_id = p_program_id and s.role = 'owner' and s.user_id <> p_user_id
$$;

/* An owner changes a staff member's role; the last owner cannot be demoted. */
create function public.change_staff_role(p_program_id uuid, p_user_id uuid, p_role text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.program_staff;
  v_role public.staff_role;
begin
  perform private.require_staff(p_program_id, 'owner');
  if coalesce(p_role, '') not in ('cashier', 'manager', 'owner') then
    perform private.fail('VAFA_INVALID_ROLE', 'Choose cashier, manager or owner.');
  end if;
  v_role := p_role::public.staff_role;
  v_row := private.staff_member(p_program_id, p_user_id);
  if v_row.role = v_role then
    return jsonb_build_object('user_id', p_user_id, 'role', p_role, 'changed', false);
  end if;
  if v_row.role = 'owner' and private.other_owners(p_program_id, p_user_id) = 0 then
    perform private.fail('VAFA_LAST_OWNER', 'A club always keeps an owner; make someone else owner first.');
  end if;
  update public.program_staff set role = v_role where program_id = p_program_id and user_id = p_user_id;
  perform private.audit(p_program_id, 'staff.role', 'program_staff', p_user_id::text,
    jsonb_build_object('from', v_row.role, 'to', p_role));
  return jsonb_build_object('user_id', p_user_id, 'role', p_role, 'changed', true);
end
$$;

/* An owner removes a staff member (themselves included) unless they are the last owner. */
create function public.remove_staff(p_program_id uuid, p_user_id uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.program_staff;
begin
  perform private.require_staff(p_program_id, 'owner');
  v_row := private.staff_member(p_program_id, p_user_id);
  if v_row.role = 'owner' and private.other_owners(p_program_id, p_user_id) = 0 then
    perform private.fail('VAFA_LAST_OWNER', 'A club always keeps an owner; make someone else owner first.');
  end if;
  delete from public.program_staff where program_id = p_program_id and user_id = p_user_id;
  perform private.audit(p_program_id, 'staff.remove', 'program_staff', p_user_id::text,
    jsonb_build_object('role', v_row.role));
  return jsonb_build_object('user_id', p_user_id, 'removed', true);
end
$$;

/*
 * Names and phones behind user ids, for managers and owners of the club: its current staff, plus
 * (when `p_user_ids` is given) those of the ids who acted in this club (the audit log and the rule
 * history name former staff too). Nobody else's phone is ever returned.
 */
create function public.club_people(p_program_id uuid, p_user_ids uuid[] default null) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_staff(p_program_id, 'manager');
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
        'user_id', u.id,
        'phone', '+' || u.phone,
        'name', coalesce(nullif(u.raw_user_meta_data ->> 'display_name', ''),
          (select m.display_name from public.members m where m.program_id = p_program_id and m.user_id = u.id)),
        'role', s.role,
        'since', s.created_at
      ) order by s.role desc nulls last, s.created_at), '[]'::jsonb)
    from auth.users u
    left join public.program_staff s on s.program_id = p_program_id and s.user_id = u.id
    where s.user_id is not null
      or (u.id = any(p_user_ids) and (
        exists (select 1 from public.audit_log a where a.actor = u.id and a.program_id = p_program_id)
        or exists (select 1 from public.earning_rules r where r.created_by = u.id and r.program_id = p_program_id)))
  );
end
$$;

/*
 * When a phone is confirmed (sign-up or first sign-in by SMS code), its open invitations make the
 * user staff of those clubs. Running again finds none open, so it is idempotent.
 */
create function private.apply_staff_invitations() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_invitation public.staff_invitations;
begin
  for v_invitation in
    select * from public.staff_invitations i
    where i.phone = '+' || new.phone and i.accepted_at is null and i.revoked_at is null
  loop
    perform private.lock_staff(v_invitation.program_id);
    update public.staff_invitations set accepted_by = new.id, accepted_at = now()
    where id = v_invitation.id and accepted_at is null and revoked_at is null;
    continue when not found;
    insert into public.program_staff (program_id, user_id, role)
    values (v_invitation.program_id, new.id, v_invitation.role)
    on conflict (program_id, user_id) do nothing;
    insert into public.audit_log (program_id, actor, action, target_table, target_id, details)
    values (v_invitation.program_id, new.id, 'staff.join', 'program_staff', new.id::text,
      jsonb_build_object('phone', v_invitation.phone, 'role', v_invitation.role,
        'invitation_id', v_invitation.id, 'invited_by', v_invitation.invited_by));
  end loop;
  return new;
end
$$;
create trigger users_apply_staff_invitations
  after insert or update of phone, phone_confirmed_at on auth.users
  for each row when (new.phone is not null and new.phone <> '' and new.phone_confirmed_at is not null)
  execute function private.apply_staff_invitations();

-- Grants: the private helpers are for the functions above only.
revoke execute on function private.e164(text), private.lock_staff(uuid), private.user_by_phone(text),
  private.staff_member(uuid, uuid), private.other_owners(uuid, uuid), private.apply_staff_invitations()
  from public, anon, authenticated;
revoke execute on function public.invite_staff(uuid, text, text),
  public.revoke_staff_invitation(uuid), public.change_staff_role(uuid, uuid, text),
  public.remove_staff(uuid, uuid), public.club_people(uuid, uuid[])
  from public, anon;
grant execute on function public.invite_staff(uuid, text, text),
  public.revoke_staff_invitation(uuid), public.change_staff_role(uuid, uuid, text),
  public.remove_staff(uuid, uuid), public.club_people(uuid, uuid[])
  to authenticated, service_role;
