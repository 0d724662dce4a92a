import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type PluginOption } from 'vite';
import paraglideOptions from './src/lib/i18n/paraglide-options.js';
import { manifest } from './src/lib/pwa/manifest.ts';

// Unit tests need neither a service worker nor a manifest, and the PWA plugin's build hooks
// misbehave when vitest loads this config.
const pwa: PluginOption = process.env.VITEST
	? []
	: SvelteKitPWA({
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.js',
			registerType: 'prompt',
			injectRegister: false,
			manifest,
			injectManifest: {
				globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webp,woff2,webmanifest}']
			},
			kit: {
				adapterFallback: 'index.html',
				spa: { fallbackMapping: '/' }
			},
			devOptions: { enabled: false }
		});

export default defineConfig({
	envPrefix: ['VITE_', 'PUBLIC_'],
	build: {
		rolldownOptions: {
			output: {
				// The modules the card screen needs before its QR, in one chunk with Svelte's runtime:
				// fewer, larger files compress better and cost fewer requests on the way to the QR
				// (issue 5's budget; `npm run bench -- app`).
				codeSplitting: {
					groups: [
						{
							name: 'card-core',
							test: /src\/lib\/(card\/(cards|wallet|rotation|rotating-code|qr|qr-encode|branding)|offline\/(peek|clock|poll)|i18n\/(format|locale|browser-locale)|auth\/(auth|session)|supabase\/lazy|paraglide\/runtime)|supabase\/functions\/_shared\/qr/
						}
					]
				}
			}
		}
	},
	resolve: {
		// Modules shared with the edge functions ($shared) import Deno's `npm:zod@3`; the app takes
		// the same package from node_modules.
		alias: [{ find: /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/, replacement: '$1$2' }]
	},
	// Under vitest the messages are compiled once by tests/unit.setup.ts: the plugin's watcher
	// would keep vitest from exiting.
	plugins: [process.env.VITEST ? [] : paraglideVitePlugin(paraglideOptions), sveltekit(), pwa]
});
