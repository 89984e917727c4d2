import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { DOSSIER_EVENT_HOOKS } from '../dossier-hooks.ts';
import { setDossierEventHooks } from '../dossiers/hooks.ts';
import { agencyIds, eachDatabase, signIn, type Requester } from '../testing/harness.ts';
import { LogTransport, SmtpEmailTransport, startNotificationWorker, useNotificationLinks, type EmailMessage, type Logger } from './service.ts';
import { renderNotification, unaccent, vnd, messageDateTime, type NotificationKind } from './templates.ts';

const PUBLIC_URL = 'https://dichvucong.cantho.gov.vn';
useNotificationLinks(PUBLIC_URL);

/** An in-process SMTP server on 127.0.0.1 and a random port; keeps every message it receives. */
async function smtpSink() {
  const received: { raw: Buffer; rcpt: string[] }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * An SMTP server that, like a real one, takes responsibility for a message only when it answers 250 after the
 * data: it holds that answer `holdMs` and drops the message if the client's connection closes meanwhile.
 */
async function holdingSmtpSink(holdMs: number, onHold: () => void) {
  const accepted: { messageId: string; rcpt: string[] }[] = [];
  const closed = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        onHold();
        await new Promise((r) => setTimeout(r, holdMs));
        if (closed.has(session.id)) return callback(new Error('connection closed'));
        const mail = await PostalMime.parse(Buffer.concat(chunks));
        accepted.push({ messageId: mail.messageId ?? '', rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { accepted, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const capture = () => {
  const lines: Record<string, any>[] = [];
  const logger: Logger = { info: (o) => lines.push(o as Record<string, any>), warn: () => {} };
  return { lines, logger };
};

test('templates: Vietnamese in NFC, Vietnam time, VND amounts, short texts within 160 characters', () => {
  const due = new Date('2026-11-23T10:00:00Z'); // 17:00 in Vietnam
  assert.equal(messageDateTime(due), '17:00 ngày 23/11/2026');
  assert.equal(messageDateTime(new Date('2026-11-22T18:30:00Z')), '01:30 ngày 23/11/2026');
  assert.equal(vnd(50000), '50.000 đồng');
  assert.equal(vnd(1250000), '1.250.000 đồng');
  assert.equal(vnd(500), '500 đồng');
  assert.equal(unaccent('Đăng ký khai sinh – Hẹn trả'), 'Dang ky khai sinh – Hen tra');
  const kinds: NotificationKind[] = ['received', 'supplement_requested', 'payment_requested', 'rescheduled', 'result_ready', 'returned', 'refused', 'stopped'];
  for (const kind of kinds) {
    const m = renderNotification({
      kind,
      code: 'H13.102-261122-0001',
      procedureName: 'Đăng ký khai sinh',
      applicantName: 'Nguyễn Thị Ánh Tuyết',
      lookupUrl: `${PUBLIC_URL}/tra-cuu/H13.102-261122-0001`,
      dueAt: due,
      reasons: ['Bổ sung bản sao Giấy chứng sinh'],
      amount: 50000,
      method: 'counter',
    });
    for (const s of [m.email.subject, m.email.text, m.zalo, m.sms]) assert.equal(s, s.normalize('NFC'), kind);
    assert.ok(m.email.subject.includes('H13.102-261122-0001'), kind);
    assert.ok(m.email.text.includes('Kính gửi Ông/Bà Nguyễn Thị Ánh Tuyết'), kind);
    assert.ok(m.sms.length <= 160 && m.zalo.length <= 160, `${kind}: ${m.sms.length} / ${m.zalo.length}`);
    assert.match(m.sms, /^[\x20-\x7e]+$/, `${kind}: SMS without diacritics: ${m.sms}`);
    assert.ok(m.sms.includes('H13.102-261122-0001') && m.zalo.includes('H13.102-261122-0001'), kind);
  }
  const payment = renderNotification({ kind: 'payment_requested', code: 'X-1', procedureName: 'P', applicantName: 'A', lookupUrl: 'u', amount: 50000 });
  assert.match(payment.email.subject, /50\.000 đồng/);
  assert.match(payment.sms, /50\.000 dong/);
  const later = renderNotification({
    kind: 'rescheduled',
    code: 'X-1',
    procedureName: 'P',
    applicantName: 'A',
    lookupUrl: 'u',
    dueAt: due,
    reasons: ['Chờ kết quả xác minh'],
  });
  assert.match(later.email.text, /Thời gian hẹn trả kết quả mới: 17:00 ngày 23\/11\/2026\./);
  assert.match(later.email.text, /Lý do: Chờ kết quả xác minh\./);
});

eachDatabase('notifications', { demo: true }, (ctx) => {
  let ids: Record<string, string>;
  let procedureId: string;
  let counter: Requester;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const formData = {
    hoTenTre: 'Trần Minh Khang',
    ngaySinh: '2026-11-01',
    gioiTinh: 'Nam',
    noiSinh: 'Bệnh viện Phụ sản Cần Thơ',
    hoTenMe: 'Nguyễn Thị Ánh Tuyết',
    soDinhDanhNguoiYeuCau: '092190001234',
  };
  const applicant = (extra: Record<string, string>) => ({ name: 'Nguyễn Thị Ánh Tuyết', idNumber: '092190001234', ...extra });

  before(async () => {
    ids = await agencyIds(ctx.db);
    procedureId = (await ctx.app.inject({ url: '/api/v1/procedures/1.001193' })).json().id;
    counter = await signIn(ctx.app, 'caikhe.motcua');
    smtp = await smtpSink();
  });
  after(async () => {
    await smtp?.close();
  });

  /** At the counter: submitted and received in one transaction. */
  const submitAtCounter = async (contact: Record<string, string>) => {
    const res = await counter({
      method: 'POST',
      url: '/api/v1/dossiers',
      payload: { procedureId, agencyId: ids['H13.102'], applicant: applicant(contact), formData, channel: 'counter', files: [] },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; code: string };
  };
  const outbox = (dossierId: string) => ctx.db.query('SELECT * FROM notification_outbox WHERE dossier_id = $1 ORDER BY id', [dossierId]);
  /** Everything already queued is delivered to a sink, so that each test sees only its own rows. */
  const drain = async () => {
    const sink = { send: async () => {} };
    const w = startNotificationWorker(ctx.db, {
      intervalMs: 0,
      transports: { email: sink, sms: sink, zalo: sink },
      now: () => new Date(Date.now() + 3600_000),
    });
    while (await w.runOnce());
    await w.stop();
  };

  test('received: the email reaches a real SMTP server with the Vietnamese subject and body; SMS and Zalo go to the log', async () => {
    await drain();
    const { id, code } = await submitAtCounter({ email: 'tuyet.nguyen@example.vn', phone: '0912 345 678' });
    const rows = await outbox(id);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.channel, r.recipient, r.status]),
      [
        ['received', 'email', 'tuyet.nguyen@example.vn', 'pending'],
        ['received', 'sms', '0912345678', 'pending'],
        ['received', 'zalo', '0912345678', 'pending'],
      ],
    );
    const [dossier] = await ctx.db.query('SELECT due_at FROM dossiers WHERE id = $1', [id]);
    const appointment = messageDateTime(new Date(dossier.due_at));

    const sms = capture();
    const zalo = capture();
    const worker = startNotificationWorker(ctx.db, {
      intervalMs: 0,
      logger: sms.logger,
      transports: {
        email: new SmtpEmailTransport(smtp.url, 'Dịch vụ công Cần Thơ <no-reply@cantho.gov.vn>'),
        sms: new LogTransport('sms', sms.logger),
        zalo: new LogTransport('zalo', zalo.logger),
      },
    });
    assert.equal(await worker.runOnce(), 3);
    assert.equal(await worker.runOnce(), 0, 'nothing twice');
    await worker.stop();

    assert.equal(smtp.received.length, 1);
    assert.deepEqual(smtp.received[0].rcpt, ['tuyet.nguyen@example.vn']);
    const mail = await PostalMime.parse(smtp.received[0].raw);
    assert.equal(mail.subject, `Hồ sơ ${code} đã được tiếp nhận`);
    assert.equal(mail.from?.address, 'no-reply@cantho.gov.vn');
    const text = mail.text ?? '';
    assert.ok(text.includes('Kính gửi Ông/Bà Nguyễn Thị Ánh Tuyết'), text);
    assert.ok(text.includes(`Mã hồ sơ: ${code}`), text);
    assert.ok(text.includes('Thủ tục: Đăng ký khai sinh'), text);
    assert.ok(text.includes(`Thời gian hẹn trả kết quả: ${appointment}.`), text);
    assert.match(appointment, /^\d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}$/);
    assert.ok(text.includes(`${PUBLIC_URL}/tra-cuu/${code}`), text);
    assert.match(mail.messageId ?? '', new RegExp(`^<notification-${rows[0].id}\\.`));

    assert.equal(sms.lines.length, 1);
    assert.equal(sms.lines[0].to, '0912345678');
    assert.equal(
      sms.lines[0].message,
      `Ho so ${code} da duoc tiep nhan. Hen tra ket qua: ${appointment.replace('ngày', 'ngay')}. Tra cuu: ${PUBLIC_URL}/tra-cuu/${code}`,
    );
    assert.ok(sms.lines[0].message.length <= 160);
    assert.match(zalo.lines[0].message, new RegExp(`^Hồ sơ ${code.replaceAll('.', '\\.')} đã được tiếp nhận\\.`));

    const after = await outbox(id);
    assert.deepEqual(
      after.map((r) => [r.status, r.attempts]),
      [
        ['sent', 1],
        ['sent', 1],
        ['sent', 1],
      ],
    );
    assert.ok(after.every((r) => r.sent_at));
  });

  test('the outbox is written in the same transaction as the change: a failed action writes no row', async () => {
    await drain();
    const { id } = await submitAtCounter({ phone: '0987654321' });
    assert.equal((await outbox(id)).length, 2, 'sms and zalo, no email address');

    // An invalid transition fails before anything is written.
    const again = await counter({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'accept' } });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, 'INVALID_TRANSITION');
    assert.equal((await outbox(id)).length, 2);

    // A failure after the outbox rows were written (a later hook) rolls them back with the change and its event.
    setDossierEventHooks([
      ...DOSSIER_EVENT_HOOKS,
      async () => {
        throw new Error('hook failure for the test');
      },
    ]);
    try {
      const stop = await counter({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'stop', reason: 'Thử nghiệm' } });
      assert.equal(stop.statusCode, 500, stop.body);
    } finally {
      setDossierEventHooks(DOSSIER_EVENT_HOOKS);
    }
    assert.equal((await outbox(id)).length, 2);
    const [d] = await ctx.db.query('SELECT status FROM dossiers WHERE id = $1', [id]);
    assert.equal(d.status, 2);

    // The same action now succeeds and tells the citizen, once per channel.
    const stop = await counter({ method: 'POST', url: `/api/v1/dossiers/${id}/actions`, payload: { action: 'stop', reason: 'Công dân đề nghị dừng' } });
    assert.equal(stop.statusCode, 200, stop.body);
    const rows = await outbox(id);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.channel]),
      [
        ['received', 'sms'],
        ['received', 'zalo'],
        ['stopped', 'sms'],
        ['stopped', 'zalo'],
      ],
    );
    assert.match(rows[2].body, /da dung xu ly\. Ly do: Cong dan de nghi dung\./);

    // No contact, no message; events that do not matter to the citizen write nothing.
    const silent = await submitAtCounter({});
    assert.equal((await outbox(silent.id)).length, 0);
  });

  test('retries with exponential backoff: a transport that fails twice then succeeds', async () => {
    await drain();
    const { id } = await submitAtCounter({ email: 'retry@example.vn' });
    let t = Date.now() + 1000;
    let calls = 0;
    const flaky = {
      async send(_m: EmailMessage) {
        calls += 1;
        if (calls <= 2) throw new Error(`SMTP 451 tạm thời lỗi (${calls})`);
      },
    };
    const worker = startNotificationWorker(ctx.db, { intervalMs: 0, transports: { email: flaky }, now: () => new Date(t), logger: capture().logger });
    const row = async () => (await outbox(id))[0];

    assert.equal(await worker.runOnce(), 1);
    let r = await row();
    assert.deepEqual([r.status, r.attempts, r.last_error], ['pending', 1, 'SMTP 451 tạm thời lỗi (1)']);
    assert.equal(new Date(r.next_attempt_at).getTime(), t + 60_000, '1 minute after the first failure');

    t += 59_000;
    assert.equal(await worker.runOnce(), 0, 'not due yet');
    t += 1000;
    assert.equal(await worker.runOnce(), 1);
    r = await row();
    assert.deepEqual([r.status, r.attempts], ['pending', 2]);
    assert.equal(new Date(r.next_attempt_at).getTime(), t + 120_000, '2 minutes after the second');

    t += 119_000;
    assert.equal(await worker.runOnce(), 0);
    t += 1000;
    assert.equal(await worker.runOnce(), 1);
    r = await row();
    assert.deepEqual([r.status, r.attempts, r.last_error, calls], ['sent', 3, null, 3]);
    assert.equal(new Date(r.sent_at).getTime(), t);
    await worker.stop();
  });

  test('gives up after the maximum number of attempts; a claimed row is leased, not sent twice', async () => {
    await drain();
    const { id } = await submitAtCounter({ email: 'never@example.vn' });
    let t = Date.now() + 1000;
    const broken = {
      async send() {
        throw new Error('550 hộp thư không tồn tại');
      },
    };
    const worker = startNotificationWorker(ctx.db, {
      intervalMs: 0,
      maxAttempts: 3,
      transports: { email: broken },
      now: () => new Date(t),
      logger: capture().logger,
    });
    for (let i = 0; i < 3; i++) {
      assert.equal(await worker.runOnce(), 1);
      t += 3600_000;
    }
    const [r] = await outbox(id);
    assert.deepEqual([r.status, r.attempts, r.last_error], ['failed', 3, '550 hộp thư không tồn tại']);
    assert.equal(await worker.runOnce(), 0);
    await worker.stop();

    // A worker that dies while sending: its lease keeps the row from a second worker until the lease ends.
    const second = await submitAtCounter({ email: 'lease@example.vn' });
    t = Date.now() + 1000;
    let release!: () => void;
    const sent: string[] = [];
    const hanging = {
      send: (m: EmailMessage) =>
        new Promise<void>((resolve) => {
          sent.push(m.messageId);
          release = resolve;
        }),
    };
    const dying = startNotificationWorker(ctx.db, { intervalMs: 0, leaseMs: 300_000, transports: { email: hanging }, now: () => new Date(t) });
    const pendingRun = dying.runOnce();
    while (!release) await new Promise((r2) => setTimeout(r2, 5));
    const other = { send: async (m: EmailMessage) => void sent.push(m.messageId) };
    const rescuer = startNotificationWorker(ctx.db, { intervalMs: 0, transports: { email: other }, now: () => new Date(t) });
    assert.equal(await rescuer.runOnce(), 0, 'leased by the first worker');
    // The first worker "dies": its send never reports back. After the lease the row is sent again with the same Message-ID.
    t += 300_000;
    assert.equal(await rescuer.runOnce(), 1);
    const [s] = await outbox(second.id);
    assert.deepEqual([s.status, s.attempts], ['sent', 1]);
    assert.equal(sent.length, 2);
    assert.equal(sent[0], sent[1], 'the same Message-ID, so the receiving side can drop the duplicate');
    release();
    await pendingRun;
    assert.equal((await outbox(second.id))[0].attempts, 1, 'the late first worker does not count a second delivery');
    await rescuer.stop();
    await dying.stop();
  });

  test('each email arrives exactly once when the worker process is killed in the middle of sending [needs a server]', {
    skip: ctx.kind !== 'postgres' && 'PGlite is one process',
  }, async () => {
    await drain();
    let worker: ChildProcess | undefined;
    let holds = 0;
    // The first message is held at the SMTP server and the worker process is killed (SIGKILL) right then.
    const sink = await holdingSmtpSink(400, () => {
      if (++holds === 1) worker?.kill('SIGKILL');
    });
    const cli = fileURLToPath(new URL('./worker-cli.ts', import.meta.url));
    const startWorker = () =>
      spawn(process.execPath, ['--import', 'tsx', cli], {
        env: { ...process.env, DATABASE_URL: ctx.url, SMTP_URL: sink.url, NOTIFY_INTERVAL_MS: '100', NOTIFY_LEASE_MS: '2000', LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      });
    const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode ? r() : p.once('exit', () => r())));
    try {
      const dossiers: { id: string; code: string }[] = [];
      for (let i = 0; i < 5; i++) dossiers.push(await submitAtCounter({ email: `kill${i}@example.vn` }));
      worker = startWorker();
      await exited(worker);
      assert.equal(worker.signalCode, 'SIGKILL', 'killed while the first message was in flight');
      assert.equal(sink.accepted.length, 0, 'the message in flight was not accepted');

      worker = startWorker();
      const rows = async () =>
        await ctx.db.query(`SELECT id, status FROM notification_outbox WHERE dossier_id = ANY($1::uuid[]) AND channel = 'email'`, [dossiers.map((d) => d.id)]);
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        if ((await rows()).every((r) => r.status === 'sent')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const final = await rows();
      assert.deepEqual(
        final.map((r) => r.status),
        Array(5).fill('sent'),
      );
      // Every event's email reached the server once: one Message-ID per outbox row, no duplicates, no losses.
      assert.deepEqual(sink.accepted.map((m) => m.rcpt[0]).sort(), dossiers.map((_, i) => `kill${i}@example.vn`).sort());
      assert.deepEqual(sink.accepted.map((m) => m.messageId.match(/^<notification-(\d+)\./)?.[1]).sort(), final.map((r) => String(r.id)).sort());
    } finally {
      worker?.kill('SIGTERM');
      if (worker) await exited(worker);
      await sink.close();
    }
  });
});
