import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		// No app server: every route is rendered in the browser from the SPA fallback page.
		adapter: adapter({ fallback: 'index.html' }),
		paths: {
			// The service worker answers every navigation with one cached shell, so asset URLs in it
			// must not depend on the depth of the route it was rendered for.
			relative: false
		},
		alias: {
			// Pure modules shared with the edge functions (the rotating QR), dependency-free.
			$shared: 'supabase/functions/_shared'
		},
		files: {
			serviceWorker: 'src/service-worker'
		},
		serviceWorker: {
			// workbox-window registers it so the "new version" prompt can control activation.
			register: false
		}
	}
};

export default config;
