/**
 * Where to go after signing in: a same-origin path from `?next=`, never another site
 * (`//evil.example`, `https://…`, `/\evil`), else the card.
 */
export function safeNext(value: string | null, fallback = '/card'): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
		return fallback;
	}
	return value;
}

/** `/sign-in?next=<path>` for a page that needs a signed-in user. */
export function signInFor(path: string): string {
	return `/sign-in?next=${encodeURIComponent(path)}`;
}
