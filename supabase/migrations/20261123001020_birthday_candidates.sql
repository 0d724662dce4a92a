/*
 * The hourly birthday job asked for every member with a birthday in every club that gives gifts,
 * and sorted out in the function whose window holds today (the calendar logic is in
 * rules/calendar.ts: Jalali or Gregorian, with the leap-day fallbacks). At a million members that
 * is the whole table, each hour, as one JSON document.
 *
 * Now the database sends only members whose birthday (month and day, Gregorian) lies within a
 * span around the day that surely holds their window: 4 days for a day window, 10 for a week, 40
 * for a month (a month window holds a day at most 30 days from the birthday; a Jalali anniversary
 * falls within 2 days of the Gregorian one; ±14 h of timezone). The function still decides. An
 * index on (club, month and day) finds them.
 */
create index members_birthday_day_idx on public.members
  (program_id, ((extract(month from birthday) * 100 + extract(day from birthday))::int))
  where birthday is not null;

/* The birthdays (as month * 100 + day) whose window may hold `p_at`; Feb 29 goes with Feb 28. */
create function private.birthday_days(p_at timestamptz, p_window text) returns int[]
language sql immutable
set search_path = ''
as $$
  with span as (
    select case p_window when 'month' then 40 when 'week' then 10 else 4 end as days
  ), days as (
    select distinct (extract(month from d) * 100 + extract(day from d))::int as day
    from span, generate_series((p_at at time zone 'UTC')::date - span.days,
      (p_at at time zone 'UTC')::date + span.days, interval '1 day') as d
  )
  select array_agg(day) || case when 228 = any (array_agg(day)) then array[229] else '{}'::int[] end
  from days
$$;
revoke execute on function private.birthday_days(timestamptz, text) from public, anon, authenticated;

drop function public.birthday_candidates();
create function public.birthday_candidates(p_now timestamptz default null) returns jsonb
language sql stable security definer
set search_path = ''
as $$
  with clubs as (
    select p.id, p.timezone, p.locale, coalesce(p.settings -> 'birthday' ->> 'window', 'day') as span
    from public.programs p
    where coalesce(p.settings -> 'birthday' ->> 'enabled', 'false') = 'true'
  )
  select coalesce(jsonb_agg(jsonb_build_object(
    'program_id', c.id, 'timezone', c.timezone,
    'calendar', case when c.locale = 'fa' then 'jalali' else 'gregorian' end,
    'window', c.span,
    'members', (select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'birthday', m.birthday,
        'last_year', (select max(g.year) from public.birthday_grants g where g.member_id = m.id))), '[]'::jsonb)
      from public.members m
      where m.program_id = c.id and m.birthday is not null
        and (extract(month from m.birthday) * 100 + extract(day from m.birthday))::int
          = any (private.birthday_days(private.clock(p_now), c.span)))
  ) order by c.id), '[]'::jsonb)
  from clubs c
$$;
revoke execute on function public.birthday_candidates(timestamptz) from public, anon, authenticated;
grant execute on function public.birthday_candidates(timestamptz) to service_role;
