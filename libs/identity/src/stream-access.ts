import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { RequestWithActor } from '@shecun/core';
import { filter, from, interval, mergeMap, Observable, take } from 'rxjs';
import { Authenticator } from './authenticator';
import { DEFAULT_STREAMS_PER_USER, IDENTITY_OPTIONS, IdentityOptions } from './identity.options';

/** How often an open stream checks that its caller still has access. */
export const STREAM_ACCESS_CHECK_MS = 500;

export interface StreamLease {
  /** Emits once when the caller's access ends (session ended, grant revoked, credentials changed, token expired). */
  ended: Observable<void>;
  /** Gives the slot back; call when the stream closes. */
  release: () => void;
}

/**
 * Long-lived responses (Server-Sent Events) outlive the check made when they began: a lease caps
 * the streams a user holds open at once (429 beyond it) and re-checks the caller's token twice a
 * second, so a stream closes within a second of logout, revocation or a password change.
 */
@Injectable()
export class StreamAccess {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly authenticator: Authenticator,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  get maxPerUser(): number {
    return this.options.streamsPerUser ?? DEFAULT_STREAMS_PER_USER;
  }

  /** Open streams per user on this instance. */
  openStreams(userId: string): number {
    return this.open.get(userId) ?? 0;
  }

  lease(request: RequestWithActor): StreamLease {
    const userId = request.actor?.id;
    const authorization = request.header('authorization');
    if (!userId || !authorization) throw new UnauthorizedException('请先登录 (sign in first)');
    const held = this.openStreams(userId);
    if (held >= this.maxPerUser) {
      throw new HttpException(
        `同时打开的事件流已达上限 ${this.maxPerUser} 个，请关闭其他页面后重试 (at most ${this.maxPerUser} open event streams per user; close one and retry)`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.open.set(userId, held + 1);
    let released = false;
    const requestedGrant = request.header('x-grant-id');
    const ended = interval(STREAM_ACCESS_CHECK_MS).pipe(
      mergeMap(
        () =>
          from(
            this.authenticator.authenticate(authorization, requestedGrant).then(
              () => false,
              // A refused token ends the stream; a passing database error does not.
              (error) => error instanceof UnauthorizedException,
            ),
          ),
        1,
      ),
      filter((refused) => refused),
      take(1),
      mergeMap(() => [undefined as void]),
    );
    return {
      ended,
      release: () => {
        if (released) return;
        released = true;
        const left = this.openStreams(userId) - 1;
        if (left > 0) this.open.set(userId, left);
        else this.open.delete(userId);
      },
    };
  }
}
