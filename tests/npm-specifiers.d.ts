/** Types for the `npm:` specifiers of Deno modules that the Node tests import (vitest aliases them). */
declare module 'npm:web-push@3' {
	import webpush from 'web-push';
	export default webpush;
}
