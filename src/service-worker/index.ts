/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
import { clientsClaim } from 'workbox-core';
import { precacheShell, routeNavigationsToShell } from './cache';
import { onMessage } from './messaging';
import { onNotificationClick, onPush } from './push';

declare const self: ServiceWorkerGlobalScope;

// The first visit's page is taken under control at once, so it works offline without a reload.
clientsClaim();
precacheShell();
routeNavigationsToShell();
self.addEventListener('message', onMessage);
self.addEventListener('push', onPush);
self.addEventListener('notificationclick', onNotificationClick);
