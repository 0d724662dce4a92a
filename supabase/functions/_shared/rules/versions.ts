/** Rule versions are dated: a purchase is judged by the version in force when it happened. */

/** The latest version whose `effective_from` is at or before `at`; a later version never applies. */
export function versionAt<T extends { version: number; effective_from: string | Date }>(
	versions: T[],
	at: Date
): T | undefined {
	let found: T | undefined;
	let foundFrom = -Infinity;
	for (const candidate of versions) {
		const from = new Date(candidate.effective_from).getTime();
		if (Number.isNaN(from) || from > at.getTime()) continue;
		if (from > foundFrom || (from === foundFrom && found && candidate.version > found.version)) {
			found = candidate;
			foundFrom = from;
		}
	}
	return found;
}
