/** Starts one local stack for the integration layer, on its own ports and data, and stops it after. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack } from '../../supabase/local/stack.js';

declare module 'vitest' {
	export interface ProvidedContext {
		stack: {
			url: string;
			anonKey: string;
			serviceRoleKey: string;
			jwtSecret: string;
			dbUrl: string;
		};
	}
}

export default async function setup(project: TestProject) {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-it-'));
	// Postgres runs as its own user when we are root, so it must be able to enter the folder.
	chmodSync(dataDir, 0o755);
	const stack = await startStack({
		apiPort: Number(process.env.VAFA_TEST_PORT_BASE ?? 25321),
		dataDir
	});
	project.provide('stack', {
		url: stack.url,
		anonKey: stack.anonKey,
		serviceRoleKey: stack.serviceRoleKey,
		jwtSecret: stack.jwtSecret,
		dbUrl: stack.dbUrl
	});
	return async () => {
		await stack.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
