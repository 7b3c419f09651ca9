// Runs before every test file: decoded events are shared by every reader of a message in a
// process (writers/log/decode-cache.ts), so a read model, reactor or fan-out that changed one
// would change it for the others. Frozen here, such a change throws in the test that makes it.
import { freezeDecodedEvents } from '../writers/log/decode-cache.ts';

freezeDecodedEvents(true);
