import { auth } from '$lib/auth/auth';
import type { LayoutLoad } from './$types';

// No app server: the static fallback page boots the app and every route renders in the browser.
export const ssr = false;
export const prerender = false;

export const load = (async ({ depends }) => {
	depends('app:session');
	return { userId: await auth.userId() };
}) satisfies LayoutLoad;
