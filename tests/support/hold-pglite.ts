/**
 * A second, genuine opener for lock tests: opens the embedded database in argv[2], prints
 * `ready <pid>`, and keeps it open until killed. Run with `tsx --conditions=react-server`.
 */
import { openPGlite } from '../../lib/db/pglite-driver';

const db = await openPGlite(process.argv[2]!);
process.stdout.write(`ready ${process.pid}\n`);
const stop = () => void db.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 60_000);
