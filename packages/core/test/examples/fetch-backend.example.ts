import { createFetchBackend, readBody, readResponse, requestFailure, statusOf } from '../../src/fetch.js';
import type { SessionRef, StatusResult, WppBackend } from '../../src/index.js';

// The user's functions over plain fetch: a fresh access token on every request, the anon key, nothing retried.
export function wppBackend(
  functionsUrl: string, // e.g. 'https://api.example.com/functions/v1'
  anonKey: string,
  accessToken: () => Promise<string>,
): WppBackend {
  return createFetchBackend({
    url: functionsUrl,
    headers: async () => ({ Authorization: `Bearer ${await accessToken()}`, apikey: anonKey }),
    // Plain fetch sends each request once. Never pass a helper that retries POSTs (like the app's
    // selfHostedPost): a retried wpp-create makes a second number.
    fetch: (url, init) => fetch(url, init),
  });
}

// An endpoint of your own, read the way the built-in adapters read theirs.
export async function statusFromMyApi(
  baseUrl: string,
  ref: SessionRef,
  signal: AbortSignal,
): Promise<StatusResult> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/wpp/${encodeURIComponent(ref.integrationId)}/status`, { signal });
  } catch (error) {
    throw requestFailure('my-status', error, signal); // the abort reason, or a retryable `network` error
  }
  // HTTP code → error code with the body's reason; empty, HTML or broken JSON → `bad_response`.
  const body = readBody('my-status', await readResponse('my-status', response));
  return statusOf('my-status', body, ref); // the platform's words → 'connected' | 'qr_issued' | …
}
