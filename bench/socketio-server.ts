/**
 * BASELINE for the fan-out benchmark: a plain Socket.IO server (websocket transport), viewers
 * join one room, and POST /broadcast emits one state object to the room. Never part of the product.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { settledRss } from './lib/settled-rss.ts';

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/bench/memory') {
    void settledRss().then((rss) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss })),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/broadcast') {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      io.to('sale').emit('state', JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => {
  void socket.join('sale');
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  process.stdout.write(
    `${JSON.stringify({ msg: 'flashmob is serving', address: `http://127.0.0.1:${port}` })}\n`,
  );
});
process.on('SIGTERM', () => process.exit(0));
