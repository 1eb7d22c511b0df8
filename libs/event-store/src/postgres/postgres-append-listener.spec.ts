import { createServer, Server, Socket } from 'node:net';
import { AppendListener } from './postgres-append-listener';

/**
 * A LISTEN connection that cannot be made is retried with a growing pause (not hammered every
 * second): a server that drops every connection sees attempts further and further apart. Only lower
 * bounds are checked, so a busy machine cannot make the test fail.
 */
describe('AppendListener reconnects', () => {
  let server: Server;
  let port: number;
  const attempts: number[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      attempts.push(Date.now());
      sockets.add(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('waits 0.5 s, then 1 s, then 2 s between attempts that fail', async () => {
    let closed = false;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const listener = new AppendListener({ host: '127.0.0.1', port, user: 'nobody', database: 'none' }, 'appends', () => undefined, () => closed);
    try {
      await listener.start();
      const deadline = Date.now() + 15_000;
      while (attempts.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(attempts.length).toBeGreaterThanOrEqual(4);
      const gaps = attempts.slice(1, 4).map((at, i) => at - attempts[i]);
      expect(gaps[0]).toBeGreaterThanOrEqual(450);
      expect(gaps[1]).toBeGreaterThanOrEqual(950);
      expect(gaps[2]).toBeGreaterThanOrEqual(1900);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('LISTEN failed'), expect.anything());
    } finally {
      closed = true;
      await listener.end();
      warn.mockRestore();
    }
  });
});
