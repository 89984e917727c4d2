// The live wall: Server-Sent Events pushed when the statistics revision moves (it moves in the transaction of every
// counted dossier event, so a push always follows a commit). One poller per database while anyone listens: a
// single-row read every 500 ms, whatever the number of screens.
import type { ServerResponse } from 'node:http';
import type { Queryable } from '../db/index.ts';
import { statisticsRevision } from './service.ts';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

interface Channel { clients: Set<ServerResponse>; revision: number; poll: NodeJS.Timeout; heartbeat: NodeJS.Timeout }
const channels = new Map<Queryable, Channel>();

const send = (res: ServerResponse, revision: number) =>
  res.write(`event: stats\ndata: ${JSON.stringify({ revision, at: new Date().toISOString() })}\n\n`);

/** Keeps `res` open as an event stream until the client goes away; the first event tells the current revision. */
export async function subscribe(db: Queryable, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let channel = channels.get(db);
  if (!channel) {
    const created: Channel = {
      clients: new Set(), revision: await statisticsRevision(db),
      poll: setInterval(() => {
        statisticsRevision(db).then((revision) => {
          if (revision === created.revision) return;
          created.revision = revision;
          for (const c of created.clients) send(c, revision);
        }, () => undefined); // a failed poll (database restarting) is retried on the next tick
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
