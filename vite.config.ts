import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type Plugin, type PluginOption } from 'vite';
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

/**
 * SvelteKit's client reads `onMount` and `tick` by destructuring `import * as svelte from 'svelte'`.
 * A destructured namespace cannot be tree-shaken, so every export of `svelte` (the legacy
 * `createEventDispatcher`, `afterUpdate`, `hydrate`, `createRawSnippet`, …) shipped with the card.
 * Reading the two properties one by one means the same and lets the bundler keep only what is
 * used: 0.8 KB gzip off the JavaScript before the QR (`npm run bench -- app`). If Kit changes
 * that line, the build says so and goes on unchanged.
 */
function kitNamespaceReads(): Plugin {
	const destructuring = 'const { onMount, tick } = svelte;';
	return {
		name: 'vafa:kit-namespace-reads',
		apply: 'build',
		transform: {
			filter: { id: /@sveltejs\/kit\/src\/runtime\/client\/client\.js$/ },
			handler(code) {
				if (!code.includes(destructuring)) {
					this.warn(`SvelteKit's client no longer has "${destructuring}"; nothing to rewrite.`);
					return null;
				}
				return {
					code: code.replace(destructuring, 'const onMount = svelte.onMount, tick = svelte.tick;'),
					map: null
				};
			}
		}
	};
}

export default defineConfig({
	envPrefix: ['VITE_', 'PUBLIC_'],
	build: {
		rolldownOptions: {
			output: {
				// The modules the card screen needs before its QR, in one chunk with Svelte's runtime:
				// fewer, larger files compress better and cost fewer requests on the way to the QR
				// (issue 5's budget; `npm run bench -- app`). The card's and the layout's components
				// are in it so that the runtime they use comes with them rather than in small chunks
				// shared with arbitrary sets of other pages; so is Kit's root component.
				codeSplitting: {
					groups: [
						{
							name: 'card-core',
							test: new RegExp(
								[
									/src\/lib\/card\/(MemberCard|RotatingQr|cards|wallet|rotation|rotating-code|qr|qr-encode|branding)/,
									/src\/lib\/offline\/(peek|clock|poll)/,
									/src\/lib\/i18n\/(format|locale|browser-locale|LanguageSwitch)/,
									/src\/lib\/(auth\/(auth|session)|campaigns\/InboxTab|supabase\/lazy|paraglide\/runtime)/,
									/supabase\/functions\/_shared\/qr-draw/,
									/\.svelte-kit\/generated\/root\./
								]
									.map((part) => part.source)
									.join('|')
							)
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
	plugins: [
		process.env.VITEST ? [] : paraglideVitePlugin(paraglideOptions),
		sveltekit(),
		pwa,
		kitNamespaceReads()
	]
});
