import { getSupabase } from '$lib/supabase/lazy';

/** Why joining or saving the profile failed, by the ledger's stable codes. */
export type MembershipProblem =
	| 'program_not_found'
	| 'referral_unknown'
	| 'referral_self'
	| 'referral_phone_used'
	| 'referral_phone_required'
	| 'invalid'
	| 'birthday_set'
	| 'network'
	| 'unknown';

export type MembershipResult<T = unknown> =
	{ ok: true; value: T } | { ok: false; problem: MembershipProblem };

const PROBLEMS: Record<string, MembershipProblem> = {
	VAFA_PROGRAM_NOT_FOUND: 'program_not_found',
	VAFA_REFERRAL_CODE_UNKNOWN: 'referral_unknown',
	VAFA_REFERRAL_SELF: 'referral_self',
	VAFA_REFERRAL_PHONE_USED: 'referral_phone_used',
	VAFA_REFERRAL_PHONE_REQUIRED: 'referral_phone_required',
	VAFA_INVALID_REQUEST: 'invalid',
	VAFA_INVALID_BIRTHDAY: 'invalid',
	VAFA_BIRTHDAY_SET: 'birthday_set'
};

export interface Joined {
	memberId: string;
	memberNumber: number;
	joined: boolean;
}

async function run<T>(
	call: (supabase: Awaited<ReturnType<typeof getSupabase>>) => PromiseLike<{
		data: unknown;
		error: { message: string; code?: string } | null;
	}>,
	map: (data: unknown) => T
): Promise<MembershipResult<T>> {
	if (!navigator.onLine) return { ok: false, problem: 'network' };
	try {
		const { data, error } = await call(await getSupabase());
		if (error)
			return {
				ok: false,
				problem: PROBLEMS[error.message] ?? (error.code ? 'unknown' : 'network')
			};
		return { ok: true, value: map(data) };
	} catch {
		return { ok: false, problem: 'network' };
	}
}

/** Joining a club and the member's own profile: `join_program`, `set_birthday`, `members`. */
export const membership = {
	/** Makes the signed-in user a member of the club at `slug`; joining twice is harmless. */
	join(
		slug: string,
		details: { referralCode?: string | null; displayName?: string; birthday?: string }
	): Promise<MembershipResult<Joined>> {
		return run(
			(supabase) =>
				supabase.rpc('join_program', {
					p_program_slug: slug,
					p_referral_code: details.referralCode || null,
					p_display_name: details.displayName?.trim() || null,
					p_birthday: details.birthday || null
				}),
			(data) => {
				const row = data as { member_id: string; member_number: number; joined: boolean };
				return {
					memberId: row.member_id,
					memberNumber: Number(row.member_number),
					joined: row.joined
				};
			}
		);
	},

	/** Sets the name the club greets the member by (empty clears it). */
	rename(memberId: string, displayName: string): Promise<MembershipResult<null>> {
		return run(
			(supabase) =>
				supabase
					.from('members')
					.update({ display_name: displayName.trim() || null })
					.eq('id', memberId),
			() => null
		);
	},

	/** Sets the birthday once; afterwards only the club may correct it. */
	setBirthday(memberId: string, birthday: string): Promise<MembershipResult<null>> {
		return run(
			(supabase) => supabase.rpc('set_birthday', { p_member_id: memberId, p_birthday: birthday }),
			() => null
		);
	}
};
