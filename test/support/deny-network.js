// Preloaded (NODE_OPTIONS=--require) into every Node process of a test synth: any TCP
// connection or DNS lookup fails loudly, so a synth that needs the network fails the test.
// Unix sockets stay allowed: tools talk to their own child processes through them.
const net = require('net');
const dns = require('dns');

function denied(what) {
  const error = new Error(`network access denied during offline synth: ${what}`);
  error.code = 'EOFFLINE';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (options.path === undefined && (options.port !== undefined || options.host !== undefined)) {
    process.stderr.write(`[deny-network] ${options.host ?? 'localhost'}:${options.port}\n`);
    throw denied(`${options.host ?? 'localhost'}:${options.port}`);
  }
  return connect.apply(this, args);
};
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  dns[name] = (host) => {
    process.stderr.write(`[deny-network] dns ${host}\n`);
    throw denied(`dns ${host}`);
  };
}
