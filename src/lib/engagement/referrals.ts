import { rpc } from './rpc';

export interface ReferralFriend {
	name: string | null;
	joined_at: string;
	rewarded_at: string | null;
	points: number;
}

export interface MyReferrals {
	member_id: string;
	code: string;
	club: { id: string; slug: string; name: string; locale: string };
	invited: number;
	joined: number;
	rewarded: number;
	points_earned: number;
	bonus: { referrer: number; referee: number };
	friends: ReferralFriend[];
}

/** A member's referral link and counts: `my_referrals`, `note_referral_share`. */
export const referrals = {
	mine: (memberId: string) => rpc<MyReferrals>('my_referrals', { p_member_id: memberId }),

	/** Counts one share of the link (the "invited" figure); the server ignores a tap-storm. */
	shared: (memberId: string, channel: 'share' | 'copy') =>
		rpc<{ invited: number }>('note_referral_share', { p_member_id: memberId, p_channel: channel }),

	/** The link a friend opens: the club's join page with the member's code. */
	link: (origin: string, slug: string, code: string) =>
		`${origin}/join/${encodeURIComponent(slug)}?ref=${encodeURIComponent(code)}`
};
