import { defineConfig } from 'vitest/config';

/** Two vitest layers: unit tests beside the code, integration tests against the local stack. */
export default defineConfig({
	test: {
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					globalSetup: ['tests/unit.setup.ts'],
					include: ['src/**/*.spec.ts', 'supabase/local/**/*.spec.js'],
					environment: 'node'
				}
			},
			{
				resolve: {
					alias: [{ find: /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/, replacement: '$1$2' }]
				},
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.spec.ts', 'supabase/functions/**/*.spec.ts'],
					globalSetup: ['tests/integration/stack.setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000,
					fileParallelism: false
				}
			}
		]
	}
});
