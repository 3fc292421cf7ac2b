// Runs every graphql-http server audit against the GraphQL endpoint given as the only argument
// and prints one JSON array: [{id, name, status: "ok" | "notice" | "warn" | "error", reason}].
// Exit code 0 whatever the results (the pytest test judges them); 2 on wrong usage.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/graphql_http_audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = [];
// One audit at a time: the server under test is a single worker, and the order is stable.
for (const { id, name, fn } of serverAudits({ url, fetchFn: globalThis.fetch })) {
  try {
    const result = await fn();
    results.push({
      id,
      name,
      status: result.status,
      reason: result.status === 'ok' ? '' : result.reason,
    });
  } catch (error) {
    // An audit throws only on a fatal problem, such as the server not answering at all.
    results.push({ id, name, status: 'error', reason: `audit crashed: ${error}` });
  }
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
