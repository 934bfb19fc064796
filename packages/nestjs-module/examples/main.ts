// Starts the quick start (examples/quick-start.ts); @nestjs/config reads the settings from the
// environment or a .env file.
import { createApp } from './quick-start.js';

const port = Number(process.env.PORT ?? 3000);
const app = await createApp();
await app.listen(port, '127.0.0.1');
