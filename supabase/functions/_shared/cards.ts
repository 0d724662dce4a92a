/** The member cards a customer holds, shaped for the app and for point-of-sale look-ups. */

export interface MemberRow {
	id: string;
	member_number: number;
	display_name: string | null;
	joined_at: string;
	program: { id: string; slug: string; name: string; currency: string; locale: string } | null;
}

export interface Card {
	memberId: string;
	memberNumber: number;
	displayName: string | null;
	joinedAt: string;
	club: { id: string; slug: string; name: string; currency: string; locale: string };
}

/** Shapes rows of `members` joined to `programs`; rows whose club is not visible are dropped. */
export function toCards(rows: MemberRow[]): Card[] {
	return rows
		.filter(
			(row): row is MemberRow & { program: NonNullable<MemberRow['program']> } =>
				row.program !== null
		)
		.map((row) => ({
			memberId: row.id,
			memberNumber: row.member_number,
			displayName: row.display_name,
			joinedAt: row.joined_at,
			club: row.program
		}))
		.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
}

export const CARD_SELECT =
	'id, member_number, display_name, joined_at, program:programs(id, slug, name, currency, locale)';
