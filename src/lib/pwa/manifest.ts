import type { ManifestOptions } from 'vite-plugin-pwa';

/** The web app manifest; read at build time by vite.config.ts. Persian is the default locale. */
export const manifest: Partial<ManifestOptions> = {
	id: '/',
	name: 'وفا — باشگاه مشتریان',
	short_name: 'وفا',
	description: 'کارت عضویت باشگاه‌های مشتریان شما، با امتیاز و کد QR، حتی بدون اینترنت.',
	lang: 'fa',
	dir: 'rtl',
	start_url: '/',
	scope: '/',
	display: 'standalone',
	orientation: 'portrait',
	theme_color: '#7c2d12',
	background_color: '#fdf8f1',
	categories: ['lifestyle', 'shopping'],
	icons: [
		{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
		{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
		{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
	],
	shortcuts: [
		{
			name: 'نمایش کارت من',
			short_name: 'کارت من',
			description: 'کد QR عضویت را برای صندوق‌دار باز کنید',
			url: '/card',
			icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }]
		}
	]
};
