// Server push of "the figures changed" (GET /api/v1/stats/stream, Server-Sent Events). The wall re-fetches on each
// `stats` event; after a broken connection it reconnects and re-fetches once, since events may have been missed.
import { useEffect, useRef, useState } from 'react';
import { useFetch } from '../ui.tsx';

export interface Live {
  connected: boolean;
  revision: number;
  updatedAt: Date | null;
}

const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

export function useStatsStream(url = '/api/v1/stats/stream'): Live {
  const [live, setLive] = useState<Live>({ connected: false, revision: 0, updatedAt: null });
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let everConnected = false;
    const bump = () => setLive((l) => ({ connected: true, revision: l.revision + 1, updatedAt: new Date() }));
    const open = () => {
      source = new EventSource(url, { withCredentials: true });
      source.onopen = () => {
        failures = 0;
        if (everConnected)
          bump(); // back after a break: catch up
        else setLive((l) => ({ ...l, connected: true }));
        everConnected = true;
      };
      source.addEventListener('stats', bump);
      source.onerror = () => {
        setLive((l) => ({ ...l, connected: false }));
        // The browser retries by itself while the connection is CONNECTING; when it gave up (CLOSED), we retry.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(open, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
        }
      };
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [url]);
  return live;
}

/** useFetch that fetches again (keeping the figures on screen meanwhile) whenever `revision` changes. */
export function useLiveFetch<T>(path: string | null, revision: number) {
  const res = useFetch<T>(path);
  const shown = useRef(revision);
  const { reload } = res;
  useEffect(() => {
    if (revision === shown.current) return;
    shown.current = revision;
    void reload();
  }, [revision, reload]);
  return res;
}
