// The load generator, in a process of its own so it takes no CPU from the hub it measures:
// autocannon with the options given as JSON in argv[2]; prints its result as one JSON line.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}') as autocannon.Options;
const result = await autocannon(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
