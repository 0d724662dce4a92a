/**
 * Runs `task` every `everyMs` while the page is visible and online, and once at once when it
 * becomes so again. It stands in for Supabase Realtime where the backend has none: a Realtime
 * channel calling `task` on a change can replace it with the same contract.
 */
export function pollWhileVisible(task: () => Promise<unknown>, everyMs: number): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	const active = () => document.visibilityState === 'visible' && navigator.onLine;
	const schedule = () => {
		clearTimeout(timer);
		if (stopped || !active()) return;
		timer = setTimeout(() => void task().finally(schedule), everyMs);
	};
	const wake = () => {
		if (!active()) return clearTimeout(timer);
		void task().finally(schedule);
	};
	document.addEventListener('visibilitychange', wake);
	window.addEventListener('online', wake);
	window.addEventListener('offline', wake);
	schedule();
	return () => {
		stopped = true;
		clearTimeout(timer);
		document.removeEventListener('visibilitychange', wake);
		window.removeEventListener('online', wake);
		window.removeEventListener('offline', wake);
	};
}
