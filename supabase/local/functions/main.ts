/**
 * The local edge runtime: serves every function in supabase/functions at /<name>/…, as Supabase's
 * edge runtime does behind /functions/v1. Each function's index.ts calls Deno.serve(handler) exactly
 * as it would when deployed; here that call registers the handler with this router instead.
 */
type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const functionsDir =
	Deno.env.get('VAFA_FUNCTIONS_DIR') ?? new URL('../../functions/', import.meta.url).pathname;
const port = Number(Deno.env.get('VAFA_FUNCTIONS_PORT') ?? 54332);
const handlers = new Map<string, Handler>();
const loading = new Map<string, Promise<Handler>>();
let registering: string | null = null;
let registered: Handler | null = null;

const serve = Deno.serve;

function captureHandler(...args: unknown[]): Deno.HttpServer {
	const [first, second] = args;
	const handler = (
		typeof first === 'function' ? first : (second ?? (first as { handler?: Handler })?.handler)
	) as Handler | undefined;
	if (!registering || typeof handler !== 'function') {
		throw new Error('Deno.serve was called outside of a function module load');
	}
	registered = handler;
	return {
		finished: new Promise<void>(() => {}),
		addr: { transport: 'tcp', hostname: '127.0.0.1', port },
		ref() {},
		unref() {},
		shutdown: async () => {},
		[Symbol.asyncDispose]: async () => {}
	} as unknown as Deno.HttpServer;
}
(Deno as unknown as { serve: typeof captureHandler }).serve = captureHandler;

let queue: Promise<unknown> = Promise.resolve();

/** Imports a function module once; loads run one at a time so each Deno.serve call is attributed. */
function load(name: string): Promise<Handler> {
	const known = loading.get(name);
	if (known) return known;
	const promise = (queue = queue.then(async () => {
		registering = name;
		registered = null;
		try {
			await import(`file://${functionsDir}${name}/index.ts`);
			if (!registered)
				throw new Error(`supabase/functions/${name}/index.ts never called Deno.serve`);
			handlers.set(name, registered);
			return registered as Handler;
		} finally {
			registering = null;
		}
	})) as Promise<Handler>;
	loading.set(name, promise);
	promise.catch(() => loading.delete(name));
	return promise;
}

function json(status: number, body: unknown): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

async function exists(name: string): Promise<boolean> {
	if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name)) return false;
	try {
		return (await Deno.stat(`${functionsDir}${name}/index.ts`)).isFile;
	} catch {
		return false;
	}
}

serve(
	{
		hostname: '127.0.0.1',
		port,
		onListen: () => console.log(`edge runtime listening on 127.0.0.1:${port}`)
	},
	async (request, info) => {
		const name = new URL(request.url).pathname.split('/')[1] ?? '';
		if (name === '_health') return json(200, { status: 'ok' });
		if (!(await exists(name))) {
			return json(404, { code: 'NOT_FOUND', message: `No function named "${name}".` });
		}
		let handler: Handler;
		try {
			handler = handlers.get(name) ?? (await load(name));
		} catch (error) {
			console.error(`[${name}] failed to load:`, error);
			return json(500, { code: 'BOOT_ERROR', message: `Function "${name}" failed to start.` });
		}
		const started = performance.now();
		try {
			const response = await handler(request, info);
			console.log(
				`[${name}] ${request.method} ${response.status} ${Math.round(performance.now() - started)}ms`
			);
			return response;
		} catch (error) {
			console.error(`[${name}] uncaught error:`, error);
			return json(500, { code: 'WORKER_ERROR', message: `Function "${name}" failed.` });
		}
	}
);
