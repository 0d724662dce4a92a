/** The right-to-left locales a browser's language list can pick. */
const PICKABLE = ['fa', 'he'] as const;

/**
 * The first of the browser's languages that is Persian or Hebrew, if any. English is not taken
 * from the browser: many phones in Iran run an English interface while their owners read Persian
 * first, so an English browser falls through to the base locale (fa) and switches by hand.
 */
export function rtlBrowserLocale(languages: readonly string[]): 'fa' | 'he' | undefined {
	for (const tag of languages) {
		const base = tag.toLowerCase().split('-')[0];
		const match = PICKABLE.find((locale) => locale === base);
		if (match) return match;
	}
	return undefined;
}
