import { defineConfig, devices } from '@playwright/test';

/** End-to-end tests: Debian's chromium against `vite build && vite preview` and the local stack. */
export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global.setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${process.env.VAFA_PREVIEW_PORT ?? 4173}`,
		trace: 'off',
		serviceWorkers: 'allow'
	},
	projects: [
		{
			name: 'phone',
			use: {
				...devices['Pixel 7'],
				launchOptions: {
					executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
					args: [
						'--no-sandbox',
						'--disable-background-networking',
						'--disable-component-update',
						'--disable-sync',
						'--no-first-run'
					]
				}
			}
		}
	]
});
