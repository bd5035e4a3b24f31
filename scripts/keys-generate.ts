/**
 * `npm run keys:generate` — prints a new Fernet key. To rotate, put it first in ENCRYPTION_KEYS,
 * keep the old ones after it, deploy, then run `npm run keys:rotate`.
 */
import { generateFernetKey } from '../lib/tokens/fernet';

process.stdout.write(`${generateFernetKey()}\n`);
