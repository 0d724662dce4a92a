import { createContext } from 'svelte';
import {
	defineCustomClientStrategy,
	getLocale,
	locales,
	overwriteGetLocale,
	setLocale,
	type Locale
} from '$lib/paraglide/runtime';
import { rtlBrowserLocale } from './browser-locale';
import { isRtl } from './format';

// Registered before the first getLocale(); vite.config.ts puts it between localStorage and fa.
defineCustomClientStrategy('custom-rtlBrowser', {
	getLocale: () => rtlBrowserLocale(navigator.languages),
	// The explicit choice is persisted by the localStorage strategy.
	setLocale: () => {}
});

/** The current locale as a rune; message functions read it, so a switch re-renders in place. */
export class LocaleState {
	#current = $state<Locale>(getLocale());

	constructor() {
		overwriteGetLocale(() => this.#current);
		applyToDocument(this.#current);
	}

	get current(): Locale {
		return this.#current;
	}

	get all(): readonly Locale[] {
		return locales;
	}

	/** Switches without a reload; Paraglide persists the choice in localStorage. */
	set(locale: Locale) {
		setLocale(locale, { reload: false });
		this.#current = locale;
		applyToDocument(locale);
	}
}

/** Keeps `<html lang dir>` in step with app.html's pre-paint script. */
function applyToDocument(locale: Locale) {
	document.documentElement.lang = locale;
	document.documentElement.dir = isRtl(locale) ? 'rtl' : 'ltr';
}

export const [getLocaleState, setLocaleState] = createContext<LocaleState>();
