/** Child processes of the stack: spawned with their output in a log, stopped for certain. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Spawns `command` with output sent line by line to `log`; `stop()` ends it, SIGKILL after 5 s. */
export function run(command, args, { env, log, cwd }) {
	// Its own process group, so a Ctrl-C in the terminal reaches only the stack, which stops
	// the children in order instead of all of them dying at once.
	const child = spawn(command, args, {
		env,
		cwd,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	const forward = (chunk) => {
		for (const line of chunk.toString().split('\n')) if (line.trim()) log(line);
	};
	child.stdout.on('data', forward);
	child.stderr.on('data', forward);
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	return {
		child,
		exited,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
	};
}

/** Polls `url` until it answers 2xx, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(url, { proc, name, timeoutMs = 20_000 }) {
	const deadline = Date.now() + timeoutMs;
	let exited = null;
	proc?.exited.then((result) => (exited = result));
	while (Date.now() < deadline) {
		if (exited)
			throw new Error(`${name} exited (code ${exited.code}) before it was ready; see its log.`);
		try {
			const response = await fetch(url);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`${name} was not ready after ${timeoutMs / 1000} s; see its log.`);
}

/** Whether 127.0.0.1:`port` can be listened on now: null, or the listen error. */
function tryListen(port) {
	return new Promise((resolve) => {
		const probe = createServer();
		probe.once('error', resolve);
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(null)));
	});
}

/**
 * Resolves when nothing listens on 127.0.0.1:`port`; rejects with a message naming the service.
 * A port in the ephemeral range can be briefly held by a closing connection, so a busy port is
 * tried again for a few seconds before it counts as taken.
 */
export async function assertPortFree(port, service, { patienceMs = 5000 } = {}) {
	const deadline = Date.now() + patienceMs;
	for (;;) {
		const error = await tryListen(port);
		if (!error) return;
		if (error.code !== 'EADDRINUSE') {
			throw new Error(`Cannot listen on port ${port} (${service}): ${error.message}`);
		}
		if (Date.now() >= deadline) {
			throw new Error(
				`Port ${port} (${service}) is already in use. Is another Vafa stack or \`supabase start\` running? Stop it, or choose other ports (VAFA_PORT_BASE).`
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
