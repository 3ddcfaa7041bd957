/** The executable behind `discord-gateway` (built to dist/cli.js with a shebang). */
import { main } from './main.js';

await main();
