/*
 * The nightly tier job called private.recompute_tier for every member of every club in one
 * transaction. Each call locks its member row until the job commits, so a checkout of any member
 * already visited waited for the whole run, and a checkout that locks a member and then their
 * referrer could deadlock with it.
 *
 * Now one read without locks finds the members whose tier would move or whose grace is running:
 * those whose qualifying tier (the highest whose threshold their points within its window reach)
 * is not their tier, or who have a grace date. Only they go through recompute_tier, which decides
 * again under its lock. For everyone else recompute_tier would change nothing.
 */
create or replace function public.recompute_tiers(p_now timestamptz default null) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_now timestamptz := private.clock(p_now);
  v_id uuid;
  v_result jsonb;
  v_changed int := 0;
begin
  for v_id in
    select m.id
    from public.members m
    cross join lateral (
      select t.id from public.tiers t
      where t.program_id = m.program_id
        and t.threshold <= (
          select coalesce(sum(e.amount), 0) from public.ledger_entries e
          where e.member_id = m.id and e.account_kind = 'points' and e.kind in ('earn', 'clawback')
            and e.created_at > v_now - make_interval(days => t.window_days) and e.created_at <= v_now
        )
      order by t.rank desc
      limit 1
    ) qualified
    where qualified.id is distinct from m.tier_id or m.tier_grace_until is not null
    order by m.id
  loop
    v_result := private.recompute_tier(v_id, v_now);
    if v_result ->> 'before' is distinct from v_result ->> 'after' then
      v_changed := v_changed + 1;
    end if;
  end loop;
  return jsonb_build_object('members', (select count(*) from public.members), 'changed', v_changed);
end
$$;
