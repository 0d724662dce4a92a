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

/**
 * Runs every variant (name → request) under the same load: a warm-up each, then `rounds` rounds
 * in rotating order so no variant always runs first or last. Returns the per-round results, the
 * medians per variant, and `ratio(name)`: the median over rounds of that variant's throughput
 * against the first variant's in the same round.
 */
export async function compare({ callers, variants, warmupMs, roundMs, rounds, failOnWarmupError }) {
	const names = Object.keys(variants);
	for (const name of names) {
		const warm = await load({ callers, durationMs: warmupMs, request: variants[name] });
		if (failOnWarmupError && warm.errors) {
			throw new Error(`${name} failed while warming up: ${warm.firstError}`);
		}
	}
	const results = [];
	for (let round = 0; round < rounds; round++) {
		for (let k = 0; k < names.length; k++) {
			const name = names[(round + k) % names.length];
			const result = await load({ callers, durationMs: roundMs, request: variants[name] });
			results.push({ round: round + 1, variant: name, ...result });
			console.log(
				`round ${round + 1} ${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.errors} errors${result.firstError ? ` (${result.firstError})` : ''}`
			);
		}
	}
	const byVariant = names.map((name) => {
		const mine = results.filter((r) => r.variant === name);
		return {
			variant: name,
			'req/s': Math.round(median(mine.map((r) => r.rps))),
			'p50 ms': +median(mine.map((r) => r.p50)).toFixed(1),
			'p99 ms': +median(mine.map((r) => r.p99)).toFixed(1),
			errors: mine.reduce((sum, r) => sum + r.errors, 0),
			'first error': (mine.find((r) => r.firstError)?.firstError ?? '').slice(0, 60)
		};
	});
	const ratio = (name) =>
		+median(
			results
				.filter((r) => r.variant === name)
				.map((r) => r.rps / results.find((t) => t.round === r.round && t.variant === names[0]).rps)
		).toFixed(2);
	return { names, results, byVariant, ratio };
}
