/** /functions/v1/pos/…: purchases, refunds and member look-ups for point-of-sale systems, by API key. */
import { handlePos } from '../_shared/checkout/handlers.ts';
import { serviceClient } from '../_shared/supabase.ts';

Deno.serve((request) => handlePos(request, (fn, args) => serviceClient().rpc(fn, args)));
