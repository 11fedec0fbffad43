/** Process entry of the plugin (the bundle's entry point). Importing this module starts the plugin. */
import { main } from './main.js';

main().catch((e: unknown) => {
  process.stderr.write(`terraform-provider-logto: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
