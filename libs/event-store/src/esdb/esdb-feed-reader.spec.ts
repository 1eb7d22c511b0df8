import { PassThrough } from 'node:stream';
import { FeedReader } from './esdb-feed-reader';

describe('FeedReader', () => {
  it('returns what is buffered up to the batch size, waits for more, and reports the end', async () => {
    const stream = new PassThrough({ objectMode: true });
    const reader = new FeedReader<number>(stream);
    [1, 2, 3].forEach((n) => stream.write(n));
    expect(await reader.next(2)).toEqual([1, 2]);
    expect(await reader.next(2)).toEqual([3]);
    const pending = reader.next(5);
    stream.write(4);
    expect(await pending).toEqual([4]);
    stream.end();
    expect(await reader.next(5)).toBe('ended');
    reader.dispose();
  });

  it('hands out items buffered before an error, then throws it', async () => {
    const stream = new PassThrough({ objectMode: true });
    const reader = new FeedReader<number>(stream);
    stream.write(1);
    const failure = new Error('dropped');
    stream.emit('error', failure); // how the client reports a gRPC failure: an emitted error, no destroy
    expect(await reader.next(5)).toEqual([1]);
    await expect(reader.next(5)).rejects.toBe(failure);
    reader.dispose();
    expect(() => stream.emit('error', new Error('late'))).not.toThrow();
  });

  it('can be interrupted while waiting', async () => {
    const reader = new FeedReader<number>(new PassThrough({ objectMode: true }));
    const pending = reader.next(5);
    reader.interrupt();
    expect(await pending).toBe('interrupted');
  });
});
