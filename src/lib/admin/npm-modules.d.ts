/** The `npm:` specifiers of the modules shared with the edge functions, as the app resolves them. */
declare module 'npm:zod@3' {
	export * from 'zod';
}
