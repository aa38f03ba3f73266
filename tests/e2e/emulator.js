#!/usr/bin/env node
// The Bot API emulator for the end-to-end tests: telegram-test-api on 127.0.0.1.
//
//   node emulator.js [port]
//
// Port 0 (the default) asks the system for a free port. Prints one line, "READY <port>", once it
// listens, and stops cleanly on SIGTERM or SIGINT. Nothing else goes to stdout.
'use strict';

// The package exports the class itself (module.exports = TelegramServer).
const TelegramServer = require('telegram-test-api');

const requested = Number.parseInt(process.argv[2] || '0', 10);
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  process.stderr.write(`emulator: bad port ${JSON.stringify(process.argv[2])}\n`);
  process.exit(2);
}

// telegram-test-api treats port 0 as "not given" and falls back to 9000, so a placeholder goes
// into the constructor and the real request (possibly 0) is set before start().
const server = new TelegramServer({ port: requested || 1, host: '127.0.0.1', storeTimeout: 120 });
server.config.port = requested;

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // A stuck keep-alive connection must not keep the process alive for ever.
  const force = setTimeout(() => {
    process.stderr.write(`emulator: forced exit after ${signal}\n`);
    process.exit(1);
  }, 3000);
  force.unref();
  try {
    await server.stop();
  } catch (err) {
    process.stderr.write(`emulator: error while stopping: ${err}\n`);
    process.exit(1);
  }
  process.exit(0);
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

server
  .start()
  .then(() => {
    const { port } = server.server.address();
    server.config.port = port;
    server.config.apiURL = `http://127.0.0.1:${port}`;
    process.stdout.write(`READY ${port}\n`);
  })
  .catch((err) => {
    process.stderr.write(`emulator: could not start: ${err}\n`);
    process.exit(1);
  });
