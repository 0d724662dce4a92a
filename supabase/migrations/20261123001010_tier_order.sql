/*
 * A club's tiers climb: each level needs more points than the one below it. The admin screen
 * checked this; the database did not, so a manager writing through the API could leave a gold
 * tier below silver, and members would be placed by whichever threshold they crossed first.
 * Checked after every change, with the club's tiers locked so two managers saving two levels at
 * once cannot each pass alone and break the order together.
 */
create function private.check_tier_order() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_low public.tiers;
  v_high public.tiers;
begin
  perform pg_advisory_xact_lock(hashtext('vafa:tiers:' || new.program_id::text));
  select l.* into v_low
  from public.tiers l
  join public.tiers h on h.program_id = l.program_id and h.rank > l.rank and h.threshold <= l.threshold
  where l.program_id = new.program_id
  order by l.rank
  limit 1;
  if found then
    select h.* into v_high
    from public.tiers h
    where h.program_id = new.program_id and h.rank > v_low.rank and h.threshold <= v_low.threshold
    order by h.rank
    limit 1;
    perform private.fail('VAFA_TIER_ORDER',
      format('Level %s (%s) needs more points than level %s (%s): %s is not above %s.',
        v_high.rank, v_high.name, v_low.rank, v_low.name, v_high.threshold, v_low.threshold),
      '23514');
  end if;
  return null;
end
$$;
revoke all on function private.check_tier_order() from public;

create constraint trigger tiers_climb after insert or update of program_id, rank, threshold on public.tiers
  deferrable initially immediate
  for each row execute function private.check_tier_order();
