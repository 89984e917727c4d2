// npm run sim:dvcqg — the national portal's simulator on SIM_DVCQG_PORT, admitting the configured account (or the
// development one). Point the platform at it with DVCQG_URL=http://127.0.0.1:<port>.
import { loadConfigOrExit } from '../config.ts';
import { startPortalSimulator } from './simulator.ts';

const config = loadConfigOrExit();
const sim = await startPortalSimulator({ port: config.nationalSimulator.port, accounts: config.nationalSimulator.accounts });
console.log(`Cổng DVCQG mô phỏng: ${sim.url} — tài khoản được nhận: ${Object.keys(config.nationalSimulator.accounts).join(', ')}`);
