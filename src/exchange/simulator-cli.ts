// npm run sim:gateway — the exchange gateway simulator on SIM_GATEWAY_PORT, admitting the configured system (or the
// development one). Point the platform at it with EXCHANGE_GATEWAY_URL=http://127.0.0.1:<port>.
import { loadConfigOrExit } from '../config.ts';
import { startGatewaySimulator } from './simulator.ts';

const config = loadConfigOrExit();
const sim = await startGatewaySimulator({ port: config.exchangeSimulator.port, systems: config.exchangeSimulator.systems });
console.log(`Trục liên thông mô phỏng: ${sim.url} — hệ thống được nhận: ${Object.keys(config.exchangeSimulator.systems).join(', ')}`);
