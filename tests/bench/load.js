/** Closed-loop HTTP load and the statistics the benchmarks report. */

/** The middle value. */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The value below which `p` percent of `values` fall (nearest rank). */
export function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * `callers` concurrent callers, each sending its next request as soon as the last one answered,
 * for `durationMs`. `request(caller, n)` gives fetch's arguments. Only answered 2xx count.
 */
export async function load({ callers, durationMs, request }) {
	const latencies = [];
	let errors = 0;
	let firstError;
	const started = performance.now();
	const deadline = started + durationMs;
	await Promise.all(
		Array.from({ length: callers }, async (_, caller) => {
			for (let n = 0; performance.now() < deadline; n++) {
				const sent = performance.now();
				const response = await fetch(...request(caller, n));
				const body = await response.text();
				if (response.ok) latencies.push(performance.now() - sent);
				else {
					errors++;
					firstError ??= `${response.status} ${body.slice(0, 300)}`;
				}
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	return {
		ok: latencies.length,
		errors,
		firstError,
		rps: latencies.length / seconds,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99)
	};
}
