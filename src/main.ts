// Entry point of `npm start`: the platform with the demo province on embedded PostgreSQL (or DATABASE_URL).
import { loadConfigOrExit } from './config.ts';
import { DEMO_PASSWORD } from './demo/seed.ts';
import { startServer } from './server.ts';
import { DEMO_CITIZENS } from './idp/demo-citizens.ts';

const config = loadConfigOrExit();
// Production runs the compiled server: no TypeScript loader compiling modules in memory at start and in the workers.
if (config.production && import.meta.url.endsWith('.ts')) {
  console.error('NODE_ENV=production chạy bản đã biên dịch: npm run build rồi npm run start:production (node dist/main.js).');
  process.exit(78);
}
const started = Date.now();
const { app, db, url, demoLogins } = await startServer(config, { logger: config.logLevel !== 'silent' });

console.log(
  `\ncongso đang chạy tại ${url}  (cơ sở dữ liệu: ${db.kind}${db.kind === 'pglite' ? `, ${config.database.dataDir}` : ''}; khởi động ${Date.now() - started} ms)`,
);
console.log(`  Cổng dịch vụ công: ${url}/    Quản trị: ${url}/dang-nhap    API: ${url}/docs`);
if (config.demoData) {
  console.log(`  Tài khoản dùng thử (mật khẩu ${DEMO_PASSWORD}):`);
  for (const l of demoLogins) {
    console.log(`    ${l.username.padEnd(22)} ${l.roles.join(', ').padEnd(18)} ${l.agency}`);
  }
}
if (app.citizenOidc.local) {
  console.log(`  Công dân đăng nhập tại ${url}/cong-dan/dang-nhap qua nhà cung cấp định danh thử nghiệm ${app.citizenOidc.local.issuer}`);
  console.log('  (thay cho VNeID khi phát triển; chọn một công dân hoặc nhập số định danh 12 chữ số bất kỳ):');
  for (const c of DEMO_CITIZENS) console.log(`    ${c.idNumber}  ${c.fullName.padEnd(18)} mức ${c.level}`);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
