// The live wall: Server-Sent Events pushed when dossier or feedback events have been committed (the counters change in
// the same transactions, so a push always follows a commit). One poller per database while anyone listens, whatever the
// number of screens: every 500 ms it counts each table's events committed above a bound that trails a minute behind, so
// an event whose transaction commits after a later one's is still seen; writers update nothing for it.
import type { ServerResponse } from 'node:http';
import type { Queryable } from '../db/index.ts';
import type { Committed } from '../db/change-signal.ts';
import { dossierEventsSignal } from '../dossiers/service.ts';
import { feedbackEventsSignal } from '../feedback/stats.ts';

/** The events tables whose commits change what the wall shows. */
const SOURCES: { committed: (db: Queryable, after: string, next: string) => Promise<Committed>; back: (db: Queryable, n: number) => Promise<string> }[] = [
  dossierEventsSignal,
  feedbackEventsSignal,
];

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** How far the bound trails: a transaction open longer than this between its event and its commit is seen with the next event. */
const TRAIL_MS = 60_000;
/** Where the first bound starts: this many events back, so transactions in flight when the first screen connects are seen. */
const START_BACK = 1000;

/** Per source: events above `after` counted at the last poll; the newest id seen, and when, becomes the next bound. */
interface Bound {
  after: string;
  count: number;
  next: { id: string; at: number };
}
interface Channel {
  clients: Set<ServerResponse>;
  revision: number;
  poll: NodeJS.Timeout;
  heartbeat: NodeJS.Timeout;
  busy: boolean;
  bounds: Bound[];
}
const channels = new Map<Queryable, Channel>();

const send = (res: ServerResponse, revision: number) => res.write(`event: stats\ndata: ${JSON.stringify({ revision, at: new Date().toISOString() })}\n\n`);

/** One poll (never two at once): pushes when events were committed since the last one; moves the bound once a minute. */
async function poll(db: Queryable, channel: Channel) {
  if (channel.busy) return;
  channel.busy = true;
  try {
    const seen = await Promise.all(SOURCES.map((source, i) => source.committed(db, channel.bounds[i].after, channel.bounds[i].next.id)));
    if (seen.some(({ above }, i) => above !== channel.bounds[i].count)) {
      channel.revision++;
      for (const c of channel.clients) send(c, channel.revision);
    }
    seen.forEach(({ above, aboveNext, maxId }, i) => {
      const bound = channel.bounds[i];
      bound.count = above;
      if (Date.now() - bound.next.at >= TRAIL_MS) {
        // The count above the new bound comes from the same snapshot: nothing committed in between is lost.
        bound.after = bound.next.id;
        bound.count = aboveNext;
        bound.next = { id: maxId, at: Date.now() };
      }
    });
  } finally {
    channel.busy = false;
  }
}

async function openChannel(db: Queryable): Promise<Channel> {
  const bounds = await Promise.all(
    SOURCES.map(async (source): Promise<Bound> => {
      const after = await source.back(db, START_BACK);
      const { above, maxId } = await source.committed(db, after, after);
      return { after, count: above, next: { id: maxId, at: Date.now() } };
    }),
  );
  const existing = channels.get(db);
  if (existing) return existing; // another screen opened it meanwhile
  const channel: Channel = {
    clients: new Set(),
    revision: 0,
    busy: false,
    bounds,
    // A failed poll (database restarting) is retried on the next tick.
    poll: setInterval(() => {
      poll(db, channel).catch(() => undefined);
    }, POLL_MS),
    heartbeat: setInterval(() => {
      for (const c of channel.clients) c.write(': heartbeat\n\n');
    }, HEARTBEAT_MS),
  };
  channels.set(db, channel);
  return channel;
}

function closeIfIdle(db: Queryable, channel: Channel) {
  if (channel.clients.size || channels.get(db) !== channel) return;
  clearInterval(channel.poll);
  clearInterval(channel.heartbeat);
  channels.delete(db);
}

/** Keeps `res` open as an event stream until the client goes away; the first event tells the current revision. */
export async function subscribe(db: Queryable, res: ServerResponse): Promise<void> {
  let gone = false;
  let joined: Channel | null = null;
  res.on('close', () => {
    gone = true;
    if (joined) {
      joined.clients.delete(res);
      closeIfIdle(db, joined);
    }
  });
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const channel = channels.get(db) ?? (await openChannel(db));
  if (gone) {
    closeIfIdle(db, channel);
    return;
  } // the client left while the channel was opening
  joined = channel;
  channel.clients.add(res);
  send(res, channel.revision);
}
