/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
import { precacheShell, routeNavigationsToShell } from './cache';
import { onMessage } from './messaging';

declare const self: ServiceWorkerGlobalScope;

precacheShell();
routeNavigationsToShell();
self.addEventListener('message', onMessage);
