// The live wall: Server-Sent Events pushed when dossier events have been committed (the counters change in the same
// transactions, so a push always follows a commit). One poller per database while anyone listens, whatever the number
// of screens: every 500 ms it counts the events committed above a bound that trails a minute behind, so an event whose
// transaction commits after a later one's is still seen; writers update nothing for it.
import type { ServerResponse } from 'node:http';
import type { Queryable } from '../db/index.ts';
import { eventsAfter } from '../dossiers/service.ts';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** How far the bound trails: a transaction open longer than this between its event and its commit is seen with the next event. */
const TRAIL_MS = 60_000;

interface Channel {
  clients: Set<ServerResponse>; revision: number; poll: NodeJS.Timeout; heartbeat: NodeJS.Timeout;
  /** Events above `after` counted at the last poll; the newest id seen, and when, becomes the next bound. */
  after: string; count: number; next: { id: string; at: number };
}
const channels = new Map<Queryable, Channel>();

const send = (res: ServerResponse, revision: number) =>
  res.write(`event: stats\ndata: ${JSON.stringify({ revision, at: new Date().toISOString() })}\n\n`);

/** One poll: pushes when events were committed since the last one; moves the bound up once the newest id is old enough. */
async function poll(db: Queryable, channel: Channel) {
  const { count, maxId } = await eventsAfter(db, channel.after);
  if (count !== channel.count) {
    channel.revision++;
    for (const c of channel.clients) send(c, channel.revision);
  }
  channel.count = count;
  if (Date.now() - channel.next.at >= TRAIL_MS) {
    if (channel.next.id !== channel.after) {
      channel.after = channel.next.id;
      channel.count = (await eventsAfter(db, channel.after)).count;
    }
    channel.next = { id: maxId, at: Date.now() };
  }
}

/** Keeps `res` open as an event stream until the client goes away; the first event tells the current revision. */
export async function subscribe(db: Queryable, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let channel = channels.get(db);
  if (!channel) {
    const { maxId } = await eventsAfter(db, null);
    const created: Channel = {
      clients: new Set(), revision: 0, after: maxId, count: 0, next: { id: maxId, at: Date.now() },
      poll: setInterval(() => {
        // A failed poll (database restarting) is retried on the next tick.
        if (channels.get(db) === created) poll(db, created).catch(() => undefined);
      }, POLL_MS),
      heartbeat: setInterval(() => { for (const c of created.clients) c.write(': heartbeat\n\n'); }, HEARTBEAT_MS),
    };
    channel = channels.get(db) ?? created;
    if (channel !== created) { clearInterval(created.poll); clearInterval(created.heartbeat); }
    channels.set(db, channel);
  }
  const current = channel;
  current.clients.add(res);
  send(res, current.revision);
  res.on('close', () => {
    current.clients.delete(res);
    if (!current.clients.size && channels.get(db) === current) {
      clearInterval(current.poll); clearInterval(current.heartbeat);
      channels.delete(db);
    }
  });
}
