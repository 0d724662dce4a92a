/** POST /functions/v1/checkout: a cashier checks a member out (contract: issue 4). */
import { handleCheckout } from '../_shared/checkout/handlers.ts';
import { serviceClient } from '../_shared/supabase.ts';

Deno.serve((request) => handleCheckout(request, (fn, args) => serviceClient().rpc(fn, args)));
