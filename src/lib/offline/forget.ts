/** Forgets everything cached on this device; loads Dexie only when it is called. */
export async function forgetAll(): Promise<void> {
	const { forgetAll } = await import('./db');
	await forgetAll();
}
