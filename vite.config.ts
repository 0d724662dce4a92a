import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type PluginOption } from 'vite';
import { manifest } from './src/lib/pwa/manifest';

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
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff2,webmanifest}']
			},
			kit: {
				adapterFallback: 'index.html',
				spa: { fallbackMapping: '/' }
			},
			devOptions: { enabled: false }
		});

export default defineConfig({
	envPrefix: ['VITE_', 'PUBLIC_'],
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
			localStorageKey: 'vafa:locale'
		}),
		sveltekit(),
		pwa
	]
});
