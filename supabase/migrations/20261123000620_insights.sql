-- Members, import / export and analytics for managers (issue 6). Every function here is scoped to
-- one club and refuses anyone below manager of it; phones come from auth.users, which no API role
-- reads, so only these functions join them in, and only for the caller's club.

create extension if not exists pg_trgm with schema extensions;

-- Search by name anywhere in it; the trigram index serves `ilike '%…%'` at a million members.
create index members_display_name_trgm_idx on public.members
  using gin (display_name extensions.gin_trgm_ops);
-- New members in a period; the export's keyset.
create index members_program_joined_idx on public.members (program_id, joined_at);
-- Analytics read a club's period from these covering indexes alone (index-only scans).
create index purchases_program_occurred_idx on public.purchases (program_id, occurred_at)
  include (member_id, amount, refunded_amount);
create index ledger_entries_program_points_idx on public.ledger_entries (program_id, created_at)
  include (kind, amount) where account_kind = 'points';
create index redemptions_program_issued_idx on public.redemptions (program_id, issued_at)
  include (reward_id, status, points_cost);

-- ---------------------------------------------------------------------------------------------
-- Imports: one row per uploaded file, with what each batch did, so a large file shows progress
-- and an interrupted one can be sent again (rows already imported are found, not added).
-- ---------------------------------------------------------------------------------------------
create table public.member_imports (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  file_name text not null check (char_length(file_name) between 1 and 200),
  rows_total int not null check (rows_total between 0 and 1000000),
  rows_created int not null default 0 check (rows_created >= 0),
  rows_existing int not null default 0 check (rows_existing >= 0),
  rows_rejected int not null default 0 check (rows_rejected >= 0),
  -- [{line, code}], the validation report; the app translates each code.
  problems jsonb not null default '[]'::jsonb check (jsonb_typeof(problems) = 'array'),
  status text not null default 'running' check (status in ('running', 'done')),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((status = 'done') = (finished_at is not null))
);
create index member_imports_program_idx on public.member_imports (program_id, created_at desc);
create index member_imports_created_by_idx on public.member_imports (created_by);
alter table public.member_imports enable row level security;

create policy "Managers read their club's imports" on public.member_imports
  for select to authenticated using ((select private.is_staff(program_id, 'manager')));

revoke all on public.member_imports from anon, authenticated;
grant select on public.member_imports to authenticated;
revoke insert, update, delete, truncate on public.member_imports from service_role;

-- ---------------------------------------------------------------------------------------------
-- Helpers.
-- ---------------------------------------------------------------------------------------------

/* Persian and Arabic-Indic digits as ASCII. */
create function private.ascii_digits(p_text text) returns text
language sql immutable
set search_path = ''
as $$
  select translate(p_text, '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789')
$$;

/* The club's dialling code for numbers typed without one (settings.country, else by locale). */
create function private.club_dialling_code(p_program public.programs) returns text
language sql immutable
set search_path = ''
as $$
  select case coalesce(p_program.settings ->> 'country',
      case p_program.locale when 'fa' then 'IR' when 'he' then 'IL' end)
    when 'IR' then '98' when 'IL' then '972' when 'US' then '1' end
$$;

/* A member as the staff screens show them: with phone, tier and balances. */
create function private.member_card_json(p_member public.members) returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_member.id, 'member_number', p_member.member_number, 'display_name', p_member.display_name,
    'phone', (select '+' || u.phone from auth.users u where u.id = p_member.user_id and u.phone is not null),
    'birthday', p_member.birthday, 'joined_at', p_member.joined_at,
    'last_activity_at', p_member.last_activity_at, 'visit_count', p_member.visit_count,
    'tier', (select jsonb_build_object('rank', t.rank, 'name', t.name) from public.tiers t where t.id = p_member.tier_id),
    'points', coalesce((select a.balance from public.accounts a where a.member_id = p_member.id and a.kind = 'points'), 0),
    'wallet', coalesce((select a.balance from public.accounts a where a.member_id = p_member.id and a.kind = 'wallet'), 0)
  )
$$;

/* A period of whole days in the club's timezone as [from, to); refuses an impossible one. */
create function private.club_period(p_program_id uuid, p_from date, p_to date, out v_from timestamptz, out v_to timestamptz)
language plpgsql stable
set search_path = ''
as $$
declare
  v_tz text;
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 3660 then
    perform private.fail('VAFA_INVALID_PERIOD', 'A period runs from a day to the same or a later day, at most ten years.');
  end if;
  select p.timezone into v_tz from public.programs p where p.id = p_program_id;
  v_from := p_from::timestamp at time zone v_tz;
  v_to := (p_to + 1)::timestamp at time zone v_tz;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Members: search, profile, history, approvals, export.
-- ---------------------------------------------------------------------------------------------

/*
 * Finds the club's members by name (any part), member number or phone (full, or as typed in the
 * club's country with a leading 0), Persian and Arabic digits included. Keyset paged by member
 * number: pass the last number seen as `p_after`.
 */
create function public.search_members(
  p_program_id uuid, p_query text, p_after bigint default null, p_limit int default 20
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_program public.programs;
  v_query text := btrim(private.ascii_digits(coalesce(p_query, '')));
  v_digits text;
  v_phones text[];
  v_ids uuid[];
begin
  perform private.require_staff(p_program_id, 'manager');
  select * into v_program from public.programs where id = p_program_id;
  if p_limit is null or p_limit not between 1 and 100 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Ask for 1 to 100 members at a time.');
  end if;
  if char_length(v_query) not between 1 and 80 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Type 1 to 80 characters to search for.');
  end if;
  v_digits := regexp_replace(v_query, '[\s\-+().\u200c\u200e\u200f]', '', 'g');
  if v_digits ~ '^\d{1,18}$' then
    v_digits := regexp_replace(v_digits, '^00', '');
    v_phones := array[v_digits];
    if v_digits ~ '^0' and private.club_dialling_code(v_program) is not null then
      v_phones := v_phones || (private.club_dialling_code(v_program) || substr(v_digits, 2));
    end if;
    -- Two unique look-ups (number, phone) rather than one scan, whatever the planner thinks.
    select array_agg(id) into v_ids from (
      select m.id from public.members m
      where m.program_id = p_program_id and m.member_number = v_digits::bigint
      union
      select m.id from public.members m
      where m.program_id = p_program_id
        and m.user_id in (select u.id from auth.users u where u.phone = any (v_phones))
    ) s;
    return (
      select coalesce(jsonb_agg(private.member_card_json(m) order by m.member_number), '[]'::jsonb)
      from (select * from public.members x where x.id = any (coalesce(v_ids, '{}'))
        and (p_after is null or x.member_number > p_after)
        order by x.member_number limit p_limit) m
    );
  end if;
  return (
    select coalesce(jsonb_agg(private.member_card_json(m) order by m.member_number), '[]'::jsonb)
    from (
      select * from public.members x
      where x.program_id = p_program_id
        and x.display_name ilike '%' || replace(replace(replace(v_query, '\', '\\'), '%', '\%'), '_', '\_') || '%'
        and (p_after is null or x.member_number > p_after)
      order by x.member_number
      limit p_limit
    ) m
  );
end
$$;

/* One member of the caller's club, for the profile screen, with their pending adjustments. */
create function public.member_profile(p_member_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member public.members;
begin
  select * into v_member from public.members where id = p_member_id;
  if v_member.id is null or not (private.is_trusted() or coalesce(private.staff_role_in(v_member.program_id) >= 'manager', false)) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such member in a club you manage.');
  end if;
  return private.member_card_json(v_member) || jsonb_build_object(
    'program_id', v_member.program_id,
    'is_me', v_member.user_id = auth.uid(),
    'purchases', (select jsonb_build_object('count', count(*), 'amount', coalesce(sum(p.amount - p.refunded_amount), 0))
      from public.purchases p where p.member_id = v_member.id and p.program_id = v_member.program_id),
    'pending', (select coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'account', a.account_kind,
        'amount', a.amount, 'reason', a.reason, 'created_at', a.created_at)
      order by a.created_at), '[]'::jsonb)
      from public.approvals a where a.member_id = v_member.id and a.status = 'pending')
  );
end
$$;

/* A member's ledger for the club's managers, newest first, keyset paged like my_history. */
create function public.member_history(
  p_member_id uuid, p_before_created_at timestamptz default null, p_before_id bigint default null,
  p_limit int default 20
) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_member public.members;
begin
  select * into v_member from public.members where id = p_member_id;
  if v_member.id is null or not (private.is_trusted() or coalesce(private.staff_role_in(v_member.program_id) >= 'manager', false)) then
    perform private.fail('VAFA_MEMBER_NOT_FOUND', 'No such member in a club you manage.');
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

/* The club's adjustments waiting for a second manager, oldest first, marked when the caller asked. */
create function public.pending_approvals(p_program_id uuid) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_staff(p_program_id, 'manager');
  return (
    select coalesce(jsonb_agg(jsonb_build_object(
        'id', a.id, 'member_id', a.member_id, 'member_number', m.member_number,
        'display_name', m.display_name, 'account', a.account_kind, 'amount', a.amount,
        'reason', a.reason, 'created_at', a.created_at,
        'mine', a.requested_by = auth.uid(), 'own_card', m.user_id = auth.uid())
      order by a.created_at), '[]'::jsonb)
    from public.approvals a join public.members m on m.id = a.member_id
    where a.program_id = p_program_id and a.status = 'pending'
  );
end
$$;

/* One page of the club's members for the CSV export, by member number (pass the last one seen). */
create function public.export_members(p_program_id uuid, p_after bigint default null, p_limit int default 1000)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_staff(p_program_id, 'manager');
  if p_limit is null or p_limit not between 1 and 5000 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Ask for 1 to 5000 members at a time.');
  end if;
  return (
    select coalesce(jsonb_agg(private.member_card_json(m) order by m.member_number), '[]'::jsonb)
    from (select * from public.members x where x.program_id = p_program_id
      and (p_after is null or x.member_number > p_after) order by x.member_number limit p_limit) m
  );
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Import.
-- ---------------------------------------------------------------------------------------------

/* Opens an import of `p_rows_total` rows; `p_problems` are the rows the app already refused. */
create function public.begin_member_import(
  p_program_id uuid, p_file_name text, p_rows_total int, p_problems jsonb default '[]'::jsonb
) returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform private.require_staff(p_program_id, 'manager');
  if char_length(coalesce(trim(p_file_name), '')) not between 1 and 200 or p_rows_total is null
      or p_rows_total not between 0 and 1000000 or jsonb_typeof(coalesce(p_problems, '[]')) <> 'array' then
    perform private.fail('VAFA_INVALID_REQUEST', 'Name the file and say how many rows it has (at most a million).');
  end if;
  insert into public.member_imports (program_id, file_name, rows_total, rows_rejected, problems, created_by)
  values (p_program_id, trim(p_file_name), p_rows_total, jsonb_array_length(coalesce(p_problems, '[]')),
    coalesce(p_problems, '[]'), auth.uid())
  returning id into v_id;
  perform private.audit(p_program_id, 'members.import.started', 'member_imports', v_id::text,
    jsonb_build_object('file_name', trim(p_file_name), 'rows', p_rows_total));
  return v_id;
end
$$;

/*
 * Imports one batch of rows, all or nothing: [{line, phone, name?, birthday?, member_number?,
 * points?}] with phones in E.164. Finds or creates the auth user of each phone (one set-based
 * statement), skips phones already members of the club (so a file imported twice adds nothing),
 * refuses rows whose member number another member holds, numbers the rest after the club's last
 * number, and credits an opening points balance as a ledger entry. Replaying a batch's key returns
 * its first result.
 */
create function public.import_members(p_import_id uuid, p_rows jsonb, p_idempotency_key text default null)
returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_import public.member_imports;
  v_program public.programs;
  v_op record;
  v_next bigint;
  v_now timestamptz := now();
  v_created int;
  v_existing int;
  v_rejected jsonb;
  v_result jsonb;
  v_row record;
  v_member public.members;
begin
  select * into v_import from public.member_imports where id = p_import_id;
  if v_import.id is null then
    perform private.fail('VAFA_IMPORT_NOT_FOUND', 'There is no such import.');
  end if;
  perform private.require_staff(v_import.program_id, 'manager');
  if v_import.status <> 'running' then
    perform private.fail('VAFA_IMPORT_FINISHED', 'This import is finished; start a new one to send more rows.');
  end if;
  if jsonb_typeof(p_rows) is distinct from 'array' or jsonb_array_length(p_rows) not between 1 and 5000 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Send 1 to 5000 rows at a time.');
  end if;
  select * into v_op from private.begin_op(v_import.program_id, p_idempotency_key, 'import_members',
    jsonb_build_object('import', p_import_id, 'rows', md5(p_rows::text)));
  if v_op.replay is not null then
    return v_op.replay;
  end if;
  -- Numbers are taken under the club's row lock, as join_program takes them.
  select * into v_program from public.programs where id = v_import.program_id for update;

  create temporary table import_rows on commit drop as
  select r.line, r.phone, nullif(btrim(r.name), '') as name, r.birthday, r.member_number,
    coalesce(r.points, 0) as points, null::uuid as user_id, null::text as problem
  from jsonb_to_recordset(p_rows) as r(line int, phone text, name text, birthday date, member_number bigint, points bigint);

  -- Its size, so each look-up below goes through the unique index on the phone, not a scan of every user.
  analyze import_rows;

  -- The app checks every row; these are the same rules, for callers that are not the app.
  update import_rows set phone = ltrim(phone, '+');
  update import_rows set problem = case
    when line is null or line < 1 then 'VAFA_IMPORT_ROW_INVALID'
    when phone is null or phone !~ '^[1-9]\d{6,14}$' then 'VAFA_PHONE_INVALID'
    when char_length(name) > 80 then 'VAFA_NAME_TOO_LONG'
    when birthday is not null and (birthday > current_date or birthday < date '1900-01-01') then 'VAFA_INVALID_BIRTHDAY'
    when member_number is not null and member_number not between 1 and 999999999999 then 'VAFA_MEMBER_NUMBER_INVALID'
    when points not between 0 and 1000000000 then 'VAFA_INVALID_POINTS'
  end;
  update import_rows r set problem = 'VAFA_DUPLICATE_ROW'
  where r.problem is null and exists (select 1 from import_rows o
    where o.problem is null and o.line < r.line and (o.phone = r.phone or o.member_number = r.member_number));

  -- Phones already members (the second import of a file lands here for every row) and numbers
  -- another member holds are settled before any user is created, so a refused row leaves nothing.
  update import_rows r set user_id = u.id from auth.users u where u.phone = r.phone and r.problem is null;
  update import_rows r set problem = 'existing'
  where r.problem is null and exists (select 1 from public.members m
    where m.program_id = v_program.id and m.user_id = r.user_id);
  update import_rows r set problem = 'VAFA_MEMBER_NUMBER_TAKEN'
  where r.problem is null and r.member_number is not null and exists (select 1 from public.members m
    where m.program_id = v_program.id and m.member_number = r.member_number);

  -- Create the users of new phones: one statement for the batch. A user made here has no
  -- confirmed phone until its owner signs in with a code, exactly like a GoTrue phone sign-up.
  update import_rows set user_id = gen_random_uuid() where problem is null and user_id is null
    and not exists (select 1 from auth.users u where u.phone = import_rows.phone);
  insert into auth.users (instance_id, id, aud, role, phone, encrypted_password, raw_app_meta_data,
    raw_user_meta_data, created_at, updated_at, is_anonymous, confirmation_token, recovery_token,
    email_change_token_new, email_change, phone_change, phone_change_token, email_change_token_current,
    reauthentication_token)
  select '00000000-0000-0000-0000-000000000000', r.user_id, 'authenticated', 'authenticated',
    r.phone, '', '{"provider":"phone","providers":["phone"]}', '{}', v_now, v_now, false, '', '', '', '', '',
    '', '', ''
  from import_rows r
  where r.problem is null and not exists (select 1 from auth.users u where u.id = r.user_id)
  -- An import racing this one for the same phone made the user first: take theirs.
  on conflict (phone) do nothing;
  update import_rows r set user_id = u.id from auth.users u
  where u.phone = r.phone and r.problem is null and u.id <> r.user_id;
  insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
  select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'phone', u.phone, 'phone_verified', false),
    'phone', v_now, v_now
  from import_rows r join auth.users u on u.id = r.user_id
  where r.problem is null and u.created_at = v_now
  on conflict (provider_id, provider) do nothing;

  select greatest(v_program.next_member_number, coalesce(max(m.member_number), 0) + 1,
      coalesce((select max(r.member_number) + 1 from import_rows r where r.problem is null), 0))
    into v_next
  from public.members m where m.program_id = v_program.id;
  with numbered as (
    select r.*, coalesce(r.member_number,
      v_next - 1 + row_number() over (partition by r.member_number is null order by r.line)) as number
    from import_rows r where r.problem is null
  )
  insert into public.members (program_id, user_id, member_number, display_name, birthday, joined_at, last_activity_at)
  select v_program.id, n.user_id, n.number, n.name, n.birthday, v_now, v_now from numbered n order by n.line;
  get diagnostics v_created = row_count;
  update public.programs set next_member_number = greatest(next_member_number,
    (select coalesce(max(m.member_number), 0) + 1 from public.members m where m.program_id = v_program.id))
  where id = v_program.id;

  for v_row in select r.user_id, r.points from import_rows r where r.problem is null and r.points > 0 order by r.line loop
    select * into v_member from public.members m where m.program_id = v_program.id and m.user_id = v_row.user_id;
    perform private.post(v_member, 'points', 'adjust', v_row.points, 'import.opening_balance',
      jsonb_build_object('import_id', p_import_id), v_op.op_id, v_now,
      p_expires_at => private.points_expiry(v_program.id, v_now));
  end loop;

  select count(*) filter (where problem = 'existing'),
    coalesce(jsonb_agg(jsonb_build_object('line', line, 'code', problem) order by line)
      filter (where problem is not null and problem <> 'existing'), '[]'::jsonb)
    into v_existing, v_rejected
  from import_rows;
  update public.member_imports set rows_created = rows_created + v_created,
    rows_existing = rows_existing + v_existing,
    rows_rejected = rows_rejected + jsonb_array_length(v_rejected),
    problems = problems || v_rejected
  where id = p_import_id;
  perform private.audit(v_program.id, 'members.import.batch', 'member_imports', p_import_id::text,
    jsonb_build_object('created', v_created, 'existing', v_existing, 'rejected', jsonb_array_length(v_rejected)));
  v_result := jsonb_build_object('created', v_created, 'existing', v_existing, 'rejected', v_rejected);
  drop table import_rows;
  return private.finish_op(v_op.op_id, v_result);
end
$$;

/* Marks an import done and returns its report. */
create function public.finish_member_import(p_import_id uuid) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_import public.member_imports;
begin
  select * into v_import from public.member_imports where id = p_import_id for update;
  if v_import.id is null then
    perform private.fail('VAFA_IMPORT_NOT_FOUND', 'There is no such import.');
  end if;
  perform private.require_staff(v_import.program_id, 'manager');
  if v_import.status = 'running' then
    update public.member_imports set status = 'done', finished_at = now() where id = p_import_id
    returning * into v_import;
    perform private.audit(v_import.program_id, 'members.import.finished', 'member_imports', p_import_id::text,
      jsonb_build_object('created', v_import.rows_created, 'existing', v_import.rows_existing,
        'rejected', v_import.rows_rejected));
  end if;
  return to_jsonb(v_import);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Analytics: whole days in the club's timezone. Facts that never change once a day is over (entries
-- are append-only, a member's join time and a purchase's time and amount are fixed) are summed per
-- club and day into private.analytics_days by refresh_analytics (a nightly job); the days after its
-- last run, refunds (which change old purchases) and the per-member figures are read live, from the
-- covering indexes above. So the figures are always exact, and a long period reads a few thousand
-- rollup rows instead of every purchase and entry.
-- ---------------------------------------------------------------------------------------------
create index purchases_program_refunded_idx on public.purchases (program_id, occurred_at)
  include (refunded_amount) where refunded_amount > 0;

create table private.analytics_days (
  program_id uuid not null references public.programs (id) on delete cascade,
  day date not null,
  new_members int not null default 0,
  visits int not null default 0,
  gross bigint not null default 0,
  points_issued bigint not null default 0,
  points_redeemed bigint not null default 0,
  points_expired bigint not null default 0,
  primary key (program_id, day)
);

-- The last day of each club that analytics_days holds in full.
create table private.analytics_rollups (
  program_id uuid primary key references public.programs (id) on delete cascade,
  through date not null,
  refreshed_at timestamptz not null default now()
);

/* Day by day over [p_from, p_to] of the club, straight from the base tables. */
create function private.live_days(p_program_id uuid, p_from date, p_to date)
returns table (day date, new_members bigint, visits bigint, gross bigint, points_issued bigint,
  points_redeemed bigint, points_expired bigint)
language plpgsql stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_tz text;
  v_lo timestamptz;
  v_hi timestamptz;
begin
  if p_from > p_to then
    return;
  end if;
  select p.timezone into v_tz from public.programs p where p.id = p_program_id;
  v_lo := p_from::timestamp at time zone v_tz;
  v_hi := (p_to + 1)::timestamp at time zone v_tz;
  return query
  with joined as (
    select (m.joined_at at time zone v_tz)::date as day, count(*) as n from public.members m
    where m.program_id = p_program_id and m.joined_at >= v_lo and m.joined_at < v_hi
    group by 1),
  visits as (
    select (p.occurred_at at time zone v_tz)::date as day, count(*) as n, sum(p.amount) as gross
    from public.purchases p
    where p.program_id = p_program_id and p.occurred_at >= v_lo and p.occurred_at < v_hi
    group by 1),
  points as (
    select (e.created_at at time zone v_tz)::date as day,
      coalesce(sum(e.amount) filter (where e.kind = 'earn' or (e.kind = 'adjust' and e.amount > 0)), 0) as issued,
      coalesce(-sum(e.amount) filter (where e.kind in ('redeem', 'spend')), 0) as redeemed,
      coalesce(-sum(e.amount) filter (where e.kind = 'expire'), 0) as expired
    from public.ledger_entries e
    where e.program_id = p_program_id and e.account_kind = 'points'
      and e.created_at >= v_lo and e.created_at < v_hi
    group by 1)
  select d.day, coalesce(j.n, 0), coalesce(v.n, 0), coalesce(v.gross, 0)::bigint, coalesce(x.issued, 0)::bigint,
    coalesce(x.redeemed, 0)::bigint, coalesce(x.expired, 0)::bigint
  from (select g::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g) d
  left join joined j using (day) left join visits v using (day) left join points x using (day);
end
$$;

/* Day by day over [p_from, p_to]: from the rollup up to its last full day, live after it. */
create function private.period_days(p_program_id uuid, p_from date, p_to date)
returns table (day date, new_members bigint, visits bigint, gross bigint, points_issued bigint,
  points_redeemed bigint, points_expired bigint)
language plpgsql stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_through date := (select r.through from private.analytics_rollups r where r.program_id = p_program_id);
begin
  return query
  select g::date, coalesce(a.new_members, 0)::bigint, coalesce(a.visits, 0)::bigint, coalesce(a.gross, 0),
    coalesce(a.points_issued, 0), coalesce(a.points_redeemed, 0), coalesce(a.points_expired, 0)
  from generate_series(p_from::timestamp, least(p_to, v_through)::timestamp, interval '1 day') g
  left join private.analytics_days a on a.program_id = p_program_id and a.day = g::date
  where v_through is not null;
  return query
  select * from private.live_days(p_program_id, greatest(p_from, coalesce(v_through + 1, p_from)), p_to);
end
$$;

/* Refunds of purchases made on each day of [p_from, p_to] (refunds change old purchases, so never rolled up). */
create function private.refunded_days(p_program_id uuid, p_from date, p_to date)
returns table (day date, refunded bigint)
language sql stable
set search_path = ''
as $$
  select (p.occurred_at at time zone g.timezone)::date, sum(p.refunded_amount)::bigint
  from public.programs g join public.purchases p on p.program_id = g.id
  where g.id = p_program_id and p.refunded_amount > 0
    and p.occurred_at >= p_from::timestamp at time zone g.timezone
    and p.occurred_at < (p_to + 1)::timestamp at time zone g.timezone
  group by 1
$$;

/*
 * Rolls up every club's (or one club's) full days up to the day before yesterday in its timezone,
 * from where its last run stopped. A scheduled job runs it nightly; safe to run any number of times.
 */
create function public.refresh_analytics(p_program_id uuid default null, p_now timestamptz default null)
returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_program public.programs;
  v_from date;
  v_through date;
  v_days int := 0;
  v_clubs int := 0;
  v_count int;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN', 'Only the scheduled job refreshes analytics.', '42501');
  end if;
  for v_program in
    select * from public.programs p where p_program_id is null or p.id = p_program_id order by p.id
  loop
    -- A day is rolled up once it has been over for a whole day, so no late commit can miss it.
    v_through := (v_now at time zone v_program.timezone)::date - 2;
    select r.through + 1 into v_from from private.analytics_rollups r where r.program_id = v_program.id for update;
    if v_from is null then
      select (least(
          (select min(m.joined_at) from public.members m where m.program_id = v_program.id),
          (select min(p.occurred_at) from public.purchases p where p.program_id = v_program.id),
          (select min(e.created_at) from public.ledger_entries e where e.program_id = v_program.id and e.account_kind = 'points')
        ) at time zone v_program.timezone)::date into v_from;
      v_from := coalesce(v_from, v_through + 1);
    end if;
    if v_from <= v_through then
      insert into private.analytics_days (program_id, day, new_members, visits, gross, points_issued,
        points_redeemed, points_expired)
      select v_program.id, d.day, d.new_members, d.visits, d.gross, d.points_issued, d.points_redeemed, d.points_expired
      from private.live_days(v_program.id, v_from, v_through) d
      where d.new_members + d.visits + d.points_issued + d.points_redeemed + d.points_expired > 0
      on conflict (program_id, day) do update set new_members = excluded.new_members,
        visits = excluded.visits, gross = excluded.gross, points_issued = excluded.points_issued,
        points_redeemed = excluded.points_redeemed, points_expired = excluded.points_expired;
      get diagnostics v_count = row_count;
      v_days := v_days + v_count;
    end if;
    insert into private.analytics_rollups (program_id, through, refreshed_at)
    values (v_program.id, greatest(v_through, v_from - 1), v_now)
    on conflict (program_id) do update set through = excluded.through, refreshed_at = excluded.refreshed_at;
    v_clubs := v_clubs + 1;
  end loop;
  return jsonb_build_object('clubs', v_clubs, 'days', v_days);
end
$$;

/*
 * The period's figures. Visits are purchases; active members made at least one, repeat members two
 * or more; days between visits is the mean gap between a member's consecutive visits in the
 * period; revenue is net of refunds. Points issued are earnings and positive adjustments (opening
 * balances included), redeemed are rewards and points paid at the till; the redemption rate is
 * redeemed over issued. Outstanding points (the liability) and wallet money are as of now.
 */
create function public.analytics_summary(p_program_id uuid, p_from date, p_to date) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_period record;
  v_total bigint;
  v_days record;
  v_refunded bigint;
  v_visits record;
  v_balances record;
begin
  perform private.require_staff(p_program_id, 'manager');
  select * into v_period from private.club_period(p_program_id, p_from, p_to);
  select count(*) into v_total from public.members m
  where m.program_id = p_program_id and m.joined_at < v_period.v_to;
  select coalesce(sum(d.new_members), 0) as new, coalesce(sum(d.visits), 0) as visits,
    coalesce(sum(d.gross), 0) as gross, coalesce(sum(d.points_issued), 0) as issued,
    coalesce(sum(d.points_redeemed), 0) as redeemed, coalesce(sum(d.points_expired), 0) as expired
    into v_days
  from private.period_days(p_program_id, p_from, p_to) d;
  select coalesce(sum(r.refunded), 0) into v_refunded from private.refunded_days(p_program_id, p_from, p_to) r;
  -- Who came and how often cannot be summed per day: one pass over the period's purchases.
  select count(*) as members, count(*) filter (where s.visits >= 2) as repeat,
    sum(extract(epoch from s.last - s.first)) filter (where s.visits >= 2) / 86400.0 as gap_days,
    sum(s.visits - 1) filter (where s.visits >= 2) as gaps
    into v_visits
  from (
    select p.member_id, count(*) as visits, min(p.occurred_at) as first, max(p.occurred_at) as last
    from public.purchases p
    where p.program_id = p_program_id and p.occurred_at >= v_period.v_from and p.occurred_at < v_period.v_to
    group by p.member_id
  ) s;
  select coalesce(sum(a.balance) filter (where a.kind = 'points'), 0) as points,
    coalesce(sum(a.balance) filter (where a.kind = 'wallet'), 0) as wallet
    into v_balances
  from public.accounts a where a.program_id = p_program_id;
  return jsonb_build_object(
    'from', p_from, 'to', p_to,
    'members_total', v_total, 'members_new', v_days.new,
    'members_active', v_visits.members, 'members_repeat', v_visits.repeat,
    'repeat_rate', case when v_visits.members > 0 then round(v_visits.repeat::numeric / v_visits.members, 4) end,
    'visits', v_days.visits,
    'avg_days_between_visits', case when v_visits.gaps > 0 then round(v_visits.gap_days / v_visits.gaps, 2) end,
    'revenue', v_days.gross - v_refunded,
    'points_issued', v_days.issued, 'points_redeemed', v_days.redeemed, 'points_expired', v_days.expired,
    'redemption_rate', case when v_days.issued > 0 then round(v_days.redeemed::numeric / v_days.issued, 4) end,
    'points_outstanding', v_balances.points, 'wallet_outstanding', v_balances.wallet
  );
end
$$;

/* The period day by day (club's timezone): new members, visits, revenue, points issued and redeemed. */
create function public.analytics_series(p_program_id uuid, p_from date, p_to date) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform private.require_staff(p_program_id, 'manager');
  perform private.club_period(p_program_id, p_from, p_to);
  return (
    select jsonb_agg(jsonb_build_array(d.day, d.new_members, d.visits, d.gross - coalesce(r.refunded, 0),
        d.points_issued, d.points_redeemed) order by d.day)
    from private.period_days(p_program_id, p_from, p_to) d
    left join private.refunded_days(p_program_id, p_from, p_to) r using (day)
  );
end
$$;

/* The rewards redeemed most in the period (codes issued and not cancelled). */
create function public.analytics_top_rewards(p_program_id uuid, p_from date, p_to date, p_limit int default 5)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_period record;
begin
  perform private.require_staff(p_program_id, 'manager');
  select * into v_period from private.club_period(p_program_id, p_from, p_to);
  if p_limit is null or p_limit not between 1 and 50 then
    perform private.fail('VAFA_INVALID_REQUEST', 'Ask for 1 to 50 rewards.');
  end if;
  return (
    select coalesce(jsonb_agg(jsonb_build_object('reward_id', t.reward_id, 'name', r.name,
        'redemptions', t.n, 'points', t.points) order by t.n desc, r.name), '[]'::jsonb)
    from (
      select d.reward_id, count(*) as n, sum(d.points_cost) as points
      from public.redemptions d
      where d.program_id = p_program_id and d.issued_at >= v_period.v_from and d.issued_at < v_period.v_to
        and d.status <> 'cancelled'
      group by d.reward_id order by count(*) desc limit p_limit
    ) t join public.rewards r on r.id = t.reward_id
  );
end
$$;

-- Grants: nothing for anon; the app's functions for signed-in users (they check the role inside).
revoke execute on function private.ascii_digits(text), private.club_dialling_code(public.programs),
  private.member_card_json(public.members), private.club_period(uuid, date, date),
  private.live_days(uuid, date, date), private.period_days(uuid, date, date), private.refunded_days(uuid, date, date)
  from public, anon, authenticated;
revoke all on private.analytics_days, private.analytics_rollups from public, anon, authenticated, service_role;
-- The nightly job; the service role only.
revoke execute on function public.refresh_analytics(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.refresh_analytics(uuid, timestamptz) to service_role;
revoke execute on function public.search_members(uuid, text, bigint, int), public.member_profile(uuid),
  public.member_history(uuid, timestamptz, bigint, int), public.pending_approvals(uuid),
  public.export_members(uuid, bigint, int), public.begin_member_import(uuid, text, int, jsonb),
  public.import_members(uuid, jsonb, text), public.finish_member_import(uuid),
  public.analytics_summary(uuid, date, date), public.analytics_series(uuid, date, date),
  public.analytics_top_rewards(uuid, date, date, int)
  from public, anon;
grant execute on function public.search_members(uuid, text, bigint, int), public.member_profile(uuid),
  public.member_history(uuid, timestamptz, bigint, int), public.pending_approvals(uuid),
  public.export_members(uuid, bigint, int), public.begin_member_import(uuid, text, int, jsonb),
  public.import_members(uuid, jsonb, text), public.finish_member_import(uuid),
  public.analytics_summary(uuid, date, date), public.analytics_series(uuid, date, date),
  public.analytics_top_rewards(uuid, date, date, int)
  to authenticated, service_role;
