/*
 * Earning rules are written only through the `rules` edge function, which checks them with the
 * schema the checkout evaluates them with (supabase/functions/_shared/rules/schema.ts).
 *
 * Until now a manager could also insert a version straight through the API and skip that check:
 * the row was accepted, and the checkout then refused every purchase of the club until a manager
 * saved valid rules again. Now no API role inserts. The function checks the rules and the caller's
 * session, then calls publish_earning_rules as the service role, naming the manager who asked;
 * this function checks that they manage the club, numbers the version and writes it, audited
 * under their name.
 */
drop policy "Managers add a rule version" on public.earning_rules;
revoke insert on public.earning_rules from anon, authenticated, service_role;

create function public.publish_earning_rules(
  p_program_id uuid, p_rules jsonb, p_effective_from timestamptz, p_actor uuid
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_row public.earning_rules;
begin
  if not private.is_trusted() then
    perform private.fail('VAFA_FORBIDDEN',
      'Earning rules are published through the rules function, which checks them first.', '42501');
  end if;
  if not exists (
    select 1 from public.program_staff s
    where s.program_id = p_program_id and s.user_id = p_actor and s.role >= 'manager'
  ) then
    perform private.fail('VAFA_FORBIDDEN',
      'Only the club''s managers and owners can change its earning rules.', '42501');
  end if;
  if p_rules is null or jsonb_typeof(p_rules) <> 'object' then
    perform private.fail('VAFA_RULES_INVALID', 'The rules must be a JSON object.', '22023');
  end if;
  perform private.act_as(p_actor);
  -- One publisher at a time per club, so versions are numbered in order without a retry.
  perform pg_advisory_xact_lock(hashtext('vafa:earning_rules:' || p_program_id::text));
  insert into public.earning_rules (program_id, version, rules, effective_from, created_by)
  select p_program_id, coalesce(max(r.version), 0) + 1, p_rules, coalesce(p_effective_from, now()),
    p_actor
  from public.earning_rules r
  where r.program_id = p_program_id
  returning * into v_row;
  return jsonb_build_object('version', v_row.version, 'effective_from', v_row.effective_from);
end
$$;
revoke all on function public.publish_earning_rules(uuid, jsonb, timestamptz, uuid)
  from public, anon, authenticated;
grant execute on function public.publish_earning_rules(uuid, jsonb, timestamptz, uuid) to service_role;
