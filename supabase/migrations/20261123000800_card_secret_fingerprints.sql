-- Lets a device tell that its card secret was replaced by another device's sign-in.

/*
 * The caller's cards with a fingerprint of each one's current secret: the first 8 bytes of
 * SHA-256(secret) in hex, or null when none was issued. A device compares it with the secret it
 * holds; a difference means another device asked for the card since, so this device's codes are
 * refused at the counter and it should offer to take the card back. 64 bits of a hash of a 256-bit
 * random secret say nothing usable about the secret.
 */
create function public.my_card_fingerprints() returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select coalesce(
    jsonb_object_agg(
      m.id,
      encode(substring(extensions.digest(s.secret, 'sha256') from 1 for 8), 'hex')
    ),
    '{}'::jsonb
  )
  from public.members m
  left join private.card_secrets s on s.member_id = m.id
  where m.user_id = (select auth.uid())
$$;

revoke all on function public.my_card_fingerprints() from public, anon;
grant execute on function public.my_card_fingerprints() to authenticated, service_role;
