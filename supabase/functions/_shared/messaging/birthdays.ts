/**
 * The birthday job: for each club that gives birthday gifts, the members whose birthday window
 * (settings.birthday.window: day, week or month) holds today in the club's timezone and calendar
 * get the gift once for that birthday year. The calendar logic is the rules engine's
 * (rules/calendar.ts): Jalali for fa clubs with Esfand 30 falling back to Esfand 29 in common
 * years, Gregorian otherwise with Feb 29 falling back to Feb 28.
 */
import { birthdayOccurrence, type BirthdayWindow, type CalendarKind } from '../rules/calendar.ts';
import type { Rpc } from './dispatch.ts';

interface Candidates {
	program_id: string;
	timezone: string;
	calendar: CalendarKind;
	window: BirthdayWindow;
	members: { id: string; birthday: string; last_year: number | null }[];
}

export interface BirthdayReport {
	clubs: number;
	due: number;
	granted: number;
}

const WINDOWS: BirthdayWindow[] = ['day', 'week', 'month'];

/** Members due a gift at `at`: [member id, birthday year]. */
export function dueMembers(club: Candidates, at: Date): [string, number][] {
	const window = WINDOWS.includes(club.window) ? club.window : 'day';
	const due: [string, number][] = [];
	for (const member of club.members) {
		const occurrence = birthdayOccurrence(
			at,
			member.birthday,
			window,
			club.timezone,
			club.calendar
		);
		if (occurrence && (member.last_year ?? 0) < occurrence.year)
			due.push([member.id, occurrence.year]);
	}
	return due;
}

export async function runBirthdays(rpc: Rpc, now?: string): Promise<BirthdayReport> {
	const at = now ? new Date(now) : new Date();
	// The database sends only members whose birthday is near `at` (the same instant, so a run at
	// midnight UTC cannot fall between two days); the window is decided here.
	const { data, error } = await rpc('birthday_candidates', { p_now: at.toISOString() });
	if (error) throw new Error(`birthday_candidates: ${error.message}`);
	const clubs = data as Candidates[];
	const report: BirthdayReport = { clubs: clubs.length, due: 0, granted: 0 };
	for (const club of clubs) {
		for (const [memberId, year] of dueMembers(club, at)) {
			report.due++;
			const granted = await rpc('grant_birthday', {
				p_member_id: memberId,
				p_year: year,
				p_now: now ?? null
			});
			if (granted.error) throw new Error(`grant_birthday: ${granted.error.message}`);
			if ((granted.data as { granted: boolean }).granted) report.granted++;
		}
	}
	return report;
}
