/** Starts the stack, builds the app against it and serves the build with `vite preview`. */
import { startBuiltApp } from '../built-app.js';

export default async function globalSetup() {
	// Parallel checkouts (git worktrees) choose their own ports; CI takes the defaults.
	const { stack, stop } = await startBuiltApp({
		apiPort: Number(process.env.VAFA_E2E_PORT_BASE ?? 26321),
		previewPort: Number(process.env.VAFA_PREVIEW_PORT ?? 4173)
	});
	process.env.VAFA_STACK_URL = stack.url;
	process.env.VAFA_ANON_KEY = stack.anonKey;
	process.env.VAFA_SERVICE_ROLE_KEY = stack.serviceRoleKey;
	return stop;
}
