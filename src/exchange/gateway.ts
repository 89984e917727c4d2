// The gateway between this platform and other agencies' document systems: the national axis (Trục liên thông văn bản
// quốc gia) or a provincial LGSP. The exchange module talks to it only through Gateway, so another transport (the
// LGSP's multipart sendEdoc/updateStatus, a SOAP axis) is one more implementation. HttpGateway speaks the JSON contract
// that simulator.ts documents and serves.
export type MessageKind = 'document' | 'status';

export interface OutgoingMessage {
  /** Fixed per outbox row: a retry after a lost answer carries the same key, and the gateway keeps one copy. */
  messageKey: string;
  from: string;
  to: string;
  kind: MessageKind;
  documentId: string;
  edxml: string;
}

export interface ReceivedMessage {
  messageId: string;
  from: string;
  to: string;
  kind: MessageKind;
  documentId: string;
  edxml: string;
}

export interface Gateway {
  /** Hands one package (document or status) to the gateway; returns the gateway's id for it. */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** Packages waiting in these organisations' mailboxes (each stays there until acknowledged). */
  receive(organIds: string[], limit: number): Promise<ReceivedMessage[]>;
  /** Removes handled packages from the mailboxes. */
  acknowledge(messageIds: string[]): Promise<void>;
}

export interface GatewaySettings {
  url: string;
  systemId: string;
  /** Sent as a bearer token; never logged nor put in an error message. */
  secret: string;
  timeoutMs: number;
}

/** A refusal or failure of the gateway; the message names the operation and the status, never the credentials. */
export class GatewayError extends Error {}

/** The JSON-over-HTTP gateway (the contract in simulator.ts). */
export function httpGateway(settings: GatewaySettings): Gateway {
  const base = settings.url.replace(/\/+$/, '');
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${settings.secret}`,
          'x-system-id': settings.systemId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      // Only the cause's code (ECONNREFUSED, UND_ERR_SOCKET…): a message could quote a header, and so the secret.
      const cause = ((err as Error).cause as { code?: string } | undefined)?.code;
      throw new GatewayError(
        timedOut
          ? `Trục liên thông không trả lời sau ${settings.timeoutMs} ms (${method} ${path}).`
          : `Không kết nối được trục liên thông (${method} ${path}${cause ? `: ${cause}` : ''}).`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let code = '';
      try {
        code = String((JSON.parse(text) as { code?: string }).code ?? '');
      } catch {
        // not JSON: the status says enough
      }
      throw new GatewayError(`Trục liên thông trả lỗi ${response.status}${code ? ` ${code}` : ''} (${method} ${path}).`);
    }
    return JSON.parse(text) as T;
  }
  return {
    send: (message) => call<{ messageId: string }>('POST', '/v1/messages', message),
    async receive(organIds, limit) {
      if (!organIds.length) return [];
      const query = new URLSearchParams(organIds.map((id) => ['organId', id]));
      query.set('limit', String(limit));
      return (await call<{ messages: ReceivedMessage[] }>('GET', `/v1/messages?${query}`)).messages;
    },
    async acknowledge(messageIds) {
      if (messageIds.length) await call('POST', '/v1/messages/ack', { messageIds });
    },
  };
}
